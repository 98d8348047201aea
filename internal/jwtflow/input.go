package jwtflow

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
)

// InputError is an input refused before any network call: a login URL, an
// audience, a consumer key or a username that cannot work. Its message never
// repeats a secret.
type InputError struct {
	Msg string // what is wrong, lowercase, one line
	Fix string // the value or flag to use instead; may be empty
}

func (e *InputError) Error() string { return e.Msg }

// Hint returns the fix, for kollenoctl's error printer.
func (e *InputError) Hint() string { return e.Fix }

// ExitCode is 1: bad input.
func (e *InputError) ExitCode() int { return 1 }

func inputErrorf(fix, format string, args ...any) *InputError {
	return &InputError{Msg: fmt.Sprintf(format, args...), Fix: fix}
}

// controlChar returns the first control character in s, if any.
func controlChar(s string) (rune, bool) {
	for _, r := range s {
		if unicode.IsControl(r) || r == '\u200b' || r == '\ufeff' {
			return r, true
		}
	}
	return 0, false
}

// CleanConsumerKey trims whitespace around a consumer key (copying it out of
// Setup often brings a newline or a space along) and refuses one that cannot
// be a consumer key. trimmed reports whether anything was removed, so the
// caller can warn.
func CleanConsumerKey(raw string) (key string, trimmed bool, err error) {
	key = strings.TrimSpace(raw)
	trimmed = key != raw
	if key == "" {
		return "", trimmed, inputErrorf(consumerKeyWhere, "the consumer key is empty")
	}
	if r, ok := controlChar(key); ok {
		return "", trimmed, inputErrorf(consumerKeyWhere,
			"the consumer key contains the control character %U", r)
	}
	if strings.ContainsFunc(key, unicode.IsSpace) {
		return "", trimmed, inputErrorf(consumerKeyWhere,
			"the consumer key contains a space; it was probably copied with text around it")
	}
	if strings.ContainsAny(key, `"'<>`) {
		return "", trimmed, inputErrorf(consumerKeyWhere,
			"the consumer key contains quotes or angle brackets; give the key alone")
	}
	return key, trimmed, nil
}

// consumerKeyWhere says where the consumer key is found in Setup.
const consumerKeyWhere = "copy the consumer key again: External Client App Manager > your app > " +
	"Settings > OAuth Settings > Consumer Key and Secret (Connected App: App Manager > " +
	"your app > View > Manage Consumer Details)"

// maxUsername is the longest username Salesforce allows.
const maxUsername = 80

// CleanUsername trims whitespace around a username and refuses one that
// cannot be a Salesforce username. Salesforce usernames have the form of an
// email address (name@domain.tld); a sandbox copy of a user carries the
// sandbox name as a suffix (name@domain.tld.uat), which has the same form.
func CleanUsername(raw string) (username string, trimmed bool, err error) {
	username = strings.TrimSpace(raw)
	trimmed = username != raw
	if username == "" {
		return "", trimmed, inputErrorf("give the integration user's username, "+
			"as shown in Setup > Users", "the username is empty")
	}
	if msg := usernameProblem(username); msg != "" {
		return "", trimmed, inputErrorf("a Salesforce username looks like an email address: "+
			"integration@example.com (a sandbox adds .sandboxname at the end)", "%s", msg)
	}
	return username, trimmed, nil
}

// usernameProblem says why s cannot be a Salesforce username, or returns "".
func usernameProblem(s string) string {
	if r, ok := controlChar(s); ok {
		return fmt.Sprintf("the username contains the control character %U", r)
	}
	if len(s) > maxUsername {
		return fmt.Sprintf("the username is %d characters long; Salesforce allows %d",
			len(s), maxUsername)
	}
	if strings.ContainsFunc(s, unicode.IsSpace) {
		return fmt.Sprintf("the username %q contains a space", s)
	}
	local, domain, ok := strings.Cut(s, "@")
	if !ok || local == "" || strings.Contains(domain, "@") {
		return fmt.Sprintf("the username %q is not of the form name@domain", s)
	}
	labels := strings.Split(domain, ".")
	if len(labels) < 2 || slices.Contains(labels, "") {
		return fmt.Sprintf("the username %q does not end in a domain such as example.com", s)
	}
	return ""
}
