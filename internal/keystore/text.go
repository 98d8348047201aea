package keystore

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Printable returns s, text that came from a file (a certificate's subject
// or issuer, an alias), with everything that could act on a terminal
// escaped: C0 and C1 control characters and DEL (ESC starts the sequences
// that recolour, retitle or clear a terminal), Unicode format characters
// such as the bidirectional overrides, the line and paragraph separators,
// and bytes that are not UTF-8. They are written as \x1b, \u202e, \U000e0001 or \xff,
// and tab, newline and carriage return as \t, \n and \r. Every command
// prints such text through Printable, so a crafted certificate cannot
// forge or hide output.
func Printable(s string) string {
	if !strings.ContainsFunc(s, unsafeRune) && utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case unsafeRune(r) && r < 0x100:
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafeRune(r) && r <= 0xffff:
			fmt.Fprintf(&b, `\u%04x`, r)
		case unsafeRune(r):
			fmt.Fprintf(&b, `\U%08x`, r)
		default:
			b.WriteRune(r)
		}
		i += size
	}
	return b.String()
}

func unsafeRune(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == '\u2028' || r == '\u2029'
}
