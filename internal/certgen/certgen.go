// Package certgen makes the key material for Method B of Kolleno's
// onboarding: a new RSA private key and a self-signed X.509 certificate for
// it, which the admin uploads to the External Client App under Enable JWT
// Bearer Flow while Kolleno keeps the private key.
//
// What Salesforce asks of the certificate, and so what this package makes,
// is in reference/salesforce.md §1.7: an X.509 certificate holding an RSA
// public key, self-signed is fine, at most 4 KB. The JWT bearer assertion is
// signed with RS256, so the certificate is signed with SHA-256 and RSA too.
//
// The package only makes values; writing them to files is the caller's job.
package certgen

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"time"
)

// MaxCertBytes is the largest certificate file Salesforce accepts: "4 KB"
// in its help (reference/salesforce.md §1.7), read here as 4096 bytes. A
// certificate from Generate is well below it, about 1.1 KB of PEM for a
// 2048-bit key and 1.9 KB for 4096 bits.
const MaxCertBytes = 4096

// Backdate is how far before Options.Now a certificate's validity starts.
// A certificate made on one machine is often checked at once on another
// (Kolleno's servers, the admin's laptop running inspect or verify), and a
// clock there that runs a little behind would otherwise see a certificate
// that is "not yet valid".
const Backdate = time.Minute

// serialBits is the size of the random serial number. RFC 5280 §4.1.2.2 asks
// for a positive serial of at most 20 octets that is unique per issuer; 128
// random bits make a collision between two self-signed certificates with
// the same name practically impossible.
const serialBits = 128

// Pair is a new private key and the self-signed certificate for it, both as
// values and as the PEM files to write.
type Pair struct {
	// Key is the RSA private key.
	Key *rsa.PrivateKey

	// Cert is the certificate, parsed back from its own encoding.
	Cert *x509.Certificate

	// KeyPEM is Key as unencrypted PKCS#8 PEM ("BEGIN PRIVATE KEY"), the
	// form Kolleno takes. It is a secret: write it only with mode 0600.
	KeyPEM []byte

	// CertPEM is Cert as PEM ("BEGIN CERTIFICATE"), the file uploaded to
	// Salesforce.
	CertPEM []byte
}

// Generate makes a new RSA key of opts.Bits and a self-signed certificate for
// it, valid from Backdate before opts.Now for opts.Days days. It returns an
// *OptionError if opts is not valid.
func Generate(opts Options) (*Pair, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	opts = opts.withDefaults()

	key, err := rsa.GenerateKey(rand.Reader, opts.Bits)
	if err != nil {
		return nil, fmt.Errorf("generate RSA key: %w", err)
	}

	cert, err := selfSign(key, opts)
	if err != nil {
		return nil, err
	}

	return encode(key, cert)
}

// withDefaults fills in the fields whose zero value means "the usual".
func (o Options) withDefaults() Options {
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.Rand == nil {
		o.Rand = rand.Reader
	}
	return o
}

// selfSign makes and parses back the certificate for key.
func selfSign(key *rsa.PrivateKey, opts Options) (*x509.Certificate, error) {
	tmpl, err := template(&key.PublicKey, opts)
	if err != nil {
		return nil, err
	}

	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("sign certificate: %w", err)
	}

	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("parse new certificate: %w", err)
	}
	return cert, nil
}

// template describes the certificate. Certificates hold whole seconds, so
// the times are truncated to match what is written.
func template(pub *rsa.PublicKey, opts Options) (*x509.Certificate, error) {
	serial, err := randomSerial(opts.Rand)
	if err != nil {
		return nil, err
	}

	now := opts.Now.UTC().Truncate(time.Second)
	name := pkix.Name{CommonName: opts.CommonName}
	return &x509.Certificate{
		SerialNumber:       serial,
		Subject:            name,
		Issuer:             name,
		NotBefore:          now.Add(-Backdate),
		NotAfter:           now.AddDate(0, 0, opts.Days),
		SignatureAlgorithm: x509.SHA256WithRSA,

		// The key signs JWT bearer assertions and nothing else, and the
		// certificate is no CA. No extended key usage is set: none is
		// defined for JWT signing, Salesforce checks none, and naming one
		// (clientAuth, say) would claim a use the key is not put to.
		KeyUsage:              x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  false,
		SubjectKeyId:          subjectKeyID(pub),
	}, nil
}

// randomSerial returns a positive serial of serialBits random bits.
func randomSerial(r io.Reader) (*big.Int, error) {
	buf := make([]byte, serialBits/8)
	if _, err := io.ReadFull(r, buf); err != nil {
		return nil, fmt.Errorf("read random serial number: %w", err)
	}

	serial := new(big.Int).SetBytes(buf)
	if serial.Sign() == 0 {
		// 1 in 2^128 for a working source; a broken one returns zeros.
		return nil, errors.New("random serial number is zero: the random source is broken")
	}
	return serial, nil
}

// subjectKeyID is the key identifier of RFC 7093 §2 method 1: the leftmost
// 160 bits of the SHA-256 of the subjectPublicKey bits, which for RSA are
// the PKCS#1 encoding of the public key. Go uses the same method for the CA
// certificates it makes.
func subjectKeyID(pub *rsa.PublicKey) []byte {
	sum := sha256.Sum256(x509.MarshalPKCS1PublicKey(pub))
	return sum[:20]
}

// encode adds the PEM forms of key and cert.
func encode(key *rsa.PrivateKey, cert *x509.Certificate) (*Pair, error) {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("encode private key: %w", err)
	}

	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	clear(der) // the PEM holds its own copy; leave no second one behind

	return &Pair{
		Key:     key,
		Cert:    cert,
		KeyPEM:  keyPEM,
		CertPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}),
	}, nil
}
