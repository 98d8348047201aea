package termtext

import "testing"

func TestPrintable(t *testing.T) {
	tests := []struct{ in, want string }{
		{"user hasn't approved this consumer", "user hasn't approved this consumer"},
		{"CN=kolleno_jwt,O=Salesforce.com", "CN=kolleno_jwt,O=Salesforce.com"},
		{"Zażółć gęślą jaźń, Société Générale, 日本", "Zażółć gęślą jaźń, Société Générale, 日本"},
		{"clear \x1b[2J screen", `clear \x1b[2J screen`},
		{"title \x1b]0;pwned\x07", `title \x1b]0;pwned\a`},
		{"a\r\nhint: forged", `a\r\nhint: forged`},
		{"tab\there", `tab\there`},
		{"C1 \u009b2J", `C1 \u009b2J`},
		{"del\x7f", `del\x7f`},
		{"bidi \u202etxt.exe", `bidi \u202etxt.exe`},
		{"zero\u200bwidth", `zero\u200bwidth`},
		{"line\u2028sep", `line\u2028sep`},
		{"tag\U000e0041", `tag\U000e0041`},
		{"bad \xff byte", `bad \xff byte`},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Printable(tt.in); got != tt.want {
			t.Errorf("Printable(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if again := Printable(Printable(tt.in)); again != Printable(tt.in) {
			t.Errorf("Printable is not idempotent on %q: %q", tt.in, again)
		}
	}
}
