package verify

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kolleno/kollenoctl/internal/jwtflow"
	"github.com/kolleno/kollenoctl/internal/sfsim"
)

const (
	testConsumerKey = "3MVG9testconsumerkey.forverify"
	testUsername    = "integration@acme.example"
)

// simulate starts sfsim with the certificate of pair A uploaded, changed by
// mutate, and returns it and its URL.
func simulate(t *testing.T, mutate func(*sfsim.Config)) (*sfsim.Server, *httptest.Server) {
	t.Helper()
	a, _ := pairs(t)
	cfg := sfsim.DefaultConfig(a.CertPEM, testConsumerKey, testUsername)
	if mutate != nil {
		mutate(&cfg)
	}
	sim, err := sfsim.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(sim)
	t.Cleanup(ts.Close)
	t.Cleanup(sim.Close)
	return sim, ts
}

// options are the inputs of a verify run against ts with pair A.
func options(t *testing.T, ts *httptest.Server) Options {
	a, _ := pairs(t)
	return Options{
		Material: Material{
			Key: a.KeyPEM, KeyName: "kolleno.key", Cert: a.CertPEM, CertName: "kolleno.crt",
		},
		Login: jwtflow.Request{
			ConsumerKey: testConsumerKey, Username: testUsername, LoginURL: ts.URL,
			Client: ts.Client(), Timeout: 5 * time.Second,
			Backoff: func(int, bool) time.Duration { return 0 },
		},
	}
}

func TestRunAllPassInTwoRequests(t *testing.T) {
	sim, ts := simulate(t, nil)
	r := Run(context.Background(), options(t, ts))

	for _, c := range r.Checks {
		if c.Status != Pass {
			t.Errorf("%s: %s: %s (hint %q)", c.ID, c.Status, c.Detail, c.Hint)
		}
	}
	if len(r.Checks) != len(order) {
		t.Errorf("%d checks, want %d", len(r.Checks), len(order))
	}
	if r.ExitCode() != ExitOK {
		t.Errorf("exit code %d", r.ExitCode())
	}

	var paths []string
	for _, e := range sim.Requests() {
		paths = append(paths, e.Method+" "+e.Path)
	}
	want := []string{
		"POST /services/oauth2/token",
		"POST /services/data/v" + PinnedAPIVersion + "/composite",
	}
	if strings.Join(paths, "\n") != strings.Join(want, "\n") {
		t.Errorf("requests:\n%s\nwant:\n%s", strings.Join(paths, "\n"), strings.Join(want, "\n"))
	}

	f := r.Facts
	if f.Profile != sfsim.DefaultProfile || f.OrgID != sfsim.DefaultOrgID ||
		f.InstanceURL != ts.URL || f.APIVersion != "v"+PinnedAPIVersion ||
		f.Username != testUsername || !validID(f.UserID) {
		t.Errorf("facts %+v", f)
	}
}

func TestRunNegotiatesTheVersion(t *testing.T) {
	sim, ts := simulate(t, func(c *sfsim.Config) { c.Org.OldestAPIVersion = 64 })
	r := Run(context.Background(), options(t, ts))
	if r.ExitCode() != ExitOK || r.Facts.APIVersion != "v67.0" {
		t.Errorf("exit %d, version %s", r.ExitCode(), r.Facts.APIVersion)
	}
	if n := len(sim.Requests()); n != 4 {
		t.Errorf("%d requests, want 4: token, composite, versions, composite", n)
	}
}

func TestRunAgainstMisconfiguredOrgs(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*sfsim.Config)
		want   map[ID]Status
		exit   int
		hint   map[ID]string
	}{
		{
			name:   "user lacks API Enabled",
			mutate: func(c *sfsim.Config) { c.Users[0].APIEnabled = false },
			want: map[ID]Status{Login: Pass, RESTAPI: Pass, APIEnabled: Fail,
				AccountRead: Skipped},
			exit: ExitPermission,
			hint: map[ID]string{APIEnabled: "System Permissions > API Enabled"},
		},
		{
			name:   "edition without API",
			mutate: func(c *sfsim.Config) { c.Org.APIEnabled = false },
			want:   map[ID]Status{Login: Pass, APIEnabled: Fail},
			exit:   ExitPermission,
			hint:   map[ID]string{APIEnabled: "edition has no API access"},
		},
		{
			name:   "no Read on Account",
			mutate: func(c *sfsim.Config) { c.Users[0].AccountRead = false },
			want:   map[ID]Status{APIEnabled: Pass, AccountRead: Fail, AccountRecords: Skipped},
			exit:   ExitPermission,
			hint:   map[ID]string{AccountRead: `"Kolleno Integration"`},
		},
		{
			name:   "no Account record visible",
			mutate: func(c *sfsim.Config) { c.Users[0].AccountRecords = 0 },
			want:   map[ID]Status{AccountRead: Pass, AccountRecords: Warn},
			exit:   ExitOK,
		},
		{
			name:   "app not assigned to the profile",
			mutate: func(c *sfsim.Config) { c.App.Profiles = nil },
			want:   map[ID]Status{Login: Fail, APIEnabled: Skipped, AccountRead: Skipped},
			exit:   ExitLoginRefuse,
		},
		{
			name:   "no api scope",
			mutate: func(c *sfsim.Config) { c.App.Scopes = []string{"refresh_token"} },
			want:   map[ID]Status{Login: Pass, RESTAPI: Fail, APIEnabled: Skipped},
			exit:   ExitPermission,
			hint:   map[ID]string{RESTAPI: "(api)"},
		},
		{
			name: "REST in maintenance",
			mutate: func(c *sfsim.Config) {
				c.Faults = sfsim.Faults{Scope: sfsim.ScopeREST, Maintenance: true}
			},
			want: map[ID]Status{Login: Pass, RESTAPI: Fail, APIEnabled: Skipped},
			exit: ExitUnreachable,
		},
		{
			name: "REST connection reset",
			mutate: func(c *sfsim.Config) {
				c.Faults = sfsim.Faults{Scope: sfsim.ScopeREST, Reset: true}
			},
			want: map[ID]Status{Login: Pass, RESTAPI: Fail, APIEnabled: Skipped},
			exit: ExitUnreachable,
		},
		{
			name: "daily API limit used up",
			mutate: func(c *sfsim.Config) {
				c.Faults = sfsim.Faults{Scope: sfsim.ScopeREST, RateLimit: true}
			},
			want: map[ID]Status{Login: Pass, RESTAPI: Fail, APIEnabled: Skipped},
			exit: ExitUnreachable,
			hint: map[ID]string{RESTAPI: "API Requests, Last 24 Hours"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, ts := simulate(t, tt.mutate)
			r := Run(context.Background(), options(t, ts))
			for id, want := range tt.want {
				if c := r.Check(id); c.Status != want {
					t.Errorf("%s: %s (%s), want %s", id, c.Status, c.Detail, want)
				}
			}
			if r.ExitCode() != tt.exit {
				t.Errorf("exit code %d, want %d", r.ExitCode(), tt.exit)
			}
			for id, part := range tt.hint {
				if !strings.Contains(r.Check(id).Hint, part) {
					t.Errorf("%s hint %q lacks %q", id, r.Check(id).Hint, part)
				}
			}
		})
	}
}

func TestRunWithoutAUsableKeySkipsTheRemoteChecks(t *testing.T) {
	sim, ts := simulate(t, nil)
	opts := options(t, ts)
	opts.Key, opts.Cert = []byte("junk"), nil
	r := Run(context.Background(), opts)
	for _, id := range []ID{Clock, Login, RESTAPI, APIEnabled, AccountRead, AccountRecords} {
		if r.Check(id).Status != Skipped {
			t.Errorf("%s: %+v", id, r.Check(id))
		}
	}
	if r.ExitCode() != ExitLocal || len(sim.Requests()) != 0 {
		t.Errorf("exit %d, %d requests", r.ExitCode(), len(sim.Requests()))
	}
}

func TestRunClockBehind(t *testing.T) {
	_, ts := simulate(t, func(c *sfsim.Config) {
		c.ClockOffset = sfsim.Duration(-10 * time.Minute)
	})
	r := Run(context.Background(), options(t, ts))
	c := r.Check(Clock)
	if c.Status != Warn || !strings.Contains(c.Detail, "10m0s ahead of") {
		t.Errorf("clock %+v", c)
	}
}

func TestRunUnreachable(t *testing.T) {
	_, ts := simulate(t, nil)
	opts := options(t, ts)
	opts.Login.Timeout = 200 * time.Millisecond // connection refused is retried until then
	ts.Close()
	r := Run(context.Background(), opts)
	if r.Check(Login).Status != Fail || r.ExitCode() != ExitUnreachable {
		t.Errorf("login %+v, exit %d", r.Check(Login), r.ExitCode())
	}
	if r.Check(Clock).Status != Skipped {
		t.Errorf("clock %+v", r.Check(Clock))
	}
}

func TestRunWarnsWhenOnlyTheOtherPairingLogsIn(t *testing.T) {
	_, ts := simulate(t, func(c *sfsim.Config) {
		c.Token.Audiences = []string{jwtflow.ProductionLoginURL}
	})
	r := Run(context.Background(), options(t, ts))
	c, aud := r.Check(Login), jwtflow.ProductionLoginURL
	if c.Status != Warn || !strings.Contains(c.Detail, "only with the audience "+aud) ||
		!strings.Contains(c.Hint, "--audience "+aud) {
		t.Errorf("login %+v", c)
	}
	if r.ExitCode() != ExitOK || r.Check(AccountRecords).Status != Pass {
		t.Errorf("exit %d, report %+v", r.ExitCode(), r.Checks)
	}
}

// recordingTransport keeps the bearer token the REST request carried.
type recordingTransport struct {
	next  http.RoundTripper
	mu    sync.Mutex
	token string
}

func (t *recordingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if auth, ok := strings.CutPrefix(req.Header.Get("Authorization"), "Bearer "); ok {
		t.mu.Lock()
		t.token = auth
		t.mu.Unlock()
	}
	return t.next.RoundTrip(req)
}

func TestReportsNeverShowTheAccessToken(t *testing.T) {
	_, ts := simulate(t, func(c *sfsim.Config) { c.Users[0].AccountRead = false })
	opts := options(t, ts)
	rec := &recordingTransport{next: ts.Client().Transport}
	opts.Login.Client = &http.Client{Transport: rec}
	r := Run(context.Background(), opts)

	if rec.token == "" {
		t.Fatal("no REST request carried a token")
	}
	var text, doc bytes.Buffer
	_ = WriteText(&text, r, TextOptions{})
	_ = WriteJSON(&doc, r)
	secret := rec.token[strings.Index(rec.token, "!")+1:]
	for name, out := range map[string]string{"text": text.String(), "json": doc.String()} {
		if strings.Contains(out, secret) {
			t.Errorf("the %s report shows the access token:\n%s", name, out)
		}
	}
}

// TestRunReadsTheClockFromAFailedLogin: every answer carries Salesforce's
// Date header, so the clock is checked though the login failed.
func TestRunReadsTheClockFromAFailedLogin(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*sfsim.Config)
		clock  Status
	}{
		{"maintenance page", func(c *sfsim.Config) { c.Faults.Maintenance = true }, Pass},
		{"429", func(c *sfsim.Config) { c.Faults.TooManyRequests = true }, Pass},
		{"maintenance page, clock 10 minutes off", func(c *sfsim.Config) {
			c.Faults.Maintenance = true
			c.ClockOffset = sfsim.Duration(-10 * time.Minute)
		}, Warn},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, ts := simulate(t, tt.mutate)
			opts := options(t, ts)
			opts.Login.Timeout = 200 * time.Millisecond
			opts.Login.Backoff = func(int, bool) time.Duration { return 50 * time.Millisecond }
			r := Run(context.Background(), opts)
			if c := r.Check(Clock); c.Status != tt.clock {
				t.Errorf("clock %+v, want %s", c, tt.clock)
			}
			if r.Check(Login).Status != Fail || r.ExitCode() != ExitUnreachable {
				t.Errorf("login %+v, exit %d", r.Check(Login), r.ExitCode())
			}
		})
	}
}

func TestRunReadsTheClockFromAnEmpty200(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Date", time.Now().Add(5*time.Minute).UTC().Format(http.TimeFormat))
	}))
	defer ts.Close()
	r := Run(context.Background(), options(t, ts))
	c := r.Check(Clock)
	if c.Status != Warn || !strings.Contains(c.Detail, "behind") {
		t.Errorf("clock %+v, want a warning that the clock is behind", c)
	}
	if r.Check(Login).Status != Fail {
		t.Errorf("login %+v", r.Check(Login))
	}
}

// TestRunInvalidAssertionWithAMatchingCertificate: the JWT bearer flow is
// off for the app. verify has just shown that --cert belongs to the key, so
// the hint does not send the admin to compare them, and names the causes
// that remain; without --cert the comparison is still the advice.
func TestRunInvalidAssertionWithAMatchingCertificate(t *testing.T) {
	_, ts := simulate(t, func(c *sfsim.Config) { c.App.JWTEnabled = false })
	r := Run(context.Background(), options(t, ts))
	c := r.Check(Login)
	if c.Status != Fail || !strings.Contains(c.Detail, "invalid assertion") {
		t.Fatalf("login %+v", c)
	}
	for _, part := range []string{"belongs to this private key", "Enable JWT Bearer Flow",
		"Upload Files", "--consumer-key"} {
		if !strings.Contains(c.Hint, part) {
			t.Errorf("hint lacks %q:\n%s", part, c.Hint)
		}
	}
	for _, part := range []string{"inspect", "public-key SHA-256", "Compare"} {
		if strings.Contains(c.Hint, part) {
			t.Errorf("hint still has %q:\n%s", part, c.Hint)
		}
	}

	opts := options(t, ts)
	opts.Cert = nil
	r = Run(context.Background(), opts)
	if h := r.Check(Login).Hint; !strings.Contains(h, "public-key SHA-256") ||
		!strings.Contains(h, "kollenoctl inspect") {
		t.Errorf("without --cert the hint should compare the key with the certificate:\n%s", h)
	}
}
