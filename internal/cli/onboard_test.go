package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/kolleno/kollenoctl/internal/sfsim"
	"github.com/kolleno/kollenoctl/internal/verify"
)

// fakePrompter plays the admin: it answers each question from a script, in
// order, and fails the test on a question it did not expect.
type fakePrompter struct {
	t       *testing.T
	answers []answer
}

// answer is one scripted reply: the kind of question, a piece of its title,
// and what the admin answers.
type answer struct {
	kind, title, value string
}

func (f *fakePrompter) next(kind, title string) (string, error) {
	f.t.Helper()
	if len(f.answers) == 0 {
		f.t.Errorf("unexpected %s question %q", kind, title)
		return "", errPromptCancelled
	}
	a := f.answers[0]
	f.answers = f.answers[1:]
	if a.kind != kind || !strings.Contains(title, a.title) {
		f.t.Errorf("asked %s %q, expected %s %q", kind, title, a.kind, a.title)
	}
	if a.value == "<cancel>" {
		return "", errPromptCancelled
	}
	return a.value, nil
}

func (f *fakePrompter) Input(title, def string, validate func(string) error) (string, error) {
	v, err := f.next("input", title)
	v = orDefault(v, def)
	if err == nil && validate != nil {
		if verr := validate(v); verr != nil {
			f.t.Errorf("answer %q to %q refused: %v", v, title, verr)
		}
	}
	return v, err
}

func (f *fakePrompter) Secret(title string) (string, error) { return f.next("secret", title) }

func (f *fakePrompter) Select(title string, options []choice) (string, error) {
	v, err := f.next("select", title)
	if err != nil {
		return v, err
	}
	for _, c := range options {
		if c.Value == v {
			return v, err
		}
	}
	f.t.Errorf("select %q has no option %q", title, v)
	return v, err
}

func (f *fakePrompter) Confirm(title string, _ bool) (bool, error) {
	v, err := f.next("confirm", title)
	return v == "yes", err
}

const (
	testConsumerKey = "3MVG9onboardTestKey"
	testUsername    = "integration@acme.example"
)

// fakeOrg is sfsim behind a loopback URL known before the certificate is:
// the org "receives" the certificate when the first check runs, as an admin
// uploads it in Setup before the checks.
type fakeOrg struct {
	URL    string
	mu     sync.Mutex
	srv    *sfsim.Server
	config func(*sfsim.Config)
}

func newFakeOrg(t *testing.T, config func(*sfsim.Config)) *fakeOrg {
	org := &fakeOrg{config: config}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		org.mu.Lock()
		srv := org.srv
		org.mu.Unlock()
		srv.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	org.URL = ts.URL
	return org
}

func (org *fakeOrg) upload(t *testing.T, certPEM []byte) {
	org.mu.Lock()
	defer org.mu.Unlock()
	if org.srv != nil {
		return
	}
	cfg := sfsim.DefaultConfig(certPEM, testConsumerKey, testUsername)
	if org.config != nil {
		org.config(&cfg)
	}
	srv, err := sfsim.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	org.srv = srv
}

// onboardRun is one wizard run in a temporary directory, with its output.
type onboardRun struct {
	o        *onboarding
	dir      string
	out, err bytes.Buffer
	pauses   int
}

func newOnboardRun(t *testing.T, org *fakeOrg, answers ...answer) *onboardRun {
	r := &onboardRun{dir: t.TempDir()}
	ios := &IOStreams{In: strings.NewReader(""), Out: &r.out, ErrOut: &r.err}
	opts := &onboardOptions{}
	addOnboardFlags(&cobra.Command{}, opts) // the flags' defaults
	opts.outDir = r.dir
	r.o = newOnboarding(ios, opts)
	r.o.ask = &fakePrompter{t: t, answers: answers}
	r.o.pause = func(time.Duration) { r.pauses++ }
	r.o.client = loopbackClient()
	r.o.check = func(ctx context.Context, m *material, c *connValues) (*verify.Report, error) {
		if org != nil {
			org.upload(t, m.CertPEM)
		}
		return r.o.runVerify(ctx, m, c)
	}
	return r
}

func (r *onboardRun) run(t *testing.T) error {
	t.Helper()
	err := runOnboard(context.Background(), r.o)
	if fp, ok := r.o.ask.(*fakePrompter); ok && len(fp.answers) > 0 {
		t.Errorf("questions never asked: %v", fp.answers)
	}
	for _, s := range []string{r.out.String(), r.err.String()} {
		if strings.Contains(s, "PRIVATE KEY") {
			t.Errorf("the private key reached the output:\n%s", s)
		}
	}
	return err
}

// loopbackClient refuses to connect anywhere but a loopback address, so that
// no test can reach Salesforce, whatever its login URL.
func loopbackClient() *http.Client {
	dialer := &net.Dialer{}
	return &http.Client{Transport: &http.Transport{
		Proxy: nil,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			host, _, err := net.SplitHostPort(addr)
			if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
				return nil, fmt.Errorf("test client: %s is not a loopback address", addr)
			}
			return dialer.DialContext(ctx, network, addr)
		},
	}}
}

// The answers of a whole Method B onboarding up to the checks.
func methodBAnswers(org *fakeOrg) []answer {
	return []answer{
		{"select", "key and certificate", methodGenerate},
		{"confirm", "Done in Setup", "yes"},
		{"input", "Consumer key", testConsumerKey},
		{"input", "Username", testUsername},
		{"select", "kind of org", orgMyDomain},
		{"input", "My Domain URL", org.URL},
	}
}

func TestOnboardMethodB(t *testing.T) {
	org := newFakeOrg(t, nil)
	answers := append(methodBAnswers(org),
		answer{"confirm", "Save the values", "yes"},
		answer{"input", "Bundle file", ""}, // Enter takes the default name
	)
	r := newOnboardRun(t, org, answers...)
	t.Chdir(r.dir)

	if err := r.run(t); err != nil {
		t.Fatalf("onboard: %v\n%s", err, r.err.String())
	}

	assertMode(t, filepath.Join(r.dir, "kolleno.key"), 0o600)
	assertMode(t, filepath.Join(r.dir, "kolleno.crt"), 0o644)
	assertMode(t, defaultBundleName, 0o600)
	for _, want := range []string{"Consumer key:  " + testConsumerKey, "Username:      " + testUsername,
		"Private key:   " + filepath.Join(r.dir, "kolleno.key"), "Login URL:     " + org.URL} {
		if !strings.Contains(r.out.String(), want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.out.String())
		}
	}
	for _, want := range []string{"Enable JWT Bearer Flow", "SHA-256: ", "Admin approved users are pre-authorized",
		"Callback URL: http://localhost", "Distribution State: Local", "API Enabled", "10 passed"} {
		if !strings.Contains(r.err.String(), want) {
			t.Errorf("stderr lacks %q", want)
		}
	}

	var b bundle
	data, _ := os.ReadFile(defaultBundleName)
	key, _ := os.ReadFile(filepath.Join(r.dir, "kolleno.key"))
	if err := json.Unmarshal(data, &b); err != nil || b.PrivateKey != string(key) ||
		b.ConsumerKey != testConsumerKey || b.Username != testUsername || b.LoginURL != org.URL {
		t.Errorf("bundle = %+v, %v", b, err)
	}
}

// TestOnboardRetry plays an app change that has not reached the login
// servers yet: the first check fails, the admin tries again, and it works.
func TestOnboardRetry(t *testing.T) {
	org := newFakeOrg(t, func(c *sfsim.Config) {
		c.Faults.FailFirst = 1
		c.Faults.FailError = "invalid_client_id: client identifier invalid"
	})
	answers := append(methodBAnswers(org),
		answer{"select", "does not work yet", nextTryAgain},
		answer{"confirm", "Save the values", "no"},
	)
	r := newOnboardRun(t, org, answers...)

	if err := r.run(t); err != nil {
		t.Fatalf("onboard: %v\n%s", err, r.err.String())
	}
	stderr := r.err.String()
	if !strings.Contains(stderr, "client identifier invalid") || strings.Count(stderr, "10 passed") != 1 {
		t.Errorf("want a failed check, then a passing one:\n%s", stderr)
	}
}

func TestOnboardKeepTrying(t *testing.T) {
	org := newFakeOrg(t, func(c *sfsim.Config) {
		c.Faults.FailFirst = 3
		c.Faults.FailError = "invalid_grant: user hasn't approved this consumer"
	})
	answers := append(methodBAnswers(org),
		answer{"select", "does not work yet", nextKeepTrying},
		answer{"confirm", "Save the values", "no"},
	)
	r := newOnboardRun(t, org, answers...)

	if err := r.run(t); err != nil {
		t.Fatalf("onboard: %v\n%s", err, r.err.String())
	}
	if r.pauses != 3 || !strings.Contains(r.err.String(), "Attempt 3 of 20: 10 passed") {
		t.Errorf("pauses = %d; want 3 attempts, the last passing:\n%s", r.pauses, r.err.String())
	}
}

// TestOnboardChangeValues: a mistyped username fails the login; the admin
// changes it and the check passes.
func TestOnboardChangeValues(t *testing.T) {
	org := newFakeOrg(t, nil)
	answers := methodBAnswers(org)
	answers[3].value = "intgration@acme.example"
	answers = append(answers,
		answer{"select", "does not work yet", nextChange},
		answer{"input", "Consumer key", ""},
		answer{"input", "Username", testUsername},
		answer{"select", "kind of org", orgMyDomain},
		answer{"input", "My Domain URL", org.URL},
		answer{"confirm", "Save the values", "no"},
	)
	r := newOnboardRun(t, org, answers...)

	if err := r.run(t); err != nil {
		t.Fatalf("onboard: %v\n%s", err, r.err.String())
	}
	if !strings.Contains(r.out.String(), "Username:      "+testUsername) {
		t.Errorf("stdout lacks the corrected username:\n%s", r.out.String())
	}
}

func TestOnboardStopKeepsTheExitCode(t *testing.T) {
	org := newFakeOrg(t, func(c *sfsim.Config) { c.Users[0].APIEnabled = false })
	answers := append(methodBAnswers(org), answer{"select", "does not work yet", nextStop})
	r := newOnboardRun(t, org, answers...)

	err := r.run(t)
	if code := exitCodeOf(err); code != ExitCheckFailed {
		t.Fatalf("exit code %d (%v), want %d", code, err, ExitCheckFailed)
	}
	if r.out.Len() != 0 {
		t.Errorf("stdout after a failed onboarding: %q", r.out.String())
	}
}

// TestOnboardMethodA picks one of several keys of a Salesforce-style JKS.
func TestOnboardMethodA(t *testing.T) {
	org := newFakeOrg(t, nil)
	answers := []answer{
		{"select", "key and certificate", methodKeystore},
		{"input", "Keystore file", "../keystore/testdata/multi.jks"},
		{"secret", "Keystore password", "kolleno-pass"},
		{"select", "several keys", "kolleno_jwt"},
	}
	answers = append(answers, methodBAnswers(org)[1:]...)
	answers = append(answers, answer{"confirm", "Save the values", "no"})
	r := newOnboardRun(t, org, answers...)

	if err := r.run(t); err != nil {
		t.Fatalf("onboard: %v\n%s", err, r.err.String())
	}
	if !strings.Contains(r.err.String(), `entry "kolleno_jwt"`) {
		t.Errorf("stderr does not name the entry:\n%s", r.err.String())
	}
	assertMode(t, filepath.Join(r.dir, "kolleno.key"), 0o600)
}

// TestOnboardExistingEncryptedKey: the third way, with a key encrypted by
// OpenSSL. The password is asked for, and the key is written again as the
// unencrypted PKCS#8 PEM that Kolleno takes.
func TestOnboardExistingEncryptedKey(t *testing.T) {
	org := newFakeOrg(t, nil)
	fixtures, _ := filepath.Abs("../keystore/testdata")
	answers := []answer{
		{"select", "key and certificate", methodExisting},
		{"input", "Private key file", filepath.Join(fixtures, "key-pkcs8-aes256.pem")},
		{"secret", "Private key password", "key-pass"},
		{"input", "Certificate file", filepath.Join(fixtures, "cert.pem")},
	}
	answers = append(answers, methodBAnswers(org)[1:]...)
	answers = append(answers, answer{"confirm", "Save the values", "no"})
	r := newOnboardRun(t, org, answers...)

	if err := r.run(t); err != nil {
		t.Fatalf("onboard: %v\n%s", err, r.err.String())
	}
	keyPath := filepath.Join(r.dir, "kolleno.key")
	assertMode(t, keyPath, 0o600)
	if data, _ := os.ReadFile(keyPath); !bytes.HasPrefix(data, []byte("-----BEGIN PRIVATE KEY-----")) {
		t.Errorf("%s is not unencrypted PKCS#8 PEM", keyPath)
	}
	if !strings.Contains(r.err.String(), "File:    "+filepath.Join(fixtures, "cert.pem")) {
		t.Errorf("the Setup steps do not name the given certificate:\n%s", r.err.String())
	}
}

func TestOnboardExistingKeyWithAnotherCertificate(t *testing.T) {
	r := newOnboardRun(t, nil,
		answer{"select", "key and certificate", methodExisting},
		answer{"input", "Private key file", "../keystore/testdata/key-pkcs8.pem"},
		answer{"input", "Certificate file", "../keystore/testdata/other-cert.pem"},
	)
	err := r.run(t)
	if err == nil || !strings.Contains(err.Error(), "does not belong to the private key") {
		t.Fatalf("err = %v, want the certificate refused", err)
	}
	assertNoFiles(t, r.dir)
}

// TestOnboardWaitsForSetup: answering No to "Done in Setup?" asks again.
func TestOnboardWaitsForSetup(t *testing.T) {
	org := newFakeOrg(t, nil)
	all := methodBAnswers(org)
	answers := []answer{all[0], {"confirm", "Done in Setup", "no"}}
	answers = append(answers, all[1:]...)
	answers = append(answers, answer{"confirm", "Save the values", "no"})
	r := newOnboardRun(t, org, answers...)

	if err := r.run(t); err != nil {
		t.Fatalf("onboard: %v\n%s", err, r.err.String())
	}
	if !strings.Contains(r.err.String(), "Take your time") {
		t.Errorf("no word after the No:\n%s", r.err.String())
	}
}

func TestOnboardWrongKeystorePassword(t *testing.T) {
	r := newOnboardRun(t, nil,
		answer{"select", "key and certificate", methodKeystore},
		answer{"input", "Keystore file", "../keystore/testdata/sf-export.jks"},
		answer{"secret", "Keystore password", "not-the-password"},
	)
	err := r.run(t)
	if err == nil || hintOf(err) == "" {
		t.Fatalf("err = %v, want a wrong-password error with a hint", err)
	}
	assertNoFiles(t, r.dir)
}

func TestOnboardCancelled(t *testing.T) {
	r := newOnboardRun(t, nil, answer{"select", "key and certificate", "<cancel>"})
	err := r.run(t)
	if err == nil || !strings.Contains(err.Error(), "onboarding cancelled") {
		t.Fatalf("err = %v, want onboarding cancelled", err)
	}
}

// TestOnboardWithoutTerminal: nothing is asked; every missing value is
// named in one usage error, and nothing is written.
func TestOnboardWithoutTerminal(t *testing.T) {
	for _, env := range []string{"KOLLENO_CONSUMER_KEY", "KOLLENO_USERNAME", "KOLLENO_PRIVATE_KEY",
		"KOLLENO_PRIVATE_KEY_FILE", "KOLLENO_KEYSTORE_PASSWORD"} {
		t.Setenv(env, "")
		os.Unsetenv(env)
	}
	tests := []struct {
		name    string
		opts    func(*onboardOptions)
		missing []string
		absent  []string
	}{
		{"nothing given", func(*onboardOptions) {},
			[]string{"--method", "--consumer-key", "--username", "--yes"}, nil},
		{"keystore without password", func(o *onboardOptions) { o.keystore = "x.jks" },
			[]string{"--password-file", "--consumer-key"}, []string{"--method"}},
		{"all but --yes", func(o *onboardOptions) {
			o.method, o.conn.consumerKey, o.conn.username = methodGenerate, testConsumerKey, testUsername
		}, []string{"--yes"}, []string{"--method", "--consumer-key", "--username"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newOnboardRun(t, nil)
			r.o.ask = nil
			tt.opts(r.o.opts)

			err := r.run(t)
			if exitCodeOf(err) != ExitUsage {
				t.Fatalf("err = %v, want a usage error", err)
			}
			for _, m := range tt.missing {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("error does not list %s:\n%v", m, err)
				}
			}
			for _, a := range tt.absent {
				if strings.Contains(err.Error(), a) {
					t.Errorf("error lists %s, which was given:\n%v", a, err)
				}
			}
			assertNoFiles(t, r.dir)
		})
	}
}

func assertMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := info.Mode().Perm(); got != want {
		t.Errorf("%s: mode %04o, want %04o", path, got, want)
	}
}

func assertNoFiles(t *testing.T, dir string) {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	if len(entries) != 0 {
		t.Errorf("files left behind: %v", entries)
	}
}
