package keystore

import (
	"bufio"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

const fixturePassword = "kolleno-pass"

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// oracle returns the public key fingerprints generate.sh had OpenSSL compute.
func oracle(t testing.TB) map[string]string {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "fingerprints.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if name, fp, ok := strings.Cut(sc.Text(), " "); ok {
			m[name] = fp
		}
	}
	return m
}

func TestOpenAndExtract(t *testing.T) {
	fps := oracle(t)
	tests := []struct {
		file, password, alias, keyPassword string
		format                             Format
		entries                            []string // alias:kind initial
		want                               string   // oracle name of the extracted key
	}{
		{"sf-export.jks", fixturePassword, "", "", FormatJKS, []string{"kolleno_jwt:p"}, "sf-export.jks:kolleno_jwt"},
		{"sf-export.jks", fixturePassword, "KOLLENO_JWT", "", FormatJKS, []string{"kolleno_jwt:p"}, "sf-export.jks:kolleno_jwt"},
		{"multi.jks", fixturePassword, "billing_cert", "", FormatJKS, []string{"billing_cert:p", "kolleno_jwt:p", "partner_ca:t"}, "multi.jks:billing_cert"},
		{"keypass.jks", fixturePassword, "", "other-pass", FormatJKS, []string{"kolleno_jwt:p"}, "keypass.jks:kolleno_jwt"},
		{"mixedcase.jks", fixturePassword, "kolleno_jwt_mixed", "", FormatJKS, []string{"Kolleno_JWT_Mixed:p"}, "mixedcase.jks:Kolleno_JWT_Mixed"},
		{"ec.jks", fixturePassword, "", "", FormatJKS, []string{"ec_key:p"}, "ec.jks:ec_key"},
		{"rsa1024.jks", fixturePassword, "", "", FormatJKS, []string{"small_key:p"}, "rsa1024.jks:small_key"},
		{"nonascii-latin1.jks", "pässwörd-Ä1", "", "", FormatJKS, []string{"kolleno_jwt:p"}, "nonascii-latin1.jks:kolleno_jwt"},
		{"nonascii-latin1.jks", "p\xe4ssw\xf6rd-\xc41", "", "", FormatJKS, []string{"kolleno_jwt:p"}, "nonascii-latin1.jks:kolleno_jwt"},
		{"nonascii-wide.jks", "zażółć-€uro", "", "", FormatJKS, []string{"kolleno_jwt:p"}, "nonascii-wide.jks:kolleno_jwt"},
		{"keytool-default.jks", fixturePassword, "", "", FormatPKCS12, []string{"kolleno_jwt:p"}, "keytool-default.jks:kolleno_jwt"},
		{"openssl.p12", fixturePassword, "", "", FormatPKCS12, []string{"kolleno_jwt:p"}, "key-pkcs8.pem"},
		{"openssl-legacy.p12", fixturePassword, "", "", FormatPKCS12, []string{"kolleno_jwt:p"}, "key-pkcs8.pem"},
		{"multi.p12", fixturePassword, "Kolleno_JWT", "", FormatPKCS12, []string{"billing_cert:p", "kolleno_jwt:p", "partner_ca:t"}, "multi.jks:kolleno_jwt"},
		{"p12-nomac.p12", fixturePassword, "", "", FormatPKCS12, []string{"kolleno_jwt:p"}, "key-pkcs8.pem"},
		{"p12-des3.p12", fixturePassword, "", "", FormatPKCS12, []string{"kolleno_jwt:p"}, "key-pkcs8.pem"},
		{"p12-sha384.p12", fixturePassword, "", "", FormatPKCS12, []string{"kolleno_jwt:p"}, "key-pkcs8.pem"},
		{"p12-noname.p12", fixturePassword, "", "", FormatPKCS12, []string{":p"}, "key-pkcs8.pem"},
		{"secret-key.p12", fixturePassword, "", "", FormatPKCS12, []string{"aes_key:s", "kolleno_jwt:p"}, "secret-key.p12:kolleno_jwt"},
		{"escapes.p12", fixturePassword, "", "", FormatPKCS12, []string{"evil\x1b[2Jalias:p"}, "key-pkcs8.pem"},
	}
	for _, tt := range tests {
		t.Run(tt.file+"/"+tt.alias, func(t *testing.T) {
			s, err := Open(readFixture(t, tt.file), []byte(tt.password))
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			if s.Format != tt.format || !s.Verified {
				t.Errorf("format %v verified %v, want %v verified", s.Format, s.Verified, tt.format)
			}
			if got := entryList(s); strings.Join(got, " ") != strings.Join(tt.entries, " ") {
				t.Errorf("entries %v, want %v", got, tt.entries)
			}
			e, err := s.Select(tt.alias)
			if err != nil {
				t.Fatalf("Select: %v", err)
			}
			var kp []byte
			if tt.keyPassword != "" {
				kp = []byte(tt.keyPassword)
			}
			k, err := s.Key(e, kp)
			if err != nil {
				t.Fatalf("Key: %v", err)
			}
			if got := PublicKeySHA256(k.Signer.Public()); got != fps[tt.want] {
				t.Errorf("key fingerprint %s, want %s (OpenSSL)", got, fps[tt.want])
			}
			if len(k.Certificates) == 0 || !Matches(k.Signer, k.Certificates[0]) {
				t.Error("the entry's first certificate does not belong to its key")
			}
		})
	}
}

func entryList(s *Store) []string {
	var out []string
	for _, e := range s.Entries {
		out = append(out, e.Alias+":"+string(e.Kind)[:1])
	}
	return out
}

func TestOpenErrors(t *testing.T) {
	tests := []struct {
		file, password, alias, keyPassword string
		kind                               error
		msg                                string
	}{
		{"sf-export.jks", "wrong-pass", "", "", ErrWrongPassword, "wrong, or the file is damaged"},
		{"corrupt.jks", fixturePassword, "", "", ErrWrongPassword, "wrong, or the file is damaged"},
		{"truncated.jks", fixturePassword, "", "", ErrDamaged, "cut short"},
		{"empty.jks", fixturePassword, "", "", ErrDamaged, "empty"},
		{"nonascii-wide.jks", "zazolc-euro", "", "", ErrWrongPassword, "wrong"},
		{"keypass.jks", fixturePassword, "", "", ErrWrongPassword, "has a different password"},
		{"keypass.jks", fixturePassword, "", "nope", ErrWrongPassword, "neither the key password nor the keystore password"},
		{"multi.jks", fixturePassword, "", "", ErrAmbiguous, "2 private keys"},
		{"multi.jks", fixturePassword, "nope", "", ErrEntryNotFound, `no entry with alias "nope"`},
		{"multi.jks", fixturePassword, "Partner_CA", "", ErrNoPrivateKey, "trusted certificate, not a private key"},
		{"trusted-only.jks", fixturePassword, "", "", ErrNoPrivateKey, "holds no private key; it holds: partner_ca (trusted certificate;"},
		{"multi.p12", fixturePassword, "", "", ErrAmbiguous, "2 private keys"},
		{"openssl.p12", "wrong-pass", "", "", ErrWrongPassword, "password is wrong, or the file is damaged"},
		{"keytool-default.jks", "wrong-pass", "", "", ErrWrongPassword, "password is wrong, or the file is damaged"},
		{"p12-nomac.p12", "wrong-pass", "", "", ErrWrongPassword, "password is wrong, or the file is damaged"},
		{"damaged.p12", fixturePassword, "", "", ErrDamaged, "the keystore password is right, but the file is damaged: its integrity check (MAC) fails"},
		{"damaged.p12", "wrong-pass", "", "", ErrWrongPassword, "password is wrong, or the file is damaged"},
		{"truncated.p12", fixturePassword, "", "", ErrDamaged, "the keystore is cut short or damaged: it has 1200 of the"},
		{"truncated.p12", "", "", "", ErrDamaged, "cut short"},
		{"crlf.p12", fixturePassword, "", "", ErrDamaged, "it was copied as text, which turned its line ends into CRLF"},
		{"p12-rc4.p12", fixturePassword, "", "", ErrUnsupported, "encrypted in a way kollenoctl does not read (algorithm 1.2.840.113549.1.12.1.1)"},
		{"store.jceks", fixturePassword, "", "", ErrUnsupported, "JCEKS"},
		{"store.jceks", "wrong-pass", "", "", ErrWrongPassword, "wrong"},
		{"key-pkcs8.pem", fixturePassword, "", "", ErrUnsupported, "not a keystore"},
		{"cert.der", fixturePassword, "", "", ErrUnsupported, "not a keystore"},
	}
	for _, tt := range tests {
		t.Run(tt.file+"/"+tt.msg, func(t *testing.T) {
			err := openSelectKey(readFixture(t, tt.file), tt.password, tt.alias, tt.keyPassword)
			if !errors.Is(err, tt.kind) || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("got %v, want %v containing %q", err, tt.kind, tt.msg)
			}
			var e *Error
			if !errors.As(err, &e) || e.Hint() == "" {
				t.Errorf("no hint on %v", err)
			}
		})
	}
}

// TestPKCS12ErrorHints: the hints of the PKCS#12 failures an admin can fix
// by converting or copying the file name the way to do it.
func TestPKCS12ErrorHints(t *testing.T) {
	tests := map[string]string{
		"p12-rc4.p12":   "keytool -importkeystore -srckeystore <keystore> -srcstoretype PKCS12 -destkeystore converted.p12 -deststoretype PKCS12",
		"truncated.p12": "copy the keystore again as a binary file",
		"crlf.p12":      "a copy in text mode",
	}
	for file, want := range tests {
		_, err := Open(readFixture(t, file), []byte(fixturePassword))
		if !strings.Contains(hintOf(err), want) {
			t.Errorf("%s: hint %q, want it to contain %q", file, hintOf(err), want)
		}
	}
}

func openSelectKey(data []byte, password, alias, keyPassword string) error {
	s, err := Open(data, []byte(password))
	if err != nil {
		return err
	}
	e, err := s.Select(alias)
	if err != nil {
		return err
	}
	var kp []byte
	if keyPassword != "" {
		kp = []byte(keyPassword)
	}
	_, err = s.Key(e, kp)
	return err
}

func TestOpenWithoutPassword(t *testing.T) {
	tests := []struct {
		file    string
		entries []string
	}{
		{"multi.jks", []string{"billing_cert:p", "kolleno_jwt:p", "partner_ca:t"}},
		{"store.jceks", []string{"kolleno_jwt:p"}},
		{"multi.p12", []string{"billing_cert:p", "kolleno_jwt:p"}},
	}
	for _, tt := range tests {
		s, err := Open(readFixture(t, tt.file), nil)
		if err != nil {
			t.Fatalf("%s: %v", tt.file, err)
		}
		if got := entryList(s); s.Verified || strings.Join(got, " ") != strings.Join(tt.entries, " ") {
			t.Errorf("%s: verified %v, entries %v, want unverified %v", tt.file, s.Verified, got, tt.entries)
		}
		if _, err := s.Key(s.PrivateKeys()[0], nil); !errors.Is(err, ErrPasswordRequired) {
			t.Errorf("%s: Key without password: %v", tt.file, err)
		}
	}
}

func TestOpenBase64Keystore(t *testing.T) {
	wrapped := []byte(base64.StdEncoding.EncodeToString(readFixture(t, "sf-export.jks")) + "\n")
	s, err := Open(wrapped, []byte(fixturePassword))
	if err != nil || s.Format != FormatJKS || len(s.Entries) != 1 {
		t.Fatalf("Open(base64 of JKS): %v", err)
	}
}

// TestCraftedLengthsAreBounded: a 50-byte JKS whose key length field says
// 2 GiB is refused as cut short without allocating anything like it.
// (keystore-go alone allocates the full length before reading.)
func TestCraftedLengthsAreBounded(t *testing.T) {
	crafted := []byte{
		0xFE, 0xED, 0xFE, 0xED, 0, 0, 0, 2, 0, 0, 0, 1, // magic, version 2, one entry
		0, 0, 0, 1, 0, 1, 'a', // private key entry, alias "a"
		0, 0, 0, 0, 0, 0, 0, 0, // created
		0x7F, 0xFF, 0xFF, 0xF0, // key length: 2 GiB
	}
	crafted = append(crafted, make([]byte, 20)...)

	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := Open(crafted, []byte(fixturePassword))
	runtime.ReadMemStats(&after)

	if !errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), "cut short") {
		t.Fatalf("got %v, want a cut-short error", err)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<20 {
		t.Errorf("opening a %d-byte file allocated %d bytes", len(crafted), grew)
	}
}

// TestEmptyPasswordIsAPassword: nil means "not given", but an empty
// password is checked like any other.
func TestEmptyPasswordIsAPassword(t *testing.T) {
	_, err := Open(readFixture(t, "sf-export.jks"), []byte{})
	if !errors.Is(err, ErrWrongPassword) {
		t.Fatalf("got %v, want ErrWrongPassword", err)
	}
}

// TestOpenLegacyMultiKeyPKCS12: a PKCS#12 with several keys in Java 8's
// algorithms: 3DES keys, certificates encrypted with RC2-40. Every key
// comes with its certificate, and the trusted certificate is listed.
func TestOpenLegacyMultiKeyPKCS12(t *testing.T) {
	fps := oracle(t)
	s, err := Open(readFixture(t, "multi-legacy.p12"), []byte(fixturePassword))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(entryList(s), " "); got != "billing_cert:p kolleno_jwt:p partner_ca:t" {
		t.Errorf("entries %s", got)
	}
	for _, alias := range []string{"kolleno_jwt", "billing_cert"} {
		e, err := s.Select(alias)
		if err != nil {
			t.Fatal(err)
		}
		if len(e.Certificates) != 1 {
			t.Fatalf("%s: %d certificates, want 1", alias, len(e.Certificates))
		}
		k, err := s.Key(e, nil)
		if err != nil {
			t.Fatal(err)
		}
		want := fps["multi.jks:"+alias]
		if got := PublicKeySHA256(k.Signer.Public()); got != want {
			t.Errorf("%s: key fingerprint %s, want %s", alias, got, want)
		}
		if got := PublicKeySHA256(k.Certificates[0].PublicKey); got != want {
			t.Errorf("%s: certificate fingerprint %s, want %s", alias, got, want)
		}
		if _, err := s.Key(e, []byte("wrong")); err != nil {
			t.Errorf("a wrong key password should fall back to the store password: %v", err)
		}
	}
}

// TestPBMAC1: the PBMAC1 test vectors of RFC 9579 appendix A, password
// 1234: A.1 is sound; A.4 has a wrong iteration count, so its MAC fails
// although the password decrypts it.
func TestPBMAC1(t *testing.T) {
	a1, a4 := rfcVector(t, "rfc9579-a1.p12.b64"), rfcVector(t, "rfc9579-a4.p12.b64")
	s, err := Open(a1, []byte("1234"))
	if err != nil || !s.Verified || len(s.PrivateKeys()) != 1 {
		t.Fatalf("A.1: %v", err)
	}
	if _, err := Open(a1, []byte("4321")); !errors.Is(err, ErrWrongPassword) {
		t.Errorf("A.1 with a wrong password: %v", err)
	}
	if _, err := Open(a4, []byte("1234")); !errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), "MAC") {
		t.Errorf("A.4: %v, want a damaged-file error about the MAC", err)
	}
}

func rfcVector(t *testing.T, name string) []byte {
	t.Helper()
	der, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(string(readFixture(t, name))), ""))
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func TestShellWord(t *testing.T) {
	tests := map[string]string{"kolleno_jwt": "kolleno_jwt", "my key": "'my key'", "it's": `'it'\''s'`, "": "''", "zażółć": "'zażółć'"}
	for in, want := range tests {
		if got := shellWord(in); got != want {
			t.Errorf("shellWord(%q) = %s, want %s", in, got, want)
		}
	}
}
