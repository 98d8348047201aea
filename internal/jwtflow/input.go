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
	if err := checkLeftovers(username); err != nil {
		return "", trimmed, err
	}
	if msg := usernameProblem(username); msg != "" {
		return "", trimmed, inputErrorf(usernameForm, "%s", msg)
	}
	return username, trimmed, nil
}

// usernameForm is the hint for a value that cannot be a username.
const usernameForm = "a Salesforce username looks like an email address: " +
	"integration@example.com (a sandbox adds .sandboxname at the end)"

// checkLeftovers refuses a username that came with what copying it out of an
// email or a web page brings along: the angle brackets of "Name <address>",
// quotes, a mailto: link. It names the leftover, and the username without
// it when that is one.
func checkLeftovers(s string) error {
	if _, ok := controlChar(s); ok {
		return nil // usernameProblem names the control character
	}
	what, bare := usernameLeftovers(s)
	if len(what) == 0 {
		return nil
	}
	fix := usernameForm
	if usernameProblem(bare) == "" {
		fix = "give the username alone: " + bare
	}
	return inputErrorf(fix, "the username %q carries %s, copied along with it", s,
		joinAnd(what))
}

// joinAnd lists words as a sentence does: "a", "a and b", "a, b and c".
func joinAnd(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

// quoteMarks are the quotes a username may come wrapped in, typographic
// ones included; the apostrophe first.
const quoteMarks = "'\"“”‘’«»"

// withoutQuotes drops every quote mark but an apostrophe inside the text.
func withoutQuotes(s string) string {
	s = strings.Trim(s, quoteMarks)
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if r != '\'' && strings.ContainsRune(quoteMarks, r) {
			return -1
		}
		return r
	}, s))
}

// usernameLeftovers peels the leftovers off s, outermost first, and says
// what they were. An apostrophe inside a username (o'brien@acme.example) is
// no leftover; one at each end is.
func usernameLeftovers(s string) (what []string, bare string) {
	bare = s
	for range 4 {
		var found string
		switch {
		case len(bare) > 7 && strings.EqualFold(bare[:7], "mailto:"):
			found, bare = "the prefix mailto:", bare[7:]
		case strings.ContainsAny(bare, quoteMarks[1:]) || len(bare) > 1 && bare[0] == '\'' &&
			bare[len(bare)-1] == '\'':
			found, bare = "quotes", withoutQuotes(bare)
		case strings.ContainsAny(bare, "<>"):
			found, bare = "angle brackets", insideBrackets(bare)
		default:
			return what, bare
		}
		if !slices.Contains(what, found) {
			what = append(what, found)
		}
	}
	return what, bare
}

// insideBrackets returns what is between < and > ("Name <a@b.com>" gives
// a@b.com), or s without them when they do not pair up.
func insideBrackets(s string) string {
	i, j := strings.Index(s, "<"), strings.LastIndex(s, ">")
	if i >= 0 && j > i {
		return strings.TrimSpace(s[i+1 : j])
	}
	return strings.TrimSpace(strings.Trim(s, "<>"))
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
