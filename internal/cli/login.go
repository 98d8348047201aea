package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kolleno/kollenoctl/internal/jwtflow"
	"github.com/kolleno/kollenoctl/internal/termtext"
)

// loginOptions are login's flags.
type loginOptions struct {
	conn      connection
	showToken bool
	json      bool
}

func newLoginCmd(ios *IOStreams) *cobra.Command {
	opts := &loginOptions{}
	cmd := &cobra.Command{
		Use:   "login",
		Short: "Log in once with the JWT bearer flow and explain the outcome",
		Long: `login makes one real JWT bearer login: it signs an assertion with the private key
(RS256; iss the consumer key, sub the username, aud the login URL's origin, exp
now + 180 s), posts it to <login URL>/services/oauth2/token, and reports the
result. A refusal is shown with Salesforce's own words, what was sent, the
likely cause, and the Setup screen and setting that fix it.

Network errors, timeouts, HTTP 429 and 5xx are retried within --timeout. After
"audience is invalid" or app_not_found, the other documented pairing of login
URL and audience is tried once, and the report says so. --retry-for also
retries the answers of an app changed in the last minutes.

The proxy in HTTPS_PROXY / NO_PROXY is used. TLS certificates are always
verified; add a CA (for a proxy that inspects TLS) with SSL_CERT_FILE.

With --json the outcome, success or failure, is one JSON object on stdout.
Usage errors (exit 2: an unknown flag, a value that does not parse, a missing
value) are not an outcome: they are reported on stderr only, without JSON.

Exit codes: 0 logged in, 3 Salesforce refused the login, 5 Salesforce could
not be reached, 1 bad input, 2 usage.`,
		Example: `  kollenoctl login --consumer-key 3MVG9... --username integration@acme.example --key kolleno.key
  kollenoctl login --sandbox --consumer-key 3MVG9... --username integration@acme.example.uat --key kolleno.key
  KOLLENO_PRIVATE_KEY="$(cat kolleno.key)" kollenoctl login --login-url https://acme.my.salesforce.com ...
  kollenoctl login ... --retry-for 10m --json`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error { return runLogin(cmd, ios, opts) },
	}

	opts.conn.addFlags(cmd)
	f := cmd.Flags()
	f.BoolVar(&opts.showToken, "show-token", false, "show the access token unmasked")
	f.BoolVar(&opts.json, "json", false,
		"print the outcome as one JSON object on stdout (usage errors: stderr only)")
	bindEnv(f, "show-token", "KOLLENO_SHOW_TOKEN")
	bindEnv(f, "json", "KOLLENO_JSON")
	return cmd
}

// runLogin checks the inputs, logs in, and reports.
func runLogin(cmd *cobra.Command, ios *IOStreams, opts *loginOptions) error {
	req, err := opts.conn.request(ios)
	if err != nil {
		return opts.fail(ios, err)
	}

	res, err := jwtflow.Login(cmd.Context(), req)
	if err != nil {
		return opts.fail(ios, err)
	}

	warnAfterLogin(ios, res)
	if opts.json {
		return writeJSON(ios.Out, newLoginJSON(req.Username, res, opts.showToken, nil))
	}
	printLoginSuccess(ios, req.Username, res, opts.showToken)
	return nil
}

// fail reports a failed login: the details block on stderr, or the JSON
// object on stdout; Main then prints the error and its hint. A usage error
// gets no JSON, as one that the flag parser finds cannot.
func (o *loginOptions) fail(ios *IOStreams, err error) error {
	switch {
	case exitCodeOf(err) == ExitUsage:
	case o.json:
		username := shownUsername(o.conn.username)
		if werr := writeJSON(ios.Out, newLoginJSON(username, nil, false, err)); werr != nil {
			return werr
		}
	default:
		printLoginFailure(ios.ErrOut, err)
	}
	return err
}

// shownUsername is the username as the login sends it: cleaned when it can
// be, else only trimmed.
func shownUsername(raw string) string {
	if username, _, err := jwtflow.CleanUsername(raw); err == nil {
		return username
	}
	return strings.TrimSpace(raw)
}

// warnAfterLogin says on stderr what a working login still needs fixed: an
// audience that worked only on the second try, a clock that is off.
func warnAfterLogin(ios *IOStreams, res *jwtflow.Result) {
	if res.OtherPairing {
		first := res.Attempts[0]
		ios.Warnf("the login worked only on attempt %d, with the audience %s (the audience %s "+
			"was refused: %s); configure the login URL %s with the audience %s "+
			"(--audience, KOLLENO_AUDIENCE), and give Kolleno the same",
			len(res.Attempts), res.Audience, first.Audience, attemptOutcome(first),
			res.LoginURL, res.Audience)
	}
	if jwtflow.ClockIsOff(res.ClockSkew) {
		ios.Warnf("this computer's clock is %s; %s", jwtflow.DescribeSkew(res.ClockSkew),
			jwtflow.ClockHint(res.ClockSkew))
	}
}

// printLoginSuccess writes the result on stdout.
func printLoginSuccess(ios *IOStreams, username string, res *jwtflow.Result, showToken bool) {
	w := ios.Out
	mark := Paint(ios.ColorOut(), ansiGreen, "✓")
	fmt.Fprintf(w, "%s Logged in to Salesforce as %s\n", mark, username)
	row := func(label, value string) {
		fmt.Fprintf(w, "  %-14s %s\n", label+":", termtext.Printable(value))
	}
	row("org ID", res.OrgID)
	row("user ID", res.UserID)
	row("instance URL", res.InstanceURL)
	row("login URL", res.LoginURL)
	row("audience", res.Audience)
	row("access token", tokenText(res.AccessToken, showToken))
	row("time taken", fmt.Sprintf("%s (%s)", res.Elapsed.Round(time.Millisecond),
		plural(len(res.Attempts), "attempt")))
}

func tokenText(token string, show bool) string {
	if show {
		return token
	}
	return jwtflow.MaskToken(token) + " (masked; --show-token shows it)"
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// printLoginFailure writes the details of a failed login on stderr, before
// the error line and its hints.
func printLoginFailure(w io.Writer, err error) {
	var refused *jwtflow.RefusedError
	if errors.As(err, &refused) {
		printRefusal(w, refused)
		return
	}
	if attempts := factsOf(err).attempts; len(attempts) > 1 && !allAlike(attempts) {
		printAttempts(w, attempts)
	}
}

// allAlike reports whether every attempt ended the same way with the same
// pairing; the error line then says it all.
func allAlike(attempts []jwtflow.Attempt) bool {
	return sameRun(attempts) == len(attempts)
}

// printRefusal writes Salesforce's answer verbatim (its control characters
// escaped), what was sent, and the catalogue's explanation.
func printRefusal(w io.Writer, e *jwtflow.RefusedError) {
	fmt.Fprintf(w, "Salesforce refused the login (HTTP %d)\n", e.Status)
	row := func(label, value string) {
		fmt.Fprintf(w, "  %-19s %s\n", label+":", termtext.Printable(value))
	}
	row("error", e.Code)
	row("error_description", e.Description)
	row("login URL", e.LoginURL)
	c := e.Claims
	row("claims sent", fmt.Sprintf("iss %s, sub %s, aud %s, exp %d (%s)", c.Issuer, c.Subject,
		c.Audience, c.Expires, time.Unix(c.Expires, 0).UTC().Format(time.RFC3339)))
	if jwtflow.ClockIsOff(e.ClockSkew) {
		row("clock", "this computer's clock is "+jwtflow.DescribeSkew(e.ClockSkew))
	}
	row("what it means", e.Entry.Title)
	row("likely cause", e.Entry.Cause)
	if len(e.Attempts) > 1 {
		printAttempts(w, e.Attempts)
	}
}

// printAttempts lists the attempts, one line for each run of attempts that
// went to the same place and ended the same way: "2-4. login URL ...".
func printAttempts(w io.Writer, attempts []jwtflow.Attempt) {
	fmt.Fprintf(w, "  %d attempts:\n", len(attempts))
	for i := 0; i < len(attempts); {
		a, n := attempts[i], sameRun(attempts[i:])
		numbers := fmt.Sprint(a.N)
		if n > 1 {
			numbers = fmt.Sprintf("%d-%d", a.N, attempts[i+n-1].N)
		}
		fmt.Fprintf(w, "    %s. login URL %s, audience %s: %s\n", numbers, a.LoginURL,
			a.Audience, attemptOutcome(a))
		i += n
	}
}

// sameRun counts the attempts at the start of attempts that end like the
// first, with the same pairing.
func sameRun(attempts []jwtflow.Attempt) int {
	n := 1
	for n < len(attempts) && alike(attempts[n], attempts[0]) {
		n++
	}
	return n
}

func alike(a, b jwtflow.Attempt) bool {
	return attemptOutcome(a) == attemptOutcome(b) && a.LoginURL == b.LoginURL &&
		a.Audience == b.Audience
}

// failureFacts is what the error of a failed login tells about the attempts
// made before it.
type failureFacts struct {
	attempts []jwtflow.Attempt
	elapsed  time.Duration
	clock    jwtflow.ServerClock
}

// factsOf reads the facts from a jwtflow error; none for an input error.
func factsOf(err error) failureFacts {
	var refused *jwtflow.RefusedError
	var unreachable *jwtflow.UnreachableError
	var unexpected *jwtflow.UnexpectedAnswerError
	switch {
	case errors.As(err, &refused):
		return failureFacts{refused.Attempts, refused.Elapsed, refused.ServerClock}
	case errors.As(err, &unreachable):
		return failureFacts{unreachable.Attempts, unreachable.Elapsed, unreachable.ServerClock}
	case errors.As(err, &unexpected):
		return failureFacts{unexpected.Attempts, unexpected.Elapsed, unexpected.ServerClock}
	}
	return failureFacts{}
}

// loginJSON is login's --json object. Its fields are stable: scripts read
// them. The access token is masked unless --show-token.
type loginJSON struct {
	OK           bool           `json:"ok"`
	Username     string         `json:"username"`
	OrgID        string         `json:"org_id,omitempty"`
	UserID       string         `json:"user_id,omitempty"`
	InstanceURL  string         `json:"instance_url,omitempty"`
	LoginURL     string         `json:"login_url,omitempty"`
	Audience     string         `json:"audience,omitempty"`
	OtherPairing bool           `json:"other_pairing"`
	AccessToken  string         `json:"access_token,omitempty"`
	TokenMasked  bool           `json:"access_token_masked"`
	Scope        string         `json:"scope,omitempty"`
	ElapsedMS    int64          `json:"elapsed_ms"`
	ClockSkewS   int64          `json:"clock_skew_seconds"`
	Attempts     []attemptJSON  `json:"attempts"`
	Error        *loginErrorObj `json:"error,omitempty"`
	ExitCode     int            `json:"exit_code"`
}

type attemptJSON struct {
	N                int    `json:"n"`
	LoginURL         string `json:"login_url"`
	Audience         string `json:"audience"`
	OtherPairing     bool   `json:"other_pairing"`
	Status           int    `json:"status"`
	Error            string `json:"error,omitempty"`
	ErrorDescription string `json:"error_description,omitempty"`
	Problem          string `json:"problem,omitempty"`
	DurationMS       int64  `json:"duration_ms"`
}

type loginErrorObj struct {
	Kind             string          `json:"kind"` // refused, unreachable, unexpected_answer, input
	Message          string          `json:"message"`
	Hint             []string        `json:"hint"`
	Status           int             `json:"status,omitempty"`
	Error            string          `json:"error,omitempty"`
	ErrorDescription string          `json:"error_description,omitempty"`
	CatalogueID      string          `json:"catalogue_id,omitempty"`
	Title            string          `json:"title,omitempty"`
	Cause            string          `json:"cause,omitempty"`
	Claims           *jwtflow.Claims `json:"claims,omitempty"`
	KeyFingerprint   string          `json:"key_public_sha256,omitempty"`
	ContentType      string          `json:"content_type,omitempty"`
	Excerpt          string          `json:"excerpt,omitempty"`
}

func newLoginJSON(username string, res *jwtflow.Result, showToken bool, err error) loginJSON {
	out := loginJSON{OK: err == nil, Username: username, Attempts: []attemptJSON{}}
	if err != nil {
		facts := factsOf(err)
		out.Error, out.ExitCode = newLoginErrorObj(err), exitCodeOf(err)
		out.Attempts = attemptsJSON(facts.attempts)
		out.ElapsedMS = facts.elapsed.Milliseconds()
		out.ClockSkewS = int64(facts.clock.ClockSkew / time.Second)
		return out
	}
	out.OrgID, out.UserID, out.InstanceURL = res.OrgID, res.UserID, res.InstanceURL
	out.LoginURL, out.Audience, out.OtherPairing = res.LoginURL, res.Audience, res.OtherPairing
	out.AccessToken, out.TokenMasked = res.AccessToken, !showToken
	if !showToken {
		out.AccessToken = jwtflow.MaskToken(res.AccessToken)
	}
	out.Scope, out.ElapsedMS = res.Scope, res.Elapsed.Milliseconds()
	out.ClockSkewS = int64(res.ClockSkew / time.Second)
	out.Attempts = attemptsJSON(res.Attempts)
	return out
}

func attemptsJSON(attempts []jwtflow.Attempt) []attemptJSON {
	out := make([]attemptJSON, 0, len(attempts))
	for _, a := range attempts {
		out = append(out, attemptJSON{N: a.N, LoginURL: a.LoginURL, Audience: a.Audience,
			OtherPairing: a.OtherPairing, Status: a.Status, Error: a.Error,
			ErrorDescription: a.Description, Problem: a.Problem,
			DurationMS: a.Duration.Milliseconds()})
	}
	return out
}

func newLoginErrorObj(err error) *loginErrorObj {
	o := &loginErrorObj{Kind: "input", Message: err.Error(), Hint: splitLines(hintOf(err))}
	var refused *jwtflow.RefusedError
	var unreachable *jwtflow.UnreachableError
	var unexpected *jwtflow.UnexpectedAnswerError
	switch {
	case errors.As(err, &refused):
		o.Kind, o.Status, o.Error = "refused", refused.Status, refused.Code
		o.ErrorDescription, o.CatalogueID = refused.Description, refused.Entry.ID
		o.Title, o.Cause, o.Claims = refused.Entry.Title, refused.Entry.Cause, &refused.Claims
		o.KeyFingerprint = refused.KeyFingerprint
	case errors.As(err, &unreachable):
		o.Kind, o.Status = "unreachable", unreachable.Status
		o.ContentType, o.Excerpt = unreachable.ContentType, unreachable.Excerpt
	case errors.As(err, &unexpected):
		o.Kind, o.Status = "unexpected_answer", unexpected.Status
		o.ContentType, o.Excerpt = unexpected.ContentType, unexpected.Excerpt
	}
	return o
}

func splitLines(s string) []string {
	lines := []string{}
	for _, l := range strings.Split(s, "\n") {
		if l != "" {
			lines = append(lines, l)
		}
	}
	return lines
}
