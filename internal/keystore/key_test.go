package keystore

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"math/big"
	"strings"
	"sync"
	"testing"
	"time"
)

var (
	testKeysOnce sync.Once
	testRSA      *rsa.PrivateKey
	testEC       *ecdsa.PrivateKey
	testEd       ed25519.PrivateKey
	testCertDER  []byte
)

// keys returns keys made once per test binary: an RSA key takes a while.
func keys(t testing.TB) (*rsa.PrivateKey, *ecdsa.PrivateKey, ed25519.PrivateKey, []byte) {
	t.Helper()
	testKeysOnce.Do(func() {
		var err error
		if testRSA, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
		if testEC, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
			panic(err)
		}
		if _, testEd, err = ed25519.GenerateKey(rand.Reader); err != nil {
			panic(err)
		}
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(1),
			Subject:      pkix.Name{CommonName: "test"},
			NotBefore:    time.Now().Add(-time.Hour),
			NotAfter:     time.Now().Add(time.Hour),
		}
		if testCertDER, err = x509.CreateCertificate(rand.Reader, tmpl, tmpl, &testRSA.PublicKey, testRSA); err != nil {
			panic(err)
		}
	})
	return testRSA, testEC, testEd, testCertDER
}

func pemOf(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

func TestParseKeyForms(t *testing.T) {
	rsaKey, ecKey, edKey, certDER := keys(t)
	pkcs8, _ := x509.MarshalPKCS8PrivateKey(rsaKey)
	pkcs1 := x509.MarshalPKCS1PrivateKey(rsaKey)
	sec1, _ := x509.MarshalECPrivateKey(ecKey)
	edPKCS8, _ := x509.MarshalPKCS8PrivateKey(edKey)
	p8 := pemOf("PRIVATE KEY", pkcs8)
	certPEM := pemOf("CERTIFICATE", certDER)
	escaped := strings.ReplaceAll(string(p8), "\n", `\n`)
	joined := strings.ReplaceAll(strings.TrimSpace(string(p8)), "\n", " ")

	tests := []struct {
		name      string
		in        []byte
		algorithm string
		form      string
		certs     int
	}{
		{"PKCS#8 PEM", p8, "RSA", "PKCS#8 PEM", 0},
		{"PKCS#1 PEM", pemOf("RSA PRIVATE KEY", pkcs1), "RSA", "PKCS#1 PEM", 0},
		{"SEC1 after EC PARAMETERS", append(pemOf("EC PARAMETERS", []byte{6, 8, 42, 134, 72, 206, 61, 3, 1, 7}), pemOf("EC PRIVATE KEY", sec1)...), "ECDSA", "SEC1 PEM", 0},
		{"Ed25519", pemOf("PRIVATE KEY", edPKCS8), "Ed25519", "PKCS#8 PEM", 0},
		{"PKCS#8 DER", pkcs8, "RSA", "PKCS#8 DER", 0},
		{"PKCS#1 DER", pkcs1, "RSA", "PKCS#1 DER", 0},
		{"CRLF", bytes.ReplaceAll(p8, []byte("\n"), []byte("\r\n")), "RSA", "PKCS#8 PEM", 0},
		{"BOM", append([]byte("\xEF\xBB\xBF"), p8...), "RSA", "PKCS#8 PEM", 0},
		{"Bag Attributes", append([]byte("Bag Attributes\n    friendlyName: kolleno\nKey Attributes: <No Attributes>\n"), p8...), "RSA", "PKCS#8 PEM", 0},
		{"key and certificate", append(append([]byte{}, certPEM...), p8...), "RSA", "PKCS#8 PEM", 1},
		{"escaped newlines", []byte(escaped), "RSA", "PKCS#8 PEM", 0},
		{"quoted escaped newlines", []byte(`"` + escaped + `"`), "RSA", "PKCS#8 PEM", 0},
		{"joined lines", []byte(joined), "RSA", "PKCS#8 PEM", 0},
		{"base64 of PEM", []byte(base64.StdEncoding.EncodeToString(p8) + "\n"), "RSA", "PKCS#8 PEM", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := ParseKey(tt.in, nil)
			if err != nil {
				t.Fatalf("ParseKey: %v", err)
			}
			if k.Algorithm != tt.algorithm || k.Form != tt.form || len(k.Certificates) != tt.certs {
				t.Errorf("got %s / %q / %d certificates, want %s / %q / %d",
					k.Algorithm, k.Form, len(k.Certificates), tt.algorithm, tt.form, tt.certs)
			}
			if k.Encrypted {
				t.Error("Encrypted is true for a plain key")
			}
		})
	}
}

func TestParseKeyLegacyEncrypted(t *testing.T) {
	rsaKey, _, _, _ := keys(t)
	//lint:ignore SA1019 the test makes the legacy form the loader must read
	b, err := x509.EncryptPEMBlock(rand.Reader, "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rsaKey), []byte("secret"), x509.PEMCipherAES256) //nolint:staticcheck
	if err != nil {
		t.Fatal(err)
	}
	in := pem.EncodeToMemory(b)

	if _, err := ParseKey(in, nil); !errors.Is(err, ErrPasswordRequired) {
		t.Errorf("no password: got %v, want ErrPasswordRequired", err)
	}
	if _, err := ParseKey(in, []byte("wrong")); !errors.Is(err, ErrWrongPassword) {
		t.Errorf("wrong password: got %v, want ErrWrongPassword", err)
	}
	k, err := ParseKey(bytes.ReplaceAll(in, []byte("\n"), []byte("\r\n")), []byte("secret"))
	if err != nil {
		t.Fatalf("right password, CRLF: %v", err)
	}
	if !k.Encrypted || !k.RSA.Equal(rsaKey) || k.Encryption != "legacy PEM AES-256-CBC" {
		t.Errorf("got Encrypted=%v Encryption=%q, equal=%v", k.Encrypted, k.Encryption, k.RSA.Equal(rsaKey))
	}
}

func TestParseKeyErrors(t *testing.T) {
	rsaKey, _, _, certDER := keys(t)
	p8, _ := x509.MarshalPKCS8PrivateKey(rsaKey)
	good := string(pemOf("PRIVATE KEY", p8))
	lines := strings.Split(good, "\n")

	tests := []struct {
		name string
		in   string
		kind error
		msg  string
	}{
		{"empty", "", ErrNoPrivateKey, "empty"},
		{"certificate only", string(pemOf("CERTIFICATE", certDER)), ErrNoPrivateKey, "certificate, not a private key"},
		{"DER certificate", string(certDER), ErrNoPrivateKey, "certificate, not a private key"},
		{"public key", string(pemOf("PUBLIC KEY", []byte{1, 2, 3})), ErrNoPrivateKey, "it holds: PUBLIC KEY"},
		{"no END line", strings.Join(lines[:10], "\n"), ErrDamaged, "no END line"},
		{"END line of another type", strings.Replace(good, "END PRIVATE", "END RSA PRIVATE", 1), ErrDamaged, `BEGIN line says "PRIVATE KEY" but the END line says "RSA PRIVATE KEY"`},
		{"four dashes", strings.Replace(good, "-----BEGIN", "----BEGIN", 1), ErrDamaged, "BEGIN line is malformed"},
		{"not base64", strings.Replace(good, lines[3], lines[3][:10]+"*"+lines[3][11:], 1), ErrDamaged, "not valid base64"},
		{"damaged DER", strings.Replace(good, lines[3], strings.Repeat("A", len(lines[3])), 1), ErrDamaged, "damaged"},
		{"two keys", good + good, ErrUnsupported, "2 private keys"},
		{"DSA", "-----BEGIN DSA PRIVATE KEY-----\nAAAA\n-----END DSA PRIVATE KEY-----\n", ErrUnsupported, "DSA"},
		{"OpenSSH", "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n", ErrUnsupported, "OpenSSH"},
		{"JKS", "\xFE\xED\xFE\xED\x00\x00\x00\x02", ErrNoPrivateKey, "JKS keystore"},
		{"text", "hello, this is not a key at all\n", ErrNoPrivateKey, "neither PEM nor a DER key"},
		{"too large", strings.Repeat("A", MaxInputSize+1), ErrTooLarge, "more than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseKey([]byte(tt.in), nil)
			if !errors.Is(err, tt.kind) {
				t.Fatalf("got %v, want kind %v", err, tt.kind)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("message %q does not contain %q", err, tt.msg)
			}
			var e *Error
			if !errors.As(err, &e) || e.Hint() == "" {
				t.Errorf("no hint on %v", err)
			}
			assertNoKeyMaterial(t, err.Error()+e.Hint(), good)
		})
	}
}

// assertNoKeyMaterial fails if text holds any 16-character run of the
// base64 body of pemText.
func assertNoKeyMaterial(t *testing.T, text, pemText string) {
	t.Helper()
	for _, line := range strings.Split(pemText, "\n") {
		if strings.HasPrefix(line, "-----") || len(line) < 16 {
			continue
		}
		for i := 0; i+16 <= len(line); i += 8 {
			if strings.Contains(text, line[i:i+16]) {
				t.Fatalf("output holds key material: %q", text)
			}
		}
	}
}

func TestForJWT(t *testing.T) {
	rsaKey, ecKey, _, _ := keys(t)
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		key  *Key
		msg  string
	}{
		{"RSA 2048", mustKey(t, rsaKey), ""},
		{"RSA 1024", mustKey(t, small), "RSA of 1024 bits"},
		{"ECDSA", mustKey(t, ecKey), "ECDSA P-256"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.key.ForJWT()
			if tt.msg == "" {
				if err != nil || got == nil {
					t.Fatalf("got %v, %v", got, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.msg) || !errors.Is(err, ErrUnsupported) {
				t.Fatalf("got %v, want an ErrUnsupported naming %q", err, tt.msg)
			}
		})
	}
}

func mustKey(t *testing.T, priv any) *Key {
	t.Helper()
	k, err := newKey(priv, "test")
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestFingerprintsAndMatch(t *testing.T) {
	rsaKey, ecKey, _, certDER := keys(t)
	cert, err := x509.ParseCertificate(certDER)
	if err != nil {
		t.Fatal(err)
	}
	if got := CertSHA256(cert); len(got) != 32*3-1 || strings.ToUpper(got) != got || got[2] != ':' {
		t.Errorf("CertSHA256 = %q", got)
	}
	if got := CertSHA1(cert); len(got) != 20*3-1 {
		t.Errorf("CertSHA1 = %q", got)
	}
	if PublicKeySHA256(rsaKey.Public()) != PublicKeySHA256(cert.PublicKey) {
		t.Error("key and certificate public key fingerprints differ")
	}
	if !Matches(rsaKey, cert) || Matches(ecKey, cert) {
		t.Error("Matches is wrong")
	}
	certs, err := ParseCertificates(append(pemOf("CERTIFICATE", certDER), pemOf("CERTIFICATE", certDER)...))
	if err != nil || len(certs) != 2 {
		t.Errorf("ParseCertificates: %d, %v", len(certs), err)
	}
	if _, err := ParseCertificates(certDER); err != nil {
		t.Errorf("ParseCertificates DER: %v", err)
	}
}
