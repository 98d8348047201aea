package sfsim

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe to write from Run's goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// certFile writes the test certificate to a file and returns the common
// flags naming it.
func certFile(t *testing.T) []string {
	good, _ := creds(t)
	path := filepath.Join(t.TempDir(), "kolleno.crt")
	if err := os.WriteFile(path, good.CertPEM, 0o644); err != nil {
		t.Fatal(err)
	}
	return []string{"--cert", path, "--consumer-key", testKey, "--username", testUser}
}

// runCommand starts Run in the background and waits for its ready file. It
// returns the base URL, the stop function and the channel of Run's result.
func runCommand(t *testing.T, args ...string) (string, context.CancelFunc, chan error,
	*syncBuffer) {
	t.Helper()
	ready := filepath.Join(t.TempDir(), "ready")
	ctx, cancel := context.WithCancel(context.Background())
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- Run(ctx, append(args, "--ready-file", ready), stdout, stderr) }()
	t.Cleanup(func() { cancel(); <-done })

	waitFor(t, func() bool { _, err := os.Stat(ready); return err == nil })
	b, err := os.ReadFile(ready)
	if err != nil {
		t.Fatal(err)
	}
	base := strings.TrimSpace(string(b))
	if !strings.HasPrefix(base, "http://127.0.0.1:") && !strings.HasPrefix(base, "https://127.0.0.1:") {
		t.Fatalf("ready file holds %q", b)
	}
	return base, cancel, done, stdout
}

func TestRunServesAndStops(t *testing.T) {
	logFile := filepath.Join(t.TempDir(), "requests.jsonl")
	args := append(certFile(t), "--log", logFile, "--clock-offset", "0s")
	base, stop, done, stdout := runCommand(t, args...)

	good, _ := creds(t)
	claims := claimsFor(base)
	claims["exp"] = json.Number("99999999999")
	a := postToken(t, base, signRS256(t, good, claims))
	stop()

	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	if a.status != 200 {
		t.Errorf("login: %d %s", a.status, a.body)
	}
	if got := stdout.String(); got != base+"\n" {
		t.Errorf("stdout %q, want the base URL", got)
	}
	checkLogFile(t, logFile)
	done <- nil // for the cleanup
}

// checkLogFile checks the JSON-lines request log holds the one token request.
func checkLogFile(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	var e LogEntry
	if len(lines) != 1 || json.Unmarshal([]byte(lines[0]), &e) != nil {
		t.Fatalf("log file %q", b)
	}
	if e.Method != "POST" || e.Path != "/services/oauth2/token" || e.Status != 200 || e.Duration <= 0 {
		t.Errorf("log entry %+v", e)
	}
	if strings.Contains(string(b), "assertion") || strings.Contains(string(b), "eyJ") {
		t.Error("the log holds the assertion")
	}
}

func TestRunStopsWhileHolding(t *testing.T) {
	for fault, args := range map[string][]string{
		"hang": {"--hang"}, "latency": {"--latency", "1h"},
	} {
		t.Run(fault, func(t *testing.T) { checkStopWhileHolding(t, fault, args) })
	}
}

// checkStopWhileHolding stops Run while a fault holds a request: the client
// sees the connection dropped and the log says so (status 0, the fault).
func checkStopWhileHolding(t *testing.T, fault string, args []string) {
	logFile := filepath.Join(t.TempDir(), "requests.jsonl")
	served := make(chan *Server, 1)
	serveHook = func(s *Server) { served <- s }
	t.Cleanup(func() { serveHook = nil })
	base, stop, done, _ := runCommand(t, append(certFile(t), append(args, "--log", logFile)...)...)
	srv, errc := <-served, make(chan error, 1)
	go func() {
		resp, err := http.Get(base + "/services/data/")
		if err == nil {
			resp.Body.Close()
		}
		errc <- err
	}()
	waitFor(t, func() bool { return faultHits(srv) == 1 }) // the request is held

	stop() // as SIGTERM does

	if err := <-done; err != nil {
		t.Errorf("Run: %v", err)
	}
	if err := <-errc; err == nil {
		t.Errorf("the request held by %s got an answer", fault)
	}
	want := `"status":0,"duration_ns":`
	if b, _ := os.ReadFile(logFile); !strings.Contains(string(b), want) ||
		!strings.Contains(string(b), `"error":"`+fault+`"`) {
		t.Errorf("log %q", b)
	}
	done <- nil
}

func TestRunRefusesNonLoopback(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", ":0", "192.0.2.1:0", "example.com:0", "[::]:0", "nonsense"} {
		t.Run(addr, func(t *testing.T) {
			err := Run(context.Background(), append(certFile(t), "--addr", addr), &bytes.Buffer{}, &bytes.Buffer{})

			var usage *UsageError
			if !errors.As(err, &usage) || usage.ExitCode() != 2 {
				t.Errorf("got %v, want a usage error", err)
			}
		})
	}
}

func TestRunUsageErrors(t *testing.T) {
	cert := certFile(t)
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	notACert := filepath.Join(t.TempDir(), "kolleno.key")
	good, _ := creds(t)
	if err := os.WriteFile(notACert, good.KeyPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		args []string
		want string
	}{
		"no flags":          {nil, "--cert, --consumer-key and --username are required"},
		"no username":       {cert[:4], "--cert, --consumer-key and --username are required"},
		"unknown flag":      {[]string{"--frobnicate"}, "flag provided but not defined: -frobnicate"},
		"argument":          {[]string{"extra"}, `unexpected argument "extra"`},
		"bad fault scope":   {[]string{"--fault-scope", "everything"}, `--fault-scope: must be all, token or rest, not "everything"`},
		"bad fail error":    {[]string{"--fail-first", "1", "--fail-error", "kaboom"}, `--fail-error: must be a known error code or "error: description", not "kaboom"`},
		"bad clock offset":  {[]string{"--clock-offset", "ten minutes"}, `invalid value "ten minutes" for flag -clock-offset`},
		"old newest":        {[]string{"--newest-api-version", "30"}, "--newest-api-version: must be 31 or more (the oldest version served), not 30"},
		"short org ID":      {[]string{"--org-id", "00D123"}, `--org-id: must be 15 or 18 characters starting with 00D, not "00D123"`},
		"my domain host":    {[]string{"--my-domain", "kolleno.my.salesforce.com"}, `--my-domain: must be an https URL such as https://NAME.my.salesforce.com, not "kolleno.my.salesforce.com"`},
		"negative records":  {[]string{"--account-records", "-1"}, "--account-records: must be 0 or more, not -1"},
		"negative latency":  {[]string{"--latency", "-1s"}, "--latency: must be 0 or more, not -1s"},
		"negative lifetime": {[]string{"--session-lifetime", "-1h"}, "--session-lifetime: must be 0 or more, not -1h0m0s"},
		"bad CIDR":          {[]string{"--login-ip-ranges", "10.0.0.0/8, 127.0.0.1/33"}, `--login-ip-ranges: must be CIDR ranges such as 203.0.113.0/24, not "127.0.0.1/33"`},
		"missing cert":      {[]string{"--cert", "/nonexistent/kolleno.crt"}, "--cert /nonexistent/kolleno.crt: no such file or directory"},
		"cert not a cert":   {[]string{"--cert", notACert}, "--cert " + notACert + ": not a PEM certificate"},
		"missing config":    {[]string{"--config", "/nonexistent/model.json"}, "--config /nonexistent/model.json: no such file or directory"},
		"ready file":        {[]string{"--ready-file", "/nonexistent/ready"}, "--ready-file /nonexistent/ready: no such file or directory"},
		"log file":          {[]string{"--log", "/nonexistent/log"}, "--log /nonexistent/log: no such file or directory"},
		"TLS cert out":      {[]string{"--tls", "--tls-cert-out", "/nonexistent/c"}, "--tls-cert-out /nonexistent/c: no such file or directory"},
		"address in use":    {[]string{"--addr", busy.Addr().String()}, "--addr " + busy.Addr().String() + ": "},
		"unknown user":      {[]string{"--unknown-user-error", "nope"}, `--unknown-user-error: must be a known error code or "error: description", not "nope"`},
	} {
		t.Run(name, func(t *testing.T) {
			args := tc.args
			if name != "no flags" && name != "no username" {
				args = append(slices.Clone(cert), args...)
			}

			ctx, cancel := context.WithCancel(context.Background())
			cancel() // should Run accept the mistake, it stops at once

			err := Run(ctx, args, &bytes.Buffer{}, &bytes.Buffer{})

			var usage *UsageError
			if !errors.As(err, &usage) || usage.ExitCode() != 2 || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v\nwant a usage error saying %s", err, tc.want)
			}
		})
	}
}

func TestRunTLS(t *testing.T) {
	certOut := filepath.Join(t.TempDir(), "server.crt")
	base, _, _, _ := runCommand(t, append(certFile(t), "--tls", "--tls-cert-out", certOut, "--require-https")...)
	pemBytes, err := os.ReadFile(certOut)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pemBytes)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}

	good, _ := creds(t)
	claims := claimsFor(base)
	claims["exp"] = json.Number("99999999999")
	resp, err := client.PostForm(base+"/services/oauth2/token",
		map[string][]string{"grant_type": {jwtBearerGrant}, "assertion": {signRS256(t, good, claims)}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	if !strings.HasPrefix(base, "https://") || resp.StatusCode != 200 {
		t.Errorf("%s answered %d", base, resp.StatusCode)
	}
}

func TestRunConfigFile(t *testing.T) {
	model := `{"org": {"sandbox": true, "my_domain": "https://kolleno--uat.sandbox.my.salesforce.com"},
	  "users": [{"username": "` + testUser + `"}, {"username": "off@kolleno.example", "active": false}]}`
	path := filepath.Join(t.TempDir(), "model.json")
	if err := os.WriteFile(path, []byte(model), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer

	err := Run(context.Background(), append(certFile(t), "--config", path, "--print-config"), &out, &bytes.Buffer{})

	if err != nil {
		t.Fatal(err)
	}
	var cfg Config
	if err := json.Unmarshal(out.Bytes(), &cfg); err != nil {
		t.Fatal(err)
	}
	if !cfg.Org.Sandbox || cfg.Org.ID != DefaultOrgID || len(cfg.Users) != 2 ||
		!cfg.Users[0].APIEnabled ||
		!cfg.Users[0].AccountRead || cfg.Users[1].Active || cfg.App.ConsumerKey != testKey {
		t.Errorf("model %+v", cfg)
	}
}

func TestRunRefusesBadCertificateInConfig(t *testing.T) {
	path := filepath.Join(t.TempDir(), "model.json")
	if err := os.WriteFile(path, []byte(`{"app": {"certificate_pem": "none"}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // should Run accept the mistake, it stops at once

	err := Run(ctx, append(certFile(t), "--config", path), &bytes.Buffer{}, &bytes.Buffer{})

	var usage *UsageError
	want := "--config " + path + ": app.certificate_pem: not a PEM certificate"
	if !errors.As(err, &usage) || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
}

func TestRunReadyFileFailureLeavesStdoutEmpty(t *testing.T) {
	var stdout bytes.Buffer
	dir := t.TempDir()

	err := Run(context.Background(), append(certFile(t), "--ready-file", dir), &stdout, &bytes.Buffer{})

	if want := "--ready-file " + dir + ": is a directory"; err == nil || err.Error() != want || stdout.Len() != 0 {
		t.Errorf("got %v and stdout %q, want %s and no base URL", err, stdout.String(), want)
	}
}

func TestPrintConfigIsAValidModel(t *testing.T) {
	var out bytes.Buffer
	args := append(certFile(t), "--self-authorize", "--latency", "1s", "--login-ip-ranges", "127.0.0.1/32")
	if err := Run(context.Background(), append(args, "--print-config"), &out, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}

	cfg, err := LoadConfig(out.Bytes(), Config{})

	if err != nil {
		t.Fatalf("the printed model does not load: %v", err)
	}
	if cfg.App.PermittedUsers != SelfAuthorizingUsers || cfg.Faults.Latency != Duration(time.Second) {
		t.Errorf("model %+v", cfg)
	}
}

func TestRunRefusesBadConfigFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "model.json")
	model := `{"app": {"permitted_users": "self-authorize"}}`
	if err := os.WriteFile(path, []byte(model), 0o644); err != nil {
		t.Fatal(err)
	}

	err := Run(context.Background(), append(certFile(t), "--config", path, "--print-config"),
		&bytes.Buffer{}, &bytes.Buffer{})

	var usage *UsageError
	if !errors.As(err, &usage) || usage.ExitCode() != 2 ||
		!strings.Contains(err.Error(), "--config "+path+": app.permitted_users: must be admin_approved or self_authorize") {
		t.Errorf("got %v, want a usage error naming the file and the field", err)
	}
}

// switchCase is a command-line switch and the outcome it must produce.
type switchCase struct {
	args []string
	// token is the expected token refusal; zero means the login works.
	token oauthError
	// restStatus and restCode are the expected answer of the verify
	// composite call after a successful login (0: not checked).
	restStatus int
	restCode   string
	// subStatuses are the composite's subrequest statuses.
	subStatuses string
	// aud replaces the assertion's audience (the simulator's origin).
	aud string
	// expIn sets exp this far from the wall clock (default: far future).
	expIn time.Duration
}

func TestRunSwitches(t *testing.T) {
	allOK := "perms=200 entity=200 describe=200 account=200 user=200"
	cases := map[string]switchCase{
		"":                                    {restStatus: 200, subStatuses: allOK},
		"--no-api-enabled":                    {restStatus: 403, restCode: "API_DISABLED_FOR_ORG"},
		"--edition-without-api":               {restStatus: 403, restCode: "API_DISABLED_FOR_ORG"},
		"--no-account-read":                   {restStatus: 200, subStatuses: "perms=200 entity=200 describe=404 account=400 user=200"},
		"--no-account-records":                {restStatus: 200, subStatuses: allOK},
		"--no-api-scope":                      {restStatus: 401, restCode: "INVALID_SESSION_ID"},
		"--integration-user":                  {restStatus: 200, subStatuses: allOK},
		"--relax-ip":                          {restStatus: 200, subStatuses: allOK},
		"--no-jti-tracking":                   {restStatus: 200, subStatuses: allOK},
		"--issued-at":                         {restStatus: 200, subStatuses: allOK},
		"--user-not-assigned":                 {token: errNotAdminApproved},
		"--user-not-assigned --connected-app": {token: errNotApproved},
		"--connected-app":                     {restStatus: 200, subStatuses: allOK},
		"--app-not-installed":                 {token: errAppNotFound},
		"--app-not-installed --connected-app": {token: errClientID},
		"--jwt-disabled":                      {token: errInvalidAssertion},
		"--self-authorize":                    {token: errNotApproved},
		"--no-scopes":                         {token: errNoScopes},
		"--inactive-user":                     {token: errInactiveUser},
		"--locked-user":                       {token: errUserLocked},
		"--inactive-org":                      {token: errInactiveOrg},
		"--ip-restricted":                     {token: errIPRestricted},
		"--login-ip-ranges 127.0.0.1/32":      {restStatus: 200, subStatuses: allOK},
		"--sandbox":                           {token: errAudience, aud: loginAudience},
		"--sandbox ":                          {aud: testAudience, restStatus: 200, subStatuses: allOK},
		"--legacy-hosts-blocked":              {token: errAppNotFound, aud: loginAudience},
		"--my-domain https://kolleno.my.salesforce.com":      {aud: "https://kolleno.my.salesforce.com", restStatus: 200, subStatuses: allOK},
		"--audience https://kolleno.my.salesforce.com":       {token: errAudience},
		"--audience-doc-string --audience https://x.example": {token: errAudienceDoc},
		"--require-https":                           {token: errHTTPSRequired},
		"--reject-query-params":                     {restStatus: 200, subStatuses: allOK},
		"--clock-offset 10m":                        {token: errExpired, expIn: 3 * time.Minute},
		"--clock-offset -10m":                       {restStatus: 200, subStatuses: allOK, expIn: 3 * time.Minute},
		"--leeway 0s":                               {token: errExpired, expIn: -time.Second},
		"--leeway 1m":                               {restStatus: 200, subStatuses: allOK, expIn: -30 * time.Second},
		"--fail-first 1 --fail-error app_not_found": {token: errAppNotFound},
		"--rate-limit --fault-scope token":          {token: errLoginRateLimit},
		"--unknown-user-error inactive_user --username nobody@kolleno.example": {token: errInactiveUser},
		"--org-id 00D000000000001": {restStatus: 200, subStatuses: allOK},
	}
	for flags, tc := range cases {
		t.Run(flags, func(t *testing.T) {
			tc.args = strings.Fields(flags)
			checkSwitch(t, tc)
		})
	}
}

// checkSwitch builds the model from the switch, logs in, and runs the
// verify composite call.
func checkSwitch(t *testing.T, tc switchCase) {
	cfg, _, err := parseArgs(append(certFile(t), tc.args...), &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()

	good, _ := creds(t)
	claims := claimsFor(ts.URL)
	claims["exp"] = json.Number("99999999999")
	if tc.expIn != 0 {
		claims["exp"] = time.Now().Add(tc.expIn).Unix()
	}
	if tc.aud != "" {
		claims["aud"] = tc.aud
	}
	tok := postToken(t, ts.URL, signRS256(t, good, claims))
	checkTokenAnswer(t, tok, tc.token)
	if tc.token.Code != "" {
		return
	}
	var resp tokenResponse
	tok.jsonOf(t, &resp)
	checkSwitchREST(t, ts.URL, resp, tc)
}

// checkSwitchREST posts the verify composite call with the access token.
func checkSwitchREST(t *testing.T, base string, tok tokenResponse, tc switchCase) {
	uid := tok.ID[strings.LastIndex(tok.ID, "/")+1:]
	b, _ := json.Marshal(verifyComposite(uid))
	a := do(t, "POST", base+"/services/data/v67.0/composite", "application/json", string(b),
		"Authorization", "Bearer "+tok.AccessToken)
	if a.status != tc.restStatus {
		t.Fatalf("composite: %d %s", a.status, a.body)
	}
	if tc.restCode != "" {
		checkEmbedded(t, a.body, tc.restCode)
		return
	}
	if got, _ := statuses(t, a); got != tc.subStatuses {
		t.Errorf("subrequests %s, want %s", got, tc.subStatuses)
	}
}
