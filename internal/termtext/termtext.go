// Package termtext makes text that kollenoctl did not write itself, such as
// a certificate's subject, a keystore alias or Salesforce's error words, safe
// to write to a terminal.
package termtext

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Printable returns text from a file or a server (a subject, an alias, an
// error_description) as it may be written to a terminal: every control character,
// every invisible formatting character (bidirectional overrides, zero-width
// spaces) and every byte that is not UTF-8 is written as its Go escape
// (\x1b, \r, \n, \u202e, \xff); everything else stays verbatim. An escape
// sequence from the server then cannot clear the screen, set the window
// title or forge a line of kollenoctl's own. Printable(Printable(s)) is
// Printable(s).
func Printable(s string) string {
	if !needsEscape(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case hidden(r):
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

func needsEscape(s string) bool {
	if !utf8.ValidString(s) {
		return true
	}
	return strings.ContainsFunc(s, hidden)
}

// hidden reports whether r does something other than show a glyph.
func hidden(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) ||
		unicode.Is(unicode.Zl, r) || unicode.Is(unicode.Zp, r)
}
