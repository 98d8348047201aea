package sfsim

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// loopbackGuard is a Node.js preload that keeps the Salesforce CLI on
// loopback: any connection or name lookup for another host is refused, and
// noted in SFSIM_GUARD_LOG. The CLI walks (login URL, audience) pairs that
// include https://login.salesforce.com and https://test.salesforce.com
// whatever SF_AUDIENCE_URL says, so without it a failed login would try to
// reach Salesforce.
const loopbackGuard = `
const dns = require('dns');
const net = require('net');
const fs = require('fs');
const logFile = process.env.SFSIM_GUARD_LOG;
const loopback = (h) => h === undefined || h === null || h === '' || h === 'localhost' ||
  h === '::1' || h === '[::1]' || /^127\./.test(h);
const note = (what) => { if (logFile) fs.appendFileSync(logFile, what + '\n'); };
const refuse = (h) => Object.assign(new Error('sfsim guard: ' + h + ' is not a loopback address'), { code: 'ENOTFOUND' });
const lookup = dns.lookup;
dns.lookup = function (hostname, options, callback) {
  if (!loopback(hostname)) {
    note('lookup ' + hostname);
    process.nextTick(typeof options === 'function' ? options : callback, refuse(hostname));
    return {};
  }
  return lookup.apply(this, arguments);
};
const promiseLookup = dns.promises.lookup;
dns.promises.lookup = function (hostname) {
  if (!loopback(hostname)) { note('lookup ' + hostname); return Promise.reject(refuse(hostname)); }
  return promiseLookup.apply(this, arguments);
};
// util.promisify(dns.lookup) must keep resolving to {address, family}.
dns.lookup[require('util').promisify.custom] = dns.promises.lookup;
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const normalized = Array.isArray(args[0]) ? args[0] : args;
  const first = normalized[0];
  const isObject = typeof first === 'object' && first !== null;
  const host = isObject ? first.host : normalized[1];
  const path = isObject ? first.path : (typeof first === 'string' && isNaN(Number(first)) ? first : undefined);
  if (path === undefined && !loopback(host)) {
    note('connect ' + host);
    process.nextTick(() => this.destroy(refuse(host)));
    return this;
  }
  return connect.apply(this, args);
};
`

// sfResult is the part of "sf org login jwt --json" output the test reads.
type sfResult struct {
	Status  int    `json:"status"`
	Name    string `json:"name"`
	Message string `json:"message"`
	Result  struct {
		OrgID       string `json:"orgId"`
		Username    string `json:"username"`
		InstanceURL string `json:"instanceUrl"`
	} `json:"result"`
}

// TestSalesforceCLI logs in to sfsim with the real Salesforce CLI
// (@salesforce/cli), an outside client. It is skipped when sf is not on the
// PATH, as in CI.
func TestSalesforceCLI(t *testing.T) {
	sf, err := exec.LookPath("sf")
	if err != nil {
		t.Skip("the Salesforce CLI (sf) is not on the PATH")
	}
	cases := []struct {
		name   string
		config func(*Config)
		// want is a substring of sf's error message; empty for success.
		want string
	}{
		{name: "set up right"},
		{name: "ECA without the user's profile", config: func(c *Config) { c.App.Profiles = nil },
			want: "user is not admin approved to access this app"},
		{name: "Connected App without the user's profile",
			config: func(c *Config) { c.App.Profiles, c.App.Type = nil, ConnectedApp },
			want:   "user hasn't approved this consumer"},
		{name: "certificate of another key", config: func(c *Config) {
			_, other := creds(t)
			c.App.CertificatePEM = string(other.CertPEM)
		}, want: "invalid assertion"},
		{name: "inactive user", config: func(c *Config) { c.Users[0].Active = false },
			want: "User is inactive"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig(t)
			cfg.Now = nil // sf signs with the wall clock
			if tc.config != nil {
				tc.config(&cfg)
			}
			srv, ts := startSim(t, cfg)

			res, blocked := runSF(t, sf, ts)

			checkSFResult(t, res, tc.want, ts.URL)
			t.Logf("sfsim saw %s", describeLog(srv.Requests()))
			t.Logf("sf tried to reach, and the guard refused: %q", blocked)
		})
	}
}

// runSF runs "sf org login jwt" against the simulator with every sf
// directory in a temporary home, and returns its result and the hosts the
// loopback guard refused.
func runSF(t *testing.T, sf string, ts *httptest.Server) (sfResult, []string) {
	good, _ := creds(t)
	home := t.TempDir()
	keyFile, guard, guardLog := filepath.Join(home, "kolleno.key"), filepath.Join(home, "guard.cjs"), filepath.Join(home, "guard.log")
	for path, data := range map[string][]byte{keyFile: good.KeyPEM, guard: []byte(loopbackGuard)} {
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, sf, "org", "login", "jwt", "--instance-url", ts.URL,
		"--client-id", testKey, "--username", testUser, "--jwt-key-file", keyFile, "--json")
	cmd.Env = sfEnv(home, ts.URL, guard, guardLog)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	_ = cmd.Run() // sf exits 1 on a refused login; the JSON says why

	var res sfResult
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
		t.Fatalf("sf output %q (stderr %q): %v", stdout.String(), stderr.String(), err)
	}
	b, _ := os.ReadFile(guardLog)
	return res, strings.Fields(strings.ReplaceAll(string(b), "\n", " "))
}

// sfEnv keeps sf in the temporary home, quiet, and on loopback.
func sfEnv(home, base, guard, guardLog string) []string {
	return []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + home,
		"XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
		"XDG_DATA_HOME=" + filepath.Join(home, ".local", "share"),
		"XDG_CACHE_HOME=" + filepath.Join(home, ".cache"),
		"SF_AUDIENCE_URL=" + base, "SF_DISABLE_TELEMETRY=true", "SF_AUTOUPDATE_DISABLE=true",
		"SF_SKIP_NEW_VERSION_CHECK=true", "SF_DOMAIN_RETRY=0", "SF_USE_GENERIC_UNIX_KEYCHAIN=true",
		"NODE_OPTIONS=--require " + guard, "SFSIM_GUARD_LOG=" + guardLog,
	}
}

// checkSFResult checks sf logged in, or failed with Salesforce's words.
func checkSFResult(t *testing.T, res sfResult, want, base string) {
	t.Helper()
	if want == "" {
		if res.Status != 0 || res.Result.OrgID != DefaultOrgID || res.Result.Username != testUser ||
			res.Result.InstanceURL != base {
			t.Errorf("sf did not log in: %+v", res)
		}
		return
	}
	if res.Status == 0 || !strings.Contains(res.Message, want) {
		t.Errorf("sf answered %d %q, want a message with %q", res.Status, res.Message, want)
	}
}

// describeLog summarises the request log as "METHOD path status" items.
func describeLog(log []LogEntry) string {
	var parts []string
	for _, e := range log {
		parts = append(parts, e.Method+" "+e.Path+" "+http.StatusText(e.Status))
	}
	return strings.Join(parts, ", ")
}
