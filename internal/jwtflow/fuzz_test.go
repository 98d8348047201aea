package jwtflow

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// FuzzParseLoginURL: any input is refused or cleaned into a URL that is
// https (http only on loopback), free of control characters and trailing
// slashes, and that parses to itself again.
func FuzzParseLoginURL(f *testing.F) {
	for _, s := range []string{"", "https://login.salesforce.com/", "http://127.0.0.1:8080/x/",
		"https://acme.lightning.force.com", "acme.my.salesforce.com", "https://u:p@h/",
		"https://site.force.com/customers//", "HTTPS://[::1]:1/", "https://a.b/\x00",
		"https://login.salesforce.com.:443", "http://[::1]:80/", "https://a..b."} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, raw string, sandbox bool) {
		l, err := ParseLoginURL(raw, sandbox)
		if err != nil {
			return
		}
		if strings.HasSuffix(l.URL, "/") || strings.ContainsFunc(l.URL, unicode.IsControl) {
			t.Fatalf("ParseLoginURL(%q) = %q", raw, l.URL)
		}
		if !strings.HasPrefix(l.URL, "https://") && !(strings.HasPrefix(l.URL, "http://") &&
			l.Kind == HostLoopback) {
			t.Fatalf("ParseLoginURL(%q) = %q: not https", raw, l.URL)
		}
		again, err := ParseLoginURL(l.URL, sandbox)
		if err != nil || again != l {
			t.Fatalf("ParseLoginURL(%q) = %+v, but its URL parses to %+v, %v", raw, l, again, err)
		}
	})
}

// FuzzSafeExcerpt: the excerpt of any answer is short, one line, and never
// holds the assertion.
func FuzzSafeExcerpt(f *testing.F) {
	f.Add([]byte("<html><title>Down</title></html>"), "eyJhbGciOi.eyJzdWIi.c2ln")
	f.Add([]byte("assertion=eyJhbGciOi.eyJzdWIi.c2ln&x"), "eyJhbGciOi.eyJzdWIi.c2ln")
	f.Fuzz(func(t *testing.T, body []byte, assertion string) {
		got := safeExcerpt(body, assertion)
		if utf8.RuneCountInString(got) > maxExcerpt+1 {
			t.Fatalf("excerpt of %d characters", utf8.RuneCountInString(got))
		}
		if strings.ContainsAny(got, "\n\r\x00") {
			t.Fatalf("excerpt %q spans lines", got)
		}
		if len(assertion) >= 16 && strings.Contains(got, assertion) {
			t.Fatalf("excerpt %q holds the assertion", got)
		}
	})
}
