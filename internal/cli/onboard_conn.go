package cli

import (
	"context"

	"github.com/kolleno/kollenoctl/internal/jwtflow"
	"github.com/kolleno/kollenoctl/internal/verify"
)

// connValues are step 4's answers: who logs in, with which app, where.
type connValues struct {
	ConsumerKey string
	Username    string
	LoginURL    string
	Sandbox     bool
}

// The kinds of org the login URL question offers.
const (
	orgProduction = "production"
	orgSandbox    = "sandbox"
	orgMyDomain   = "mydomain"
)

var orgChoices = []choice{
	{"Production or Developer Edition (https://login.salesforce.com)", orgProduction},
	{"Sandbox (https://test.salesforce.com)", orgSandbox},
	{"My Domain URL (required when the org blocks login.salesforce.com)", orgMyDomain},
}

// connection asks for whatever of the consumer key, username and login URL
// the flags did not give.
func (o *onboarding) connection() (*connValues, error) {
	c := &o.opts.conn
	key, err := o.value(&c.consumerKey, "Consumer key (the app's Settings > Consumer Key and Secret)",
		"", checkConsumerKey)
	if err != nil {
		return nil, err
	}

	user, err := o.value(&c.username, "Username of the integration user", "", checkUsername)
	if err != nil {
		return nil, err
	}

	login, err := o.loginURL()
	if err != nil {
		return nil, err
	}
	return newConnValues(key, user, login), nil
}

func newConnValues(key, user string, login jwtflow.LoginURL) *connValues {
	return &connValues{ConsumerKey: key, Username: user, LoginURL: login.URL, Sandbox: login.Sandbox}
}

// changeConnection asks for all three values again, the current ones as
// defaults: after a failed check, one of them may be wrong.
func (o *onboarding) changeConnection(c *connValues) (*connValues, error) {
	key, err := o.ask.Input("Consumer key", c.ConsumerKey, checkConsumerKey)
	if err != nil {
		return nil, err
	}
	user, err := o.ask.Input("Username of the integration user", c.Username, checkUsername)
	if err != nil {
		return nil, err
	}
	o.opts.conn.loginURL, o.opts.conn.sandbox = "", false
	login, err := o.loginURL()
	if err != nil {
		return nil, err
	}
	return newConnValues(key, user, login), nil
}

// loginURL takes --login-url and --sandbox, or asks which kind of org it is.
func (o *onboarding) loginURL() (jwtflow.LoginURL, error) {
	c := &o.opts.conn
	if c.loginURL != "" || c.sandbox || o.ask == nil {
		return jwtflow.ParseLoginURL(c.loginURL, c.sandbox)
	}

	kind, err := o.ask.Select("Which kind of org is it?", orgChoices)
	if err != nil {
		return jwtflow.LoginURL{}, err
	}
	switch kind {
	case orgProduction:
		return jwtflow.ParseLoginURL(jwtflow.ProductionLoginURL, false)
	case orgSandbox:
		return jwtflow.ParseLoginURL("", true)
	}
	raw, err := o.ask.Input("My Domain URL (https://NAME.my.salesforce.com)", "", checkLoginURL)
	if err != nil {
		return jwtflow.LoginURL{}, err
	}
	return jwtflow.ParseLoginURL(raw, false)
}

func checkConsumerKey(s string) error {
	_, _, err := jwtflow.CleanConsumerKey(s)
	return err
}

func checkUsername(s string) error {
	_, _, err := jwtflow.CleanUsername(s)
	return err
}

func checkLoginURL(s string) error {
	_, err := jwtflow.ParseLoginURL(s, false)
	return err
}

// runVerify is verify.Run on the onboarding's key material and answers,
// through the same connection settings as 'kollenoctl verify'.
func (o *onboarding) runVerify(ctx context.Context, m *material,
	v *connValues) (*verify.Report, error) {
	c := &o.opts.conn
	c.consumerKey, c.username = v.ConsumerKey, v.Username
	c.loginURL, c.sandbox = v.LoginURL, v.Sandbox
	req, err := c.settings(o.ios)
	if err != nil {
		return nil, err
	}
	if o.client != nil {
		req.Client = o.client
	}

	return verify.Run(ctx, verify.Options{
		Material: verify.Material{
			Key: m.KeyPEM, KeyName: m.KeyPath,
			Cert: m.CertPEM, CertName: m.CertPath,
		},
		Login: req,
	}), nil
}
