package cli

import (
	"context"
	"errors"

	"github.com/spf13/cobra"

	"github.com/kolleno/kollenoctl/internal/keystore"
	"github.com/kolleno/kollenoctl/internal/verify"
)

// verifyOptions are verify's flags.
type verifyOptions struct {
	conn     connection
	certFile string
	quiet    bool
	json     bool
}

func newVerifyCmd(ios *IOStreams) *cobra.Command {
	opts := &verifyOptions{}
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Check that Kolleno's connection works, and say what to fix",
		Long: `verify answers "will Kolleno's connection work?" with a checklist. It takes the
same connection inputs as login, plus the certificate with --cert, and makes
two HTTP requests: the JWT bearer login, then one composite REST request that
carries every permission check.

Each check passes (✓), warns (!), fails (✗) or is skipped (-), and every check
that does not pass comes with a hint naming the setting to change. With --json
each check has a stable ID:

  private-key         readable, RSA, at least 2048 bits
  certificate         readable; from --cert, or in the key file itself
  certificate-match   the certificate belongs to the private key
  certificate-expiry  a warning under 30 days, or once expired
  clock               this computer's clock within 60 s of Salesforce's
  login               the JWT bearer login
  rest-api            the REST API answers, and takes the access token
  api-enabled         the integration user's API Enabled
  account-read        Read on Account
  account-records     at least one Account record visible (a warning)

Exit codes: 0 nothing failed (warnings allowed), 1 a local check failed,
3 Salesforce refused the login, 4 a permission check failed or a setting
refuses the access token (the app's api OAuth scope, say), 5 Salesforce
could not be reached or turned the checks away for now (the org's daily API
request limit used up): try again later. The first failed check decides.`,
		Example: `  kollenoctl verify --consumer-key 3MVG9... --username kolleno@acme.com \
      --key kolleno.key --cert kolleno.crt --login-url https://acme.my.salesforce.com
  KOLLENO_PRIVATE_KEY="$KEY_PEM" kollenoctl verify --quiet      # CI: print only problems
  kollenoctl verify --json | jq -r '.checks[] | select(.status != "pass") | .id'`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runVerify(cmd.Context(), ios, opts)
		},
	}

	f := cmd.Flags()
	opts.conn.addFlags(cmd)
	f.StringVar(&opts.certFile, "cert", "",
		"the certificate uploaded to the External Client App (PEM or DER)")
	bindEnv(f, "cert", "KOLLENO_CERT_FILE")
	f.BoolVarP(&opts.quiet, "quiet", "q", false, "print only the checks that did not pass")
	f.BoolVar(&opts.json, "json", false, "print the report as one JSON object on stdout")
	return cmd
}

// runVerify checks the connection flags, reads the key material, runs every
// check, prints the report and exits with the code of the first failed check.
func runVerify(ctx context.Context, ios *IOStreams, opts *verifyOptions) error {
	if opts.quiet && opts.json {
		return usageErrorf("--json always lists every check; leave out --quiet",
			"--quiet and --json cannot be used together")
	}

	login, err := opts.conn.settings(ios)
	if err != nil {
		return err
	}

	material, err := opts.material(ios)
	if err != nil {
		return err
	}

	report := verify.Run(ctx, verify.Options{Material: material, Login: login})

	if err := opts.print(ios, report); err != nil {
		return err
	}
	if code := report.ExitCode(); code != ExitOK {
		return &silentError{code: code}
	}
	return nil
}

// material reads the private key (and its password, if it is encrypted)
// and, with --cert, the certificate. A usage mistake (no key at all) is an
// error; a file that cannot be read is verify's to report, as the
// private-key or certificate check failing, like a file that holds no key.
func (o *verifyOptions) material(ios *IOStreams) (verify.Material, error) {
	var m verify.Material
	var err error
	m.Key, m.KeyName, err = o.conn.keyInput(ios)
	switch {
	case err != nil && exitCodeOf(err) == ExitUsage:
		return m, err
	case err != nil:
		m.KeyErr = withHint(err, hintVerifyKeyFile)
	default:
		m.KeyPassword, m.KeyErr = o.keyPassword(ios, m.Key)
	}

	if o.certFile != "" {
		m.CertName = describeFile(o.certFile)
		m.Cert, err = readKeyMaterial(ios, o.certFile)
		m.CertErr = withHint(err, hintVerifyCertFile)
	}
	return m, nil
}

const (
	hintVerifyKeyFile = "give --key (KOLLENO_PRIVATE_KEY_FILE) the private key file itself, " +
		"one this user may read"
	hintVerifyCertFile = "give --cert (KOLLENO_CERT_FILE) the certificate file itself, " +
		"one this user may read"
)

// keyPassword reads the password of an encrypted key from
// --key-password-file, KOLLENO_KEY_PASSWORD or a prompt. Without one, verify's
// private-key check fails with the hint that says how to give it.
func (o *verifyOptions) keyPassword(ios *IOStreams, key []byte) ([]byte, error) {
	if _, err := keystore.ParseKey(key, nil); !errors.Is(err, keystore.ErrPasswordRequired) {
		return nil, nil
	}
	password, _, err := keyPassword(o.conn.keyPasswordFile, "Private key password").read(ios)
	return password, err
}

func (o *verifyOptions) print(ios *IOStreams, r *verify.Report) error {
	if o.json {
		return verify.WriteJSON(ios.Out, r)
	}
	return verify.WriteText(ios.Out, r, verify.TextOptions{Color: ios.ColorOut(), Quiet: o.quiet})
}
