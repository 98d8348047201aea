// Package verify answers one question, "will Kolleno's connection work?", with
// a list of checks, each of which passes, warns, fails or is skipped, and for
// every check that does not pass says what to change.
//
// # Checks
//
// The checks run in this order, and each has a stable ID that scripts can read
// from the JSON report:
//
//	private-key         the private key is readable, RSA, and at least 2048 bits
//	certificate         the certificate (--cert, or one in the key file itself) is readable
//	certificate-match   the certificate belongs to the private key
//	certificate-expiry  the certificate is valid for 30 days more (a warning otherwise)
//	clock               the local clock is within 60 s of Salesforce's Date header
//	login               the JWT bearer login succeeds
//	rest-api            the REST API answers, and takes the access token
//	api-enabled         the integration user has API Enabled
//	account-read        the integration user may read Account
//	account-records     at least one Account record is visible (a warning otherwise)
//
// # Round trips
//
// On the happy path verify makes two HTTP requests: the token request, then one
// POST to the composite resource at a pinned API version carrying every REST
// check. Only when that version is not served does it ask for the list of
// versions and send the composite request again at the highest one.
//
// # Exit codes
//
// [Report.ExitCode] is decided by the first check that failed, in the order
// above: 1 for a local check, 3 when Salesforce refused the login, 4 for a
// permission check or a setting that refuses the access token, 5 when
// Salesforce could not be reached or turned the checks away for now (the
// org's daily API request limit). Warnings and skipped checks never change
// the exit code on their own.
package verify

import "fmt"

// Status is the outcome of one check.
type Status string

// The four outcomes of a check.
const (
	Pass    Status = "pass"
	Warn    Status = "warn"
	Fail    Status = "fail"
	Skipped Status = "skipped"
)

// ID names a check. IDs are part of the JSON report's interface; they never
// change meaning.
type ID string

// The checks, in report order.
const (
	PrivateKey        ID = "private-key"
	Certificate       ID = "certificate"
	CertificateMatch  ID = "certificate-match"
	CertificateExpiry ID = "certificate-expiry"
	Clock             ID = "clock"
	Login             ID = "login"
	RESTAPI           ID = "rest-api"
	APIEnabled        ID = "api-enabled"
	AccountRead       ID = "account-read"
	AccountRecords    ID = "account-records"
)

// order is the report order; titles are the human names of the checks.
var order = []ID{
	PrivateKey, Certificate, CertificateMatch, CertificateExpiry,
	Clock, Login, RESTAPI, APIEnabled, AccountRead, AccountRecords,
}

var titles = map[ID]string{
	PrivateKey:        "private key",
	Certificate:       "certificate",
	CertificateMatch:  "certificate matches key",
	CertificateExpiry: "certificate expiry",
	Clock:             "clock",
	Login:             "login",
	RESTAPI:           "REST API",
	APIEnabled:        "API Enabled",
	AccountRead:       "Read on Account",
	AccountRecords:    "Account records visible",
}

// Exit codes of a report. They are the same numbers as kollenoctl's own exit
// codes, repeated here so that this package does not depend on the CLI.
const (
	ExitOK          = 0 // nothing failed; warnings are allowed
	ExitLocal       = 1 // a local check (key, certificate) failed
	ExitLoginRefuse = 3 // Salesforce refused the login
	ExitPermission  = 4 // logged in, but a permission check failed
	ExitUnreachable = 5 // Salesforce could not be reached, or turned the checks away for now
)

// Check is one line of the report.
type Check struct {
	ID     ID     `json:"id"`
	Title  string `json:"title"`
	Status Status `json:"status"`
	Detail string `json:"detail"`
	Hint   string `json:"hint"`

	// code is the exit code the report takes when this check is the first
	// that failed.
	code int
}

// Facts are what verify learned about the connection, shown with the checks.
// A fact that could not be learned is empty.
type Facts struct {
	Username    string `json:"username"`
	UserID      string `json:"user_id"`
	Profile     string `json:"profile"`
	OrgID       string `json:"org_id"`
	InstanceURL string `json:"instance_url"`
	APIVersion  string `json:"api_version"`
}

// Report is every check, in the fixed order, and the facts.
type Report struct {
	Checks []Check
	Facts  Facts
}

// Counts is how many checks ended in each status.
type Counts struct {
	Pass    int `json:"pass"`
	Warn    int `json:"warn"`
	Fail    int `json:"fail"`
	Skipped int `json:"skipped"`
}

// Counts counts the checks by status.
func (r *Report) Counts() Counts {
	var c Counts
	for _, ch := range r.Checks {
		switch ch.Status {
		case Pass:
			c.Pass++
		case Warn:
			c.Warn++
		case Fail:
			c.Fail++
		case Skipped:
			c.Skipped++
		}
	}
	return c
}

// ExitCode is decided by the first failed check in report order; 0 when none
// failed.
func (r *Report) ExitCode() int {
	for _, ch := range r.Checks {
		if ch.Status == Fail {
			return ch.code
		}
	}
	return ExitOK
}

// Summary is the one-line verdict printed under the checklist.
func (r *Report) Summary() string {
	c := r.Counts()
	verdict := "the connection works"
	switch {
	case c.Fail > 0:
		verdict = "the connection will not work until the failed checks are fixed"
	case c.Warn > 0:
		verdict = "the connection works; see the warnings"
	}
	return fmt.Sprintf("%d passed, %s, %d failed, %d skipped: %s",
		c.Pass, plural(c.Warn, "warning"), c.Fail, c.Skipped, verdict)
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// Check returns the check with id, or nil when the report has none.
func (r *Report) Check(id ID) *Check {
	for i := range r.Checks {
		if r.Checks[i].ID == id {
			return &r.Checks[i]
		}
	}
	return nil
}

// set puts c into the report in its place, replacing an earlier result for the
// same ID.
func (r *Report) set(c Check) {
	c.Title = titles[c.ID]
	if old := r.Check(c.ID); old != nil {
		*old = c
		return
	}
	r.Checks = append(r.Checks, c)
}

// sorted puts the checks into report order.
func (r *Report) sorted() {
	byID := make(map[ID]Check, len(r.Checks))
	for _, c := range r.Checks {
		byID[c.ID] = c
	}
	r.Checks = r.Checks[:0]
	for _, id := range order {
		if c, ok := byID[id]; ok {
			r.Checks = append(r.Checks, c)
		}
	}
}

func pass(id ID, format string, args ...any) Check {
	return Check{ID: id, Status: Pass, Detail: fmt.Sprintf(format, args...)}
}

func warn(id ID, hint, format string, args ...any) Check {
	return Check{ID: id, Status: Warn, Hint: hint, Detail: fmt.Sprintf(format, args...)}
}

func fail(id ID, code int, hint, format string, args ...any) Check {
	return Check{ID: id, Status: Fail, Hint: hint, Detail: fmt.Sprintf(format, args...), code: code}
}

func skip(id ID, format string, args ...any) Check {
	return Check{ID: id, Status: Skipped, Detail: fmt.Sprintf(format, args...)}
}
