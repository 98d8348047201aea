package cli

import (
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kolleno/kollenoctl/internal/keystore"
	"github.com/kolleno/kollenoctl/internal/termtext"
)

// inspectOptions are inspect's flags.
type inspectOptions struct {
	passwordFile    string
	keyPasswordFile string
	json            bool
}

func newInspectCmd(ios *IOStreams) *cobra.Command {
	opts := &inspectOptions{}
	cmd := &cobra.Command{
		Use:   "inspect FILE...",
		Short: "Say what a key, certificate or keystore file is",
		Long: `inspect says what each file is, judged by its content, and never prints a key.

  private key   algorithm, size, form, whether it is encrypted, the SHA-256 of
                its public key, and whether Salesforce's JWT bearer flow can use it
  certificate   subject, issuer, serial, validity and days left, SHA-1 and
                SHA-256 fingerprints (compare them with Salesforce Setup), size
  keystore      every entry: alias, kind, subject, expiry

When a private key and a certificate are given together, or sit in one file,
inspect says whether they belong together. A keystore's password is taken as
extract-key takes it; without one, the entries are listed unchecked. An
encrypted key is reported as such; its fingerprint needs the key password.`,
		Example: `  kollenoctl inspect kolleno.key kolleno.crt
  kollenoctl inspect export.jks --password-file pw.txt
  kollenoctl inspect --json kolleno.crt`,
		Args: minArgs(1, "at least one file"),
		RunE: func(_ *cobra.Command, args []string) error { return runInspect(ios, opts, args) },
	}

	f := cmd.Flags()
	f.StringVar(&opts.passwordFile, "password-file", "", `file holding the keystore password; "-" reads stdin`)
	f.StringVar(&opts.keyPasswordFile, "key-password-file", "", `file holding the password of an encrypted key; "-" reads stdin`)
	f.BoolVar(&opts.json, "json", false, "print the findings as one JSON object on stdout")
	return cmd
}

// runInspect inspects each file, checks which keys and certificates belong
// together, and reports. A file that cannot be read is reported and the
// others still are; the exit code is then 1.
func runInspect(ios *IOStreams, opts *inspectOptions, paths []string) error {
	if err := checkInspectStdin(paths, opts); err != nil {
		return err
	}

	in := &inspector{
		ios:     ios,
		storePW: &lazySecret{src: storePassword(opts.passwordFile)},
		keyPW:   &lazySecret{src: keyPassword(opts.keyPasswordFile, "")},
		report:  &inspectReport{Files: []*inspectedFile{}, Pairs: []keyCertPair{}},
	}
	for _, p := range paths {
		if err := in.file(p); isInterrupt(err) {
			return err // Ctrl-C at a password prompt: stop, report nothing
		}
	}
	in.pairUp()

	if opts.json {
		if err := writeJSON(ios.Out, in.report); err != nil {
			return err
		}
	} else {
		printInspectReport(ios, in.report)
	}
	return in.result()
}

func checkInspectStdin(paths []string, opts *inspectOptions) error {
	stdinFiles := 0
	for _, p := range paths {
		if p == "-" {
			stdinFiles++
		}
	}
	if stdinFiles > 1 {
		return usageErrorf("", "only one FILE can be - (stdin)")
	}
	path := ""
	if stdinFiles == 1 {
		path = "-"
	}
	return checkStdinUse(path, opts.passwordFile, opts.keyPasswordFile)
}

// lazySecret reads a secret the first time it is needed, and only once, so
// that several files can share one password from stdin or one prompt.
type lazySecret struct {
	src  secretSource
	done bool
	val  []byte
	ok   bool
	err  error
}

func (s *lazySecret) get(ios *IOStreams) ([]byte, bool, error) {
	if !s.done {
		s.val, s.ok, s.err = s.src.read(ios)
		s.done = true
	}
	return s.val, s.ok, s.err
}

// inspectReport is inspect's result; its JSON form is part of kollenoctl's
// interface, so fields are only ever added.
type inspectReport struct {
	Files []*inspectedFile `json:"files"`
	Pairs []keyCertPair    `json:"pairs"`
}

// inspectedFile is what one file holds.
type inspectedFile struct {
	Path         string          `json:"path"`
	Format       string          `json:"format"`
	Keys         []*inspectedKey `json:"keys,omitempty"`
	Certificates []*certSummary  `json:"certificates,omitempty"`
	Keystore     *inspectedStore `json:"keystore,omitempty"`
	Error        string          `json:"error,omitempty"`
	Hint         string          `json:"hint,omitempty"`
	err          error
}

// inspectedKey describes a private key without any of its secret parts.
type inspectedKey struct {
	Algorithm       string `json:"algorithm,omitempty"`
	Bits            int    `json:"bits,omitempty"`
	Form            string `json:"form,omitempty"`
	Encrypted       bool   `json:"encrypted"`
	Encryption      string `json:"encryption,omitempty"`
	PublicKeySHA256 string `json:"public_key_sha256,omitempty"`
	JWTReady        bool   `json:"jwt_ready"`
	JWTProblem      string `json:"jwt_problem,omitempty"`
	Note            string `json:"note,omitempty"`

	label  string        // the file it came from, as messages name it
	file   string        // the file's path
	parsed *keystore.Key // nil when encrypted and no password
}

// inspectedStore lists a keystore's entries.
type inspectedStore struct {
	Verified bool             `json:"password_checked"`
	Entries  []inspectedEntry `json:"entries"`
}

type inspectedEntry struct {
	Alias       string       `json:"alias"`
	Kind        string       `json:"kind"`
	Created     *time.Time   `json:"created,omitempty"`
	Certificate *certSummary `json:"certificate,omitempty"`
	ChainLength int          `json:"chain_length"`

	label string // the alias as printed: escaped, or "(no alias)"
}

// keyCertPair says whether a private key and a certificate belong together.
type keyCertPair struct {
	Key         string `json:"key"`
	Certificate string `json:"certificate"`
	SameFile    bool   `json:"same_file"`
	Match       bool   `json:"match"`
}

// certSummary describes a certificate; extract-key's report uses it too.
// Subject and Issuer are as the certificate has them: human output prints
// them through termtext.Printable, as it does every text from a file.
type certSummary struct {
	Subject         string    `json:"subject"`
	Issuer          string    `json:"issuer"`
	Serial          string    `json:"serial"`
	NotBefore       time.Time `json:"not_before"`
	NotAfter        time.Time `json:"not_after"`
	DaysLeft        int       `json:"days_left"`
	SHA1            string    `json:"sha1"`
	SHA256          string    `json:"sha256"`
	PublicKeySHA256 string    `json:"public_key_sha256"`
	Size            int       `json:"pem_size"`

	label string // the file it came from, and which certificate of it
	file  string
	cert  *x509.Certificate
}

// maxSalesforceCertSize is the largest certificate Salesforce's External
// Client App takes, in bytes of PEM.
const maxSalesforceCertSize = 4096

func summarizeCert(c *x509.Certificate) *certSummary {
	return &certSummary{
		Subject:         c.Subject.String(),
		Issuer:          c.Issuer.String(),
		Serial:          strings.ToUpper(hex.EncodeToString(c.SerialNumber.Bytes())),
		NotBefore:       c.NotBefore.UTC(),
		NotAfter:        c.NotAfter.UTC(),
		DaysLeft:        daysUntil(c.NotAfter),
		SHA1:            keystore.CertSHA1(c),
		SHA256:          keystore.CertSHA256(c),
		PublicKeySHA256: keystore.PublicKeySHA256(c.PublicKey),
		Size:            len(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})),
	}
}

// inspector holds what inspect learns across files.
type inspector struct {
	ios     *IOStreams
	storePW *lazySecret
	keyPW   *lazySecret
	report  *inspectReport
	keys    []*inspectedKey // every private key read, in order
	certs   []*certSummary  // every certificate read (not those in keystores)
}

// file inspects one file and adds it to the report; it returns the error
// the report holds for the file, if any.
func (in *inspector) file(path string) error {
	f := &inspectedFile{Path: path}
	in.report.Files = append(in.report.Files, f)
	in.inspect(f)
	return f.err
}

func isInterrupt(err error) bool {
	var ie *interruptedError
	return errors.As(err, &ie)
}

func (in *inspector) inspect(f *inspectedFile) {
	path := f.Path
	data, err := readKeyMaterial(in.ios, path)
	if err != nil {
		f.fail(err)
		return
	}

	format := keystore.Detect(data)
	f.Format = format.String()
	switch {
	case format.IsKeystore():
		f.fail(withFileInHint(in.keystoreFile(f, data), path))
	case format == keystore.FormatPEM || format == keystore.FormatDERKey ||
		format == keystore.FormatDERCertificate:
		f.fail(withFileInHint(in.keyOrCertFile(f, data), path))
	case format == keystore.FormatEmpty:
		f.fail(errorf("give the key, certificate or keystore file itself", "the file is empty"))
	default:
		f.fail(errorf("inspect reads PEM and DER keys and certificates, and JKS, PKCS#12 and JCEKS keystores",
			"unrecognized content: not a key, a certificate or a keystore"))
	}
}

func (f *inspectedFile) fail(err error) {
	if err == nil {
		return
	}
	f.err, f.Error, f.Hint = err, err.Error(), hintOf(err)
}

// keyOrCertFile reads the certificates and the private key of a PEM or DER
// file; a file may hold either or both.
func (in *inspector) keyOrCertFile(f *inspectedFile, data []byte) error {
	certs, _ := keystore.ParseCertificates(data) // none is fine: a key file
	for i, c := range certs {
		s := summarizeCert(c)
		s.label, s.file, s.cert = certLabel(describeFile(f.Path), i, len(certs)), f.Path, c
		f.Certificates = append(f.Certificates, s)
		in.certs = append(in.certs, s)
	}

	k, err := in.key(data)
	if k != nil {
		k.label, k.file = describeFile(f.Path), f.Path
		f.Keys = append(f.Keys, k)
		in.keys = append(in.keys, k)
	}
	if errors.Is(err, keystore.ErrNoPrivateKey) && len(certs) > 0 {
		return nil // a certificate file
	}
	return err
}

func certLabel(path string, i, n int) string {
	if n == 1 {
		return path
	}
	return fmt.Sprintf("%s (certificate %d)", path, i+1)
}

// key reads the private key in data. An encrypted key without a password is
// described as far as it can be, with no error.
func (in *inspector) key(data []byte) (*inspectedKey, error) {
	k, err := keystore.ParseKey(data, nil)
	if errors.Is(err, keystore.ErrPasswordRequired) {
		return in.encryptedKey(data)
	}
	if err != nil {
		return nil, err
	}
	return in.describeKey(k), nil
}

func (in *inspector) encryptedKey(data []byte) (*inspectedKey, error) {
	ik := &inspectedKey{Encrypted: true, Encryption: keystore.Encryption(data)}
	pw, ok, err := in.keyPW.get(in.ios)
	if err != nil {
		return nil, err
	}
	if !ok {
		ik.Note = "encrypted: give --key-password-file or KOLLENO_KEY_PASSWORD to see its algorithm and fingerprint"
		return ik, nil
	}
	k, err := keystore.ParseKey(data, pw)
	if err != nil {
		ik.Note = "encrypted, and the key password given does not decrypt it"
		return ik, err
	}
	return in.describeKey(k), nil
}

func (in *inspector) describeKey(k *keystore.Key) *inspectedKey {
	ik := &inspectedKey{
		Algorithm:       k.Algorithm,
		Bits:            k.Bits,
		Form:            k.Form,
		Encrypted:       k.Encrypted,
		Encryption:      k.Encryption,
		PublicKeySHA256: keystore.PublicKeySHA256(k.Signer.Public()),
		JWTReady:        true,
	}
	if _, err := k.ForJWT(); err != nil {
		ik.JWTReady, ik.JWTProblem = false, err.Error()
	}
	ik.parsed = k
	return ik
}

// keystoreFile lists a keystore's entries, with the password if one is at
// hand (prompting on a terminal, as extract-key does), else unchecked.
func (in *inspector) keystoreFile(f *inspectedFile, data []byte) error {
	store, err := keystore.Open(data, nil)
	if err != nil {
		return err
	}
	pw, ok, err := in.storePW.get(in.ios)
	if err != nil {
		return err
	}
	if ok {
		if store, err = keystore.Open(data, pw); err != nil {
			return err
		}
	}
	f.Format = store.Format.String()
	f.Keystore = describeStore(store)
	return nil
}

func describeStore(s *keystore.Store) *inspectedStore {
	out := &inspectedStore{Verified: s.Verified, Entries: []inspectedEntry{}}
	for _, e := range s.Entries {
		ie := inspectedEntry{Alias: e.Alias, Kind: string(e.Kind), ChainLength: len(e.Certificates),
			label: e.Label()}
		if !e.Created.IsZero() {
			created := e.Created
			ie.Created = &created
		}
		if len(e.Certificates) > 0 {
			ie.Certificate = summarizeCert(e.Certificates[0])
		}
		out.Entries = append(out.Entries, ie)
	}
	return out
}

// pairUp checks every readable private key against every certificate.
func (in *inspector) pairUp() {
	for _, k := range in.keys {
		if k.parsed == nil {
			continue
		}
		for _, c := range in.certs {
			in.report.Pairs = append(in.report.Pairs, keyCertPair{
				Key:         k.label,
				Certificate: c.label,
				SameFile:    c.file == k.file,
				Match:       keystore.Matches(k.parsed.Signer, c.cert),
			})
		}
	}
}

// result is the command's error: silent when every file was reported on,
// since the report already said what failed.
func (in *inspector) result() error {
	for _, f := range in.report.Files {
		if f.err != nil {
			return &silentError{code: exitCodeOf(f.err)}
		}
	}
	return nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// printInspectReport writes the findings on stdout (they are the result),
// and each file's error on stderr in kollenoctl's error format.
func printInspectReport(ios *IOStreams, r *inspectReport) {
	for i, f := range r.Files {
		if i > 0 {
			fmt.Fprintln(ios.Out)
		}
		printInspectedFile(ios, f)
	}
	if len(r.Pairs) > 0 {
		fmt.Fprintln(ios.Out)
	}
	for _, p := range r.Pairs {
		fmt.Fprintln(ios.Out, pairVerdict(p))
	}
}

func pairVerdict(p keyCertPair) string {
	verdict := "belong together"
	if !p.Match {
		verdict = "do NOT belong together: the certificate holds another public key"
	}
	if p.SameFile {
		return fmt.Sprintf("%s: the private key and the certificate in it %s", p.Certificate, verdict)
	}
	return fmt.Sprintf("%s and %s %s", p.Key, p.Certificate, verdict)
}

func printInspectedFile(ios *IOStreams, f *inspectedFile) {
	out, name := ios.Out, describeFile(f.Path)
	if f.err != nil {
		fmt.Fprintf(out, "%s: %s, not inspected (see the error)\n", name, formatOrUnreadable(f.Format))
		printError(ios.ErrOut, fmt.Errorf("%s: %w", name, f.err), ios.ColorErr())
	}
	for _, k := range f.Keys {
		fmt.Fprintf(out, "%s: private key\n", name)
		printInspectedKey(out, k)
	}
	for i, c := range f.Certificates {
		fmt.Fprintf(out, "%s: certificate%s\n", name, certOrdinal(i, len(f.Certificates)))
		printCertLines(out, c)
	}
	if s := f.Keystore; s != nil {
		printInspectedStore(out, f, s)
	}
}

func formatOrUnreadable(s string) string {
	if s == "" {
		return "unreadable"
	}
	return s
}

func certOrdinal(i, n int) string {
	if n == 1 {
		return ""
	}
	return fmt.Sprintf(" %d of %d", i+1, n)
}

func printInspectedKey(w io.Writer, k *inspectedKey) {
	if k.Algorithm != "" {
		fmt.Fprintf(w, "  algorithm     %s %d bits\n", k.Algorithm, k.Bits)
		fmt.Fprintf(w, "  form          %s\n", k.Form)
	}
	enc := "no"
	if k.Encrypted {
		enc = "yes"
		if k.Encryption != "" {
			enc += " (" + k.Encryption + ")"
		}
	}
	fmt.Fprintf(w, "  encrypted     %s\n", enc)
	if k.PublicKeySHA256 != "" {
		fmt.Fprintf(w, "  public key    SHA-256 %s\n", k.PublicKeySHA256)
		jwt := "yes (RSA, at least 2048 bits)"
		if !k.JWTReady {
			jwt = "no: " + k.JWTProblem
		}
		fmt.Fprintf(w, "  JWT bearer    %s\n", jwt)
	}
	if k.Note != "" {
		fmt.Fprintf(w, "  note          %s\n", k.Note)
	}
}

func printCertLines(w io.Writer, c *certSummary) {
	fmt.Fprintf(w, "  subject       %s\n", termtext.Printable(c.Subject))
	fmt.Fprintf(w, "  issuer        %s\n", termtext.Printable(c.Issuer))
	fmt.Fprintf(w, "  serial        %s\n", c.Serial)
	fmt.Fprintf(w, "  valid         %s to %s (%s)\n", c.NotBefore.Format(time.DateOnly),
		c.NotAfter.Format(time.DateOnly), daysLeftText(c.DaysLeft))
	fmt.Fprintf(w, "  SHA-1         %s\n", c.SHA1)
	fmt.Fprintf(w, "  SHA-256       %s\n", c.SHA256)
	fmt.Fprintf(w, "  public key    SHA-256 %s\n", c.PublicKeySHA256)
	size := fmt.Sprintf("%d bytes as PEM", c.Size)
	if c.Size > maxSalesforceCertSize {
		size += fmt.Sprintf(", more than the %d Salesforce takes", maxSalesforceCertSize)
	}
	fmt.Fprintf(w, "  size          %s\n", size)
}

func daysLeftText(days int) string {
	switch {
	case days < 0:
		return fmt.Sprintf("EXPIRED %d days ago", -days)
	case days == 1:
		return "1 day left"
	}
	return fmt.Sprintf("%d days left", days)
}

func printInspectedStore(w io.Writer, f *inspectedFile, s *inspectedStore) {
	checked := "password checked"
	if !s.Verified {
		checked = "not checked: no keystore password given"
	}
	entries := fmt.Sprintf("%d entries", len(s.Entries))
	if len(s.Entries) == 1 {
		entries = "1 entry"
	}
	fmt.Fprintf(w, "%s: %s, %s (%s)\n", describeFile(f.Path), f.Format, entries, checked)
	for _, e := range s.Entries {
		fmt.Fprintf(w, "  %s\n", e.label)
		fmt.Fprintf(w, "    kind        %s\n", e.Kind)
		if c := e.Certificate; c != nil {
			fmt.Fprintf(w, "    subject     %s\n", termtext.Printable(c.Subject))
			fmt.Fprintf(w, "    expires     %s (%s)\n", c.NotAfter.Format(time.DateOnly), daysLeftText(c.DaysLeft))
			fmt.Fprintf(w, "    SHA-256     %s\n", c.SHA256)
		}
	}
}

// printCertSummary writes a certificate's facts as status lines on stderr,
// for extract-key.
func printCertSummary(ios *IOStreams, c *certSummary) {
	ios.Statusf("  subject       %s", termtext.Printable(c.Subject))
	ios.Statusf("  expires       %s (%s)", c.NotAfter.Format(time.DateOnly), daysLeftText(c.DaysLeft))
	ios.Statusf("  SHA-1         %s", c.SHA1)
	ios.Statusf("  SHA-256       %s", c.SHA256)
}
