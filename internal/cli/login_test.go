package cli

import (
	"bytes"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kolleno/kollenoctl/internal/certgen"
	"github.com/kolleno/kollenoctl/internal/jwtflow"
	"github.com/kolleno/kollenoctl/internal/sfsim"
)

const (
	loginTestKey  = "3MVG9loginTestConsumerKey0123456789abcdefghijklmnopqrstuvwxyz"
	loginTestUser = "integration@acme.example"
)

// loginFixture is a key pair on disk and what the leak checks look for.
type loginFixture struct {
	dir     string
	keyPath string
	keyPEM  []byte
	certPEM []byte
	other   []byte // the certificate of another key
}

var loginFixtureOnce = sync.OnceValues(func() (*certgen.Pair, error) {
	return certgen.Generate(certgen.DefaultOptions())
})

var otherPairOnce = sync.OnceValues(func() (*certgen.Pair, error) {
	return certgen.Generate(certgen.DefaultOptions())
})

func newLoginFixture(t *testing.T) *loginFixture {
	t.Helper()
	pair, err := loginFixtureOnce()
	if err != nil {
		t.Fatal(err)
	}
	other, err := otherPairOnce()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	f := &loginFixture{dir: dir, keyPath: filepath.Join(dir, "kolleno.key"),
		keyPEM: pair.KeyPEM, certPEM: pair.CertPEM, other: other.CertPEM}
	if err := os.WriteFile(f.keyPath, f.keyPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

// capture records every assertion sent to the simulator and every access
// token it issued, for the leak checks.
type capture struct {
	mu         sync.Mutex
	assertions []string
	tokens     []string
}

func (c *capture) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		if form, err := url.ParseQuery(string(body)); err == nil && form.Get("assertion") != "" {
			c.mu.Lock()
			c.assertions = append(c.assertions, form.Get("assertion"))
			c.mu.Unlock()
		}
		tee := &teeWriter{ResponseWriter: w}
		h.ServeHTTP(tee, r)
		var answer struct {
			AccessToken string `json:"access_token"`
		}
		if json.Unmarshal(tee.buf.Bytes(), &answer) == nil && answer.AccessToken != "" {
			c.mu.Lock()
			c.tokens = append(c.tokens, answer.AccessToken)
			c.mu.Unlock()
		}
	})
}

type teeWriter struct {
	http.ResponseWriter
	buf bytes.Buffer
}

func (t *teeWriter) Write(b []byte) (int, error) {
	t.buf.Write(b)
	return t.ResponseWriter.Write(b)
}

func (t *teeWriter) Unwrap() http.ResponseWriter { return t.ResponseWriter }

// loginRun is one run of `kollenoctl login` in this process.
type loginRun struct {
	code           int
	stdout, stderr string
}

// runLoginAgainst starts sfsim with the model cfg changed by model, runs
// login with args against it, and returns the outcome.
func runLoginAgainst(t *testing.T, f *loginFixture, c *capture, model func(*sfsim.Config),
	stdin string, args ...string) loginRun {
	t.Helper()
	cfg := sfsim.DefaultConfig(f.certPEM, loginTestKey, loginTestUser)
	if model != nil {
		model(&cfg)
	}
	srv, err := sfsim.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(c.wrap(srv))
	defer ts.Close()
	defer srv.Close()

	base := []string{"login", "--consumer-key", loginTestKey, "--username", loginTestUser,
		"--key", f.keyPath, "--login-url", ts.URL}
	return runMain(stdin, append(base, args...)...)
}

func runMain(stdin string, args ...string) loginRun {
	var out, errOut bytes.Buffer
	ios := &IOStreams{In: strings.NewReader(stdin), Out: &out, ErrOut: &errOut, NoColor: true}
	code := Main(args, ios)
	return loginRun{code: code, stdout: out.String(), stderr: errOut.String()}
}

// clearKollenoEnv hides the developer's own KOLLENO_ settings from the test.
func clearKollenoEnv(t *testing.T) {
	for _, kv := range os.Environ() {
		name, value, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "KOLLENO_") || name == "NO_COLOR" {
			t.Setenv(name, value)
			os.Unsetenv(name)
		}
	}
}

func fastRetries(t *testing.T) {
	loginBackoff = func(int, bool) time.Duration { return time.Millisecond }
	t.Cleanup(func() { loginBackoff = nil })
}

// loginScenario is one way a login against the simulated org goes.
type loginScenario struct {
	name      string
	model     func(*sfsim.Config)
	args      []string
	env       map[string]string
	stdin     string
	exit      int
	entry     string   // the catalogue entry of a refusal
	stdout    []string // in stdout
	stderr    []string // in stderr
	notStderr []string // not in stderr
	showToken bool     // the token is asked for: not a leak
}

// fixtureFile reads one of internal/keystore's fixtures, made by openssl.
func fixtureFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "keystore", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// opensslFingerprint is the public-key SHA-256 OpenSSL computed for key-pkcs8.pem.
func opensslFingerprint(t *testing.T) string {
	for _, line := range strings.Split(fixtureFile(t, "fingerprints.txt"), "\n") {
		if name, fp, ok := strings.Cut(line, " "); ok && name == "key-pkcs8.pem" {
			return fp
		}
	}
	t.Fatal("no fingerprint for key-pkcs8.pem")
	return ""
}

func loginScenarios(t *testing.T, f *loginFixture) []loginScenario {
	other := func(c *sfsim.Config) { c.App.CertificatePEM = string(f.other) }
	fixtureCert := func(c *sfsim.Config) { c.App.CertificatePEM = fixtureFile(t, "cert.pem") }
	fixtureKey := filepath.Join("..", "keystore", "testdata", "key-pkcs8-aes256.pem")
	return []loginScenario{
		{name: "success", exit: 0,
			stdout: []string{"Logged in to Salesforce as " + loginTestUser, "org ID:        00D",
				"user ID:       005", "!… (masked; --show-token shows it)", "(1 attempt)"}},
		{name: "show token", args: []string{"--show-token"}, exit: 0, showToken: true},
		{name: "key from stdin", args: []string{"--key", "-"}, stdin: string(f.keyPEM), exit: 0},
		{name: "key in the environment", args: []string{"--key", ""},
			env:  map[string]string{"KOLLENO_PRIVATE_KEY": strings.ReplaceAll(string(f.keyPEM), "\n", `\n`)},
			exit: 0},
		{name: "consumer key with spaces", args: []string{"--consumer-key", " " + loginTestKey + "\n"},
			exit: 0, stderr: []string{"warning: removed the spaces or line breaks around the consumer key"}},
		{name: "connected app, user not assigned", exit: 3, entry: "user-not-approved",
			model: func(c *sfsim.Config) {
				c.App.Type, c.App.Profiles, c.App.PermissionSets = sfsim.ConnectedApp, nil, nil
			},
			stderr: []string{"Admin approved users are pre-authorized", "--retry-for 10m"}},
		{name: "self-authorize", exit: 3, entry: "user-not-approved",
			model: func(c *sfsim.Config) { c.App.PermittedUsers = sfsim.SelfAuthorizingUsers }},
		{name: "external client app, user not assigned", exit: 3, entry: "not-admin-approved",
			model: func(c *sfsim.Config) { c.App.Profiles, c.App.PermissionSets = nil, nil }},
		{name: "certificate of another key", model: other, exit: 3, entry: "invalid-assertion",
			stderr: []string{"hint: the private key's public-key SHA-256 is ", "kollenoctl inspect"}},
		{name: "JWT bearer flow off", exit: 3, entry: "invalid-assertion",
			model: func(c *sfsim.Config) { c.App.JWTEnabled = false }},
		{name: "unknown consumer key", exit: 3, entry: "client-id-invalid",
			model: func(c *sfsim.Config) { c.App.ConsumerKey = "3MVG9anotherApp" }},
		{name: "app not installed", exit: 3, entry: "app-not-found",
			model:  func(c *sfsim.Config) { c.App.Installed = false },
			stderr: []string{"2 attempts:"}},
		{name: "audience refused both ways", exit: 3, entry: "audience-invalid",
			model:  func(c *sfsim.Config) { c.Token.Audiences = []string{"https://elsewhere.example"} },
			stderr: []string{"trying the other documented pairing", "2 attempts:"}},
		{name: "only the login audience works", exit: 0,
			model: func(c *sfsim.Config) {
				c.Token.Audiences = []string{jwtflow.ProductionLoginURL}
			},
			stdout: []string{"audience:      https://login.salesforce.com", "(2 attempts)"},
			stderr: []string{"trying the other documented pairing: the audience https://login.salesforce.com",
				"warning: the login worked only on attempt 2", "--audience"}},
		{name: "Spring '26 app and a login audience", exit: 0,
			args:  []string{"--audience", "https://login.salesforce.com"},
			model: func(c *sfsim.Config) { c.App.LegacyHostsBlocked = true },
			stderr: []string{"app_not_found: External client app is not installed in this org; " +
				"trying the other documented pairing"}},
		{name: "clock behind", exit: 3, entry: "expired",
			model:  func(c *sfsim.Config) { c.ClockOffset = sfsim.Duration(10 * time.Minute) },
			stderr: []string{"clock:", "10m0s behind Salesforce's", "that is the likely cause"}},
		// A clock ahead of Salesforce's does not make the exp past; one a
		// little behind (not yet enough to) does, in a few more minutes.
		{name: "clock ahead", exit: 0,
			model:     func(c *sfsim.Config) { c.ClockOffset = sfsim.Duration(-10 * time.Minute) },
			stderr:    []string{"warning: this computer's clock is 10m0s ahead", jwtflow.ClockAheadHint},
			notStderr: []string{"expired authorization code"}},
		{name: "clock a little behind", exit: 0,
			model:  func(c *sfsim.Config) { c.ClockOffset = sfsim.Duration(2 * time.Minute) },
			stderr: []string{"warning: this computer's clock is 2m0s behind", jwtflow.ClockBehindHint}},
		{name: "inactive user", exit: 3, entry: "inactive-user",
			model: func(c *sfsim.Config) { c.Users[0].Active = false }},
		{name: "locked user", exit: 3, entry: "user-locked",
			model: func(c *sfsim.Config) { c.Users[0].Locked = true }},
		{name: "inactive org", exit: 3, entry: "inactive-org",
			model: func(c *sfsim.Config) { c.Org.Active = false }},
		{name: "IP restricted", exit: 3, entry: "ip-restricted",
			model:  func(c *sfsim.Config) { c.Users[0].LoginIPRanges = []string{"203.0.113.0/24"} },
			stderr: []string{"Login IP Ranges"}},
		{name: "no scopes", exit: 3, entry: "no-valid-scopes",
			model: func(c *sfsim.Config) { c.App.Scopes = nil }},
		{name: "rate limited", exit: 3, entry: "rate-limited",
			model: func(c *sfsim.Config) { c.Faults.RateLimit = true }},
		{name: "HTTPS required", exit: 3, entry: "https-required",
			model: func(c *sfsim.Config) { c.Token.RequireHTTPS = true }},
		{name: "username with spaces, refused", exit: 3, entry: "inactive-user",
			args:  []string{"--username", " " + loginTestUser + "\n"},
			model: func(c *sfsim.Config) { c.Users[0].Active = false }},
		{name: "maintenance", exit: 5, args: []string{"--timeout", "1s"},
			model: func(c *sfsim.Config) { c.Faults.Maintenance = true },
			stderr: []string{"HTTP 503 with a text/html answer, not Salesforce's JSON",
				"Down for Maintenance", "status.salesforce.com"}},
		{name: "maintenance, then up", exit: 0,
			model:  func(c *sfsim.Config) { c.Faults.Maintenance, c.Faults.Times = true, 1 },
			stderr: []string{"attempt 1: HTTP 503"}},
		{name: "no answer", exit: 5, args: []string{"--timeout", "300ms"},
			model:  func(c *sfsim.Config) { c.Faults.Hang = true },
			stderr: []string{"no answer before the time limit (--timeout)"}},
		{name: "connection reset", exit: 5, args: []string{"--timeout", "300ms"},
			model: func(c *sfsim.Config) { c.Faults.Reset = true }},
		{name: "app change propagating", exit: 0, args: []string{"--retry-for", "1m"},
			model: func(c *sfsim.Config) {
				c.Faults.FailFirst, c.Faults.FailError = 2, "invalid_client_id"
			},
			stderr: []string{"attempt 1: invalid_client_id: client identifier invalid; retrying",
				"attempt 2: invalid_client_id"},
			stdout: []string{"(3 attempts)"}},
		{name: "verbose", exit: 0, args: []string{"--verbose"},
			stderr: []string{"verbose: POST http://127.0.0.1:", "/services/oauth2/token: 200 in "}},
		{name: "encrypted key, password in the environment", exit: 0, model: fixtureCert,
			args: []string{"--key", fixtureKey},
			env:  map[string]string{"KOLLENO_KEY_PASSWORD": "key-pass"}},
		{name: "encrypted key, password file", exit: 0, model: fixtureCert,
			args: []string{"--key", fixtureKey, "--key-password-file", "-"}, stdin: "key-pass\n"},
		{name: "openssl key, another certificate", exit: 3, entry: "invalid-assertion",
			args: []string{"--key", fixtureKey},
			env:  map[string]string{"KOLLENO_KEY_PASSWORD": "key-pass"},
			stderr: []string{"hint: the private key's public-key SHA-256 is " +
				opensslFingerprint(t) + "\n"}},
	}
}

// TestLoginScenarios runs every scenario twice, as text and as --json, and
// checks the exit code, the report and that no secret leaks.
func TestLoginScenarios(t *testing.T) {
	clearKollenoEnv(t)
	fastRetries(t)
	f := newLoginFixture(t)
	for _, sc := range loginScenarios(t, f) {
		t.Run(sc.name, func(t *testing.T) {
			for k, v := range sc.env {
				t.Setenv(k, v)
			}
			c := &capture{}
			text := runLoginAgainst(t, f, c, sc.model, sc.stdin, sc.args...)
			checkLoginText(t, sc, text)
			c.check(t, f, sc, text.stdout+text.stderr)

			js := runLoginAgainst(t, f, c, sc.model, sc.stdin, append(sc.args, "--json")...)
			checkLoginJSON(t, sc, js)
			c.check(t, f, sc, js.stdout+js.stderr)
		})
	}
}

func checkLoginText(t *testing.T, sc loginScenario, r loginRun) {
	t.Helper()
	if r.code != sc.exit {
		t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, sc.exit, r.stdout, r.stderr)
	}
	for _, want := range sc.stdout {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	for _, want := range sc.stderr {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	for _, unwanted := range sc.notStderr {
		if strings.Contains(r.stderr, unwanted) {
			t.Errorf("stderr holds %q:\n%s", unwanted, r.stderr)
		}
	}
	if sc.exit != 0 && r.stdout != "" {
		t.Errorf("a failure wrote to stdout:\n%s", r.stdout)
	}
	if sc.entry != "" {
		checkRefusalText(t, sc.entry, r.stderr)
	}
}

// checkRefusalText: Salesforce's words verbatim, the entry's title and
// cause, the error line and every fix as a hint.
func checkRefusalText(t *testing.T, id, stderr string) {
	t.Helper()
	e := catalogueEntry(t, id)
	wants := []string{"Salesforce refused the login (HTTP 400)", "  error:              " + e.Error,
		"what it means:      " + e.Title, "likely cause:       " + e.Cause,
		"claims sent:        iss 3MVG9log…wxyz, sub " + loginTestUser + ", aud ",
		"kollenoctl: error: Salesforce refused the login: " + e.Error + ": "}
	for _, fix := range e.Fix {
		wants = append(wants, "hint: "+fix)
	}
	for _, want := range wants {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if !containsAny(stderr, e.Descriptions, "  error_description:  ") {
		t.Errorf("stderr lacks the error_description of %s:\n%s", id, stderr)
	}
}

func containsAny(s string, descs []string, prefix string) bool {
	for _, d := range descs {
		if strings.Contains(s, prefix+d+"\n") {
			return true
		}
	}
	return false
}

func catalogueEntry(t *testing.T, id string) jwtflow.CatalogueEntry {
	for _, e := range jwtflow.Catalogue {
		if e.ID == id {
			return e
		}
	}
	t.Fatalf("no catalogue entry %q", id)
	return jwtflow.CatalogueEntry{}
}

func checkLoginJSON(t *testing.T, sc loginScenario, r loginRun) {
	t.Helper()
	var got loginJSON
	dec := json.NewDecoder(strings.NewReader(r.stdout))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&got); err != nil || dec.More() {
		t.Fatalf("--json stdout is not one object (%v):\n%s", err, r.stdout)
	}
	if r.code != sc.exit || got.ExitCode != sc.exit || got.OK != (sc.exit == 0) {
		t.Errorf("--json: exit %d, exit_code %d, ok %v; want %d", r.code, got.ExitCode, got.OK, sc.exit)
	}
	if len(got.Attempts) == 0 && sc.exit != 1 && sc.exit != 2 {
		t.Errorf("--json: no attempts recorded")
	}
	if sc.exit == 0 && (got.OrgID == "" || got.InstanceURL == "" || got.TokenMasked == sc.showToken) {
		t.Errorf("--json success: %+v", got)
	}
	var took int64
	for _, a := range got.Attempts {
		took += a.DurationMS
	}
	if got.ElapsedMS < took {
		t.Errorf("--json: elapsed_ms %d, but the attempts took %d ms", got.ElapsedMS, took)
	}
	if got.Username != loginTestUser {
		t.Errorf("--json: username %q, want %q", got.Username, loginTestUser)
	}
	if sc.entry != "" && (got.Error == nil || got.Error.CatalogueID != sc.entry ||
		got.Error.Kind != "refused" || got.Error.Status != 400 || len(got.Error.Hint) == 0) {
		t.Errorf("--json refusal: %+v", got.Error)
	}
}

// check fails if out holds the private key, an assertion, or an access
// token that was not asked for.
func (c *capture) check(t *testing.T, f *loginFixture, sc loginScenario, out string) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, a := range c.assertions {
		if strings.Contains(out, a) || strings.Contains(out, a[strings.LastIndex(a, ".")+1:]) {
			t.Errorf("the output holds an assertion or its signature")
		}
	}
	if !sc.showToken {
		for _, tok := range c.tokens {
			if strings.Contains(out, tok) || strings.Contains(out, tok[strings.Index(tok, "!"):]) {
				t.Errorf("the output holds the access token")
			}
		}
	}
	checkNoKey(t, f.keyPEM, out)
}

// checkNoKey fails if out holds the key's PEM armour or any line of its
// base64 body.
func checkNoKey(t *testing.T, keyPEM []byte, out string) {
	t.Helper()
	block, _ := pem.Decode(keyPEM)
	if strings.Contains(out, "PRIVATE KEY") || block == nil {
		t.Errorf("the output holds a private key")
		return
	}
	for _, line := range strings.Split(string(keyPEM), "\n") {
		if len(line) >= 32 && !strings.HasPrefix(line, "-----") && strings.Contains(out, line) {
			t.Errorf("the output holds a line of the private key")
			return
		}
	}
}

// TestLoginInputErrors: nothing goes over the network when an input is
// wrong, and the exit code says bad input (1) or usage (2).
func TestLoginInputErrors(t *testing.T) {
	clearKollenoEnv(t)
	f := newLoginFixture(t)
	keys := filepath.Join("..", "keystore", "testdata")
	tests := []struct {
		name   string
		args   []string
		env    map[string]string
		exit   int
		stderr []string
	}{
		{"no consumer key", []string{"--consumer-key", ""}, nil, 2,
			[]string{"error: no consumer key", "KOLLENO_CONSUMER_KEY"}},
		{"no username", []string{"--username", ""}, nil, 2, []string{"error: no username"}},
		{"no key", []string{"--key", ""}, nil, 2, []string{"error: no private key", "KOLLENO_PRIVATE_KEY"}},
		{"bad username", []string{"--username", "integration"}, nil, 1,
			[]string{`the username "integration" is not of the form name@domain`}},
		{"username in angle brackets", []string{"--username", "<" + loginTestUser + ">"}, nil, 1,
			[]string{"carries angle brackets", "hint: give the username alone: " + loginTestUser}},
		{"username as a mailto link", []string{"--username", "mailto:" + loginTestUser}, nil, 1,
			[]string{"carries the prefix mailto:", "hint: give the username alone: " + loginTestUser}},
		{"quoted username", []string{"--username", `"` + loginTestUser + `"`}, nil, 1,
			[]string{"carries quotes", "hint: give the username alone: " + loginTestUser}},
		{"Lightning URL", []string{"--login-url", "https://acme.lightning.force.com/"}, nil, 1,
			[]string{"hint: use the My Domain URL instead: --login-url https://acme.my.salesforce.com"}},
		{"plain http", []string{"--login-url", "http://acme.my.salesforce.com"}, nil, 1,
			[]string{"only https:// is allowed"}},
		{"sandbox with production", []string{"--sandbox", "--login-url", "https://login.salesforce.com"},
			nil, 1, []string{"--sandbox was given with the production login URL"}},
		{"sandbox from the environment", []string{"--login-url", "https://login.salesforce.com"},
			map[string]string{"KOLLENO_SANDBOX": "true"}, 1, []string{"--sandbox was given"}},
		{"control character", []string{"--login-url", "https://acme.my.salesforce.com\x07"}, nil, 1,
			[]string{"control character U+0007"}},
		{"EC key", []string{"--key", filepath.Join(keys, "ec.pem")}, nil, 1, []string{"ECDSA"}},
		{"1024-bit key", []string{"--key", filepath.Join(keys, "rsa1024.pem")}, nil, 1, []string{"1024"}},
		{"encrypted key, no password", []string{"--key", filepath.Join(keys, "key-pkcs8-aes256.pem")},
			nil, 1, []string{"--key-password-file"}},
		{"encrypted key, wrong password", []string{"--key", filepath.Join(keys, "key-pkcs8-aes256.pem")},
			map[string]string{"KOLLENO_KEY_PASSWORD": "nope"}, 1, []string{"password"}},
		{"negative retry-for", []string{"--retry-for", "-1m"}, nil, 2, []string{"--retry-for"}},
		{"key file name in KOLLENO_PRIVATE_KEY", []string{"--key", ""},
			map[string]string{"KOLLENO_PRIVATE_KEY": f.keyPath}, 1,
			[]string{"hint: KOLLENO_PRIVATE_KEY holds the key's PEM text, and this looks like a file " +
				"name: set KOLLENO_PRIVATE_KEY_FILE to it instead, or give --key FILE"}},
		{"missing key file name in KOLLENO_PRIVATE_KEY", []string{"--key", ""},
			map[string]string{"KOLLENO_PRIVATE_KEY": "secrets/kolleno.key"}, 1,
			[]string{"set KOLLENO_PRIVATE_KEY_FILE to it instead"}},
		{"bad timeout variable", nil, map[string]string{"KOLLENO_TIMEOUT": "soon"}, 2,
			[]string{"KOLLENO_TIMEOUT"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			c := &capture{}
			r := runLoginAgainst(t, f, c, nil, "", tt.args...)
			if r.code != tt.exit {
				t.Errorf("exit %d, want %d\n%s", r.code, tt.exit, r.stderr)
			}
			for _, want := range tt.stderr {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
				}
			}
			if len(c.assertions) != 0 {
				t.Errorf("%d token requests made for bad input", len(c.assertions))
			}
			checkNoKey(t, f.keyPEM, r.stdout+r.stderr)
		})
	}
}

// TestLoginEveryCatalogueEntry makes the simulated org answer with each
// catalogue entry's error in turn and checks the status, Salesforce's words
// verbatim, the hint and the exit code.
func TestLoginEveryCatalogueEntry(t *testing.T) {
	clearKollenoEnv(t)
	f := newLoginFixture(t)
	for _, e := range jwtflow.Catalogue {
		for _, desc := range e.Descriptions {
			t.Run(e.ID+"/"+desc, func(t *testing.T) {
				model := func(c *sfsim.Config) {
					c.Faults.FailFirst, c.Faults.FailError = 10, e.Error+": "+desc
				}
				c := &capture{}
				r := runLoginAgainst(t, f, c, model, "")
				if r.code != 3 {
					t.Fatalf("exit %d, want 3\n%s", r.code, r.stderr)
				}
				checkRefusalText(t, e.ID, r.stderr)
				if !strings.Contains(r.stderr, "  error_description:  "+desc+"\n") {
					t.Errorf("stderr lacks %q verbatim:\n%s", desc, r.stderr)
				}
				c.check(t, f, loginScenario{}, r.stdout+r.stderr)
			})
		}
	}
}

// runLoginAt runs login with args against a login URL the test serves.
func runLoginAt(t *testing.T, f *loginFixture, loginURL string, args ...string) loginRun {
	t.Helper()
	base := []string{"login", "--consumer-key", loginTestKey, "--username", loginTestUser,
		"--key", f.keyPath, "--login-url", loginURL}
	return runMain("", append(base, args...)...)
}

// answerWith serves every token request with status and body as JSON.
func answerWith(t *testing.T, status int, body map[string]string) *httptest.Server {
	t.Helper()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(body)
	}))
	t.Cleanup(ts.Close)
	return ts
}

// hostile would clear the screen, set the window title, ring the bell and
// forge a hint line if it reached the terminal as it came.
const hostile = "user hasn't approved\x1b[2J\x1b]0;pwned\x07 this\r consumer\nhint: run rm -rf ~"

// TestLoginEscapesServerText: Salesforce's words reach stderr verbatim but
// with their control characters escaped, on every line that shows them;
// --json carries them as JSON strings.
func TestLoginEscapesServerText(t *testing.T) {
	clearKollenoEnv(t)
	fastRetries(t)
	f := newLoginFixture(t)
	refusal := answerWith(t, 400, map[string]string{"error": "invalid_grant\x1b[31m",
		"error_description": hostile})
	unavailable := answerWith(t, 503, map[string]string{"error": "x", "error_description": hostile})
	for _, r := range []loginRun{
		runLoginAt(t, f, refusal.URL),
		runLoginAt(t, f, unavailable.URL, "--timeout", "200ms"),
	} {
		if strings.ContainsAny(r.stderr, "\x1b\x07\r") || strings.Contains(r.stderr, "\nhint: run") {
			t.Errorf("control characters reach stderr:\n%q", r.stderr)
		}
		if !strings.Contains(r.stderr, `\x1b[2J\x1b]0;pwned\a this\r consumer\nhint: run rm -rf ~`) {
			t.Errorf("stderr lacks the description, escaped:\n%s", r.stderr)
		}
	}
	// A token answer's identity URL may carry escaped control characters
	// that decode into the org ID.
	success := answerWith(t, 200, map[string]string{"access_token": "00D000000000001!secret",
		"instance_url": "https://acme.my.salesforce.com", "token_type": "Bearer",
		"id": "https://login.salesforce.com/id/00D%1B%5B2J/005%0Dhint:%20x"})
	r := runLoginAt(t, f, success.URL)
	if r.code != 0 || strings.ContainsAny(r.stdout, "\x1b\r") ||
		!strings.Contains(r.stdout, `00D\x1b[2J`) || !strings.Contains(r.stdout, `005\rhint: x`) {
		t.Errorf("exit %d, control characters reach stdout:\n%q", r.code, r.stdout)
	}

	js := runLoginAt(t, f, refusal.URL, "--json")
	var got loginJSON
	if err := json.Unmarshal([]byte(js.stdout), &got); err != nil || got.Error == nil {
		t.Fatalf("--json: %v\n%s", err, js.stdout)
	}
	if got.Error.ErrorDescription != hostile || got.Attempts[0].ErrorDescription != hostile {
		t.Errorf("--json error_description %q, want Salesforce's verbatim", got.Error.ErrorDescription)
	}
}

// TestLoginJSONRules: usage errors (exit 2) print no JSON, whether the flag
// parser or login finds them; every other failure prints the object, and an
// HTML answer is described in it whether it was retried or not.
func TestLoginJSONRules(t *testing.T) {
	clearKollenoEnv(t)
	fastRetries(t)
	f := newLoginFixture(t)
	for _, args := range [][]string{{"--timeout", "5"}, {"--consumer-key", ""},
		{"--retry-for", "-1m"}, {"extra"}} {
		r := runLoginAt(t, f, "http://127.0.0.1:9", append(args, "--json")...)
		if r.code != ExitUsage || r.stdout != "" || !strings.Contains(r.stderr, "kollenoctl: error:") {
			t.Errorf("%v --json: exit %d, stdout %q; want 2 and nothing on stdout", args, r.code, r.stdout)
		}
	}

	for _, status := range []int{502, 200} {
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(status)
			_, _ = io.WriteString(w, "<html><title>Bad Gateway</title><body>try later</body></html>")
		}))
		r := runLoginAt(t, f, ts.URL, "--json", "--timeout", "200ms")
		ts.Close()
		var got loginJSON
		if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || got.Error == nil {
			t.Fatalf("HTTP %d: %v\n%s", status, err, r.stdout)
		}
		if got.Error.ContentType != "text/html" || got.Error.Excerpt != "Bad Gateway try later" {
			t.Errorf("HTTP %d, %s: content_type %q, excerpt %q", status, got.Error.Kind,
				got.Error.ContentType, got.Error.Excerpt)
		}
	}
}

// TestLoginAnswersOf200: a 200 carrying Salesforce's error is reported as
// the refusal it is (exit 3); a token answer without an id is an unexpected
// answer (exit 5), never a success with blank IDs.
func TestLoginAnswersOf200(t *testing.T) {
	clearKollenoEnv(t)
	f := newLoginFixture(t)
	refusal := answerWith(t, 200, map[string]string{"error": "invalid_grant",
		"error_description": "user hasn't approved this consumer"})
	r := runLoginAt(t, f, refusal.URL)
	if r.code != ExitLoginRefused || r.stdout != "" {
		t.Errorf("200 with an error: exit %d, stdout %q", r.code, r.stdout)
	}
	checkRefusalText(t, "user-not-approved", strings.Replace(r.stderr, "(HTTP 200)", "(HTTP 400)", 1))

	noID := answerWith(t, 200, map[string]string{"access_token": "00D000000000001!secret",
		"instance_url": "https://acme.my.salesforce.com", "token_type": "Bearer"})
	r = runLoginAt(t, f, noID.URL)
	if r.code != ExitUnreachable || r.stdout != "" ||
		!strings.Contains(r.stderr, "the token answer has no id") {
		t.Errorf("200 without id: exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
}

// TestPrintAttemptsGroups: attempts that went to the same place and ended
// the same way share one line.
func TestPrintAttemptsGroups(t *testing.T) {
	at := func(n int, problem string) jwtflow.Attempt {
		return jwtflow.Attempt{N: n, LoginURL: "https://acme.my.salesforce.com",
			Audience: "https://acme.my.salesforce.com", Problem: problem}
	}
	var b bytes.Buffer
	printAttempts(&b, []jwtflow.Attempt{at(1, "connection reset by peer"),
		at(2, "connection reset by peer"), at(3, "connection reset by peer"),
		at(4, "HTTP 503"), at(5, "connection reset by peer")})
	want := `  5 attempts:
    1-3. login URL https://acme.my.salesforce.com, audience https://acme.my.salesforce.com: connection reset by peer
    4. login URL https://acme.my.salesforce.com, audience https://acme.my.salesforce.com: HTTP 503
    5. login URL https://acme.my.salesforce.com, audience https://acme.my.salesforce.com: connection reset by peer
`
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

// TestLoginWrongProtocol: http:// to a TLS server is said so after one
// attempt, with the login URL to use, instead of three retries and a hint
// about the network.
func TestLoginWrongProtocol(t *testing.T) {
	clearKollenoEnv(t)
	fastRetries(t)
	f := newLoginFixture(t)
	ts := httptest.NewTLSServer(http.NotFoundHandler())
	defer ts.Close()
	hostPort := strings.TrimPrefix(ts.URL, "https://")
	r := runLoginAt(t, f, "http://"+hostPort, "--timeout", "5s")
	for _, want := range []string{
		"kollenoctl: error: cannot reach http://" + hostPort + " after 1 attempt: " +
			"the server speaks https, not http\n",
		"hint: this server speaks https: use --login-url https://" + hostPort + "\n",
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if r.code != ExitUnreachable || strings.Contains(r.stderr, "retrying") {
		t.Errorf("exit %d:\n%s", r.code, r.stderr)
	}
}
