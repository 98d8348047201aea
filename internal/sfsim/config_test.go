package sfsim

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestDurationJSON(t *testing.T) {
	for in, want := range map[string]time.Duration{
		`"10m"`: 10 * time.Minute, `"-1.5s"`: -1500 * time.Millisecond, `30`: 30 * time.Second, `0.25`: 250 * time.Millisecond,
	} {
		var d Duration
		if err := json.Unmarshal([]byte(in), &d); err != nil || time.Duration(d) != want {
			t.Errorf("%s: got %v, %v; want %v", in, time.Duration(d), err, want)
		}
	}
	for _, in := range []string{`"ten minutes"`, `true`, `{}`} {
		var d Duration
		if err := json.Unmarshal([]byte(in), &d); err == nil {
			t.Errorf("%s was accepted", in)
		}
	}
	if b, _ := json.Marshal(Duration(90 * time.Second)); string(b) != `"1m30s"` {
		t.Errorf("marshal: %s", b)
	}
}

func TestLoadConfigKeepsBase(t *testing.T) {
	base := testConfig(t)

	cfg, err := LoadConfig([]byte(`{"app": {"type": "connected_app"}, "token": {"leeway": "1m"}}`), base)

	if err != nil {
		t.Fatal(err)
	}
	if cfg.App.Type != ConnectedApp || cfg.App.ConsumerKey != testKey || !cfg.App.JWTEnabled ||
		time.Duration(cfg.Token.Leeway) != time.Minute || !cfg.Token.TrackJTI ||
		len(cfg.Users) != 1 {
		t.Errorf("%+v", cfg)
	}
}

func TestLoadConfigRefusesBadJSON(t *testing.T) {
	if _, err := LoadConfig([]byte(`{"org": `), testConfig(t)); err == nil {
		t.Error("accepted")
	}
}

func TestNewRefusesBadModels(t *testing.T) {
	cases := map[string]func(*Config){
		"org id":               func(c *Config) { c.Org.ID = "001000000000000" },
		"app type":             func(c *Config) { c.App.Type = "canvas" },
		"versions":             func(c *Config) { c.Org.OldestAPIVersion = 70 },
		"user id":              func(c *Config) { c.Users[0].ID = "00Q000000000000" },
		"no username":          func(c *Config) { c.Users[0].Username = "" },
		"account read from":    func(c *Config) { c.Users[0].AccountReadFrom = "Nobody's set" },
		"certificate":          func(c *Config) { c.App.CertificatePEM = "not a certificate" },
		"fault scope":          func(c *Config) { c.Faults.Scope = "everything" },
		"fail error":           func(c *Config) { c.Faults.FailFirst, c.Faults.FailError = 1, "kaboom" },
		"EC certificate":       func(c *Config) { c.App.CertificatePEM = ecCertPEM(t) },
		"certificate is a key": func(c *Config) { good, _ := creds(t); c.App.CertificatePEM = string(good.KeyPEM) },
	}
	for name, change := range cases {
		t.Run(name, func(t *testing.T) {
			cfg := testConfig(t)
			change(&cfg)
			if _, err := New(cfg); err == nil {
				t.Error("New accepted it")
			}
		})
	}
}

// ecCertPEM is a self-signed certificate for an EC key: Salesforce takes
// RSA only.
func ecCertPEM(t *testing.T) string {
	_, certPEM, err := selfSignedServerCert()
	if err != nil {
		t.Fatal(err)
	}
	return string(certPEM)
}

func TestJWTDisabledNeedsNoCertificate(t *testing.T) {
	cfg := testConfig(t)
	cfg.App.JWTEnabled, cfg.App.CertificatePEM = false, ""
	if _, err := New(cfg); err != nil {
		t.Error(err)
	}
}

func TestSfID(t *testing.T) {
	id := sfID("005", "someone")
	if len(id) != 18 || !strings.HasPrefix(id, "0055g") || id != sfID("005", "someone") {
		t.Errorf("sfID = %q", id)
	}
	// The suffix of a known ID: 001A0000006Vm9r is documented as 001A0000006Vm9rIAC.
	if got := idSuffix("001A0000006Vm9r"); got != "IAC" {
		t.Errorf("idSuffix = %q", got)
	}
}
