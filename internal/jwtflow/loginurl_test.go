package jwtflow

import (
	"errors"
	"strings"
	"testing"
)

func TestParseLoginURL(t *testing.T) {
	tests := []struct {
		raw     string
		sandbox bool
		url     string
		kind    HostKind
		isSbx   bool
	}{
		{"", false, ProductionLoginURL, HostProduction, false},
		{"", true, SandboxLoginURL, HostSandbox, true},
		{"  https://login.salesforce.com/ \n", false, ProductionLoginURL, HostProduction, false},
		{"HTTPS://Login.Salesforce.com", false, ProductionLoginURL, HostProduction, false},
		{"https://test.salesforce.com", false, SandboxLoginURL, HostSandbox, true},
		{"https://acme.my.salesforce.com//", false, "https://acme.my.salesforce.com", HostMyDomain, false},
		{"https://acme.develop.my.salesforce.com", false, "https://acme.develop.my.salesforce.com", HostMyDomain, false},
		{"https://acme--uat.sandbox.my.salesforce.com", false, "https://acme--uat.sandbox.my.salesforce.com", HostSandboxMyDomain, true},
		{"https://acme--uat.sandbox.my.salesforce.com", true, "https://acme--uat.sandbox.my.salesforce.com", HostSandboxMyDomain, true},
		{"https://acme.scratch.my.salesforce.com", false, "https://acme.scratch.my.salesforce.com", HostSandboxMyDomain, true},
		{"https://acme.my.site.com", false, "https://acme.my.site.com", HostSite, false},
		{"https://site.force.com/customers/", false, "https://site.force.com/customers", HostSite, false},
		{"https://login.acme.example", false, "https://login.acme.example", HostCustom, false},
		{"https://login.acme.example", true, "https://login.acme.example", HostCustom, true},
		{"http://127.0.0.1:8443", false, "http://127.0.0.1:8443", HostLoopback, false},
		{"http://[::1]:8443/", false, "http://[::1]:8443", HostLoopback, false},
		{"http://localhost:8443/org/acme", true, "http://localhost:8443/org/acme", HostLoopback, true},
		// A trailing dot on the host and the default port lead to the same
		// server: both are dropped before the host rules apply.
		{"https://login.salesforce.com.", false, ProductionLoginURL, HostProduction, false},
		{"https://Test.Salesforce.com./", false, SandboxLoginURL, HostSandbox, true},
		{"https://login.salesforce.com:443", false, ProductionLoginURL, HostProduction, false},
		{"https://acme.my.salesforce.com.:443/", false, "https://acme.my.salesforce.com", HostMyDomain, false},
		{"https://login.acme.example:8443", false, "https://login.acme.example:8443", HostCustom, false},
		{"http://127.0.0.1:80", false, "http://127.0.0.1", HostLoopback, false},
		{"http://localhost.:8443", false, "http://localhost:8443", HostLoopback, false},
		{"https://[::1]:443", false, "https://[::1]", HostLoopback, false},
	}
	for _, tt := range tests {
		got, err := ParseLoginURL(tt.raw, tt.sandbox)
		if err != nil {
			t.Errorf("ParseLoginURL(%q, %v): %v", tt.raw, tt.sandbox, err)
			continue
		}
		if got.URL != tt.url || got.Kind != tt.kind || got.Sandbox != tt.isSbx {
			t.Errorf("ParseLoginURL(%q, %v) = %q %v sandbox=%v, want %q %v sandbox=%v",
				tt.raw, tt.sandbox, got.URL, got.Kind, got.Sandbox, tt.url, tt.kind, tt.isSbx)
		}
		if got.TokenURL() != tt.url+"/services/oauth2/token" {
			t.Errorf("TokenURL() = %q", got.TokenURL())
		}
	}
}

func TestParseLoginURLRefuses(t *testing.T) {
	tests := []struct {
		raw     string
		sandbox bool
		msg     string // in the error
		hint    string // in the hint
	}{
		{"https://login.salesforce.com\x00", false, "control character U+0000", "type the login URL again"},
		{"https://acme.my.sales\tforce.com", false, "control character U+0009", "invisible"},
		{"https://acme\u200b.my.salesforce.com", false, "control character U+200B", ""},
		{"acme.my.salesforce.com", false, "has no scheme", "https://acme.my.salesforce.com"},
		{"http://acme.my.salesforce.com", false, "only https:// is allowed", "https://acme.my.salesforce.com"},
		{"http://10.0.0.1", false, "only https://", ""},
		{"ftp://login.salesforce.com", false, `scheme "ftp"`, ""},
		{"https://acme.lightning.force.com", false, "Lightning", "--login-url https://acme.my.salesforce.com"},
		{"https://acme--uat.sandbox.lightning.force.com/", true, "Lightning", "https://acme--uat.sandbox.my.salesforce.com"},
		{"https://acme.my.salesforce-setup.com", false, "Setup", "https://acme.my.salesforce.com"},
		{"https://user:secret@acme.my.salesforce.com", false, "user name or password", "https://acme.my.salesforce.com"},
		{"https://acme.my.salesforce.com/?x=1", false, "query", ""},
		{"https://acme.my.salesforce.com/#top", false, "fragment", ""},
		{"https://acme.my.salesforce.com/services/oauth2/token", false, "ends in /services/oauth2/token", "https://acme.my.salesforce.com"},
		{"https://login.salesforce.com/home", false, "has no path", "https://login.salesforce.com"},
		{"https://login.salesforce.com", true, "production login URL", "https://test.salesforce.com"},
		{"https://acme.my.salesforce.com", true, "production login URL", "sandbox's My Domain"},
		{"https://", false, "not a valid URL", ""},
		// The same refusals with a trailing dot on the host.
		{"https://acme.lightning.force.com.", false, "Lightning", "--login-url https://acme.my.salesforce.com"},
		{"https://login.salesforce.com.", true, "production login URL", "https://test.salesforce.com"},
		{"http://acme.my.salesforce.com.", false, "only https:// is allowed", "https://acme.my.salesforce.com"},
		{"https://login.salesforce.com./home", false, "has no path", "https://login.salesforce.com"},
		{"https://login.salesforce.com..", false, "empty part between dots", ""},
		{"https://acme..my.salesforce.com", false, "empty part between dots", ""},
	}
	for _, tt := range tests {
		_, err := ParseLoginURL(tt.raw, tt.sandbox)
		var ie *InputError
		if !errors.As(err, &ie) {
			t.Errorf("ParseLoginURL(%q, %v) = %v, want an *InputError", tt.raw, tt.sandbox, err)
			continue
		}
		if !strings.Contains(ie.Error(), tt.msg) || !strings.Contains(ie.Hint(), tt.hint) {
			t.Errorf("ParseLoginURL(%q, %v):\n error %q, want %q in it\n hint %q, want %q in it",
				tt.raw, tt.sandbox, ie.Error(), tt.msg, ie.Hint(), tt.hint)
		}
		if strings.Contains(ie.Error()+ie.Hint(), "secret") {
			t.Errorf("ParseLoginURL(%q) repeats the password: %q", tt.raw, ie.Error()+ie.Hint())
		}
		if ie.ExitCode() != 1 {
			t.Errorf("exit code %d, want 1", ie.ExitCode())
		}
	}
}

// TestAudienceRules covers the audience for each kind of host, and the other
// pairing tried once after "audience is invalid" or "app_not_found".
func TestAudienceRules(t *testing.T) {
	tests := []struct {
		name     string
		login    string
		sandbox  bool
		audience string // --audience; "" for the default
		wantAud  string
		wantAlt  string // "" when there is no other pairing
	}{
		{"production", "", false, "", ProductionLoginURL, ""},
		{"sandbox", "", true, "", SandboxLoginURL, ""},
		{"My Domain", "https://acme.my.salesforce.com", false, "",
			"https://acme.my.salesforce.com", ProductionLoginURL},
		{"My Domain with login audience", "https://acme.my.salesforce.com", false,
			ProductionLoginURL, ProductionLoginURL, "https://acme.my.salesforce.com"},
		{"sandbox My Domain", "https://acme--uat.sandbox.my.salesforce.com", false, "",
			"https://acme--uat.sandbox.my.salesforce.com", SandboxLoginURL},
		{"sandbox My Domain with test audience", "https://acme--uat.sandbox.my.salesforce.com",
			false, "https://test.salesforce.com/", SandboxLoginURL,
			"https://acme--uat.sandbox.my.salesforce.com"},
		{"Experience Cloud site", "https://acme.my.site.com", false, "",
			"https://acme.my.site.com", ""},
		{"legacy site with path", "https://site.force.com/customers", false, "",
			"https://site.force.com/customers", ""},
		{"custom domain", "https://login.acme.example", false, "",
			"https://login.acme.example", ProductionLoginURL},
		{"loopback", "http://127.0.0.1:9999", false, "", "http://127.0.0.1:9999", ProductionLoginURL},
		{"loopback sandbox", "http://127.0.0.1:9999", true, "", "http://127.0.0.1:9999", SandboxLoginURL},
		{"loopback with path", "http://127.0.0.1:9999/org/acme", false, "",
			"http://127.0.0.1:9999", ProductionLoginURL},
		{"Government Cloud", "https://agency.my.salesforce.com", false,
			" https://login.salesforce.com ", ProductionLoginURL, "https://agency.my.salesforce.com"},
		// The default port and a trailing dot are dropped from the login
		// URL and the audience alike, so the pairings stay those above.
		{"production on :443", "https://login.salesforce.com:443", false, "", ProductionLoginURL, ""},
		{"My Domain on :443 with a dot", "https://acme.my.salesforce.com.:443", false, "",
			"https://acme.my.salesforce.com", ProductionLoginURL},
		{"My Domain with login audience on :443", "https://acme.my.salesforce.com", false,
			"https://login.salesforce.com.:443/", ProductionLoginURL, "https://acme.my.salesforce.com"},
		{"custom port kept", "https://login.acme.example:8443", false, "",
			"https://login.acme.example:8443", ProductionLoginURL},
	}
	for _, tt := range tests {
		l, err := ParseLoginURL(tt.login, tt.sandbox)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		aud, err := CleanAudience(tt.audience, l)
		if err != nil || aud != tt.wantAud {
			t.Errorf("%s: audience = %q, %v; want %q", tt.name, aud, err, tt.wantAud)
		}
		alt, ok := AlternateAudience(l, aud)
		if alt != tt.wantAlt || ok != (tt.wantAlt != "") {
			t.Errorf("%s: other pairing = %q, %v; want %q", tt.name, alt, ok, tt.wantAlt)
		}
	}
}

func TestCleanAudienceRefuses(t *testing.T) {
	l, _ := ParseLoginURL("https://acme.my.salesforce.com", false)
	for raw, want := range map[string]string{
		"login.salesforce.com":          "audience \"login.salesforce.com\" has no scheme",
		"http://login.salesforce.com":   "not an https URL",
		"https://login.salesforce.com?": "query",
		"https://x\n.example":           "control character",
	} {
		_, err := CleanAudience(raw, l)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("CleanAudience(%q) = %v, want %q", raw, err, want)
		}
	}
}

func TestCleanConsumerKey(t *testing.T) {
	key, trimmed, err := CleanConsumerKey(" \t" + testConsumerKey + "\r\n")
	if err != nil || key != testConsumerKey || !trimmed {
		t.Errorf("CleanConsumerKey = %q, %v, %v", key, trimmed, err)
	}
	if _, trimmed, _ := CleanConsumerKey(testConsumerKey); trimmed {
		t.Error("a clean key reported as trimmed")
	}
	for raw, want := range map[string]string{
		"":             "empty",
		"   ":          "empty",
		"3MVG9 abc":    "contains a space",
		"3MVG9\x00abc": "control character",
		`"3MVG9abc"`:   "quotes",
		"<3MVG9abc>":   "angle brackets",
	} {
		_, _, err := CleanConsumerKey(raw)
		var ie *InputError
		if !errors.As(err, &ie) || !strings.Contains(ie.Msg, want) ||
			!strings.Contains(ie.Fix, "Consumer Key and Secret") {
			t.Errorf("CleanConsumerKey(%q) = %v, want %q and where to copy it", raw, err, want)
		}
	}
}

func TestCleanUsername(t *testing.T) {
	for raw, want := range map[string]string{
		"integration@example.com":        "integration@example.com",
		" integration@example.com\n":     "integration@example.com",
		"kolleno.int@acme.com.uat":       "kolleno.int@acme.com.uat",
		"first.last+ci@acme.co.uk.full1": "first.last+ci@acme.co.uk.full1",
	} {
		got, _, err := CleanUsername(raw)
		if err != nil || got != want {
			t.Errorf("CleanUsername(%q) = %q, %v; want %q", raw, got, err, want)
		}
	}
	for raw, want := range map[string]string{
		"":                                       "empty",
		"integration":                            "not of the form name@domain",
		"@example.com":                           "not of the form",
		"a@b@example.com":                        "not of the form",
		"integration@example":                    "does not end in a domain",
		"integration@example.":                   "does not end in a domain",
		"inte gration@x.com":                     "contains a space",
		"a\x1b[2J@example.com":                   "control character",
		strings.Repeat("a", 70) + "@example.com": "characters long",
	} {
		_, _, err := CleanUsername(raw)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("CleanUsername(%q) = %v, want %q", raw, err, want)
		}
	}
}

// TestCleanUsernameLeftovers: what comes along when a username is copied
// out of an email or a web page is refused, named, and the hint gives the
// username alone.
func TestCleanUsernameLeftovers(t *testing.T) {
	const bare = "integration@acme.example"
	for raw, what := range map[string]string{
		"<integration@acme.example>":                     "angle brackets",
		"Kolleno Integration <integration@acme.example>": "angle brackets",
		`"integration@acme.example"`:                     "quotes",
		"'integration@acme.example'":                     "quotes",
		"“integration@acme.example”":                     "quotes",
		"mailto:integration@acme.example":                "the prefix mailto:",
		"MAILTO:integration@acme.example":                "the prefix mailto:",
		`"<mailto:integration@acme.example>"`:            "quotes, angle brackets and the prefix mailto:",
		"integration@acme.example>":                      "angle brackets",
		`"Kolleno" <integration@acme.example>`:           "quotes and angle brackets",
	} {
		_, _, err := CleanUsername(raw)
		want := "carries " + what + ", copied along with it"
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("CleanUsername(%q) = %v, want %q", raw, err, want)
			continue
		}
		if h := hintOf(err); h != "give the username alone: "+bare {
			t.Errorf("CleanUsername(%q): hint %q", raw, h)
		}
	}
	if got, _, err := CleanUsername("o'brien@acme.example"); err != nil || got != "o'brien@acme.example" {
		t.Errorf("an apostrophe inside the username: %q, %v", got, err)
	}
	_, _, err := CleanUsername("<integration>")
	if err == nil || hintOf(err) != usernameForm {
		t.Errorf("brackets around no username: %v, hint %q", err, hintOf(err))
	}
}

func TestMask(t *testing.T) {
	for token, want := range map[string]string{
		"00D5g000004XXXX!AR8AQPa.secret.part":    "00D5g000004XXXX!…",
		"00D5g000004XXXXEAA!AR8AQPa.secret.part": "00D5g000004XXXXEAA!…",
		"eyJhbGciOiJSUzI1NiJ9.payload.signature": "eyJ…",
		"not-an-org!secretsecretsecret":          "not…",
		"short":                                  "…",
		"":                                       "",
	} {
		if got := MaskToken(token); got != want {
			t.Errorf("MaskToken(%q) = %q, want %q", token, got, want)
		}
	}
	if got := MaskConsumerKey(testConsumerKey); got != "3MVG9tes…TUVW" {
		t.Errorf("MaskConsumerKey = %q", got)
	}
	if got := MaskConsumerKey("short"); got != "…" {
		t.Errorf("MaskConsumerKey(short) = %q", got)
	}
}
