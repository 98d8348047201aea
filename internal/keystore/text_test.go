package keystore

import "testing"

func TestEntryLabel(t *testing.T) {
	for alias, want := range map[string]string{"": "(no alias)", "kolleno_jwt": "kolleno_jwt", "x\x1b[2J": `x\x1b[2J`} {
		if got := (&Entry{Alias: alias}).Label(); got != want {
			t.Errorf("Label of %q = %q, want %q", alias, got, want)
		}
	}
}
