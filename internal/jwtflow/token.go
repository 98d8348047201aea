package jwtflow

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// grantType is the JWT bearer grant (RFC 7523), reference §1.2.
const grantType = "urn:ietf:params:oauth:grant-type:jwt-bearer"

// maxAnswer caps how much of an answer is read: a token answer is under
// 2 KiB, and a maintenance page needs no more than its start.
const maxAnswer = 64 << 10

// maxExcerpt caps the excerpt of an unexpected answer shown to the user.
const maxExcerpt = 200

// kind sorts the outcome of one token request.
type kind int

const (
	kindToken         kind = iota // 200 with an access token
	kindRefused                   // Salesforce's JSON error
	kindTransient                 // network error, timeout, 429, 5xx: worth retrying
	kindUnexpected                // not Salesforce's JSON, a redirect, a token answer without token
	kindLocal                     // the request could not be made here: outcome.err says why
	kindUntrusted                 // the server's TLS certificate did not verify: not retried
	kindWrongProtocol             // an https server asked in http, or the reverse: not retried
)

// tokenAnswer is the JSON of the token endpoint, success or error (§2, §3).
type tokenAnswer struct {
	AccessToken      string `json:"access_token"`
	InstanceURL      string `json:"instance_url"`
	ID               string `json:"id"`
	TokenType        string `json:"token_type"`
	Scope            string `json:"scope"`
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
}

// outcome is what one token request produced.
type outcome struct {
	kind        kind
	status      int
	answer      tokenAnswer
	problem     string // for kindTransient and kindUnexpected: what went wrong
	contentType string
	excerpt     string
	location    string
	serverDate  time.Time
	retryAfter  time.Duration
	err         error  // for kindLocal
	cut         bool   // the time limit ended the request
	speaks      string // for kindWrongProtocol: "https", or "http" for no TLS
}

// postAssertion sends one token request and sorts its answer.
func postAssertion(ctx context.Context, c *http.Client, tokenURL, assertion string) outcome {
	form := url.Values{"grant_type": {grantType}, "assertion": {assertion}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, tokenURL,
		strings.NewReader(form.Encode()))
	if err != nil {
		return outcome{kind: kindLocal, err: fmt.Errorf("cannot build the token request: %w", err)}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")

	resp, err := c.Do(req)
	if err != nil {
		return netFailure(ctx, err)
	}
	defer resp.Body.Close()

	body, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if answeredByTLSServer(body) {
		return outcome{kind: kindWrongProtocol, status: resp.StatusCode, speaks: "https",
			problem: "the server speaks https, not http"}
	}
	if err != nil {
		return outcome{kind: kindTransient, status: resp.StatusCode,
			problem: "the answer broke off: " + describeNetError(ctx, err), cut: ctx.Err() != nil}
	}
	o := sortAnswer(resp, body, assertion)
	o.serverDate, _ = http.ParseTime(resp.Header.Get("Date"))
	return o
}

// sortAnswer decides what kind of answer resp is.
func sortAnswer(resp *http.Response, body []byte, assertion string) outcome {
	o := outcome{status: resp.StatusCode, contentType: mediaType(resp.Header)}
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		o.kind, o.location = kindUnexpected, redactLocation(resp)
		o.problem = fmt.Sprintf("HTTP %d, a redirect to %s, instead of a token",
			o.status, o.location)
		return o
	}
	retryable := resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500
	if retryable {
		o.retryAfter = parseRetryAfter(resp.Header.Get("Retry-After"))
	}
	if !isJSON(o.contentType, body) || json.Unmarshal(body, &o.answer) != nil {
		o.excerpt = safeExcerpt(body, assertion)
		o.problem = describeNotJSON(o)
		o.kind = kindUnexpected
		if retryable {
			o.kind = kindTransient
		}
		return o
	}
	o.answer.ErrorDescription = redactAssertion(o.answer.ErrorDescription, assertion)
	o.kind, o.problem = sortJSON(resp.StatusCode, o.answer, retryable)
	return o
}

// sortJSON sorts a JSON answer. An answer that carries an error is a
// refusal whatever its status: a 200 with {"error": ...} keeps Salesforce's
// words instead of becoming an answer without a token.
func sortJSON(status int, a tokenAnswer, retryable bool) (kind, string) {
	switch {
	case retryable:
		return kindTransient, fmt.Sprintf("HTTP %d %s %s", status, a.Error, a.ErrorDescription)
	case a.Error != "":
		return kindRefused, ""
	case status == http.StatusOK && a.AccessToken != "":
		return kindToken, ""
	case status == http.StatusOK:
		return kindUnexpected, "HTTP 200 without an access_token"
	}
	return kindUnexpected, fmt.Sprintf("HTTP %d without an error code", status)
}

func describeNotJSON(o outcome) string {
	what := "an empty answer"
	if o.contentType != "" {
		what = article(o.contentType) + " " + o.contentType + " answer"
	}
	msg := fmt.Sprintf("HTTP %d with %s, not Salesforce's JSON", o.status, what)
	if o.excerpt != "" {
		msg += fmt.Sprintf(": %q", o.excerpt)
	}
	return msg
}

// article is "an" before a word that starts with a vowel, else "a": a
// text/html answer, an application/json answer.
func article(word string) string {
	if word != "" && strings.ContainsRune("aeiouAEIOU", rune(word[0])) {
		return "an"
	}
	return "a"
}

func mediaType(h http.Header) string {
	mt, _, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil {
		return ""
	}
	return mt
}

// isJSON reports whether an answer claims or looks to be JSON; Salesforce
// sends application/json, and a body that starts with { is read as JSON
// whatever a proxy did to the header.
func isJSON(mediaType string, body []byte) bool {
	if strings.HasSuffix(mediaType, "json") {
		return true
	}
	trimmed := strings.TrimSpace(string(body[:min(len(body), 64)]))
	return strings.HasPrefix(trimmed, "{")
}

func parseRetryAfter(v string) time.Duration {
	secs, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || secs < 0 {
		return 0
	}
	return time.Duration(secs) * time.Second
}

// redactLocation returns a redirect's target without query or user info.
func redactLocation(resp *http.Response) string {
	loc, err := resp.Location()
	if err != nil {
		return "(an unreadable address)"
	}
	loc.User, loc.RawQuery, loc.Fragment = nil, "", ""
	return loc.String()
}

func originOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return raw
	}
	return u.Scheme + "://" + u.Host
}

var (
	scriptOrStyle = lazyRegexp(`(?is)<(script|style)\b.*?</(script|style)\s*>`)
	htmlTag       = lazyRegexp(`(?s)<[^>]*>`)
	jwtLike       = lazyRegexp(`eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*`)
	whitespace    = lazyRegexp(`\s+`)
)

// safeExcerpt turns the start of an answer into one short line of text that
// may be shown: tags, scripts and control characters removed, anything that
// looks like a JWT (a proxy that echoes the request) replaced, cut to
// maxExcerpt characters.
func safeExcerpt(body []byte, assertion string) string {
	text := scriptOrStyle().ReplaceAllString(string(body), " ")
	text = htmlTag().ReplaceAllString(text, " ")
	text = html.UnescapeString(text)
	text = redactAssertion(text, assertion)
	text = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, text)
	text = strings.TrimSpace(whitespace().ReplaceAllString(text, " "))
	if r := []rune(text); len(r) > maxExcerpt {
		text = string(r[:maxExcerpt]) + "…"
	}
	return text
}

// redactAssertion removes the assertion, and anything shaped like a JWT,
// from text that came back from the server.
func redactAssertion(text, assertion string) string {
	if assertion != "" {
		text = strings.ReplaceAll(text, assertion, "[assertion]")
	}
	return jwtLike().ReplaceAllString(text, "[JWT]")
}

// lazyRegexp compiles pattern on first use, so that starting kollenoctl,
// for --help or version, does no work for it.
func lazyRegexp(pattern string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(pattern) })
}
