package jwtflow

import (
	"context"
	"crypto/rsa"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/kolleno/kollenoctl/internal/keystore"
	"github.com/kolleno/kollenoctl/internal/termtext"
)

// DefaultTimeout is how long a login may take when Request.Timeout is zero.
const DefaultTimeout = 30 * time.Second

// Request is one JWT bearer login.
type Request struct {
	ConsumerKey string          // iss: the app's consumer key
	Username    string          // sub: the integration user's username
	Key         *rsa.PrivateKey // signs the assertion
	LoginURL    string          // where the token request goes; "" for DefaultLoginURL
	Sandbox     bool            // the org is a sandbox (--sandbox)
	Audience    string          // aud; "" for DefaultAudience of the login URL

	// Timeout bounds the login, retries of network errors, timeouts, HTTP 429
	// and 5xx included; zero means DefaultTimeout.
	Timeout time.Duration
	// RetryFor, when not zero, also retries the answers an app changed in
	// the last minutes gives (CatalogueEntry.Propagation) until that much
	// time has passed since the start, the last pause shortened to end
	// then. The login may then take that long, plus Timeout for the last
	// attempt.
	RetryFor time.Duration

	Client   *http.Client     // nil for NewHTTPClient(nil)
	Now      func() time.Time // nil for time.Now; the clock of iat and exp only
	Progress func(Attempt)    // called after each attempt that another follows
	// Backoff is the pause before retry n (1, 2, ...) of one kind; nil for
	// DefaultBackoff. Tests make it zero.
	Backoff func(n int, propagation bool) time.Duration
}

// Attempt is one token request, as the report and the progress lines show
// it. It holds no secret.
type Attempt struct {
	N            int
	LoginURL     string
	Audience     string
	OtherPairing bool // the audience came from AlternateAudience
	Status       int  // 0 when no answer came
	Error        string
	Description  string
	Problem      string // a network failure or an unexpected answer
	Duration     time.Duration
	// What follows, for Progress: Next is "retry", "other-pairing" or ""
	// (the last attempt), after a pause of Wait, with NextAudience.
	Next         string
	Wait         time.Duration
	NextAudience string
}

// Result is a successful login.
type Result struct {
	AccessToken  string // secret: show MaskToken(AccessToken) unless asked
	InstanceURL  string
	IdentityURL  string
	OrgID        string // from the identity URL
	UserID       string // from the identity URL
	Scope        string
	TokenType    string
	LoginURL     string
	Audience     string // the audience that worked
	OtherPairing bool   // it worked only with AlternateAudience's pairing
	Attempts     []Attempt
	ServerDate   time.Time     // the Date header of the answer; zero if none
	ClockSkew    time.Duration // server's clock minus this computer's
	Elapsed      time.Duration
}

// DefaultBackoff pauses 0.5 s, 1 s, 2 s, 4 s, then 8 s between retries of
// network errors, timeouts, 429 and 5xx, and 10 s, 20 s, then 30 s between
// retries of the answers a just-changed app gives, which last minutes.
func DefaultBackoff(n int, propagation bool) time.Duration {
	if propagation {
		return min(time.Duration(n)*10*time.Second, 30*time.Second)
	}
	return min(500*time.Millisecond<<min(n-1, 4), 8*time.Second)
}

// Login performs the JWT bearer login: a new assertion for every attempt,
// posted to the token endpoint, with the retries described on Request and
// one more attempt with the other pairing of login URL and audience after
// "audience is invalid" or "app_not_found". It returns a *RefusedError when
// Salesforce refuses, a *UnreachableError or *UnexpectedAnswerError when no
// usable answer came, and an *InputError for a request that cannot work.
func Login(ctx context.Context, r Request) (*Result, error) {
	s, err := newSession(r)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithDeadline(ctx, s.deadline)
	defer cancel()
	return s.run(ctx)
}

// session is the state of one Login.
type session struct {
	Request
	login     LoginURL
	audience  string    // the pairing's audience now
	original  string    // the first audience
	start     time.Time // on the process's monotonic clock, not Request.Now
	deadline  time.Time
	attempts  []Attempt
	triedAlt  bool
	retries   [2]int // retries so far: [0] transient, [1] propagation
	lastSkew  time.Duration
	lastDate  time.Time
	lastClaim Claims
	// lastFailure is the last outcome that the time limit did not cut short.
	lastFailure outcome
}

func newSession(r Request) (*session, error) {
	r = r.withDefaults()
	if err := r.check(); err != nil {
		return nil, err
	}
	login, err := ParseLoginURL(r.LoginURL, r.Sandbox)
	if err != nil {
		return nil, err
	}
	aud, err := CleanAudience(r.Audience, login)
	if err != nil {
		return nil, err
	}
	s := &session{Request: r, login: login, audience: aud, original: aud, start: time.Now()}
	s.deadline = s.start.Add(r.RetryFor + r.Timeout)
	return s, nil
}

func (r Request) withDefaults() Request {
	if r.Timeout <= 0 {
		r.Timeout = DefaultTimeout
	}
	if r.Client == nil {
		r.Client = NewHTTPClient(nil)
	}
	if r.Now == nil {
		r.Now = time.Now
	}
	if r.Backoff == nil {
		r.Backoff = DefaultBackoff
	}
	return r
}

func (r Request) check() error {
	if r.Key == nil {
		return inputErrorf("give the private key with --key", "no private key")
	}
	if _, _, err := CleanConsumerKey(r.ConsumerKey); err != nil {
		return err
	}
	_, _, err := CleanUsername(r.Username)
	return err
}

// run makes attempts until one succeeds or nothing more is worth trying.
func (s *session) run(ctx context.Context) (*Result, error) {
	for {
		o := s.attempt(ctx)
		if o.kind == kindToken {
			return s.result(o)
		}
		next, wait := s.decide(o)
		if next == "" || !s.pause(ctx, wait, next) {
			return nil, s.failure(o)
		}
	}
}

// attempt builds a new assertion, sends it, and records the attempt.
func (s *session) attempt(ctx context.Context) outcome {
	started := time.Now()
	claims := NewClaims(strings.TrimSpace(s.ConsumerKey), strings.TrimSpace(s.Username),
		s.audience, s.Now())
	s.lastClaim = claims

	var o outcome
	assertion, err := SignAssertion(claims, s.Key)
	if err != nil {
		o = outcome{kind: kindLocal, err: err}
	} else {
		reqCtx, cancel := context.WithTimeout(ctx, s.Timeout)
		o = postAssertion(reqCtx, s.Client, s.login.TokenURL(), assertion)
		cancel()
	}
	// What the server sent is shown as text: escape its control characters.
	o.problem, o.location = termtext.Printable(o.problem), termtext.Printable(o.location)
	s.noteClock(o)
	if !o.cut {
		s.lastFailure = o
	}
	s.attempts = append(s.attempts, Attempt{
		N: len(s.attempts) + 1, LoginURL: s.login.URL, Audience: s.audience,
		OtherPairing: s.audience != s.original, Status: o.status, Error: o.answer.Error,
		Description: o.answer.ErrorDescription, Problem: o.problem,
		Duration: time.Since(started),
	})
	return o
}

// noteClock keeps the skew between the server's Date header and this clock.
func (s *session) noteClock(o outcome) {
	if o.serverDate.IsZero() {
		return
	}
	s.lastDate = o.serverDate
	s.lastSkew = o.serverDate.Sub(s.Now().Truncate(time.Second))
}

// decide says what to do after a failed attempt: "other-pairing", "retry",
// or "" to stop, and how long to pause first.
func (s *session) decide(o outcome) (next string, wait time.Duration) {
	switch o.kind {
	case kindRefused:
		return s.decideRefused(Lookup(o.answer.Error, o.answer.ErrorDescription))
	case kindTransient:
		s.retries[0]++
		wait = max(s.Backoff(s.retries[0], false), o.retryAfter)
		if time.Now().Add(wait).Before(s.deadline) {
			return "retry", wait
		}
	}
	return "", 0
}

func (s *session) decideRefused(e *CatalogueEntry) (string, time.Duration) {
	if e.OtherPairing && !s.triedAlt {
		if alt, ok := AlternateAudience(s.login, s.audience); ok {
			s.triedAlt, s.audience = true, alt
			return "other-pairing", 0
		}
	}
	if s.triedAlt && e.OtherPairing {
		// The other pairing got no further: go on with the one asked for.
		s.audience = s.original
	}
	if !e.Propagation || s.RetryFor <= 0 {
		return "", 0
	}
	left := time.Until(s.start.Add(s.RetryFor))
	if left <= 0 {
		return "", 0
	}
	s.retries[1]++
	return "retry", min(s.Backoff(s.retries[1], true), left)
}

// pause reports the attempt just made and waits; false when the time is up.
func (s *session) pause(ctx context.Context, wait time.Duration, next string) bool {
	last := &s.attempts[len(s.attempts)-1]
	last.Next, last.Wait, last.NextAudience = next, wait, s.audience
	if s.Progress != nil {
		s.Progress(*last)
	}
	if wait <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// failure turns the last outcome into the error Login returns.
func (s *session) failure(o outcome) error {
	switch o.kind {
	case kindRefused:
		return s.refused(o)
	case kindTransient, kindUntrusted, kindWrongProtocol:
		last := s.lastFailure
		return &UnreachableError{LoginURL: s.login.URL, Status: last.status,
			ContentType: last.contentType, Excerpt: last.excerpt, Problem: o.problem,
			Earlier: last.problem, Untrusted: o.kind == kindUntrusted, Speaks: o.speaks,
			Attempts: s.attempts, ServerClock: s.serverClock(), Elapsed: time.Since(s.start)}
	case kindLocal:
		return o.err
	}
	return &UnexpectedAnswerError{LoginURL: s.login.URL, Status: o.status,
		ContentType: o.contentType, Excerpt: o.excerpt, Location: o.location,
		Problem: o.problem, Attempts: s.attempts, ServerClock: s.serverClock(),
		Elapsed: time.Since(s.start)}
}

// serverClock is the clock as the last answer with a Date header showed it.
func (s *session) serverClock() ServerClock {
	return ServerClock{ServerDate: s.lastDate, ClockSkew: s.lastSkew}
}

func (s *session) refused(o outcome) *RefusedError {
	return &RefusedError{
		Status: o.status, Code: o.answer.Error, Description: o.answer.ErrorDescription,
		LoginURL: s.login.URL, Claims: s.lastClaim.Masked(), RetryFor: s.RetryFor,
		Elapsed:        time.Since(s.start),
		Entry:          Lookup(o.answer.Error, o.answer.ErrorDescription),
		Attempts:       s.attempts,
		ServerClock:    s.serverClock(),
		KeyFingerprint: keystore.PublicKeySHA256(&s.Key.PublicKey),
	}
}

// result checks a token answer and builds the Result. An answer without a
// usable instance URL or identity URL is not a login that worked.
func (s *session) result(o outcome) (*Result, error) {
	a := o.answer
	problem := checkInstanceURL(a.InstanceURL)
	org, user := parseIdentityURL(a.ID)
	switch {
	case problem != "":
	case a.ID == "":
		problem = "the token answer has no id"
	case org == "" || user == "":
		problem = "the token answer's id is not an identity URL (https://HOST/id/ORG_ID/USER_ID)"
	}
	if problem != "" {
		o.kind, o.problem = kindUnexpected, problem
		return nil, s.failure(o)
	}
	return &Result{
		AccessToken: a.AccessToken, InstanceURL: strings.TrimRight(a.InstanceURL, "/"),
		IdentityURL: a.ID, OrgID: org, UserID: user, Scope: a.Scope, TokenType: a.TokenType,
		LoginURL: s.login.URL, Audience: s.audience, OtherPairing: s.audience != s.original,
		Attempts: s.attempts, ServerDate: s.lastDate, ClockSkew: s.lastSkew,
		Elapsed: time.Since(s.start),
	}, nil
}

// checkInstanceURL refuses an instance URL the access token must not be sent
// to: anything but https, except http on a loopback address (the simulator).
func checkInstanceURL(raw string) string {
	u, err := url.Parse(raw)
	switch {
	case raw == "":
		return "the token answer has no instance_url"
	case err != nil || u.Host == "":
		return "the token answer's instance_url is not a URL"
	case u.Scheme == "https", u.Scheme == "http" && isLoopback(u.Hostname()):
		return ""
	}
	return "the token answer's instance_url is not an https URL: " + u.Scheme + "://" + u.Host
}

// parseIdentityURL takes the org ID and user ID from the last two path
// segments of the identity URL: https://login.salesforce.com/id/00D…/005…
// (reference §2).
func parseIdentityURL(raw string) (org, user string) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", ""
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(parts) < 3 || parts[len(parts)-3] != "id" {
		return "", ""
	}
	org, user = parts[len(parts)-2], parts[len(parts)-1]
	if org == "" || user == "" {
		return "", ""
	}
	return org, user
}
