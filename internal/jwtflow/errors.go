package jwtflow

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/kolleno/kollenoctl/internal/termtext"
)

// Exit codes the errors of this package carry, as kollenoctl defines them.
const (
	exitRefused     = 3 // Salesforce refused the login
	exitUnreachable = 5 // Salesforce could not be reached: network, timeout, 5xx
)

// MaxClockSkew is the difference between this computer's clock and the
// server's Date header above which kollenoctl reports the clock.
const MaxClockSkew = 60 * time.Second

// ServerClock is what the Date header of the last answer that carried one
// says about this computer's clock. Every kind of answer counts: a refusal,
// an HTML maintenance page, a 429, an empty 200.
type ServerClock struct {
	// ServerDate is the Date header; zero when no answer carried one.
	ServerDate time.Time
	// ClockSkew is the server's clock minus this computer's; zero when
	// ServerDate is.
	ClockSkew time.Duration
}

// MeasuredSkew returns ClockSkew, and whether a Date header measured it.
func (c ServerClock) MeasuredSkew() (skew time.Duration, ok bool) {
	return c.ClockSkew, !c.ServerDate.IsZero()
}

// RefusedError is Salesforce's refusal of the login: its answer verbatim,
// what was sent (the consumer key masked, never the assertion), and the
// catalogue entry that explains it.
type RefusedError struct {
	Status      int             // the HTTP status
	Code        string          // Salesforce's error, verbatim
	Description string          // Salesforce's error_description, verbatim
	LoginURL    string          // where the refused attempt went
	Claims      Claims          // the claims of the refused attempt, Issuer masked
	Entry       *CatalogueEntry // never nil
	Attempts    []Attempt       // every attempt made, in order
	ServerClock                 // from the Date header of the answers
	// KeyFingerprint is the SHA-256 of the private key's public key, for
	// comparing with the certificate uploaded to the app.
	KeyFingerprint string
	// RetryFor is Request.RetryFor: how long the answers of a just-changed
	// app were retried; zero when they were not.
	RetryFor time.Duration
	Elapsed  time.Duration // from the start of the login to the refusal
}

// Error quotes Salesforce's error and error_description, their control
// characters escaped (see [Printable]).
func (e *RefusedError) Error() string {
	return termtext.Printable(fmt.Sprintf("Salesforce refused the login: %s: %s", e.Code, e.Description))
}

// ExitCode is 3: Salesforce refused the login.
func (e *RefusedError) ExitCode() int { return exitRefused }

// Hint is the catalogue entry's fix, preceded by what this attempt adds: the
// clock when it is off, the key's fingerprint for a signature refusal.
func (e *RefusedError) Hint() string {
	var lines []string
	if e.Entry.ID == "expired" && e.ClockSkew > MaxClockSkew {
		// Only a clock behind Salesforce's makes the exp it sends past.
		lines = append(lines, "this computer's clock is "+DescribeSkew(e.ClockSkew)+
			": that is the likely cause")
	}
	if e.Entry.ID == "invalid-assertion" && e.KeyFingerprint != "" {
		lines = append(lines, "the private key's public-key SHA-256 is "+e.KeyFingerprint)
	}
	if e.RetryFor <= 0 || !e.Entry.Propagation {
		return strings.Join(append(lines, e.Entry.Fix...), "\n")
	}
	for _, fix := range e.Entry.Fix {
		if !isRetryAdvice(fix) {
			lines = append(lines, fix)
		}
	}
	return strings.Join(append(lines, e.ranOut()), "\n")
}

// ranOut replaces the advice to rerun with --retry-for once it was given.
func (e *RefusedError) ranOut() string {
	return fmt.Sprintf("--retry-for %s ran out after %s; a change to the app can take up to "+
		"10 minutes to reach every login server: give a longer --retry-for if it was made just "+
		"now, otherwise the setting above is still wrong", shortDuration(e.RetryFor),
		plural(len(e.Attempts), "attempt"))
}

// shortDuration writes d without zero units: 10m, not 10m0s.
func shortDuration(d time.Duration) string {
	s := d.Round(time.Second).String()
	if d < time.Second {
		s = d.String()
	}
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// UnreachableError means no usable answer came from the login URL: network
// errors, timeouts, HTTP 429 and 5xx, after the retries --timeout allowed.
type UnreachableError struct {
	LoginURL string
	Status   int // the HTTP status of the last answer; 0 when none came
	// ContentType and Excerpt describe the last answer that was not
	// Salesforce's JSON (a maintenance page), as UnexpectedAnswerError does.
	ContentType string
	Excerpt     string
	Problem     string // the last failure, without secrets
	// Earlier is the last failure before the time limit cut the last
	// attempt short: "HTTP 503 with a text/html answer ...", "connection
	// refused"; "" when there was none.
	Earlier string
	// Untrusted means the server's TLS certificate did not verify.
	Untrusted bool
	// Speaks is set when the server speaks another protocol than the login
	// URL's scheme: "https" for a TLS server asked in plain http, "http"
	// for a server that answered an https request without TLS.
	Speaks      string
	Attempts    []Attempt
	ServerClock               // from the Date header of any answer that came
	Elapsed     time.Duration // from the start of the login to giving up
}

func (e *UnreachableError) Error() string {
	msg := fmt.Sprintf("cannot reach %s after %s: %s", e.LoginURL,
		plural(len(e.Attempts), "attempt"), e.Problem)
	if e.Earlier != "" && e.Earlier != e.Problem {
		msg += "; before that: " + e.Earlier
	}
	return termtext.Printable(msg)
}

// ExitCode is 5: Salesforce could not be reached.
func (e *UnreachableError) ExitCode() int { return exitUnreachable }

// Hint names what to check on this side, and Salesforce's status page.
func (e *UnreachableError) Hint() string {
	if e.Speaks != "" {
		return e.protocolHint()
	}
	if e.Untrusted {
		return "the server's TLS certificate is not trusted; if a proxy on your network " +
			"inspects TLS, give its CA certificate with SSL_CERT_FILE=/path/to/ca.pem"
	}
	if e.Status >= 500 || e.Status == 429 {
		return "Salesforce answered with an error of its own: check https://status.salesforce.com " +
			"and try again later, or give a longer --timeout"
	}
	return "check the login URL, the network, and the proxy settings in HTTPS_PROXY and " +
		"NO_PROXY; give a longer --timeout on a slow network"
}

// protocolHint gives the login URL with the scheme the server speaks; plain
// http only for a loopback address, as ParseLoginURL allows it.
func (e *UnreachableError) protocolHint() string {
	_, rest, _ := strings.Cut(e.LoginURL, "://")
	u, err := url.Parse(e.LoginURL)
	switch {
	case e.Speaks == "https":
		return "this server speaks https: use --login-url https://" + rest
	case err == nil && isLoopback(u.Hostname()):
		return "this server speaks plain http: use --login-url http://" + rest
	}
	return "this server does not speak https, and Salesforce's login servers speak only https: " +
		"check the host and port in --login-url, and the proxy in HTTPS_PROXY"
}

// UnexpectedAnswerError is an answer that is not Salesforce's token JSON: an
// HTML maintenance page, a proxy's error page, a redirect, a token answer
// without a usable token. It carries a short excerpt of the answer with tags
// stripped, never the request.
type UnexpectedAnswerError struct {
	LoginURL    string
	Status      int
	ContentType string
	Excerpt     string // at most 200 characters of the answer's text
	Location    string // where a redirect pointed, without its query
	Problem     string // what is wrong with the answer, status and excerpt included
	Attempts    []Attempt
	ServerClock               // from the Date header of the answers
	Elapsed     time.Duration // from the start of the login to this answer
}

func (e *UnexpectedAnswerError) Error() string {
	return termtext.Printable(fmt.Sprintf("unexpected answer from %s: %s", e.LoginURL, e.Problem))
}

// ExitCode is 5: what answered was not Salesforce's login server.
func (e *UnexpectedAnswerError) ExitCode() int { return exitUnreachable }

// Hint points at the login URL, a proxy, or Salesforce's status page.
func (e *UnexpectedAnswerError) Hint() string {
	if e.Location != "" {
		return "use the login URL the redirect points to, without its path: --login-url " +
			originOf(e.Location)
	}
	return "check that --login-url is the org's login URL; a proxy (HTTPS_PROXY) or a " +
		"Salesforce maintenance page (https://status.salesforce.com) may have answered instead"
}

// The clock hints, one for each direction. Only a clock behind Salesforce's
// makes it refuse the assertion as "expired authorization code", once the
// exp (now + 3 minutes by this clock) has passed by Salesforce's; a clock
// ahead puts exp later, which no rule of Salesforce's is known to refuse
// (reference §1.5).
const (
	ClockBehindHint = "set the clock right (for example enable NTP: 'timedatectl set-ntp true'); " +
		"a clock more than about 3 minutes behind Salesforce's makes it refuse the login as " +
		"'expired authorization code', the assertion's exp having passed by its clock"
	ClockAheadHint = "set the clock right (for example enable NTP: 'timedatectl set-ntp true'); " +
		"a clock ahead of Salesforce's does not stop the login, which Salesforce refuses only " +
		"once the assertion's exp has passed by its own clock"
)

// ClockHint is the hint for a clock that is off by skew (the server's clock
// minus this one's): ClockBehindHint or ClockAheadHint.
func ClockHint(skew time.Duration) string {
	if skew < 0 {
		return ClockAheadHint
	}
	return ClockBehindHint
}

// ClockIsOff reports whether a clock skew is large enough to report.
func ClockIsOff(skew time.Duration) bool {
	return skew > MaxClockSkew || skew < -MaxClockSkew
}

// DescribeSkew says which way and how far this computer's clock is off:
// "4m10s behind Salesforce's". skew is the server's clock minus this one's.
func DescribeSkew(skew time.Duration) string {
	if skew >= 0 {
		return skew.Round(time.Second).String() + " behind Salesforce's"
	}
	return (-skew).Round(time.Second).String() + " ahead of Salesforce's"
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
