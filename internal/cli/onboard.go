package cli

import (
	"context"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kolleno/kollenoctl/internal/jwtflow"
	"github.com/kolleno/kollenoctl/internal/verify"
)

// onboardOptions are onboard's flags. Every value the wizard asks for has a
// flag (and the connection values a KOLLENO_ variable), so that the same
// onboarding runs straight through without a terminal.
type onboardOptions struct {
	conn connection

	method       string
	keystore     string
	passwordFile string
	alias        string
	cert         string
	outDir       string
	name         string

	yes        bool
	accessible bool
	bundle     string
	force      bool
	json       bool
}

func (o *onboardOptions) keyGiven() bool { return o.conn.keyGiven() }

func newOnboardCmd(ios *IOStreams) *cobra.Command {
	opts := &onboardOptions{}
	cmd := &cobra.Command{
		Use:   "onboard",
		Short: "Walk through the whole onboarding: key, Setup, checks, the values for Kolleno",
		Long: `onboard takes you through the four steps of connecting an org to Kolleno in one
sitting: it makes or extracts the private key and certificate (step 1), shows
what to do in Setup with the values to type (steps 2 and 3), asks for the
consumer key, username and login URL, runs every check of 'kollenoctl verify'
until they pass, and ends with the three values Kolleno needs (step 4),
optionally saved with the private key to a bundle file (mode 0600).

On a terminal it asks for whatever the flags do not give. --accessible (or
KOLLENO_ACCESSIBLE=1) asks with plain line prompts, for screen readers and
simple terminals. Without a terminal it never asks: every value must come from
flags and KOLLENO_ variables, the missing ones are listed in a usage error,
and --yes says the Setup steps are done.`,
		Example: `  kollenoctl onboard
  kollenoctl onboard --accessible
  kollenoctl onboard --method generate --out-dir ~/kolleno --yes \
      --consumer-key 3MVG9... --username integration@acme.com --bundle kolleno.json`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runOnboard(cmd.Context(), newOnboarding(ios, opts))
		},
	}
	addOnboardFlags(cmd, opts)
	return cmd
}

func addOnboardFlags(cmd *cobra.Command, opts *onboardOptions) {
	f := cmd.Flags()
	opts.conn.addFlags(cmd)
	f.StringVar(&opts.method, "method", "",
		"how to get the key: generate (Method B), keystore (Method A) or existing")
	f.StringVar(&opts.keystore, "keystore", "", "the keystore (.jks) exported from Salesforce, for Method A")
	f.StringVar(&opts.passwordFile, "password-file", "",
		"file holding the keystore password; - reads standard input (or set KOLLENO_KEYSTORE_PASSWORD)")
	f.StringVar(&opts.alias, "alias", "", "the keystore entry to use when it holds several keys")
	f.StringVar(&opts.cert, "cert", "", "the certificate that belongs to an existing --key")
	f.StringVar(&opts.outDir, "out-dir", ".", "directory to write NAME.key and NAME.crt in")
	f.StringVar(&opts.name, "name", "kolleno", "base name of the key and certificate files")
	f.BoolVar(&opts.yes, "yes", false, "the Setup steps are done: do not wait for them")
	f.BoolVar(&opts.accessible, "accessible", false, "ask with plain line prompts instead of forms")
	bindEnv(f, "accessible", "KOLLENO_ACCESSIBLE")
	f.StringVar(&opts.bundle, "bundle", "",
		"also write the values and the private key to this file (mode 0600)")
	f.BoolVar(&opts.force, "force", false, "replace existing key, certificate and bundle files")
	f.BoolVar(&opts.json, "json", false, "print the result as one JSON object on stdout")
}

// onboarding is one run of the wizard. ask is nil when there is no terminal
// to ask on; check and pause are verify.Run and time.Sleep, replaced in tests.
type onboarding struct {
	ios    *IOStreams
	opts   *onboardOptions
	ask    prompter
	check  func(context.Context, *material, *connValues) (*verify.Report, error)
	pause  func(time.Duration)
	client *http.Client // nil for the connection's own; tests keep it on loopback

	keepTryingFor time.Duration
	tryEvery      time.Duration
}

func newOnboarding(ios *IOStreams, opts *onboardOptions) *onboarding {
	o := &onboarding{
		ios:           ios,
		opts:          opts,
		pause:         time.Sleep,
		keepTryingFor: 5 * time.Minute,
		tryEvery:      15 * time.Second,
	}
	if ios.CanPrompt() {
		o.ask = newHuhPrompter(ios, opts.accessible)
	}
	o.check = o.runVerify
	return o
}

// runOnboard is the guide's four steps in order.
func runOnboard(ctx context.Context, o *onboarding) error {
	if err := o.checkValues(); err != nil {
		return err
	}

	method, err := o.chooseMethod()
	if err != nil {
		return o.cancelled(err)
	}

	m, err := o.keyMaterial(method)
	if err != nil {
		return o.cancelled(err)
	}

	if err := o.setupDone(m); err != nil {
		return o.cancelled(err)
	}

	c, err := o.connection()
	if err != nil {
		return o.cancelled(err)
	}

	if err := o.verifyUntilDone(ctx, m, c); err != nil {
		return o.cancelled(err)
	}

	result := newOnboardResult(m, c)
	if err := o.offerBundle(m, c, result); err != nil {
		return o.cancelled(err)
	}
	return o.printResult(result)
}

// checkValues refuses a run without a terminal that lacks a value, naming
// every missing one at once; on a terminal, missing values are asked for.
func (o *onboarding) checkValues() error {
	if err := o.checkMethod(); err != nil {
		return err
	}
	if err := checkKeygenName(o.opts.name); err != nil {
		return err
	}
	if err := checkKeygenOutDir(o.opts.outDir); err != nil {
		return err
	}
	if err := o.checkGivenConnection(); err != nil {
		return err
	}
	if o.ask != nil {
		return nil
	}
	missing := o.missingValues()
	if len(missing) == 0 {
		return nil
	}
	return usageErrorf("give them as flags or KOLLENO_ variables, or run onboard on a terminal to be asked",
		"no terminal to ask on, and these are missing:\n  %s", strings.Join(missing, "\n  "))
}

func (o *onboarding) checkMethod() error {
	switch o.opts.method {
	case "", methodGenerate, methodKeystore, methodExisting:
		return nil
	}
	return usageErrorf("choose --method generate (Method B), keystore (Method A) or existing",
		"unknown --method %q", o.opts.method)
}

// checkGivenConnection refuses a consumer key, username or login URL given
// as a flag or variable that could never work, before any file is written.
func (o *onboarding) checkGivenConnection() error {
	c := &o.opts.conn
	checks := []struct {
		given bool
		check func() error
	}{
		{c.consumerKey != "", func() error { return checkConsumerKey(c.consumerKey) }},
		{c.username != "", func() error { return checkUsername(c.username) }},
		{c.loginURL != "" || c.sandbox, func() error {
			_, err := jwtflow.ParseLoginURL(c.loginURL, c.sandbox)
			return err
		}},
	}
	for _, ch := range checks {
		if ch.given {
			if err := ch.check(); err != nil {
				return err
			}
		}
	}
	return nil
}

// missingValues lists what a run without a terminal would have to ask for.
func (o *onboarding) missingValues() []string {
	var missing []string
	add := func(absent bool, what string) {
		if absent {
			missing = append(missing, what)
		}
	}
	method := o.opts.method
	if method == "" && o.opts.keystore != "" {
		method = methodKeystore
	} else if method == "" && o.opts.keyGiven() {
		method = methodExisting
	}

	add(method == "", "--method (generate, keystore or existing)")
	add(method == methodKeystore && o.opts.keystore == "", "--keystore")
	noPassword := o.opts.passwordFile == "" && !envSet("KOLLENO_KEYSTORE_PASSWORD")
	add(method == methodKeystore && noPassword, "--password-file (or KOLLENO_KEYSTORE_PASSWORD)")
	add(method == methodExisting && !o.opts.keyGiven(),
		"--key (or KOLLENO_PRIVATE_KEY_FILE, KOLLENO_PRIVATE_KEY)")
	add(o.opts.conn.consumerKey == "", "--consumer-key (or KOLLENO_CONSUMER_KEY)")
	add(o.opts.conn.username == "", "--username (or KOLLENO_USERNAME)")
	add(!o.opts.yes, "--yes (to say the Setup steps are done)")
	return missing
}

// setupDone shows the Setup steps and waits until the admin has done them.
func (o *onboarding) setupDone(m *material) error {
	writeSetupSteps(o.ios.ErrOut, m)
	if o.opts.yes {
		return nil
	}
	for {
		done, err := o.ask.Confirm("Done in Setup?", true)
		if err != nil || done {
			return err
		}
		o.ios.Statusf("Take your time; the steps are above. Answer Yes when they are done.")
	}
}

// value returns *flag when it is set, and otherwise asks, storing the
// answer. Without a terminal checkValues has already made sure it is set.
func (o *onboarding) value(flag *string, title, def string,
	validate func(string) error) (string, error) {
	if *flag != "" {
		return *flag, nil
	}
	if o.ask == nil {
		return "", usageErrorf("", "no terminal to ask for %q on", title)
	}
	answer, err := o.ask.Input(title, def, validate)
	if err != nil {
		return "", err
	}
	*flag = strings.TrimSpace(answer)
	return *flag, nil
}

// secret reads a password from its file or variable, or asks for it.
func (o *onboarding) secret(src secretSource) ([]byte, error) {
	if src.File != "" || envSet(src.Env) || o.ask == nil {
		prompt := src.Prompt
		src.Prompt = "" // never term.ReadPassword here: the prompter asks
		secret, ok, err := src.read(o.ios)
		if err == nil && !ok {
			err = usageErrorf("", "no terminal to ask for the %s on", strings.ToLower(prompt))
		}
		return secret, err
	}
	answer, err := o.ask.Secret(src.Prompt)
	return []byte(answer), err
}

// cancelled turns leaving a prompt into a plain message and exit code 1.
func (o *onboarding) cancelled(err error) error {
	if err == errPromptCancelled {
		return errorf("run 'kollenoctl onboard' again to start over; files already written stay",
			"onboarding cancelled")
	}
	return err
}

func envSet(name string) bool {
	_, ok := os.LookupEnv(name)
	return ok && name != ""
}
