package cli

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/kolleno/kollenoctl/internal/atomicfile"
	"github.com/kolleno/kollenoctl/internal/keystore"
)

// onboardResult is what onboard hands over: the three values Kolleno needs,
// the login URL, and where the files are. It never holds the key itself.
type onboardResult struct {
	ConsumerKey       string `json:"consumer_key"`
	Username          string `json:"username"`
	LoginURL          string `json:"login_url"`
	PrivateKeyFile    string `json:"private_key_file"`
	CertificateFile   string `json:"certificate_file"`
	CertificateSHA256 string `json:"certificate_sha256"`
	BundleFile        string `json:"bundle_file"`
}

func newOnboardResult(m *material, c *connValues) *onboardResult {
	return &onboardResult{
		ConsumerKey:       c.ConsumerKey,
		Username:          c.Username,
		LoginURL:          c.LoginURL,
		PrivateKeyFile:    m.KeyPath,
		CertificateFile:   m.CertPath,
		CertificateSHA256: keystore.CertSHA256(m.Cert),
	}
}

// printResult writes the values to stdout: the result of the whole command.
func (o *onboarding) printResult(r *onboardResult) error {
	if o.opts.json {
		enc := json.NewEncoder(o.ios.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}

	o.ios.Statusf("\nThe connection works. Give Kolleno these three values:\n")
	fmt.Fprintf(o.ios.Out, "Consumer key:  %s\n", r.ConsumerKey)
	fmt.Fprintf(o.ios.Out, "Username:      %s\n", r.Username)
	fmt.Fprintf(o.ios.Out, "Private key:   %s (the whole file)\n", r.PrivateKeyFile)
	fmt.Fprintf(o.ios.Out, "Login URL:     %s\n", r.LoginURL)
	if r.BundleFile != "" {
		fmt.Fprintf(o.ios.Out, "Bundle:        %s (all of the above, with the key)\n", r.BundleFile)
	}
	return nil
}

// bundle is the file that carries everything Kolleno needs in one piece. It
// holds the private key, so it is written 0600 and never over another file
// without --force.
type bundle struct {
	ConsumerKey string `json:"consumer_key"`
	Username    string `json:"username"`
	LoginURL    string `json:"login_url"`
	PrivateKey  string `json:"private_key"`
}

// defaultBundleName is offered at the prompt.
const defaultBundleName = "kolleno-connection.json"

// offerBundle writes the bundle when --bundle names one, or when the admin
// asks for it at the prompt.
func (o *onboarding) offerBundle(m *material, c *connValues, r *onboardResult) error {
	path := o.opts.bundle
	if path == "" && o.ask != nil {
		want, err := o.ask.Confirm("Save the values and the private key to one file for Kolleno?", false)
		if err != nil || !want {
			return err
		}
		path, err = o.ask.Input("Bundle file", defaultBundleName, nil)
		if err != nil {
			return err
		}
	}
	if path == "" {
		return nil
	}

	if err := o.writeBundle(path, m, c); err != nil {
		return err
	}
	r.BundleFile = path
	return nil
}

func (o *onboarding) writeBundle(path string, m *material, c *connValues) error {
	data, err := json.MarshalIndent(bundle{
		ConsumerKey: c.ConsumerKey,
		Username:    c.Username,
		LoginURL:    c.LoginURL,
		PrivateKey:  string(m.KeyPEM),
	}, "", "  ")
	if err != nil {
		return err
	}

	file := atomicfile.File{Path: path, Data: append(data, '\n'), Perm: 0o600}
	err = atomicfile.Write(file, o.opts.force)
	var exists *atomicfile.ExistsError
	if errors.As(err, &exists) {
		return errorf("add --force to replace it, or give another name with --bundle", "%s already exists", path)
	}
	if err != nil {
		return errorf("check the path given for the bundle", "cannot write the bundle: %v", err)
	}
	o.ios.Statusf("Wrote %s (mode 0600). It holds the private key: send it to Kolleno only as agreed, then delete it.", path)
	return nil
}
