package keystore

import (
	"crypto"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"strings"
)

// ParseCertificates reads one or more certificates: PEM (any number of
// blocks, with the same tolerance as ParseKey) or one DER certificate.
func ParseCertificates(data []byte) ([]*x509.Certificate, error) {
	if len(data) > MaxInputSize {
		return nil, errTooLarge(len(data))
	}
	format, body := classify(data)
	switch format {
	case FormatDERCertificate:
		c, err := x509.ParseCertificate(body)
		if err != nil {
			return nil, errDamagedCert(err)
		}
		return []*x509.Certificate{c}, nil
	case FormatPEM:
		return certsFromPEM(body)
	}
	return nil, newError(ErrNoPrivateKey, "give the certificate file, the one that starts with -----BEGIN CERTIFICATE-----",
		"no certificate found: the input is %s", format)
}

func certsFromPEM(text []byte) ([]*x509.Certificate, error) {
	blocks, err := scanPEM(text)
	if err != nil {
		return nil, err
	}
	var certs []*x509.Certificate
	for _, b := range blocks {
		if !isCertBlock(b.Type) {
			continue
		}
		c, err := parseCertBlock(b)
		if err != nil {
			return nil, err
		}
		certs = append(certs, c)
	}
	if len(certs) == 0 {
		return nil, newError(ErrNoPrivateKey, "give the certificate file, the one that starts with -----BEGIN CERTIFICATE-----",
			"no certificate found in the PEM input")
	}
	return certs, nil
}

func parseCertBlock(b *pem.Block) (*x509.Certificate, error) {
	c, err := x509.ParseCertificate(b.Bytes)
	if err != nil {
		return nil, errDamagedCert(err)
	}
	return c, nil
}

func errDamagedCert(err error) *Error {
	return newError(ErrDamaged, "copy the certificate again, or download it again from Salesforce Setup > Certificate and Key Management",
		"the certificate is damaged: it does not parse as X.509").because(err)
}

// CertSHA1 is the certificate's SHA-1 fingerprint as OpenSSL prints it and
// as Salesforce's certificate page shows it: "AB:01:...".
func CertSHA1(cert *x509.Certificate) string {
	sum := sha1.Sum(cert.Raw)
	return colonHex(sum[:])
}

// CertSHA256 is the certificate's SHA-256 fingerprint, in the same format.
func CertSHA256(cert *x509.Certificate) string {
	sum := sha256.Sum256(cert.Raw)
	return colonHex(sum[:])
}

// PublicKeySHA256 is the SHA-256 of the public key's SubjectPublicKeyInfo
// DER, in the same format; a key and its certificate give the same value.
// It returns "" for a key type x509 cannot marshal.
func PublicKeySHA256(pub crypto.PublicKey) string {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(der)
	return colonHex(sum[:])
}

func colonHex(b []byte) string {
	h := strings.ToUpper(hex.EncodeToString(b))
	var sb strings.Builder
	for i := 0; i < len(h); i += 2 {
		if i > 0 {
			sb.WriteByte(':')
		}
		sb.WriteString(h[i : i+2])
	}
	return sb.String()
}

// Matches reports whether cert carries key's public key, that is, whether
// they belong together.
func Matches(key crypto.Signer, cert *x509.Certificate) bool {
	if key == nil || cert == nil {
		return false
	}
	pub, ok := key.Public().(interface{ Equal(crypto.PublicKey) bool })
	return ok && pub.Equal(cert.PublicKey)
}
