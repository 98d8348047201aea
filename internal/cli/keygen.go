package cli

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/spf13/cobra"

	"github.com/kolleno/kollenoctl/internal/atomicfile"
	"github.com/kolleno/kollenoctl/internal/certgen"
	"github.com/kolleno/kollenoctl/internal/keystore"
)

// keygenOptions are keygen's flags.
type keygenOptions struct {
	name       string
	outDir     string
	bits       int
	days       int
	commonName string
	force      bool
	json       bool
}

func newKeygenCmd(ios *IOStreams) *cobra.Command {
	opts := &keygenOptions{}
	cmd := &cobra.Command{
		Use:   "keygen",
		Short: "Make a new private key and self-signed certificate (Method B)",
		Long: `keygen makes a new RSA private key and a self-signed certificate for it: Method B
of the onboarding guide, with no OpenSSL needed.

It writes NAME.key (unencrypted PKCS#8 PEM, mode 0600) and NAME.crt (X.509
PEM, mode 0644) together: both are written or neither is, and existing files
are only replaced with --force. Upload NAME.crt to the External Client App
under Enable JWT Bearer Flow; NAME.key is for Kolleno.`,
		Example: `  kollenoctl keygen
  kollenoctl keygen --name acme --out-dir ~/kolleno --bits 4096
  kollenoctl keygen --json > keygen.json`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(*cobra.Command, []string) error { return runKeygen(ios, opts) },
	}

	f := cmd.Flags()
	f.StringVar(&opts.name, "name", "kolleno", "base name of the files: NAME.key and NAME.crt")
	f.StringVar(&opts.outDir, "out-dir", ".", "existing directory to write the files in")
	f.IntVar(&opts.bits, "bits", certgen.DefaultBits, "RSA key size: 2048, 3072 or 4096")
	f.IntVar(&opts.days, "days", certgen.DefaultDays,
		fmt.Sprintf("days the certificate is valid, 1 to %d", certgen.MaxDays))
	f.StringVar(&opts.commonName, "common-name", certgen.DefaultCommonName,
		"the certificate's subject (CN)")
	f.BoolVar(&opts.force, "force", false, "replace NAME.key and NAME.crt if they exist")
	f.BoolVar(&opts.json, "json", false, "print what was made as one JSON object on stdout")

	bits := make([]string, 0, 3)
	for _, b := range certgen.AllowedBits() {
		bits = append(bits, strconv.Itoa(b))
	}
	_ = cmd.RegisterFlagCompletionFunc("bits",
		cobra.FixedCompletions(bits, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.MarkFlagDirname("out-dir")
	return cmd
}

// runKeygen checks the flags and the destination, makes the pair, writes
// both files as one group, and reports.
func runKeygen(ios *IOStreams, opts *keygenOptions) error {
	genOpts, err := opts.certgenOptions()
	if err != nil {
		return err
	}

	dest, err := opts.destination()
	if err != nil {
		return err
	}

	pair, err := certgen.Generate(genOpts)
	if err != nil {
		return err
	}

	if err := dest.write(pair, opts.force); err != nil {
		return err
	}

	report := newKeygenReport(pair, dest)
	if opts.json {
		return writeKeygenJSON(ios.Out, report)
	}
	printKeygenReport(ios, report, dest.replaced)
	return nil
}

// certgenOptions turns the flags into certgen's options, or a usage error
// that names the flag.
func (o *keygenOptions) certgenOptions() (certgen.Options, error) {
	if err := checkKeygenName(o.name); err != nil {
		return certgen.Options{}, err
	}

	genOpts := certgen.Options{Bits: o.bits, Days: o.days, CommonName: o.commonName}
	if err := genOpts.Validate(); err != nil {
		return certgen.Options{}, keygenFlagError(err)
	}
	return genOpts, nil
}

// keygenFlags names the flag behind each certgen option.
var keygenFlags = map[string]string{
	"bits":        "--bits",
	"days":        "--days",
	"common name": "--common-name",
}

// keygenFlagError restates certgen's complaint about an option as a usage
// error about the flag the user typed.
func keygenFlagError(err error) error {
	var oe *certgen.OptionError
	if !errors.As(err, &oe) {
		return err
	}
	return usageErrorf(oe.Hint(), "%s %s %s", keygenFlags[oe.Field], oe.Value, oe.Reason)
}

// checkKeygenName accepts a plain base name: the directory belongs in
// --out-dir, and the extensions are added.
func checkKeygenName(name string) error {
	const hint = "give a plain name such as kolleno, and the directory with --out-dir"
	switch {
	case strings.TrimSpace(name) == "":
		return usageErrorf(hint, "--name is empty")
	case strings.ContainsAny(name, `/\`):
		return usageErrorf(hint, "--name %q contains a path separator", name)
	case name == "." || name == "..":
		return usageErrorf(hint, "--name %q is not a file name", name)
	case strings.ContainsFunc(name, func(r rune) bool { return !unicode.IsPrint(r) }):
		return usageErrorf(hint, "--name %q contains a control or non-printing character", name)
	}
	return nil
}

// keygenDest is where the two files go.
type keygenDest struct {
	keyPath  string
	certPath string
	replaced bool // --force replaced at least one existing file
}

// destination checks --out-dir and where the two files would go.
func (o *keygenOptions) destination() (*keygenDest, error) {
	if err := checkKeygenOutDir(o.outDir); err != nil {
		return nil, err
	}

	dir, err := filepath.Abs(o.outDir)
	if err != nil {
		return nil, errorf("give another --out-dir", "cannot resolve --out-dir %s: %v", o.outDir, err)
	}
	d := &keygenDest{
		keyPath:  filepath.Join(dir, o.name+".key"),
		certPath: filepath.Join(dir, o.name+".crt"),
	}

	if err := d.checkFree(o.force); err != nil {
		return nil, err
	}
	return d, nil
}

// checkFree refuses, without --force, a destination where either file
// exists, before a key is made only to be thrown away. The write checks
// again at the moment it puts the files in place.
func (d *keygenDest) checkFree(force bool) error {
	for _, p := range []string{d.keyPath, d.certPath} {
		info, err := os.Lstat(p)
		if err != nil {
			continue
		}
		if info.IsDir() {
			return errorf("choose another --name or --out-dir; --force does not replace a directory",
				"%s is a directory; give a file name", p)
		}
		if !force {
			return keygenExistsError(&atomicfile.ExistsError{Path: p})
		}
		d.replaced = true
	}
	return nil
}

// checkKeygenOutDir accepts an existing directory.
func checkKeygenOutDir(dir string) error {
	if dir == "" {
		return usageErrorf("omit --out-dir to write in the current directory", "--out-dir is empty")
	}

	info, err := os.Stat(dir)
	var pathErr *os.PathError
	switch {
	case errors.Is(err, os.ErrNotExist):
		return errorf("create the directory first (mkdir -p DIR), or give another --out-dir",
			"output directory %s does not exist", dir)
	case errors.As(err, &pathErr):
		return errorf("give another --out-dir", "cannot use output directory %s: %v", dir, pathErr.Err)
	case err != nil:
		return errorf("give another --out-dir", "cannot use output directory %s: %v", dir, err)
	case !info.IsDir():
		return errorf("give a directory to --out-dir; the file names come from --name",
			"output directory %s is not a directory", dir)
	}
	return nil
}

func keygenExistsError(err error) error {
	return withHint(err, "add --force to replace the key and certificate, or choose another --name or --out-dir")
}

// write puts both files in place as one group: both or neither.
func (d *keygenDest) write(pair *certgen.Pair, force bool) error {
	files := []atomicfile.File{
		{Path: d.keyPath, Data: pair.KeyPEM, Perm: 0o600},
		{Path: d.certPath, Data: pair.CertPEM, Perm: 0o644},
	}
	err := atomicfile.WriteAll(files, force)

	var exists *atomicfile.ExistsError
	switch {
	case errors.As(err, &exists):
		return keygenExistsError(err)
	case err != nil && force:
		return withHint(err, "no new file was left in place; check that you can write to the directory, or give another --out-dir")
	case err != nil:
		return withHint(err, "nothing was written; check that you can write to the directory, or give another --out-dir")
	}
	return nil
}

// keygenReport is what keygen tells about the new pair; its JSON form is
// part of kollenoctl's interface, so fields are only ever added. Times are
// whole seconds in UTC, so they marshal as RFC 3339.
type keygenReport struct {
	KeyFile         string    `json:"key_file"`
	CertificateFile string    `json:"certificate_file"`
	Bits            int       `json:"bits"`
	Subject         string    `json:"subject"`
	Serial          string    `json:"serial"`
	NotBefore       time.Time `json:"not_before"`
	NotAfter        time.Time `json:"not_after"`
	SHA1            string    `json:"sha1"`
	SHA256          string    `json:"sha256"`
	CertificateSize int       `json:"certificate_size"`
	MaxCertSize     int       `json:"max_certificate_size"`
}

func newKeygenReport(pair *certgen.Pair, dest *keygenDest) keygenReport {
	c := pair.Cert
	return keygenReport{
		KeyFile:         dest.keyPath,
		CertificateFile: dest.certPath,
		Bits:            pair.Key.N.BitLen(),
		Subject:         c.Subject.String(),
		Serial:          strings.ToUpper(hex.EncodeToString(c.SerialNumber.Bytes())),
		NotBefore:       c.NotBefore.UTC(),
		NotAfter:        c.NotAfter.UTC(),
		SHA1:            keystore.CertSHA1(c),
		SHA256:          keystore.CertSHA256(c),
		CertificateSize: len(pair.CertPEM),
		MaxCertSize:     certgen.MaxCertBytes,
	}
}

func writeKeygenJSON(w io.Writer, r keygenReport) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// printKeygenReport tells the admin on stderr what was made and what to do
// with each file.
func printKeygenReport(ios *IOStreams, r keygenReport, replaced bool) {
	heading := func(s string) string { return Paint(ios.ColorErr(), ansiBold, s) }
	keyName, certName := filepath.Base(r.KeyFile), filepath.Base(r.CertificateFile)

	if replaced {
		ios.Statusf("Wrote a new private key and certificate, replacing the old files:")
	} else {
		ios.Statusf("Wrote a new private key and certificate:")
	}
	ios.Statusf("  private key   %s (RSA %d bits, mode 0600)", r.KeyFile, r.Bits)
	ios.Statusf("  certificate   %s (%d bytes; Salesforce takes at most %d)",
		r.CertificateFile, r.CertificateSize, r.MaxCertSize)

	ios.Statusf("\n%s", heading("Certificate"))
	ios.Statusf("  subject       %s", r.Subject)
	ios.Statusf("  serial        %s", r.Serial)
	ios.Statusf("  expires       %s (in %d days)", r.NotAfter.Format("2006-01-02 15:04 MST"),
		daysUntil(r.NotAfter))
	ios.Statusf("  SHA-1         %s", r.SHA1)
	ios.Statusf("  SHA-256       %s", r.SHA256)

	ios.Statusf("\n%s", heading("Next"))
	ios.Statusf("  1. In Salesforce Setup, open the External Client App, turn on Enable JWT Bearer Flow and upload %s.", certName)
	ios.Statusf("  2. Keep %s for Kolleno, with the consumer key and the integration user's username.", keyName)
	ios.Statusf("     It is the private key: never send it by email or paste it into a ticket or chat.")
}

// daysUntil is the number of days to t, counted as every command counts
// them (keystore.DaysUntil).
func daysUntil(t time.Time) int {
	return keystore.DaysUntil(t, time.Now())
}
