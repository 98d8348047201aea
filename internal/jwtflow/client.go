package jwtflow

import (
	"crypto/tls"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// RequestTrace describes one HTTP request and its answer, for --verbose. It
// holds nothing secret: no body, no header, and no query value that could be
// a credential.
type RequestTrace struct {
	Method   string
	URL      string        // as RedactURL shows it
	Status   int           // 0 when no answer came
	Duration time.Duration // until the answer's headers arrived, or the failure
	Err      error         // the transport error, when no answer came
}

// NewHTTPClient returns the HTTP client for the token request and for the
// REST calls that follow a login:
//
//   - the proxy comes from HTTPS_PROXY, HTTP_PROXY and NO_PROXY
//     (http.ProxyFromEnvironment), as corporate networks need;
//   - TLS certificates are always verified, against the system's roots; an
//     extra CA bundle (a proxy that inspects TLS) is given the usual Go way,
//     with SSL_CERT_FILE or SSL_CERT_DIR;
//   - redirects are not followed: a redirected POST would arrive as a GET
//     without its body, so the caller sees the 3xx and reports its Location;
//   - trace, when not nil, is called once per request.
//
// The client has no timeout of its own: every call takes a context.
func NewHTTPClient(trace func(RequestTrace)) *http.Client {
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.Proxy = http.ProxyFromEnvironment
	transport.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}

	var rt http.RoundTripper = transport
	if trace != nil {
		rt = &tracingTransport{next: transport, trace: trace}
	}
	return &http.Client{
		Transport:     rt,
		CheckRedirect: noRedirects,
	}
}

func noRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

type tracingTransport struct {
	next  http.RoundTripper
	trace func(RequestTrace)
}

func (t *tracingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := t.next.RoundTrip(req)

	ev := RequestTrace{Method: req.Method, URL: RedactURL(req.URL), Err: err}
	ev.Duration = time.Since(start)
	if resp != nil {
		ev.Status = resp.StatusCode
	}
	t.trace(ev)
	return resp, err
}

// secretParams are query parameters whose values RedactURL hides.
var secretParams = []string{"access_token", "assertion", "token", "refresh_token", "code",
	"password", "client_secret", "signature", "sig"}

// RedactURL returns u as it may be shown: without user information, and with
// the value of every query parameter that can carry a credential replaced by
// REDACTED. Other parameters (a SOQL query) stay readable.
func RedactURL(u *url.URL) string {
	c := *u
	c.User = nil
	if c.RawQuery == "" {
		return c.String()
	}
	q := c.Query()
	for name := range q {
		if isSecretParam(name) {
			q[name] = []string{"REDACTED"}
		}
	}
	c.RawQuery = q.Encode()
	return c.String()
}

func isSecretParam(name string) bool {
	for _, s := range secretParams {
		if strings.EqualFold(name, s) {
			return true
		}
	}
	return false
}
