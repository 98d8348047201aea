package jwtflow

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestArticle(t *testing.T) {
	for word, want := range map[string]string{"application/json": "an", "text/html": "a",
		"image/png": "an", "multipart/mixed": "a", "": "a"} {
		if got := article(word); got != want {
			t.Errorf("article(%q) = %q, want %q", word, got, want)
		}
	}
	o := outcome{status: 200, contentType: "application/json"}
	if got := describeNotJSON(o); !strings.Contains(got, "with an application/json answer") {
		t.Errorf("describeNotJSON = %q", got)
	}
}

// TestNetErrorsAreStable: a connection reset reads the same on every
// attempt, without the local port that changes from one to the next.
func TestNetErrorsAreStable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.(*net.TCPConn).SetLinger(0) // close with a reset
			c.Close()
		}
	}()
	req := testRequest(t, "http://"+ln.Addr().String())
	req.Timeout = time.Second // room for several attempts on a loaded machine
	req.Backoff = func(int, bool) time.Duration { return 50 * time.Millisecond }
	_, err = Login(context.Background(), req)
	var ue *UnreachableError
	if !errors.As(err, &ue) || len(ue.Attempts) < 2 {
		t.Fatalf("err = %v, want several attempts", err)
	}
	for _, a := range ue.Attempts {
		if strings.Contains(a.Problem, "127.0.0.1") || a.Problem == "" {
			t.Errorf("attempt %d: %q names the connection", a.N, a.Problem)
		}
	}
}

// TestWrongProtocol: plain http to a TLS server, https to a plain server and
// a TLS alert to a plain http request are reported after one attempt, with
// the login URL the server speaks.
func TestWrongProtocol(t *testing.T) {
	tlsServer := httptest.NewTLSServer(http.NotFoundHandler())
	defer tlsServer.Close()
	plain := httptest.NewServer(http.NotFoundHandler())
	defer plain.Close()
	alert := tlsAlertServer(t)
	hostOf := func(u string) string { return u[strings.Index(u, "://")+3:] }

	tests := []struct{ loginURL, speaks, hint string }{
		{"http://" + hostOf(tlsServer.URL), "https", "use --login-url https://" + hostOf(tlsServer.URL)},
		{"https://" + hostOf(plain.URL), "http", "use --login-url http://" + hostOf(plain.URL)},
		{"http://" + alert, "https", "use --login-url https://" + alert},
	}
	for _, tt := range tests {
		req := testRequest(t, tt.loginURL)
		req.Timeout = 2 * time.Second
		_, err := Login(context.Background(), req)
		var ue *UnreachableError
		if !errors.As(err, &ue) {
			t.Errorf("%s: err = %v, want *UnreachableError", tt.loginURL, err)
			continue
		}
		if ue.Speaks != tt.speaks || len(ue.Attempts) != 1 ||
			!strings.Contains(ue.Hint(), tt.hint) {
			t.Errorf("%s: speaks %q after %d attempts (%v), hint %q; want %q, 1, %q",
				tt.loginURL, ue.Speaks, len(ue.Attempts), ue, ue.Hint(), tt.speaks, tt.hint)
		}
	}
}

// tlsAlertServer answers every connection with a TLS alert record, as a TLS
// server other than Go's answers a plain http request.
func tlsAlertServer(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			// A TLS server reads what it takes for a ClientHello first.
			_, _ = c.Read(make([]byte, 1024))
			_, _ = c.Write([]byte("\x15\x03\x01\x00\x02\x02\x50"))
			c.Close()
		}
	}()
	return ln.Addr().String()
}

func TestProtocolHintOffLoopback(t *testing.T) {
	e := &UnreachableError{LoginURL: "https://acme.my.salesforce.com", Speaks: "http"}
	if h := e.Hint(); strings.Contains(h, "http://") || !strings.Contains(h, "--login-url") {
		t.Errorf("hint %q", h)
	}
}
