package jwtflow

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

const testToken = "00D000000000001!AQ0AQsecretsecretsecretsecretsecret"

// tokenServer is a token endpoint on 127.0.0.1 whose answers the test
// writes; it records what each request carried.
type tokenServer struct {
	*httptest.Server
	mu         sync.Mutex
	claims     []Claims
	assertions []string
	forms      []url.Values
	types      []string
}

func newTokenServer(t *testing.T, answer func(n int, c Claims, w http.ResponseWriter)) *tokenServer {
	t.Helper()
	ts := &tokenServer{}
	ts.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/services/oauth2/token" || r.Method != http.MethodPost {
			http.Error(w, "wrong endpoint", http.StatusNotFound)
			return
		}
		_ = r.ParseForm()
		c := decodeClaims(t, r.PostForm.Get("assertion"))
		ts.mu.Lock()
		ts.claims = append(ts.claims, c)
		ts.assertions = append(ts.assertions, r.PostForm.Get("assertion"))
		ts.forms = append(ts.forms, r.PostForm)
		ts.types = append(ts.types, r.Header.Get("Content-Type"))
		n := len(ts.claims)
		ts.mu.Unlock()
		answer(n, c, w)
	}))
	t.Cleanup(ts.Close)
	return ts
}

func (ts *tokenServer) requests() int {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return len(ts.claims)
}

func decodeClaims(t *testing.T, assertion string) Claims {
	parts := strings.Split(assertion, ".")
	var c Claims
	if len(parts) != 3 {
		t.Errorf("assertion with %d parts", len(parts))
		return c
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err == nil {
		err = json.Unmarshal(raw, &c)
	}
	if err != nil {
		t.Errorf("claims do not decode: %v", err)
	}
	return c
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func okAnswer(w http.ResponseWriter) {
	writeJSON(w, 200, map[string]string{
		"access_token": testToken, "instance_url": "https://acme.my.salesforce.com/",
		"id":         "https://login.salesforce.com/id/00D000000000001EAA/005000000000002AAA",
		"token_type": "Bearer", "scope": "api refresh_token",
	})
}

func refuse(w http.ResponseWriter, code, desc string) {
	writeJSON(w, 400, map[string]string{"error": code, "error_description": desc})
}

func testRequest(t *testing.T, loginURL string) Request {
	return Request{
		ConsumerKey: testConsumerKey, Username: testUsername, Key: testKey(t),
		LoginURL: loginURL, Timeout: 5 * time.Second,
		Backoff: func(int, bool) time.Duration { return 0 },
	}
}

func TestLoginSuccess(t *testing.T) {
	ts := newTokenServer(t, func(_ int, _ Claims, w http.ResponseWriter) { okAnswer(w) })
	res, err := Login(context.Background(), testRequest(t, ts.URL+"/"))
	if err != nil {
		t.Fatal(err)
	}
	if res.AccessToken != testToken || res.InstanceURL != "https://acme.my.salesforce.com" ||
		res.OrgID != "00D000000000001EAA" || res.UserID != "005000000000002AAA" ||
		res.Scope != "api refresh_token" || res.LoginURL != ts.URL || res.Audience != ts.URL ||
		res.OtherPairing || len(res.Attempts) != 1 {
		t.Errorf("result %+v", res)
	}
	form, ctype := ts.forms[0], ts.types[0]
	if form.Get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer" ||
		ctype != "application/x-www-form-urlencoded" || len(form) != 2 {
		t.Errorf("request: content type %q, form fields %v", ctype, form)
	}
	c := ts.claims[0]
	if c.Issuer != testConsumerKey || c.Subject != testUsername || c.Audience != ts.URL ||
		c.Expires-c.IssuedAt != 180 {
		t.Errorf("claims %+v", c)
	}
}

// TestLoginRefusals answers with every catalogue entry and checks what Login
// reports: the status and Salesforce's words verbatim, the entry, the exit
// code and the hint.
func TestLoginRefusals(t *testing.T) {
	for _, e := range Catalogue {
		if len(e.Descriptions) == 0 {
			continue
		}
		for _, desc := range e.Descriptions {
			ts := newTokenServer(t, func(_ int, _ Claims, w http.ResponseWriter) {
				refuse(w, e.Error, desc)
			})
			_, err := Login(context.Background(), testRequest(t, ts.URL))
			var re *RefusedError
			if !errors.As(err, &re) {
				t.Errorf("%s: err = %v, want *RefusedError", e.ID, err)
				continue
			}
			if re.Status != 400 || re.Code != e.Error || re.Description != desc ||
				re.Entry.ID != e.ID || re.ExitCode() != 3 {
				t.Errorf("%s: got status %d %q %q entry %s exit %d", e.ID, re.Status, re.Code,
					re.Description, re.Entry.ID, re.ExitCode())
			}
			if !strings.Contains(re.Hint(), e.Fix[0]) {
				t.Errorf("%s: hint %q lacks the fix", e.ID, re.Hint())
			}
			wantAttempts := 1
			if e.OtherPairing {
				wantAttempts = 2
			}
			if len(re.Attempts) != wantAttempts || ts.requests() != wantAttempts {
				t.Errorf("%s: %d attempts recorded, %d made; want %d", e.ID, len(re.Attempts),
					ts.requests(), wantAttempts)
			}
		}
	}
}

func TestLoginRefusedDetails(t *testing.T) {
	ts := newTokenServer(t, func(_ int, _ Claims, w http.ResponseWriter) {
		refuse(w, "invalid_grant", "invalid assertion")
	})
	req := testRequest(t, ts.URL)
	_, err := Login(context.Background(), req)
	var re *RefusedError
	if !errors.As(err, &re) {
		t.Fatal(err)
	}
	if re.Claims.Issuer != MaskConsumerKey(testConsumerKey) || re.Claims.Subject != testUsername ||
		re.Claims.Audience != ts.URL || re.LoginURL != ts.URL {
		t.Errorf("claims %+v at %s", re.Claims, re.LoginURL)
	}
	if re.KeyFingerprint == "" || !strings.Contains(re.Hint(), re.KeyFingerprint) {
		t.Errorf("hint %q lacks the key's fingerprint %q", re.Hint(), re.KeyFingerprint)
	}
	if want := "Salesforce refused the login: invalid_grant: invalid assertion"; re.Error() != want {
		t.Errorf("Error() = %q, want %q", re.Error(), want)
	}
	checkNoSecrets(t, re.Error()+re.Hint()+fmt.Sprintf("%+v", re.Attempts), ts.assertions)
}

func TestLoginOtherPairing(t *testing.T) {
	ts := newTokenServer(t, func(_ int, c Claims, w http.ResponseWriter) {
		if c.Audience != ProductionLoginURL {
			refuse(w, "invalid_grant", "audience is invalid")
			return
		}
		okAnswer(w)
	})
	req := testRequest(t, ts.URL)
	var progress []Attempt
	req.Progress = func(a Attempt) { progress = append(progress, a) }
	res, err := Login(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if !res.OtherPairing || res.Audience != ProductionLoginURL || len(res.Attempts) != 2 {
		t.Errorf("result: other pairing %v, audience %q, %d attempts", res.OtherPairing,
			res.Audience, len(res.Attempts))
	}
	first := res.Attempts[0]
	if first.Audience != ts.URL || first.Error != "invalid_grant" || first.Next != "other-pairing" ||
		!res.Attempts[1].OtherPairing {
		t.Errorf("attempts %+v", res.Attempts)
	}
	if len(progress) != 1 || progress[0].Next != "other-pairing" ||
		progress[0].NextAudience != ProductionLoginURL {
		t.Errorf("progress %+v, want one line for the other pairing", progress)
	}
}

func TestLoginOtherPairingNotFromLoginHost(t *testing.T) {
	// login.salesforce.com has no other pairing; the test server stands in
	// for it through a client that sends every request to 127.0.0.1.
	ts := newTokenServer(t, func(_ int, _ Claims, w http.ResponseWriter) {
		refuse(w, "app_not_found", "External client app is not installed in this org")
	})
	req := testRequest(t, "")
	req.Client = redirectedClient(ts.URL)
	_, err := Login(context.Background(), req)
	var re *RefusedError
	if !errors.As(err, &re) || len(re.Attempts) != 1 || re.LoginURL != ProductionLoginURL {
		t.Fatalf("err = %v, want one refused attempt at %s", err, ProductionLoginURL)
	}
	if !strings.Contains(re.Hint(), "My Domain URL as --login-url") {
		t.Errorf("hint %q does not name the My Domain", re.Hint())
	}
}

// redirectedClient sends every request to target (a test server on
// 127.0.0.1), whatever host its URL names, so the login host's rules can be
// tested without any traffic leaving the machine.
func redirectedClient(target string) *http.Client {
	u, _ := url.Parse(target)
	return &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		r = r.Clone(r.Context())
		r.URL.Scheme, r.URL.Host = u.Scheme, u.Host
		return http.DefaultTransport.RoundTrip(r)
	})}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestLoginRetriesTransient(t *testing.T) {
	ts := newTokenServer(t, func(n int, _ Claims, w http.ResponseWriter) {
		switch n {
		case 1:
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(503)
			_, _ = io.WriteString(w, "<html><title>Down for maintenance</title></html>")
		case 2:
			writeJSON(w, 500, map[string]string{"error": "server_error"})
		case 3:
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(429)
		default:
			okAnswer(w)
		}
	})
	req := testRequest(t, ts.URL)
	var progress []Attempt
	req.Progress = func(a Attempt) { progress = append(progress, a) }
	clock := time.Unix(1_800_000_000, 0)
	req.Now = func() time.Time { clock = clock.Add(time.Second); return clock }
	res, err := Login(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Attempts) != 4 || len(progress) != 3 || progress[0].Status != 503 ||
		!strings.Contains(progress[0].Problem, "Down for maintenance") {
		t.Errorf("attempts %+v, progress %+v", res.Attempts, progress)
	}
	seen := map[int64]bool{}
	for _, c := range ts.claims {
		seen[c.IssuedAt] = true
	}
	if len(seen) != 4 {
		t.Errorf("iat of the 4 attempts: %v; want a new assertion for each", ts.claims)
	}
}

func TestLoginUnreachable(t *testing.T) {
	ts := newTokenServer(t, func(_ int, _ Claims, w http.ResponseWriter) {
		w.WriteHeader(502)
	})
	req := testRequest(t, ts.URL)
	req.Timeout = time.Second // room for two answers on a loaded machine
	req.Backoff = func(int, bool) time.Duration { return 50 * time.Millisecond }
	_, err := Login(context.Background(), req)
	var ue *UnreachableError
	if !errors.As(err, &ue) || ue.ExitCode() != 5 || ue.Status != 502 || len(ue.Attempts) < 2 {
		t.Fatalf("err = %#v, want *UnreachableError after retries", err)
	}
	if !strings.Contains(ue.Hint(), "status.salesforce.com") {
		t.Errorf("hint %q", ue.Hint())
	}
}

func TestLoginConnectionRefused(t *testing.T) {
	ts := httptest.NewServer(http.NotFoundHandler())
	addr := ts.URL
	ts.Close()
	req := testRequest(t, addr)
	req.Timeout = time.Second
	req.Backoff = func(int, bool) time.Duration { return 100 * time.Millisecond }
	_, err := Login(context.Background(), req)
	var ue *UnreachableError
	if !errors.As(err, &ue) || !strings.Contains(ue.Error(), "refused") ||
		!strings.Contains(ue.Hint(), "HTTPS_PROXY") {
		t.Fatalf("err = %v", err)
	}
}

func TestLoginTimeout(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body) // so the server notices the client leave
		select {                           // no answer
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	}))
	defer ts.Close()
	req := testRequest(t, ts.URL)
	req.Timeout = 100 * time.Millisecond
	_, err := Login(context.Background(), req)
	var ue *UnreachableError
	if !errors.As(err, &ue) || !strings.Contains(ue.Problem, "--timeout") {
		t.Fatalf("err = %v, want a timeout", err)
	}
}

func TestLoginNotJSON(t *testing.T) {
	tests := []struct {
		name, ctype, body string
		status            int
		want              string
	}{
		{"maintenance page", "text/html; charset=utf-8", `<html><head><style>p{x:1}</style>
			<script>var secret = 1;</script><title>Salesforce &amp; maintenance</title></head>
			<body><p>Back   soon</p></body></html>`, 200, `Salesforce & maintenance Back soon`},
		{"proxy error", "text/plain", "Proxy Authentication Required", 407,
			"Proxy Authentication Required"},
		{"echoing proxy", "text/plain", "bad request: assertion=ASSERTION", 400,
			"bad request: assertion=[assertion]"},
		{"empty", "", "", 404, "HTTP 404 with an empty answer"},
	}
	for _, tt := range tests {
		var ts *tokenServer
		ts = newTokenServer(t, func(n int, _ Claims, w http.ResponseWriter) {
			if tt.ctype != "" {
				w.Header().Set("Content-Type", tt.ctype)
			}
			w.WriteHeader(tt.status)
			ts.mu.Lock()
			body := strings.ReplaceAll(tt.body, "ASSERTION", ts.assertions[n-1])
			ts.mu.Unlock()
			_, _ = io.WriteString(w, body)
		})
		_, err := Login(context.Background(), testRequest(t, ts.URL))
		var ue *UnexpectedAnswerError
		if !errors.As(err, &ue) {
			t.Errorf("%s: err = %v, want *UnexpectedAnswerError", tt.name, err)
			continue
		}
		if ue.Status != tt.status || !strings.Contains(ue.Error(), tt.want) ||
			strings.Contains(ue.Error(), "secret") || strings.Contains(ue.Error(), "<") ||
			ue.ExitCode() != 5 || strings.Contains(ue.Error(), "invalid character") {
			t.Errorf("%s: %q (status %d), want %q in it", tt.name, ue.Error(), ue.Status, tt.want)
		}
		checkNoSecrets(t, ue.Error(), ts.assertions)
	}
}

func TestSafeExcerptCapsLength(t *testing.T) {
	got := safeExcerpt([]byte(strings.Repeat("é", 500)), "")
	if n := len([]rune(got)); n != maxExcerpt+1 || !strings.HasSuffix(got, "…") {
		t.Errorf("excerpt of %d runes, want %d and an ellipsis", n, maxExcerpt+1)
	}
	if got := safeExcerpt([]byte("token eyJhbGciOi.eyJzdWIi.c2ln here"), ""); strings.Contains(got, "eyJ") {
		t.Errorf("excerpt %q keeps a JWT", got)
	}
}

func TestLoginRedirect(t *testing.T) {
	ts := newTokenServer(t, func(_ int, _ Claims, w http.ResponseWriter) {
		w.Header().Set("Location", "https://acme.my.salesforce.com/services/oauth2/token?x=secret")
		w.WriteHeader(302)
	})
	_, err := Login(context.Background(), testRequest(t, ts.URL))
	var ue *UnexpectedAnswerError
	if !errors.As(err, &ue) || !strings.Contains(ue.Error(), "redirect to https://acme.my.salesforce.com") ||
		strings.Contains(ue.Error(), "secret") ||
		ue.Hint() != "use the login URL the redirect points to, without its path: --login-url https://acme.my.salesforce.com" {
		t.Fatalf("err = %v, hint %q", err, hintOf(err))
	}
}

func hintOf(err error) string {
	var h interface{ Hint() string }
	if errors.As(err, &h) {
		return h.Hint()
	}
	return ""
}

func TestLoginRetryFor(t *testing.T) {
	ts := newTokenServer(t, func(n int, _ Claims, w http.ResponseWriter) {
		if n <= 2 {
			refuse(w, "invalid_client_id", "client identifier invalid")
			return
		}
		okAnswer(w)
	})
	req := testRequest(t, ts.URL)
	req.RetryFor = time.Minute
	var progress []Attempt
	req.Progress = func(a Attempt) { progress = append(progress, a) }
	res, err := Login(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Attempts) != 3 || len(progress) != 2 || progress[1].Next != "retry" ||
		progress[1].Error != "invalid_client_id" {
		t.Errorf("attempts %+v, progress %+v", res.Attempts, progress)
	}

	// Without --retry-for the same answer ends the login at once.
	req.RetryFor = 0
	tsNo := newTokenServer(t, func(_ int, _ Claims, w http.ResponseWriter) {
		refuse(w, "invalid_client_id", "client identifier invalid")
	})
	req.LoginURL = tsNo.URL
	if _, err := Login(context.Background(), req); err == nil || tsNo.requests() != 1 {
		t.Errorf("without --retry-for: err %v after %d requests, want 1", err, tsNo.requests())
	}
}

func TestLoginRetryForRunsOut(t *testing.T) {
	ts := newTokenServer(t, func(_ int, _ Claims, w http.ResponseWriter) {
		refuse(w, "invalid_grant", "user hasn't approved this consumer")
	})
	req := testRequest(t, ts.URL)
	req.RetryFor = 200 * time.Millisecond
	req.Backoff = func(int, bool) time.Duration { return 20 * time.Millisecond }
	_, err := Login(context.Background(), req)
	var re *RefusedError
	if !errors.As(err, &re) || len(re.Attempts) < 2 || re.Entry.ID != "user-not-approved" {
		t.Fatalf("err = %v, want the refusal after several attempts", err)
	}
}

func TestLoginDoesNotRetryOthers(t *testing.T) {
	ts := newTokenServer(t, func(_ int, _ Claims, w http.ResponseWriter) {
		refuse(w, "invalid_grant", "expired authorization code")
	})
	req := testRequest(t, ts.URL)
	req.RetryFor = time.Minute
	if _, err := Login(context.Background(), req); err == nil || ts.requests() != 1 {
		t.Errorf("expired: err %v after %d requests, want 1", err, ts.requests())
	}
}

func TestLoginClockSkew(t *testing.T) {
	for _, tt := range []struct {
		skew   time.Duration
		reason bool
	}{{5 * time.Minute, true}, {-2 * time.Minute, false}, {-10 * time.Minute, false},
		{20 * time.Second, false}} {
		ts := newTokenServer(t, func(_ int, _ Claims, w http.ResponseWriter) {
			w.Header().Set("Date", time.Now().Add(tt.skew).UTC().Format(http.TimeFormat))
			refuse(w, "invalid_grant", "expired authorization code")
		})
		_, err := Login(context.Background(), testRequest(t, ts.URL))
		var re *RefusedError
		if !errors.As(err, &re) {
			t.Fatal(err)
		}
		if d := re.ClockSkew - tt.skew; d > 2*time.Second || d < -2*time.Second {
			t.Errorf("skew %v measured as %v", tt.skew, re.ClockSkew)
		}
		named := strings.Contains(re.Hint(), "clock is") &&
			strings.Contains(re.Hint(), "that is the likely cause")
		if named != tt.reason {
			t.Errorf("skew %v: hint %q; clock named as the cause: %v, want %v",
				tt.skew, re.Hint(), named, tt.reason)
		}
	}
}

func TestLoginRefusesUnsafeInstanceURL(t *testing.T) {
	ts := newTokenServer(t, func(_ int, _ Claims, w http.ResponseWriter) {
		writeJSON(w, 200, map[string]string{"access_token": testToken,
			"instance_url": "http://acme.my.salesforce.com", "id": ""})
	})
	_, err := Login(context.Background(), testRequest(t, ts.URL))
	var ue *UnexpectedAnswerError
	if !errors.As(err, &ue) || !strings.Contains(ue.Error(), "not an https URL") {
		t.Fatalf("err = %v", err)
	}
	checkNoSecrets(t, ue.Error(), nil)
}

func TestLoginChecksInput(t *testing.T) {
	ts := newTokenServer(t, func(_ int, _ Claims, w http.ResponseWriter) { okAnswer(w) })
	for name, mutate := range map[string]func(*Request){
		"no key":        func(r *Request) { r.Key = nil },
		"bad username":  func(r *Request) { r.Username = "integration" },
		"empty key":     func(r *Request) { r.ConsumerKey = " " },
		"bad login URL": func(r *Request) { r.LoginURL = "http://acme.my.salesforce.com" },
		"bad audience":  func(r *Request) { r.Audience = "login.salesforce.com" },
	} {
		req := testRequest(t, ts.URL)
		mutate(&req)
		_, err := Login(context.Background(), req)
		var ie *InputError
		if !errors.As(err, &ie) {
			t.Errorf("%s: err = %v, want *InputError", name, err)
		}
	}
	if ts.requests() != 0 {
		t.Errorf("%d requests made for bad input", ts.requests())
	}
}

// checkNoSecrets fails if text holds an assertion, the access token, or
// the private key's bytes.
func checkNoSecrets(t *testing.T, text string, assertions []string) {
	t.Helper()
	for _, a := range assertions {
		if a != "" && strings.Contains(text, a) {
			t.Errorf("output holds the assertion: %q", text)
		}
	}
	secretPart := testToken[strings.Index(testToken, "!"):]
	if strings.Contains(text, secretPart) || strings.Contains(text, "PRIVATE KEY") {
		t.Errorf("output holds a secret: %q", text)
	}
}

// TestLoginRetryForShorterThanPause: a --retry-for shorter than the pause
// before the next attempt still retries, the pause cut to end with it, and
// the hint says it ran out instead of suggesting --retry-for again.
func TestLoginRetryForShorterThanPause(t *testing.T) {
	ts := newTokenServer(t, func(_ int, _ Claims, w http.ResponseWriter) {
		refuse(w, "invalid_client_id", "client identifier invalid")
	})
	req := testRequest(t, ts.URL)
	req.RetryFor = 300 * time.Millisecond
	req.Backoff = func(int, bool) time.Duration { return time.Hour }
	var progress []Attempt
	req.Progress = func(a Attempt) { progress = append(progress, a) }
	_, err := Login(context.Background(), req)
	var re *RefusedError
	if !errors.As(err, &re) {
		t.Fatalf("err = %v, want the refusal", err)
	}
	if ts.requests() != 2 || len(progress) != 1 || progress[0].Wait > req.RetryFor {
		t.Fatalf("%d requests, progress %+v; want 2, the pause cut to at most %v",
			ts.requests(), progress, req.RetryFor)
	}
	hint := re.Hint()
	if strings.Contains(hint, "--retry-for 10m") ||
		!strings.Contains(hint, "--retry-for 300ms ran out after 2 attempts") {
		t.Errorf("hint %q", hint)
	}
}

func TestShortDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		10 * time.Minute: "10m", 25 * time.Second: "25s", 90 * time.Second: "1m30s",
		2 * time.Hour: "2h", 300 * time.Millisecond: "300ms",
	} {
		if got := shortDuration(d); got != want {
			t.Errorf("shortDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

// TestLoginAnswersOf200: a 200 that carries Salesforce's error is the
// refusal it is; a 200 token answer without a usable id is an unexpected
// answer that names the field, not a login with blank IDs.
func TestLoginAnswersOf200(t *testing.T) {
	ts := newTokenServer(t, func(_ int, _ Claims, w http.ResponseWriter) {
		writeJSON(w, 200, map[string]string{"error": "invalid_grant",
			"error_description": "user hasn't approved this consumer"})
	})
	_, err := Login(context.Background(), testRequest(t, ts.URL))
	var re *RefusedError
	if !errors.As(err, &re) || re.Status != 200 || re.Entry.ID != "user-not-approved" {
		t.Errorf("200 with an error: err = %v, want the refusal", err)
	}

	for id, want := range map[string]string{
		"":                             "the token answer has no id",
		"https://login.salesforce.com": "the token answer's id is not an identity URL",
		"https://login.salesforce.com/id/00D000000000001EAA/": "is not an identity URL",
	} {
		ts := newTokenServer(t, func(_ int, _ Claims, w http.ResponseWriter) {
			writeJSON(w, 200, map[string]string{"access_token": testToken,
				"instance_url": "https://acme.my.salesforce.com", "id": id})
		})
		_, err := Login(context.Background(), testRequest(t, ts.URL))
		var ue *UnexpectedAnswerError
		if !errors.As(err, &ue) || !strings.Contains(ue.Error(), want) {
			t.Errorf("id %q: err = %v, want %q", id, err, want)
			continue
		}
		checkNoSecrets(t, ue.Error(), nil)
	}
}
