package keystore

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"sort"
	"strings"
)

// Key is a private key as read from a file, with what was learnt on the way.
type Key struct {
	Signer       crypto.Signer
	RSA          *rsa.PrivateKey     // nil when not RSA
	Algorithm    string              // "RSA", "ECDSA", "Ed25519"
	Bits         int                 // modulus or curve size
	Encrypted    bool                // it was encrypted in the input
	Form         string              // how it was stored: "PKCS#8 PEM", "PKCS#1 DER", ...
	Encryption   string              // how it was encrypted: "PBES2 AES-256-CBC"; "" if not
	Certificates []*x509.Certificate // certificates found in the same input
}

// Describe names the key for people: "RSA 2048-bit", "ECDSA P-256", "Ed25519".
func (k *Key) Describe() string {
	switch k.Algorithm {
	case "ECDSA":
		return "ECDSA P-" + fmt.Sprint(k.Bits)
	case "Ed25519":
		return "Ed25519"
	}
	return fmt.Sprintf("%s %d-bit", k.Algorithm, k.Bits)
}

// MinJWTBits is the smallest RSA key Salesforce accepts: its certificate
// import takes RSA keys of 2048, 3072 or 4096 bits only.
const MinJWTBits = 2048

// ForJWT returns the RSA key if Salesforce's JWT bearer flow can use it: the
// flow signs with RS256, so it needs RSA, and Salesforce takes keys of at
// least 2048 bits. Otherwise the error names what was found.
func (k *Key) ForJWT() (*rsa.PrivateKey, error) {
	if k.RSA == nil {
		return nil, newError(ErrUnsupported, hintNewKey,
			"the private key is %s; Salesforce's JWT bearer flow signs with RS256 and needs an RSA key of at least %d bits",
			k.Describe(), MinJWTBits)
	}
	if k.Bits < MinJWTBits {
		return nil, newError(ErrUnsupported, hintNewKey,
			"the private key is RSA of %d bits; Salesforce's JWT bearer flow needs at least %d bits",
			k.Bits, MinJWTBits)
	}
	return k.RSA, nil
}

// ParseKey reads one private key in any supported form: PEM or DER; PKCS#1,
// PKCS#8 or SEC1; encrypted PKCS#8 (PBES2 with AES or 3DES) or legacy
// encrypted PEM (Proc-Type/DEK-Info), given the password. It copes with CRLF,
// a byte-order mark, text before the block, a key and certificates in one
// file, and the damage done by environment variables and secret stores
// (literal \n, quotes, joined lines, base64 of the whole PEM). password may
// be nil. Keystores are refused here with a pointer to extract-key.
func ParseKey(data, password []byte) (*Key, error) {
	if len(data) > MaxInputSize {
		return nil, errTooLarge(len(data))
	}
	format, body := classify(data)
	switch format {
	case FormatPEM:
		return keyFromPEM(body, password)
	case FormatDERKey:
		return keyFromDER(body, password, "DER")
	}
	return nil, errNotAKey(format)
}

func errNotAKey(f Format) *Error {
	switch {
	case f == FormatEmpty:
		return newError(ErrNoPrivateKey, "give the private key file, the one that starts with -----BEGIN PRIVATE KEY-----",
			"the input is empty")
	case f == FormatDERCertificate:
		return errOnlyCertificates()
	case f.IsKeystore():
		return newError(ErrNoPrivateKey, "take the key out first: kollenoctl extract-key <keystore>",
			"this is a %s, not a private key file", f)
	}
	return newError(ErrNoPrivateKey, "give the private key file, the one that starts with -----BEGIN PRIVATE KEY-----",
		"no private key found: the input is neither PEM nor a DER key")
}

func errOnlyCertificates() *Error {
	return newError(ErrNoPrivateKey, "a certificate holds only the public key; give the private key file that was made with it",
		"this is a certificate, not a private key")
}

// keyFromPEM finds the one private key block among the blocks of text and
// decodes it; certificate blocks are kept, EC PARAMETERS blocks skipped.
func keyFromPEM(text, password []byte) (*Key, error) {
	blocks, err := scanPEM(text)
	if err != nil {
		return nil, err
	}
	var keys []*pem.Block
	var certs []*x509.Certificate
	var others []string
	for _, b := range blocks {
		switch {
		case isKeyBlock(b.Type):
			keys = append(keys, b)
		case isCertBlock(b.Type):
			c, err := parseCertBlock(b)
			if err != nil {
				return nil, err
			}
			certs = append(certs, c)
		case b.Type != "EC PARAMETERS":
			others = append(others, b.Type)
		}
	}
	return pickPEMKey(keys, certs, others, password)
}

func pickPEMKey(keys []*pem.Block, certs []*x509.Certificate, others []string,
	password []byte) (*Key, error) {
	switch {
	case len(keys) > 1:
		return nil, errSeveralKeys(len(keys), len(certs))
	case len(keys) == 0 && len(certs) > 0:
		return nil, errOnlyCertificates()
	case len(keys) == 0:
		return nil, errNoKeyBlock(others)
	}
	k, err := decodeKeyBlock(keys[0], password)
	if err != nil {
		return nil, err
	}
	k.Certificates = LeafFirst(k.Signer, certs)
	return k, nil
}

func errSeveralKeys(keys, certs int) *Error {
	hint := "keep only the one private key to use, and remove the others from the file"
	if certs > 0 {
		hint = "keep only the private key that belongs to the certificate in the file"
	}
	return newError(ErrUnsupported, hint, "the input holds %d private keys; kollenoctl needs exactly one", keys)
}

func errNoKeyBlock(types []string) *Error {
	hint := "give the private key file, the one that starts with -----BEGIN PRIVATE KEY-----"
	if len(types) == 0 {
		return newError(ErrNoPrivateKey, hint, "no PEM block found in the input")
	}
	sort.Strings(types)
	return newError(ErrNoPrivateKey, hint, "no private key in the input; it holds: %s",
		strings.Join(types, ", "))
}

func isKeyBlock(typ string) bool {
	return strings.HasSuffix(typ, "PRIVATE KEY")
}

func isCertBlock(typ string) bool {
	return typ == "CERTIFICATE" || typ == "X509 CERTIFICATE" || typ == "TRUSTED CERTIFICATE"
}

// decodeKeyBlock decodes one PEM block whose type ends in PRIVATE KEY.
func decodeKeyBlock(b *pem.Block, password []byte) (*Key, error) {
	if strings.Contains(b.Headers["Proc-Type"], "ENCRYPTED") {
		return keyFromLegacyPEM(b, password)
	}
	switch b.Type {
	case "DSA PRIVATE KEY":
		return nil, errAlgorithm("DSA")
	case "OPENSSH PRIVATE KEY":
		return nil, newError(ErrUnsupported, "convert a copy of it to PKCS#8: cp <key file> kolleno.key && ssh-keygen -p -m PKCS8 -f kolleno.key",
			"this is an OpenSSH private key, which kollenoctl does not read")
	case "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY":
		return keyFromDER(b.Bytes, password, "PEM")
	}
	return nil, newError(ErrUnsupported, "give an RSA private key in PKCS#8 PEM (-----BEGIN PRIVATE KEY-----)",
		"unknown kind of private key block: %s", b.Type)
}

// keyFromDER decodes a DER private key in whichever form it is; encoding is
// "PEM" or "DER", for Key.Form.
func keyFromDER(der, password []byte, encoding string) (*Key, error) {
	if info, ok := parseEncryptedKeyInfo(der); ok {
		return keyFromEncryptedPKCS8(info, password, encoding)
	}
	priv, form, err := parsePlainDER(der)
	if err != nil {
		return nil, err
	}
	return newKey(priv, form+" "+encoding)
}

// parsePlainDER tries PKCS#8, then PKCS#1, then SEC1, as OpenSSL 3 writes
// PKCS#1 for `pkey -outform DER` but PKCS#8 for most else.
func parsePlainDER(der []byte) (any, string, error) {
	if k, err := x509.ParsePKCS8PrivateKey(der); err == nil {
		return k, "PKCS#8", nil
	}
	if k, err := x509.ParsePKCS1PrivateKey(der); err == nil {
		return k, "PKCS#1", nil
	}
	if k, err := x509.ParseECPrivateKey(der); err == nil {
		return k, "SEC1", nil
	}
	if alg := pkcs8AlgorithmName(der); alg != "" {
		return nil, "", errAlgorithm(alg)
	}
	return nil, "", newError(ErrDamaged, "copy the key again from where it was made; if it went through a form or a variable, compare it with the original",
		"the private key data is damaged: it is not a valid PKCS#8, PKCS#1 or SEC1 key")
}

func errAlgorithm(alg string) *Error {
	return newError(ErrUnsupported, hintNewKey,
		"the private key is %s; kollenoctl reads RSA, ECDSA and Ed25519 keys, and Salesforce's JWT bearer flow needs RSA", alg)
}

// newKey fills in a Key from a parsed private key.
func newKey(priv any, form string) (*Key, error) {
	k := &Key{Form: form}
	switch p := priv.(type) {
	case *rsa.PrivateKey:
		k.Signer, k.RSA, k.Algorithm, k.Bits = p, p, "RSA", p.N.BitLen()
	case *ecdsa.PrivateKey:
		k.Signer, k.Algorithm, k.Bits = p, "ECDSA", p.Curve.Params().BitSize
	case ed25519.PrivateKey:
		k.Signer, k.Algorithm, k.Bits = p, "Ed25519", 256
	default:
		return nil, errAlgorithm(fmt.Sprintf("of a kind that cannot sign (%T)", priv))
	}
	return k, nil
}

// PKCS8PEM returns the key as unencrypted PKCS#8 PEM, the form Kolleno takes.
func (k *Key) PKCS8PEM() ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(k.Signer)
	if err != nil {
		return nil, fmt.Errorf("encode the private key as PKCS#8: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}
