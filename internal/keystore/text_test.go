package keystore

import "testing"

func TestPrintable(t *testing.T) {
	tests := []struct{ in, want string }{
		{"CN=kolleno_jwt,O=Salesforce.com", "CN=kolleno_jwt,O=Salesforce.com"},
		{"Zażółć gęślą jaźń, Ünïcödé", "Zażółć gęślą jaźń, Ünïcödé"},
		{"evil\x1b[31mred", `evil\x1b[31mred`},
		{"title\x1b]0;pwned\x07", `title\x1b]0;pwned\x07`},
		{"csi\u009b2J", `csi\x9b2J`},
		{"del\x7f", `del\x7f`},
		{"a\tb\nc\rd", `a\tb\nc\rd`},
		{"right\u202etxt.exe", `right\u202etxt.exe`},
		{"zero\u200bwidth", `zero\u200bwidth`},
		{"line\u2028sep", `line\u2028sep`},
		{"tag\U000e0041", `tag\U000e0041`},
		{"bad\xffutf8", `bad\xffutf8`},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Printable(tt.in); got != tt.want {
			t.Errorf("Printable(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestEntryLabel(t *testing.T) {
	for alias, want := range map[string]string{"": "(no alias)", "kolleno_jwt": "kolleno_jwt", "x\x1b[2J": `x\x1b[2J`} {
		if got := (&Entry{Alias: alias}).Label(); got != want {
			t.Errorf("Label of %q = %q, want %q", alias, got, want)
		}
	}
}
