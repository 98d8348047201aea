package keystore

import (
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"strings"
)

// keyFromEncryptedPKCS8 decrypts an ENCRYPTED PRIVATE KEY.
func keyFromEncryptedPKCS8(info encryptedKeyInfo, password []byte, encoding string) (*Key, error) {
	p, err := parsePBE(info.Algorithm)
	if err != nil {
		return nil, err
	}
	if len(password) == 0 {
		return nil, errKeyPasswordRequired()
	}
	plain, err := p.decrypt(info.Data, password)
	if err != nil {
		return nil, err
	}
	priv, err := x509.ParsePKCS8PrivateKey(plain)
	if err != nil {
		if alg := pkcs8AlgorithmName(plain); alg != "" {
			return nil, errAlgorithm(alg)
		}
		// The padding matched by chance (1 in 256): still a wrong password.
		return nil, errWrongKeyPassword()
	}
	k, err := newKey(priv, "encrypted PKCS#8 "+encoding)
	if err != nil {
		return nil, err
	}
	k.Encrypted, k.Encryption = true, p.name()
	return k, nil
}

// keyFromLegacyPEM decrypts OpenSSL's old encrypted PEM (Proc-Type:
// 4,ENCRYPTED and DEK-Info), still written by `openssl rsa -des3
// -traditional` and by OpenSSL 1.x `genrsa -des3`.
func keyFromLegacyPEM(b *pem.Block, password []byte) (*Key, error) {
	cipherName, _, _ := strings.Cut(b.Headers["DEK-Info"], ",")
	if len(password) == 0 {
		return nil, errKeyPasswordRequired()
	}
	// The scheme is unauthenticated CBC, which is why Go deprecated it; it is
	// read here only to turn such a key into unencrypted PKCS#8.
	//lint:ignore SA1019 legacy encrypted PEM is a form admins still hold
	der, err := x509.DecryptPEMBlock(b, password) //nolint:staticcheck
	if errors.Is(err, x509.IncorrectPasswordError) {
		return nil, errWrongKeyPassword()
	}
	if err != nil {
		return nil, newError(ErrDamaged, hintPlainKey,
			"the encrypted private key cannot be decrypted: its DEK-Info header (%s) or its data is damaged", cipherName).because(err)
	}
	priv, form, err := parsePlainDER(der)
	if err != nil {
		return nil, errWrongKeyPassword() // garbage out of CBC means the password was wrong
	}
	k, err := newKey(priv, "legacy encrypted "+form+" PEM")
	if err != nil {
		return nil, err
	}
	k.Encrypted, k.Encryption = true, "legacy PEM "+cipherName
	return k, nil
}

func errKeyPasswordRequired() *Error {
	return newError(ErrPasswordRequired, hintKeyPassword,
		"the private key is encrypted and no password was given")
}

// Algorithms a PKCS#8 key may hold that Go does not parse, by OID.
var pkcs8Algorithms = map[string]string{
	"1.2.840.10040.4.1":     "DSA",
	"1.2.840.10046.2.1":     "DH",
	"1.3.101.111":           "X448",
	"1.3.101.113":           "Ed448",
	"1.2.840.113549.1.1.10": "RSA-PSS",
}

// pkcs8AlgorithmName names the algorithm of a PKCS#8 key Go could not parse,
// or returns "" if der is not PKCS#8 at all.
func pkcs8AlgorithmName(der []byte) string {
	var info struct {
		Version   int
		Algorithm struct{ OID asn1.ObjectIdentifier }
		Key       []byte
	}
	if _, err := asn1.Unmarshal(der, &info); err != nil {
		return ""
	}
	if name, ok := pkcs8Algorithms[info.Algorithm.OID.String()]; ok {
		return name
	}
	return ""
}

// Encryption names how the private key in data is encrypted, without a
// password: "PBES2 AES-256-CBC", "legacy PEM DES-EDE3-CBC", "PBES1". It
// returns "" when data holds no encrypted private key.
func Encryption(data []byte) string {
	if len(data) > MaxInputSize {
		return ""
	}
	format, body := classify(data)
	switch format {
	case FormatDERKey:
		return encryptionOfDER(body)
	case FormatPEM:
		blocks, _ := scanPEM(body)
		for _, b := range blocks {
			if !isKeyBlock(b.Type) {
				continue
			}
			if strings.Contains(b.Headers["Proc-Type"], "ENCRYPTED") {
				cipherName, _, _ := strings.Cut(b.Headers["DEK-Info"], ",")
				return "legacy PEM " + cipherName
			}
			return encryptionOfDER(b.Bytes)
		}
	}
	return ""
}

func encryptionOfDER(der []byte) string {
	info, ok := parseEncryptedKeyInfo(der)
	if !ok {
		return ""
	}
	if p, err := parsePBE(info.Algorithm); err == nil {
		return p.name()
	}
	if info.Algorithm.Algorithm.Equal(oidPBES2) {
		return "PBES2"
	}
	return "PBES1"
}
