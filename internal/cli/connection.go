package cli

import (
	"crypto/rsa"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kolleno/kollenoctl/internal/jwtflow"
	"github.com/kolleno/kollenoctl/internal/keystore"
	"github.com/kolleno/kollenoctl/internal/termtext"
)

// envPrivateKey holds the private key's PEM itself, as CI secret stores
// keep it; --key (KOLLENO_PRIVATE_KEY_FILE) names a file instead.
const envPrivateKey = "KOLLENO_PRIVATE_KEY"

// loginBackoff replaces jwtflow.DefaultBackoff when set; tests make the
// pauses between retries short.
var loginBackoff func(n int, propagation bool) time.Duration

// connection is the set of flags that say how to log in to Salesforce,
// shared by login, verify and onboard: addFlags registers them (each with
// its KOLLENO_ variable), and the methods below turn them into a checked
// jwtflow.Request before any network call.
type connection struct {
	consumerKey     string
	username        string
	key             string // a file, or "-" for stdin
	keyPasswordFile string
	loginURL        string
	sandbox         bool
	audience        string
	timeout         time.Duration
	retryFor        time.Duration
	verbose         bool
}

// addFlags registers the connection flags on cmd.
func (c *connection) addFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&c.consumerKey, "consumer-key", "",
		"the External Client App's consumer key (the assertion's iss)")
	f.StringVar(&c.username, "username", "", "the integration user's Salesforce username")
	f.StringVar(&c.key, "key", "", "the private key file (PEM or DER, plain or encrypted); - reads "+
		"stdin; or set "+envPrivateKey+" to the PEM itself")
	f.StringVar(&c.keyPasswordFile, "key-password-file", "",
		"file holding an encrypted key's password (or set KOLLENO_KEY_PASSWORD)")
	f.StringVar(&c.loginURL, "login-url", "", "where to log in: https://login.salesforce.com "+
		"(the default), https://test.salesforce.com (--sandbox), or the org's My Domain URL")
	f.BoolVar(&c.sandbox, "sandbox", false,
		"the org is a sandbox: log in at https://test.salesforce.com unless --login-url says otherwise")
	f.StringVar(&c.audience, "audience", "",
		"the assertion's aud (default: the origin of the login URL)")
	f.DurationVar(&c.timeout, "timeout", jwtflow.DefaultTimeout,
		"how long the login may take, retries of network errors included")
	f.DurationVar(&c.retryFor, "retry-for", 0, "keep retrying the answers of an app changed in "+
		"the last minutes (not approved, unknown consumer key, ...) for this long, e.g. 10m")
	f.BoolVar(&c.verbose, "verbose", false,
		"show each HTTP request's method, URL, status and time on stderr (never a secret)")

	for flag, env := range map[string]string{
		"consumer-key": "KOLLENO_CONSUMER_KEY", "username": "KOLLENO_USERNAME",
		"key": "KOLLENO_PRIVATE_KEY_FILE", "key-password-file": "KOLLENO_KEY_PASSWORD_FILE",
		"login-url": "KOLLENO_LOGIN_URL", "sandbox": "KOLLENO_SANDBOX",
		"audience": "KOLLENO_AUDIENCE", "timeout": "KOLLENO_TIMEOUT",
		"retry-for": "KOLLENO_RETRY_FOR", "verbose": "KOLLENO_VERBOSE",
	} {
		bindEnv(f, flag, env)
	}
	_ = cmd.MarkFlagFilename("key")
	_ = cmd.MarkFlagFilename("key-password-file")
}

// request checks every connection flag, reads the private key, and returns
// the login to make. Nothing goes over the network.
func (c *connection) request(ios *IOStreams) (jwtflow.Request, error) {
	req, err := c.settings(ios)
	if err != nil {
		return jwtflow.Request{}, err
	}

	data, name, err := c.keyInput(ios)
	if err != nil {
		return jwtflow.Request{}, err
	}

	req.Key, err = c.privateKey(ios, data, name)
	return req, err
}

// settings checks and cleans every connection flag but the key, and returns
// the request without its Key; verify and onboard read the key themselves.
// Surrounding whitespace on the consumer key and the username is trimmed
// with a warning.
func (c *connection) settings(ios *IOStreams) (jwtflow.Request, error) {
	if err := c.checkGiven(); err != nil {
		return jwtflow.Request{}, err
	}

	key, err := cleaned(ios, "consumer key", c.consumerKey, jwtflow.CleanConsumerKey)
	if err != nil {
		return jwtflow.Request{}, err
	}
	user, err := cleaned(ios, "username", c.username, jwtflow.CleanUsername)
	if err != nil {
		return jwtflow.Request{}, err
	}

	login, err := jwtflow.ParseLoginURL(c.loginURL, c.sandbox)
	if err != nil {
		return jwtflow.Request{}, err
	}
	aud, err := jwtflow.CleanAudience(c.audience, login)
	if err != nil {
		return jwtflow.Request{}, err
	}

	return jwtflow.Request{
		ConsumerKey: key, Username: user, LoginURL: login.URL, Sandbox: login.Sandbox,
		Audience: aud, Timeout: c.timeout, RetryFor: c.retryFor,
		Client: jwtflow.NewHTTPClient(c.tracer(ios)), Progress: progressPrinter(ios),
		Backoff: loginBackoff,
	}, nil
}

// checkGiven refuses missing values and impossible durations as usage
// errors that name the flag and its variable.
func (c *connection) checkGiven() error {
	switch {
	case c.consumerKey == "":
		return usageErrorf("give --consumer-key or set KOLLENO_CONSUMER_KEY; it is in the app's "+
			"Settings > OAuth Settings > Consumer Key and Secret", "no consumer key")
	case c.username == "":
		return usageErrorf("give --username or set KOLLENO_USERNAME: the integration user's "+
			"username", "no username")
	case c.timeout <= 0:
		return usageErrorf("give a duration such as 30s or 2m", "--timeout must be above zero")
	case c.retryFor < 0:
		return usageErrorf("give a duration such as 10m, or leave --retry-for out",
			"--retry-for must not be negative")
	}
	return nil
}

// cleaned applies a jwtflow clean-up function and warns when it trimmed.
func cleaned(ios *IOStreams, what, raw string,
	clean func(string) (string, bool, error)) (string, error) {
	v, trimmed, err := clean(raw)
	if err == nil && trimmed {
		ios.Warnf("removed the spaces or line breaks around the %s", what)
	}
	return v, err
}

// keyGiven reports whether a private key was given at all.
func (c *connection) keyGiven() bool {
	return c.key != "" || os.Getenv(envPrivateKey) != ""
}

// keyInput reads the private key's bytes from --key (a file, or - for
// stdin) or from KOLLENO_PRIVATE_KEY, and says where they came from.
func (c *connection) keyInput(ios *IOStreams) (data []byte, name string, err error) {
	if c.key == "-" && c.keyPasswordFile == "-" {
		return nil, "", usageErrorf("give the password with a file or KOLLENO_KEY_PASSWORD",
			"--key and --key-password-file cannot both read standard input")
	}
	if c.key != "" {
		if os.Getenv(envPrivateKey) != "" {
			ios.Warnf("%s is set but not used: --key (or KOLLENO_PRIVATE_KEY_FILE) comes first",
				envPrivateKey)
		}
		data, err := readKeyMaterial(ios, c.key)
		return data, describeFile(c.key), err
	}
	if v := os.Getenv(envPrivateKey); v != "" {
		return []byte(v), envPrivateKey, nil
	}
	return nil, "", usageErrorf("give --key FILE (or KOLLENO_PRIVATE_KEY_FILE), or set "+
		envPrivateKey+" to the key's PEM", "no private key")
}

// privateKey parses the key, asking for a password only when it is
// encrypted, and returns it if the JWT bearer flow can use it.
func (c *connection) privateKey(ios *IOStreams, data []byte, name string) (*rsa.PrivateKey, error) {
	key, err := keystore.ParseKey(data, nil)
	if errors.Is(err, keystore.ErrPasswordRequired) {
		key, err = c.parseEncrypted(ios, data)
	}
	if err != nil {
		err = fmt.Errorf("the private key from %s: %w", name, err)
		if name == envPrivateKey && looksLikePath(data) {
			return nil, withHint(err, "%s holds the key's PEM text, and this looks like a file "+
				"name: set KOLLENO_PRIVATE_KEY_FILE to it instead, or give --key FILE", envPrivateKey)
		}
		return nil, withHint(err, "%s", hintOf(err))
	}
	return key.ForJWT()
}

// looksLikePath reports whether the value of KOLLENO_PRIVATE_KEY is a file
// name rather than a key: one line, no PEM armour, and a file by that name
// exists or the name ends like a key file's. The value itself is never
// shown: when it is not a file name, it may be a secret.
func looksLikePath(data []byte) bool {
	v := strings.TrimSpace(string(data))
	if v == "" || len(v) > 4096 || strings.ContainsAny(v, "\n\r") || strings.Contains(v, "-----") {
		return false
	}
	if _, err := os.Stat(v); err == nil {
		return true
	}
	for _, ext := range []string{".pem", ".key", ".der", ".p8", ".crt"} {
		if strings.HasSuffix(strings.ToLower(v), ext) {
			return true
		}
	}
	return false
}

// parseEncrypted reads the key's password from --key-password-file,
// KOLLENO_KEY_PASSWORD or a prompt, and parses the key with it.
func (c *connection) parseEncrypted(ios *IOStreams, data []byte) (*keystore.Key, error) {
	password, ok, err := keyPassword(c.keyPasswordFile, "Private key password").read(ios)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errorf("give the password with --key-password-file or KOLLENO_KEY_PASSWORD",
			"the private key is encrypted and no password was given")
	}
	return keystore.ParseKey(data, password)
}

// tracer returns the --verbose hook: one line per HTTP request on stderr.
func (c *connection) tracer(ios *IOStreams) func(jwtflow.RequestTrace) {
	if !c.verbose {
		return nil
	}
	return func(t jwtflow.RequestTrace) {
		outcome := fmt.Sprintf("%d", t.Status)
		if t.Err != nil {
			outcome = "no answer"
		}
		ios.Statusf("verbose: %s %s: %s in %s", t.Method, t.URL, outcome,
			t.Duration.Round(time.Millisecond))
	}
}

// progressPrinter writes one stderr line for each attempt that another one
// follows, so a retry or the other pairing is never hidden.
func progressPrinter(ios *IOStreams) func(jwtflow.Attempt) {
	return func(a jwtflow.Attempt) {
		what := attemptOutcome(a)
		switch a.Next {
		case "other-pairing":
			ios.Statusf("attempt %d with the audience %s: %s; trying the other documented "+
				"pairing: the audience %s", a.N, a.Audience, what, a.NextAudience)
		case "retry":
			wait := a.Wait.Round(100 * time.Millisecond)
			ios.Statusf("attempt %d: %s; retrying in %s", a.N, what, wait)
		}
	}
}

// attemptOutcome says in a few words how an attempt ended, with the control
// characters of the server's words escaped.
func attemptOutcome(a jwtflow.Attempt) string {
	switch {
	case a.Error != "":
		return termtext.Printable(a.Error + ": " + a.Description)
	case a.Problem != "":
		return termtext.Printable(a.Problem)
	case a.Status != 0:
		return fmt.Sprintf("HTTP %d", a.Status)
	}
	return "no answer"
}
