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
	for _, model := range []string{`{"org": `, `{"org": {}} {}`, `{"org": {"sandbox": "yes"}}`} {
		if _, err := LoadConfig([]byte(model), testConfig(t)); err == nil {
			t.Errorf("%s was accepted", model)
		}
	}
}

func TestLoadConfigRefusesUnknownFields(t *testing.T) {
	for field, model := range map[string]string{
		"permited_users": `{"app": {"permited_users": "self_authorize"}}`,
		"api_enable":     `{"users": [{"username": "u@kolleno.example", "api_enable": false}]}`,
		"latancy":        `{"faults": {"latancy": "1s"}}`,
		"fault":          `{"fault": {"hang": true}}`,
	} {
		t.Run(field, func(t *testing.T) {
			_, err := LoadConfig([]byte(model), testConfig(t))

			if err == nil || !strings.Contains(err.Error(), `unknown field "`+field+`"`) {
				t.Errorf("got %v, want the unknown field named", err)
			}
		})
	}
}

func TestLoadConfigRefusesBadValues(t *testing.T) {
	for model, want := range map[string]string{
		`{"app": {"permitted_users": "self-authorize"}}`:                                   `app.permitted_users: must be admin_approved or self_authorize, not "self-authorize"`,
		`{"app": {"type": "ECA"}}`:                                                         `app.type: must be external_client_app or connected_app, not "ECA"`,
		`{"faults": {"scope": "REST"}}`:                                                    `faults.scope: must be all, token or rest, not "REST"`,
		`{"org": {"id": "00D123"}}`:                                                        `org.id: must be 15 or 18 characters starting with 00D, not "00D123"`,
		`{"org": {"newest_api_version": 30}}`:                                              `org.newest_api_version: must be 31 or more (the oldest version served), not 30`,
		`{"users": [{"username": "u@kolleno.example", "id": "00Q000000000000"}]}`:          `users[0].id: must start with 005, not "00Q000000000000"`,
		`{"users": [{"username": "u@kolleno.example", "login_ip_ranges": ["127.0.0.1"]}]}`: `users[0].login_ip_ranges: must be CIDR ranges such as 203.0.113.0/24, not "127.0.0.1"`,
	} {
		t.Run(want, func(t *testing.T) {
			_, err := LoadConfig([]byte(model), testConfig(t))

			if err == nil || err.Error() != want {
				t.Errorf("got %v\nwant %s", err, want)
			}
		})
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
		"permitted users":      func(c *Config) { c.App.PermittedUsers = "" },
		"unknown user error":   func(c *Config) { c.Token.UnknownUserError = "kaboom" },
		"negative latency":     func(c *Config) { c.Faults.Latency = -1 },
		"my domain":            func(c *Config) { c.Org.MyDomain = "kolleno.my.salesforce.com" },
		"login IP range":       func(c *Config) { c.Users[0].LoginIPRanges = []string{"127.0.0.0/8", "localhost"} },
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
