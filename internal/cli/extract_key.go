package cli

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kolleno/kollenoctl/internal/atomicfile"
	"github.com/kolleno/kollenoctl/internal/keystore"
)

// extractKeyOptions are extract-key's flags.
type extractKeyOptions struct {
	alias           string
	out             string
	certOut         string
	passwordFile    string
	keyPasswordFile string
	force           bool
	json            bool
}

func newExtractKeyCmd(ios *IOStreams) *cobra.Command {
	opts := &extractKeyOptions{}
	cmd := &cobra.Command{
		Use:   "extract-key KEYSTORE",
		Short: "Take the private key and its certificate out of a keystore (Method A)",
		Long: `extract-key reads a keystore, such as the .jks file Salesforce's "Export to
Keystore" writes (Method A of the onboarding guide), and writes its private
key as unencrypted PKCS#8 PEM, the form Kolleno takes. No keytool, OpenSSL or
Java is needed.

The file is recognised by its content: JKS, PKCS#12 (also the PKCS#12 keytool
writes under a .jks name), JCEKS, or a PEM or DER key, which is rewritten as
PKCS#8. The keystore password comes from --password-file, from
KOLLENO_KEYSTORE_PASSWORD, or from a prompt on a terminal. The key password is
the keystore password unless --key-password-file or KOLLENO_KEY_PASSWORD says
otherwise; Salesforce's exports use one password for both.

The key is written with mode 0600, and --cert-out writes the entry's
certificate chain beside it; both are written or neither is, and an existing
file is only replaced with --force. Aliases match without regard to case.`,
		Example: `  kollenoctl extract-key 00D5e000000Kolleno.jks --password-file pw.txt
  kollenoctl extract-key export.jks --alias kolleno_jwt --out kolleno.key --cert-out kolleno.crt
  KOLLENO_KEYSTORE_PASSWORD=... kollenoctl extract-key export.jks --out - > kolleno.key`,
		Args: exactArgs(1, "one keystore file"),
		RunE: func(_ *cobra.Command, args []string) error { return runExtractKey(ios, opts, args[0]) },
	}

	f := cmd.Flags()
	f.StringVar(&opts.alias, "alias", "", "the entry to extract; needed when the keystore holds several private keys")
	f.StringVarP(&opts.out, "out", "o", "kolleno.key", `file to write the private key to; "-" writes it to stdout`)
	f.StringVar(&opts.certOut, "cert-out", "", "also write the entry's certificate chain (PEM) to this file")
	f.StringVar(&opts.passwordFile, "password-file", "", `file holding the keystore password; "-" reads stdin`)
	f.StringVar(&opts.keyPasswordFile, "key-password-file", "",
		`file holding the key password, when it differs from the keystore password; "-" reads stdin`)
	f.BoolVar(&opts.force, "force", false, "replace the output files if they exist")
	f.BoolVar(&opts.json, "json", false, "print what was extracted as one JSON object on stdout (never the key)")
	return cmd
}

// runExtractKey reads the keystore, opens it, picks the entry, decrypts the
// key, writes the files and reports.
func runExtractKey(ios *IOStreams, opts *extractKeyOptions, path string) error {
	if err := opts.check(ios, path); err != nil {
		return err
	}

	data, err := readKeyMaterial(ios, path)
	if err != nil {
		return err
	}

	x, err := (&extraction{ios: ios, opts: opts}).run(data)
	if err != nil {
		return withFileInHint(err, path)
	}

	if err := writeExtracted(ios, opts, x); err != nil {
		return err
	}

	report := newExtractReport(opts, path, x)
	warnExtracted(ios, report)
	if opts.json {
		return writeJSON(ios.Out, report)
	}
	printExtractReport(ios, report)
	return nil
}

// check refuses flag combinations that cannot work, before anything is read.
func (o *extractKeyOptions) check(ios *IOStreams, path string) error {
	switch {
	case o.out == "":
		return usageErrorf("omit --out to write kolleno.key, or give --out - for stdout", "--out is empty")
	case o.out == "-" && ios.OutTTY:
		return usageErrorf("redirect stdout to a file (--out - > kolleno.key), or give --out FILE",
			"refusing to print a private key on a terminal")
	case o.out == "-" && o.json:
		return usageErrorf("give --out FILE with --json", "--out - and --json both want stdout")
	case o.certOut == "-":
		return usageErrorf("give --cert-out FILE", "--cert-out takes a file name, not -")
	case o.certOut != "" && samePath(o.certOut, o.out):
		return usageErrorf("give --out and --cert-out different files", "--out and --cert-out name the same file")
	}
	if err := refuseDirectory(o.out, "--out"); err != nil {
		return err
	}
	if err := refuseDirectory(o.certOut, "--cert-out"); err != nil {
		return err
	}
	return checkStdinUse(path, o.passwordFile, o.keyPasswordFile)
}

// refuseDirectory refuses an output path that is an existing directory,
// before anything is read: neither writing nor --force could put a file
// there. flag names the flag that gave the path, for the hint.
func refuseDirectory(path, flag string) error {
	if path == "" || path == "-" {
		return nil
	}
	if info, err := os.Stat(path); err == nil && info.IsDir() {
		return errorf(fmt.Sprintf("give %s a file name, for example %s %s", flag, flag,
			shellQuote(filepath.Join(path, "kolleno.key"))),
			"%s is a directory; give a file name", path)
	}
	return nil
}

// checkStdinUse allows at most one of the inputs to be stdin.
func checkStdinUse(path, passwordFile, keyPasswordFile string) error {
	n := 0
	for _, s := range []string{path, passwordFile, keyPasswordFile} {
		if s == "-" {
			n++
		}
	}
	if n > 1 {
		return usageErrorf("give the others as files or through KOLLENO_KEYSTORE_PASSWORD / KOLLENO_KEY_PASSWORD",
			"only one input can come from stdin (-)")
	}
	return nil
}

// withFileInHint puts the input's name where a hint from internal/keystore
// writes <keystore> or <key file>, so that the command it gives can be pasted.
func withFileInHint(err error, path string) error {
	h := hintOf(err)
	if path == "-" || !strings.Contains(h, "<keystore>") && !strings.Contains(h, "<key file>") {
		return err
	}
	q := shellQuote(path)
	return withHint(err, "%s", strings.NewReplacer("<keystore>", q, "<key file>", q).Replace(h))
}

// shellQuote returns s as one word for a POSIX shell.
func shellQuote(s string) string {
	safe := func(r rune) bool {
		return r < 128 && (r == '/' || r == '.' || r == '_' || r == '-' || r == '+' || r == ':' ||
			'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9')
	}
	if s != "" && !strings.ContainsFunc(s, func(r rune) bool { return !safe(r) }) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func samePath(a, b string) bool {
	pa, errA := filepath.Abs(a)
	pb, errB := filepath.Abs(b)
	return errA == nil && errB == nil && pa == pb
}

// readKeyMaterial reads a key, certificate or keystore file ("-" is stdin),
// refusing one above keystore.MaxInputSize before reading it whole.
func readKeyMaterial(ios *IOStreams, path string) ([]byte, error) {
	r := ios.In
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, errorf(openHint(err), "cannot read %s: %v", path, unwrapPathError(err))
		}
		defer f.Close()
		if info, err := f.Stat(); err == nil && info.IsDir() {
			return nil, errorf("give the file itself", "%s is a directory", path)
		}
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, keystore.MaxInputSize+1))
	if err != nil {
		return nil, errorf("", "cannot read %s: %v", describeFile(path), unwrapPathError(err))
	}
	if len(data) > keystore.MaxInputSize {
		return nil, errorf("give the key, certificate or keystore itself; real ones are a few KB",
			"%s is larger than 1 MiB; kollenoctl does not read it", describeFile(path))
	}
	return data, nil
}

// openHint is the fix for a file that would not open: its permissions when
// it is there but unreadable, else its name.
func openHint(err error) string {
	if errors.Is(err, fs.ErrPermission) {
		return "check the file's permissions (ls -l shows them); kollenoctl must be able to read it"
	}
	return "check the file name"
}

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// extraction reads one input for extract-key.
type extraction struct {
	ios  *IOStreams
	opts *extractKeyOptions
}

// extracted is what extract-key takes out of its input.
type extracted struct {
	format keystore.Format
	alias  string // "" for a PEM or DER key file
	key    *keystore.Key
	chain  []*x509.Certificate
}

// run opens data as a keystore, or reads it as a key file, and returns the
// key with its certificates.
func (x *extraction) run(data []byte) (*extracted, error) {
	format := keystore.Detect(data)
	if format == keystore.FormatPEM || format == keystore.FormatDERKey {
		return x.keyFile(data, format)
	}

	store, err := openStore(x.ios, data, x.opts.passwordFile)
	if err != nil {
		return nil, err
	}

	entry, err := store.Select(x.opts.alias)
	if err != nil {
		return nil, err
	}

	key, err := x.unlock(store, entry)
	if err != nil {
		return nil, err
	}
	return &extracted{format: store.Format, alias: entry.Alias, key: key, chain: entry.Certificates}, nil
}

// openStore checks the keystore's structure first, so that an empty, cut
// or foreign file is reported before a password is asked for, then opens it
// with the store password.
func openStore(ios *IOStreams, data []byte, passwordFile string) (*keystore.Store, error) {
	if _, err := keystore.Open(data, nil); err != nil {
		return nil, err
	}

	pw, ok, err := storePassword(passwordFile).read(ios)
	switch {
	case err != nil:
		return nil, err
	case !ok:
		return nil, errorf("give it with --password-file FILE or KOLLENO_KEYSTORE_PASSWORD, or run on a terminal to be asked",
			"the keystore password is needed and none was given")
	}
	return keystore.Open(data, pw)
}

func storePassword(file string) secretSource {
	return secretSource{File: file, FileFlag: "--password-file",
		Env: "KOLLENO_KEYSTORE_PASSWORD", Prompt: "Keystore password"}
}

func keyPassword(file, prompt string) secretSource {
	return secretSource{File: file, FileFlag: "--key-password-file",
		Env: "KOLLENO_KEY_PASSWORD", Prompt: prompt}
}

// unlock decrypts the entry's key with the key password if one was given,
// else the store password; on a terminal, when that fails, it asks for the
// key password once.
func (x *extraction) unlock(store *keystore.Store, e *keystore.Entry) (*keystore.Key, error) {
	kp, given, err := keyPassword(x.opts.keyPasswordFile, "").read(x.ios)
	if err != nil {
		return nil, err
	}
	if !given {
		kp = nil
	}

	key, err := store.Key(e, kp)
	if !errors.Is(err, keystore.ErrWrongPassword) || given || !x.ios.CanPrompt() {
		return key, err
	}

	x.ios.Statusf("The keystore opened, but the key %q has a password of its own.", e.Alias)
	kp, _, perr := keyPassword("", "Key password").read(x.ios)
	if perr != nil {
		return nil, perr
	}
	return store.Key(e, kp)
}

// keyFile reads a PEM or DER key file, asking for its password only when it
// turns out to be encrypted.
func (x *extraction) keyFile(data []byte, format keystore.Format) (*extracted, error) {
	key, err := keystore.ParseKey(data, nil)
	if errors.Is(err, keystore.ErrPasswordRequired) {
		key, err = x.parseWithKeyPassword(data)
	}
	if err != nil {
		return nil, err
	}
	return &extracted{format: format, key: key, chain: key.Certificates}, nil
}

// parseWithKeyPassword takes the key password from --key-password-file,
// else from --password-file (the one password given), else from
// KOLLENO_KEY_PASSWORD or a prompt.
func (x *extraction) parseWithKeyPassword(data []byte) (*keystore.Key, error) {
	src := keyPassword(x.opts.keyPasswordFile, "Key password")
	if x.opts.keyPasswordFile == "" && x.opts.passwordFile != "" {
		src = keyPassword(x.opts.passwordFile, "Key password")
		src.FileFlag = "--password-file"
	}
	kp, ok, err := src.read(x.ios)
	if err != nil {
		return nil, err
	}
	if !ok {
		return keystore.ParseKey(data, nil) // the error says which flag to use
	}
	return keystore.ParseKey(data, kp)
}

// writeExtracted writes the key (and the chain) as one group, or the key to
// stdout after the chain went to its file.
func writeExtracted(ios *IOStreams, opts *extractKeyOptions, x *extracted) error {
	keyPEM, err := x.key.PKCS8PEM()
	if err != nil {
		return err
	}

	var files []atomicfile.File
	if opts.out != "-" {
		files = append(files, atomicfile.File{Path: opts.out, Data: keyPEM, Perm: 0o600})
	}
	if opts.certOut != "" {
		if len(x.chain) == 0 {
			return errorf("omit --cert-out; download the certificate from where it was made",
				"the input holds no certificate for --cert-out to write; nothing was written")
		}
		files = append(files, atomicfile.File{Path: opts.certOut, Data: chainPEM(x.chain), Perm: 0o644})
	}

	if err := writeGroup(files, opts.force); err != nil {
		return err
	}
	if opts.out == "-" {
		_, err = ios.Out.Write(keyPEM)
	}
	return err
}

func writeGroup(files []atomicfile.File, force bool) error {
	err := atomicfile.WriteAll(files, force)
	var exists *atomicfile.ExistsError
	switch {
	case errors.As(err, &exists):
		return withHint(err, "add --force to replace it, or choose another --out or --cert-out")
	case err != nil:
		return withHint(err, "nothing was written; check that you can write to the directory")
	}
	return nil
}

func chainPEM(chain []*x509.Certificate) []byte {
	var out []byte
	for _, c := range chain {
		out = append(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
	}
	return out
}

// extractReport is what extract-key tells about its work; its JSON form is
// part of kollenoctl's interface, so fields are only ever added. It never
// holds the key.
type extractReport struct {
	Input           string       `json:"input"`
	Format          string       `json:"format"`
	Alias           string       `json:"alias,omitempty"`
	KeyFile         string       `json:"key_file"`
	CertificateFile string       `json:"certificate_file,omitempty"`
	Algorithm       string       `json:"algorithm"`
	Bits            int          `json:"bits"`
	PublicKeySHA256 string       `json:"public_key_sha256"`
	JWTReady        bool         `json:"jwt_ready"`
	Certificate     *certSummary `json:"certificate,omitempty"`
	ChainLength     int          `json:"chain_length"`
	Warnings        []string     `json:"warnings"`
}

func newExtractReport(opts *extractKeyOptions, input string, x *extracted) extractReport {
	r := extractReport{
		Input:           input,
		Format:          x.format.String(),
		Alias:           x.alias,
		KeyFile:         absOrDash(opts.out),
		CertificateFile: absOrDash(opts.certOut),
		Algorithm:       x.key.Algorithm,
		Bits:            x.key.Bits,
		PublicKeySHA256: keystore.PublicKeySHA256(x.key.Signer.Public()),
		ChainLength:     len(x.chain),
		Warnings:        []string{},
	}
	if _, err := x.key.ForJWT(); err != nil {
		r.Warnings = append(r.Warnings, err.Error())
	} else {
		r.JWTReady = true
	}
	if len(x.chain) > 0 {
		r.Certificate = summarizeCert(x.chain[0])
		r.Warnings = append(r.Warnings, certWarnings(x.key, x.chain[0])...)
	}
	return r
}

// certWarnings are the facts about the certificate an admin should act on:
// one that does not belong to the key makes every login fail; an expired
// one does not, as Salesforce does not enforce certificate expiry
// (salesforce.md §1.7), but it is due for rotation.
func certWarnings(key *keystore.Key, cert *x509.Certificate) []string {
	var w []string
	if !keystore.Matches(key.Signer, cert) {
		w = append(w, "the certificate does not belong to the private key; Salesforce would reject every login signed with this key")
	}
	if time.Now().After(cert.NotAfter) {
		w = append(w, fmt.Sprintf("the certificate expired on %s; Salesforce does not enforce certificate expiry and still accepts it today, but plan to rotate it: make a new pair with 'kollenoctl keygen' and upload the new certificate to the External Client App",
			cert.NotAfter.UTC().Format(time.DateOnly)))
	}
	return w
}

func absOrDash(p string) string {
	if p == "" || p == "-" {
		return p
	}
	if abs, err := filepath.Abs(p); err == nil {
		return abs
	}
	return p
}

func warnExtracted(ios *IOStreams, r extractReport) {
	for _, w := range r.Warnings {
		ios.Warnf("%s", w)
	}
	if !r.JWTReady {
		ios.Statusf("The key was still written. For the JWT bearer flow, make a new pair with 'kollenoctl keygen'.")
	}
}

// printExtractReport tells the admin on stderr what was written and what to
// do next.
func printExtractReport(ios *IOStreams, r extractReport) {
	heading := func(s string) string { return Paint(ios.ColorErr(), ansiBold, s) }
	from := describeFile(r.Input)
	if r.Alias != "" {
		from = fmt.Sprintf("entry %q of %s", r.Alias, from)
	}

	ios.Statusf("Extracted the private key from %s (%s):", from, r.Format)
	if r.KeyFile == "-" {
		ios.Statusf("  private key   written to stdout (%s %d bits, PKCS#8 PEM)", r.Algorithm, r.Bits)
	} else {
		ios.Statusf("  private key   %s (%s %d bits, PKCS#8 PEM, mode 0600)", r.KeyFile, r.Algorithm, r.Bits)
	}
	if r.CertificateFile != "" {
		ios.Statusf("  certificate   %s (%d in the chain)", r.CertificateFile, r.ChainLength)
	}
	if c := r.Certificate; c != nil {
		ios.Statusf("\n%s", heading("Certificate"))
		printCertSummary(ios, c)
	}

	ios.Statusf("\n%s", heading("Next"))
	ios.Statusf("  1. Upload the certificate in the External Client App under Enable JWT Bearer Flow, if it is not there yet.")
	ios.Statusf("  2. Give the private key to Kolleno with the consumer key and the integration user's username.")
	ios.Statusf("     Never send it by email or paste it into a ticket or chat.")
}
