package main

import (
	"strings"
	"testing"

	"github.com/kolleno/kollenoctl/internal/jwtflow"
)

// TestTroubleshootingHasEveryEntry checks that each catalogue entry reaches
// the page whole: its anchor, error, descriptions, cause and every fix.
func TestTroubleshootingHasEveryEntry(t *testing.T) {
	page := string(renderTroubleshooting())
	for _, e := range jwtflow.Catalogue {
		want := []string{`<a id="` + e.ID + `"></a>`, "(#" + e.ID + ")", e.Cause}
		if e.Error != "" {
			want = append(want, "`"+e.Error+"`")
		}
		for _, d := range e.Descriptions {
			want = append(want, "`"+d+"`")
		}
		want = append(want, e.Fix...)
		for _, w := range want {
			if !strings.Contains(page, w) {
				t.Errorf("entry %s: page lacks %q", e.ID, w)
			}
		}
	}
}

func TestTroubleshootingHasExitCodes(t *testing.T) {
	page := string(renderTroubleshooting())
	for _, line := range []string{"| 3 | Salesforce refused the login |", "| 5 | Salesforce could not be reached"} {
		if !strings.Contains(page, line) {
			t.Errorf("exit-code table lacks %q", line)
		}
	}
}
