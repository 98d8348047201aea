package keystore

import (
	"encoding/asn1"
	"errors"
	"strings"
	"testing"
)

// TestParseKeyFixtures reads every key form OpenSSL wrote in testdata and
// compares the public key with the fingerprint OpenSSL computed.
func TestParseKeyFixtures(t *testing.T) {
	fps := oracle(t)
	tests := []struct {
		file, password, form, encryption, want string
		certs                                  int
	}{
		{"key-pkcs8.pem", "", "PKCS#8 PEM", "", "key-pkcs8.pem", 0},
		{"key-pkcs1.pem", "", "PKCS#1 PEM", "", "key-pkcs8.pem", 0},
		{"key-pkcs8-aes256.pem", "key-pass", "encrypted PKCS#8 PEM", "PBES2 AES-256-CBC", "key-pkcs8.pem", 0},
		{"key-pkcs8-des3.pem", "key-pass", "encrypted PKCS#8 PEM", "PBES2 DES-EDE3-CBC", "key-pkcs8.pem", 0},
		{"key-pkcs8-aes128.der", "key-pass", "encrypted PKCS#8 DER", "PBES2 AES-128-CBC", "key-pkcs8.pem", 0},
		{"key-legacy-des3.pem", "key-pass", "legacy encrypted PKCS#1 PEM", "legacy PEM DES-EDE3-CBC", "key-pkcs8.pem", 0},
		{"key-pbes1.pem", "key-pass", "encrypted PKCS#8 PEM", "PBE-SHA1-3DES", "key-pkcs8.pem", 0},
		{"key-pkcs8.der", "", "PKCS#8 DER", "", "key-pkcs8.pem", 0},
		{"key-pkcs1.der", "", "PKCS#1 DER", "", "key-pkcs8.pem", 0},
		{"key-bag-attributes.pem", "", "PKCS#8 PEM", "", "key-pkcs8.pem", 0},
		{"key-crlf.pem", "", "PKCS#8 PEM", "", "key-pkcs8.pem", 0},
		{"key-bom.pem", "", "PKCS#8 PEM", "", "key-pkcs8.pem", 0},
		{"key-utf16le.pem", "", "PKCS#8 PEM", "", "key-pkcs8.pem", 0},
		{"key-utf16be.pem", "", "PKCS#8 PEM", "", "key-pkcs8.pem", 0},
		{"key-and-cert.pem", "", "PKCS#8 PEM", "", "key-pkcs8.pem", 1},
		{"key-escaped.txt", "", "PKCS#8 PEM", "", "key-pkcs8.pem", 0},
		{"key-joined.txt", "", "PKCS#8 PEM", "", "key-pkcs8.pem", 0},
		{"key-base64.txt", "", "PKCS#8 PEM", "", "key-pkcs8.pem", 0},
		{"ec.pem", "", "PKCS#8 PEM", "", "ec.pem", 0},
		{"ec-sec1.pem", "", "SEC1 PEM", "", "", 0},
		{"ed25519.pem", "", "PKCS#8 PEM", "", "ed25519.pem", 0},
		{"rsa1024.pem", "", "PKCS#8 PEM", "", "rsa1024.pem", 0},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			var pw []byte
			if tt.password != "" {
				pw = []byte(tt.password)
			}
			k, err := ParseKey(readFixture(t, tt.file), pw)
			if err != nil {
				t.Fatalf("ParseKey: %v", err)
			}
			if k.Form != tt.form || k.Encryption != tt.encryption || k.Encrypted != (tt.encryption != "") {
				t.Errorf("form %q encryption %q, want %q %q", k.Form, k.Encryption, tt.form, tt.encryption)
			}
			if tt.want != "" && PublicKeySHA256(k.Signer.Public()) != fps[tt.want] {
				t.Errorf("fingerprint %s, want %s", PublicKeySHA256(k.Signer.Public()), fps[tt.want])
			}
			if len(k.Certificates) != tt.certs {
				t.Errorf("%d certificates, want %d", len(k.Certificates), tt.certs)
			}
		})
	}
}

func TestParseKeyFixtureErrors(t *testing.T) {
	tests := []struct {
		file, password string
		kind           error
		msg            string
	}{
		{"key-pkcs8-aes256.pem", "", ErrPasswordRequired, "encrypted and no password"},
		{"key-pkcs8-aes256.pem", "wrong", ErrWrongPassword, "does not decrypt"},
		{"key-pkcs8-des3.pem", "wrong", ErrWrongPassword, "does not decrypt"},
		{"key-legacy-des3.pem", "", ErrPasswordRequired, "encrypted and no password"},
		{"key-legacy-des3.pem", "wrong", ErrWrongPassword, "does not decrypt"},
		{"key-pbes1.pem", "wrong", ErrWrongPassword, "does not decrypt"},
		{"key-pbes1.pem", "", ErrPasswordRequired, "encrypted and no password"},
		{"dsa.pem", "", ErrUnsupported, "DSA"},
		{"cert.pem", "", ErrNoPrivateKey, "certificate, not a private key"},
		{"sf-export.jks", "", ErrNoPrivateKey, "JKS keystore, not a private key"},
		{"openssl.p12", "", ErrNoPrivateKey, "PKCS#12 keystore, not a private key"},
		{"empty.jks", "", ErrNoPrivateKey, "empty"},
	}
	pem := string(readFixture(t, "key-pkcs8.pem"))
	for _, tt := range tests {
		t.Run(tt.file+"/"+tt.msg, func(t *testing.T) {
			var pw []byte
			if tt.password != "" {
				pw = []byte(tt.password)
			}
			_, err := ParseKey(readFixture(t, tt.file), pw)
			if !errors.Is(err, tt.kind) || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("got %v, want %v containing %q", err, tt.kind, tt.msg)
			}
			assertNoKeyMaterial(t, err.Error()+hintOf(err), pem)
		})
	}
}

func hintOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Hint()
	}
	return ""
}

func TestDetectFixtures(t *testing.T) {
	tests := map[string]Format{
		"sf-export.jks":        FormatJKS,
		"truncated.jks":        FormatJKS,
		"keytool-default.jks":  FormatPKCS12,
		"openssl.p12":          FormatPKCS12,
		"multi.p12":            FormatPKCS12,
		"truncated.p12":        FormatPKCS12,
		"crlf.p12":             FormatPKCS12,
		"damaged.p12":          FormatPKCS12,
		"store.jceks":          FormatJCEKS,
		"empty.jks":            FormatEmpty,
		"key-pkcs8.pem":        FormatPEM,
		"key-escaped.txt":      FormatPEM,
		"key-base64.txt":       FormatPEM,
		"key-bom.pem":          FormatPEM,
		"key-utf16le.pem":      FormatPEM,
		"key-utf16be.pem":      FormatPEM,
		"key-pkcs8.der":        FormatDERKey,
		"key-pkcs1.der":        FormatDERKey,
		"key-pkcs8-aes128.der": FormatDERKey,
		"cert.der":             FormatDERCertificate,
		"generate.sh":          FormatUnknown,
	}
	for file, want := range tests {
		if got := Detect(readFixture(t, file)); got != want {
			t.Errorf("Detect(%s) = %v, want %v", file, got, want)
		}
	}
}

func TestCertificateFingerprintsMatchOpenSSL(t *testing.T) {
	fps := oracle(t)
	for _, file := range []string{"cert.pem", "cert.der"} {
		certs, err := ParseCertificates(readFixture(t, file))
		if err != nil || len(certs) != 1 {
			t.Fatalf("%s: %d certificates, %v", file, len(certs), err)
		}
		if got := CertSHA256(certs[0]); got != fps["cert.pem-sha256"] {
			t.Errorf("%s SHA-256 %s, want %s", file, got, fps["cert.pem-sha256"])
		}
		if got := CertSHA1(certs[0]); got != fps["cert.pem-sha1"] {
			t.Errorf("%s SHA-1 %s, want %s", file, got, fps["cert.pem-sha1"])
		}
		if got := PublicKeySHA256(certs[0].PublicKey); got != fps["cert.pem"] {
			t.Errorf("%s public key %s, want %s", file, got, fps["cert.pem"])
		}
	}
}

func TestEncryption(t *testing.T) {
	tests := map[string]string{
		"key-pkcs8-aes256.pem": "PBES2 AES-256-CBC",
		"key-pkcs8-des3.pem":   "PBES2 DES-EDE3-CBC",
		"key-pkcs8-aes128.der": "PBES2 AES-128-CBC",
		"key-legacy-des3.pem":  "legacy PEM DES-EDE3-CBC",
		"key-pbes1.pem":        "PBE-SHA1-3DES",
		"key-pkcs8.pem":        "",
		"cert.pem":             "",
		"sf-export.jks":        "",
	}
	for file, want := range tests {
		if got := Encryption(readFixture(t, file)); got != want {
			t.Errorf("Encryption(%s) = %q, want %q", file, got, want)
		}
	}
}

// TestParseKeyOtherPBES1: the PBES1 schemes that are not PKCS#12's (MD5 or
// SHA-1 with single DES) are named as unsupported, with the fix.
func TestParseKeyOtherPBES1(t *testing.T) {
	info := encryptedKeyInfo{Data: make([]byte, 64)}
	info.Algorithm.Algorithm = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 3} // pbeWithMD5AndDES-CBC
	info.Algorithm.Parameters = asn1.RawValue{FullBytes: []byte{0x30, 0x0D, 0x04, 0x08, 1, 2, 3, 4, 5, 6, 7, 8, 0x02, 0x01, 0x01}}
	der, err := asn1.Marshal(info)
	if err != nil {
		t.Fatal(err)
	}
	_, err = ParseKey(der, []byte("pw"))
	if !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), "PBES1") || !strings.Contains(hintOf(err), "openssl pkey") {
		t.Fatalf("got %v (hint %q)", err, hintOf(err))
	}
	if got := Encryption(der); got != "PBES1" {
		t.Errorf("Encryption = %q, want PBES1", got)
	}
}

// TestSeveralKeysHint: the hint for several keys speaks of the certificate
// only when the input holds one.
func TestSeveralKeysHint(t *testing.T) {
	key, small, cert := readFixture(t, "key-pkcs8.pem"), readFixture(t, "rsa1024.pem"), readFixture(t, "cert.pem")
	_, err := ParseKey(append(append([]byte{}, key...), small...), nil)
	if h := hintOf(err); !errors.Is(err, ErrUnsupported) || strings.Contains(h, "certificate") {
		t.Errorf("two keys: %v, hint %q", err, h)
	}
	_, err = ParseKey(append(append(append([]byte{}, cert...), key...), small...), nil)
	if h := hintOf(err); !strings.Contains(h, "belongs to the certificate") {
		t.Errorf("two keys and a certificate: %v, hint %q", err, h)
	}
}

// TestParseKeyPutsItsCertificateFirst: in a PEM file where another
// certificate comes before the key's own (cat other.crt kolleno.crt
// kolleno.key), the key's comes first, the other after it.
func TestParseKeyPutsItsCertificateFirst(t *testing.T) {
	var pem []byte
	for _, f := range []string{"other-cert.pem", "cert.pem", "key-pkcs8.pem"} {
		pem = append(pem, readFixture(t, f)...)
	}
	k, err := ParseKey(pem, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(k.Certificates) != 2 {
		t.Fatalf("%d certificates, want 2", len(k.Certificates))
	}
	if !Matches(k.Signer, k.Certificates[0]) || k.Certificates[1].Subject.CommonName != "other" {
		t.Errorf("certificates %s, %s: want the key's first, then CN=other",
			k.Certificates[0].Subject, k.Certificates[1].Subject)
	}
}

func TestDecodeText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"\xef\xbb\xbfpw\r\n", "pw\r\n"},
		{"\xff\xfep\x00\xe4\x00\r\x00\n\x00", "p\u00e4\r\n"},
		{"\xfe\xff\x00p\x01\x42", "p\u0142"},
		{"\xff\xfep\x00w", "\xff\xfep\x00w"},                                     // odd length: not UTF-16
		{"\xfe\xed\xfe\xed\x00\x00\x00\x02", "\xfe\xed\xfe\xed\x00\x00\x00\x02"}, // JKS
		{"plain", "plain"},
	}
	for _, tt := range tests {
		if got := string(DecodeText([]byte(tt.in))); got != tt.want {
			t.Errorf("DecodeText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
