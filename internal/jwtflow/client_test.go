package jwtflow

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestRedactURL(t *testing.T) {
	for raw, want := range map[string]string{
		"https://acme.my.salesforce.com/services/oauth2/token": "https://acme.my.salesforce.com/services/oauth2/token",
		"https://u:p@acme.my.salesforce.com/x":                 "https://acme.my.salesforce.com/x",
		"https://h/x?access_token=abc&q=SELECT+Id":             "https://h/x?access_token=REDACTED&q=SELECT+Id",
		"https://h/x?Assertion=eyJ&code=1":                     "https://h/x?Assertion=REDACTED&code=REDACTED",
	} {
		u, _ := url.Parse(raw)
		if got := RedactURL(u); got != want {
			t.Errorf("RedactURL(%q) = %q, want %q", raw, got, want)
		}
	}
}

func TestHTTPClientTrace(t *testing.T) {
	ts := newTokenServer(t, func(_ int, _ Claims, w http.ResponseWriter) { okAnswer(w) })
	var traces []RequestTrace
	req := testRequest(t, ts.URL)
	req.Client = NewHTTPClient(func(tr RequestTrace) { traces = append(traces, tr) })
	if _, err := Login(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	if len(traces) != 1 {
		t.Fatalf("%d traces, want 1", len(traces))
	}
	tr := traces[0]
	if tr.Method != "POST" || tr.URL != ts.URL+"/services/oauth2/token" || tr.Status != 200 ||
		tr.Err != nil || tr.Duration <= 0 {
		t.Errorf("trace %+v", tr)
	}
}

// TestHTTPClientVerifiesTLS: a server whose certificate no trusted CA signed
// is refused.
func TestHTTPClientVerifiesTLS(t *testing.T) {
	ts := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		okAnswer(w)
	}))
	defer ts.Close()
	req := testRequest(t, ts.URL)
	req.Timeout = 20 * time.Second
	_, err := Login(context.Background(), req)
	var ue *UnreachableError
	if !errors.As(err, &ue) || !ue.Untrusted || len(ue.Attempts) != 1 ||
		!strings.Contains(ue.Hint(), "SSL_CERT_FILE") {
		t.Fatalf("err = %v, want a certificate error", err)
	}
}

func TestHTTPClientDoesNotFollowRedirects(t *testing.T) {
	c := NewHTTPClient(nil)
	if c.CheckRedirect == nil || c.CheckRedirect(nil, nil) != http.ErrUseLastResponse {
		t.Error("the client follows redirects")
	}
}
