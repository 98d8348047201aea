package cli

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/kolleno/kollenoctl/internal/atomicfile"
	"github.com/kolleno/kollenoctl/internal/certgen"
	"github.com/kolleno/kollenoctl/internal/keystore"
)

// The three ways to step 1 of the guide, as --method takes them.
const (
	methodKeystore = "keystore" // Method A: certificate made in Salesforce, exported as a keystore
	methodGenerate = "generate" // Method B: key and certificate made here
	methodExisting = "existing" // a key and certificate the admin already has
)

var methodChoices = []choice{
	{"Method B: make a new key and certificate here (simplest)", methodGenerate},
	{"Method A: use a certificate made in Salesforce, exported as a keystore (.jks)", methodKeystore},
	{"I already have a private key and its certificate", methodExisting},
}

// material is the outcome of step 1: the private key Kolleno gets and the
// certificate uploaded to the External Client App.
type material struct {
	KeyPEM   []byte // unencrypted PKCS#8 PEM
	KeyPath  string
	Cert     *x509.Certificate
	CertPEM  []byte
	CertPath string
}

// chooseMethod takes --method, or infers it from --keystore or --key, or asks.
func (o *onboarding) chooseMethod() (string, error) {
	switch {
	case o.opts.method != "":
		return o.opts.method, nil
	case o.opts.keystore != "":
		return methodKeystore, nil
	case o.opts.keyGiven():
		return methodExisting, nil
	}
	return o.ask.Select("How will you make the key and certificate? (step 1 of the guide)", methodChoices)
}

// keyMaterial does step 1 by the chosen method.
func (o *onboarding) keyMaterial(method string) (*material, error) {
	switch method {
	case methodGenerate:
		return o.generate()
	case methodKeystore:
		return o.fromKeystore()
	default:
		return o.fromExisting()
	}
}

// generate is Method B: keygen's default pair, written as one group.
func (o *onboarding) generate() (*material, error) {
	pair, err := certgen.Generate(certgen.DefaultOptions())
	if err != nil {
		return nil, err
	}

	m := &material{KeyPEM: pair.KeyPEM, Cert: pair.Cert, CertPEM: pair.CertPEM}
	if err := o.writePair(m); err != nil {
		return nil, err
	}
	o.ios.Statusf("Made a new %d-bit RSA key and a certificate valid for %d days.",
		certgen.DefaultBits, certgen.DefaultDays)
	return m, nil
}

// fromKeystore is Method A: the key and certificate of one entry of the
// keystore Salesforce exported.
func (o *onboarding) fromKeystore() (*material, error) {
	store, err := o.openKeystore()
	if err != nil {
		return nil, err
	}

	entry, err := o.keystoreEntry(store)
	if err != nil {
		return nil, err
	}

	key, err := store.Key(entry, nil)
	if err != nil {
		return nil, err
	}

	m, err := materialFromKey(key, entry.Certificates)
	if err != nil {
		return nil, err
	}
	if err := o.writePair(m); err != nil {
		return nil, err
	}
	o.ios.Statusf("Took the key and certificate of entry %q out of the keystore.", entry.Alias)
	return m, nil
}

func (o *onboarding) openKeystore() (*keystore.Store, error) {
	const title = "Keystore file (.jks) exported from Salesforce"
	path, err := o.value(&o.opts.keystore, title, "", fileExists)
	if err != nil {
		return nil, err
	}
	data, err := readInput(path)
	if err != nil {
		return nil, err
	}

	password, err := o.secret(secretSource{
		File: o.opts.passwordFile, FileFlag: "--password-file",
		Env: "KOLLENO_KEYSTORE_PASSWORD", Prompt: "Keystore password",
	})
	if err != nil {
		return nil, err
	}
	return keystore.Open(data, password)
}

// keystoreEntry picks the entry: --alias, the only private key, or a choice.
func (o *onboarding) keystoreEntry(store *keystore.Store) (*keystore.Entry, error) {
	keys := store.PrivateKeys()
	if o.opts.alias != "" || len(keys) < 2 || o.ask == nil {
		return store.Select(o.opts.alias)
	}

	options := make([]choice, len(keys))
	for i, e := range keys {
		options[i] = choice{Label: e.Summary(), Value: e.Alias}
	}
	alias, err := o.ask.Select("The keystore holds several keys. Which one is Kolleno's?", options)
	if err != nil {
		return nil, err
	}
	return store.Select(alias)
}

// fromExisting reads a key the admin has, and its certificate: from --cert,
// from the key's own file, or asked for.
func (o *onboarding) fromExisting() (*material, error) {
	key, keyPath, err := o.existingKey()
	if err != nil {
		return nil, err
	}

	certs, certPath, err := o.existingCert(key)
	if err != nil {
		return nil, err
	}

	m, err := materialFromKey(key, certs)
	if err != nil {
		return nil, err
	}
	m.CertPath = certPath
	return m, o.placeExistingKey(m, keyPath)
}

func (o *onboarding) existingKey() (*keystore.Key, string, error) {
	if !o.opts.conn.keyGiven() {
		if _, err := o.value(&o.opts.conn.key, "Private key file", "", fileExists); err != nil {
			return nil, "", err
		}
	}
	data, name, err := o.opts.conn.keyInput(o.ios)
	if err != nil {
		return nil, "", err
	}
	key, err := keystore.ParseKey(data, nil)
	if errors.Is(err, keystore.ErrPasswordRequired) {
		var password []byte
		password, err = o.secret(keyPassword(o.opts.conn.keyPasswordFile, "Private key password"))
		if err == nil {
			key, err = keystore.ParseKey(data, password)
		}
	}
	if err != nil {
		return nil, "", err
	}
	return key, name, nil
}

func (o *onboarding) existingCert(key *keystore.Key) ([]*x509.Certificate, string, error) {
	if o.opts.cert == "" && len(key.Certificates) > 0 {
		return key.Certificates, "", nil
	}

	const title = "Certificate file (the one to upload to Salesforce)"
	path, err := o.value(&o.opts.cert, title, "", fileExists)
	if err != nil {
		return nil, "", err
	}
	data, err := readInput(path)
	if err != nil {
		return nil, "", err
	}
	certs, err := keystore.ParseCertificates(data)
	return certs, path, err
}

// placeExistingKey keeps the admin's key file when it is already what
// Kolleno takes, and otherwise writes the PKCS#8 PEM form next to the other
// outputs. A certificate that came inside the key file is written too.
func (o *onboarding) placeExistingKey(m *material, keyPath string) error {
	original, _ := os.ReadFile(keyPath)
	usable := bytes.Equal(bytes.TrimSpace(original), bytes.TrimSpace(m.KeyPEM))
	if keyPath != "" && keyPath != "-" && usable {
		m.KeyPath = keyPath
		if m.CertPath != "" {
			return nil
		}
		return o.writeFiles([]atomicfile.File{o.certFile(m)})
	}
	if m.CertPath != "" {
		return o.writeFiles([]atomicfile.File{o.keyFile(m)})
	}
	return o.writePair(m)
}

// materialFromKey checks the key is fit for the JWT flow and finds its
// certificate among certs.
func materialFromKey(key *keystore.Key, certs []*x509.Certificate) (*material, error) {
	if _, err := key.ForJWT(); err != nil {
		return nil, err
	}
	keyPEM, err := key.PKCS8PEM()
	if err != nil {
		return nil, err
	}

	for _, cert := range certs {
		if keystore.Matches(key.Signer, cert) {
			certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})
			return &material{KeyPEM: keyPEM, Cert: cert, CertPEM: certPEM}, nil
		}
	}
	return nil, errorf("give the certificate that was made with this key: the one uploaded to (or to be uploaded to) the External Client App",
		"the certificate does not belong to the private key")
}

// writePair writes the key and the certificate as one all-or-nothing group.
func (o *onboarding) writePair(m *material) error {
	return o.writeFiles([]atomicfile.File{o.keyFile(m), o.certFile(m)})
}

func (o *onboarding) keyFile(m *material) atomicfile.File {
	m.KeyPath = filepath.Join(o.opts.outDir, o.opts.name+".key")
	return atomicfile.File{Path: m.KeyPath, Data: m.KeyPEM, Perm: 0o600}
}

func (o *onboarding) certFile(m *material) atomicfile.File {
	m.CertPath = filepath.Join(o.opts.outDir, o.opts.name+".crt")
	return atomicfile.File{Path: m.CertPath, Data: m.CertPEM, Perm: 0o644}
}

func (o *onboarding) writeFiles(files []atomicfile.File) error {
	err := atomicfile.WriteAll(files, o.opts.force)
	var exists *atomicfile.ExistsError
	if errors.As(err, &exists) {
		return errorf("add --force to replace it, or choose another directory with --out-dir",
			"%s already exists", exists.Path)
	}
	if err != nil {
		return errorf("check that --out-dir names a directory you can write to",
			"cannot write the files: %v", err)
	}
	for _, f := range files {
		o.ios.Statusf("Wrote %s (mode %04o).", f.Path, f.Perm)
	}
	return nil
}

// readInput reads a file given by the user, with a size cap: a keystore or
// a certificate is small.
func readInput(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, errorf("check the path", "cannot read %s: %v", path, err)
	}
	defer f.Close()

	data, err := io.ReadAll(io.LimitReader(f, keystore.MaxInputSize+1))
	if err != nil {
		return nil, errorf("", "cannot read %s: %v", path, err)
	}
	if len(data) > keystore.MaxInputSize {
		return nil, errorf("name the keystore, key or certificate file itself",
			"%s is larger than %d bytes", path, keystore.MaxInputSize)
	}
	return data, nil
}

// fileExists is the check on a file path typed at a prompt.
func fileExists(path string) error {
	info, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("no such file: %s", path)
	}
	if info.IsDir() {
		return fmt.Errorf("%s is a directory", path)
	}
	return nil
}
