package verify

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

func sampleReport() *Report {
	r := &Report{Facts: Facts{
		Username: "int@acme.example", Profile: "Kolleno Integration", OrgID: "00D000000000001AAA",
		InstanceURL: "https://acme.my.salesforce.com", APIVersion: "v62.0",
	}}
	r.set(pass(PrivateKey, "RSA 2048-bit"))
	r.set(warn(CertificateExpiry, "renew it\nthen upload it", "expires on 2026-01-10, in 10 days"))
	r.set(fail(AccountRead, ExitPermission, "give Read on Account", "cannot read Account"))
	r.set(skip(AccountRecords, "Account is not readable"))
	r.sorted()
	return r
}

func TestWriteTextPlain(t *testing.T) {
	var b bytes.Buffer
	if err := WriteText(&b, sampleReport(), TextOptions{}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"✓ private key ", "! certificate expiry ", "✗ Read on Account ",
		"- Account records visible ",
		"  hint: renew it\n  hint: then upload it\n", "  hint: give Read on Account\n",
		"  profile       Kolleno Integration\n", "  API version   v62.0\n",
		"\n1 passed, 1 warning, 1 failed, 1 skipped: the connection will not work",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\x1b[") {
		t.Errorf("plain output has colour:\n%q", out)
	}
}

func TestWriteTextColumnsLineUp(t *testing.T) {
	var b bytes.Buffer
	_ = WriteText(&b, sampleReport(), TextOptions{})
	col := -1
	for _, line := range strings.Split(b.String(), "\n") {
		i := strings.Index(line, "  RSA")
		if i < 0 {
			i = strings.Index(line, "  expires")
		}
		if i < 0 {
			continue
		}
		i = utf8.RuneCountInString(line[:i])
		if col >= 0 && i != col {
			t.Errorf("details start at %d and %d:\n%s", col, i, b.String())
		}
		col = i
	}
}

func TestWriteTextColor(t *testing.T) {
	var b bytes.Buffer
	_ = WriteText(&b, sampleReport(), TextOptions{Color: true})
	for _, want := range []string{ansiGreen + "✓", ansiYellow + "!", ansiRed + "✗"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("coloured output lacks %q", want)
		}
	}
}

func TestWriteTextQuiet(t *testing.T) {
	var b bytes.Buffer
	_ = WriteText(&b, sampleReport(), TextOptions{Quiet: true})
	out := b.String()
	if strings.Contains(out, "private key") || strings.Contains(out, "passed") ||
		strings.Contains(out, "Kolleno Integration") {
		t.Errorf("quiet output shows a pass, the facts or the summary:\n%s", out)
	}
	if !strings.Contains(out, "✗ Read on Account") || !strings.Contains(out, "hint: give Read") {
		t.Errorf("quiet output lacks the failure:\n%s", out)
	}

	b.Reset()
	r := &Report{}
	r.set(pass(PrivateKey, "fine"))
	_ = WriteText(&b, r, TextOptions{Quiet: true})
	if b.Len() != 0 {
		t.Errorf("quiet output of an all-pass report: %q", b.String())
	}
}

func TestWriteJSON(t *testing.T) {
	var b bytes.Buffer
	if err := WriteJSON(&b, sampleReport()); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		OK         *bool             `json:"ok"`
		ExitCode   *int              `json:"exit_code"`
		Summary    string            `json:"summary"`
		Counts     map[string]int    `json:"counts"`
		Connection map[string]string `json:"connection"`
		Checks     []map[string]any  `json:"checks"`
	}
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OK == nil || *doc.OK || doc.ExitCode == nil || *doc.ExitCode != ExitPermission {
		t.Errorf("ok/exit_code wrong: %s", b.String())
	}
	if doc.Counts["fail"] != 1 || doc.Counts["warn"] != 1 ||
		doc.Connection["org_id"] != "00D000000000001AAA" {
		t.Errorf("counts or connection wrong: %s", b.String())
	}
	if len(doc.Checks) != 4 {
		t.Fatalf("%d checks", len(doc.Checks))
	}
	for _, c := range doc.Checks {
		for _, key := range []string{"id", "title", "status", "detail", "hint"} {
			if _, ok := c[key]; !ok {
				t.Errorf("check %v has no %q", c, key)
			}
		}
	}
	if doc.Checks[2]["id"] != "account-read" || doc.Checks[2]["status"] != "fail" {
		t.Errorf("third check %v", doc.Checks[2])
	}
}

func TestExitCodeIsTheFirstFailure(t *testing.T) {
	r := &Report{}
	r.set(fail(AccountRead, ExitPermission, "", "x"))
	r.set(fail(Login, ExitLoginRefuse, "", "x"))
	r.set(fail(CertificateMatch, ExitLocal, "", "x"))
	r.set(warn(Clock, "h", "x"))
	r.sorted()
	if got := r.ExitCode(); got != ExitLocal {
		t.Errorf("exit %d, want %d", got, ExitLocal)
	}
	r.set(pass(CertificateMatch, "ok"))
	if got := r.ExitCode(); got != ExitLoginRefuse {
		t.Errorf("exit %d, want %d", got, ExitLoginRefuse)
	}
}

func TestChecklistEscapesServerText(t *testing.T) {
	r := &Report{Checks: []Check{
		{ID: Login, Title: "login", Status: Fail, Detail: "refused: evil\x1b[2J", Hint: "first\nsecond\x1b]0;t\x07"},
	}, Facts: Facts{Profile: "Prof\x1b[31mile"}}
	var b strings.Builder
	if err := WriteText(&b, r, TextOptions{}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if strings.ContainsRune(out, '\x1b') || strings.ContainsRune(out, '\a') {
		t.Errorf("checklist carries raw control characters:\n%q", out)
	}
	for _, want := range []string{`evil\x1b[2J`, "  hint: first\n", `Prof\x1b[31mile`} {
		if !strings.Contains(out, want) {
			t.Errorf("checklist lacks %q:\n%s", want, out)
		}
	}
}
