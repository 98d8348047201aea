package keystore

import (
	"crypto/sha1"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// The fuzz targets are seeded with every fixture, so `go test` runs each
// seed once; `make fuzz` runs them for longer. Each checks that no input
// makes the parsers panic, and that every failure is an *Error, which is
// what carries a hint and keeps library messages (and input bytes) out of
// what the user sees.

func addFixtures(f *testing.F) {
	f.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "*"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}

func requireOurError(t *testing.T, err error) {
	t.Helper()
	var e *Error
	if err != nil && !errors.As(err, &e) {
		t.Fatalf("error is not a *keystore.Error: %T %v", err, err)
	}
}

func FuzzDetect(f *testing.F) {
	addFixtures(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		if s := Detect(data).String(); s == "" {
			t.Fatal("Detect gave a nameless format")
		}
		_ = Encryption(data)
	})
}

func FuzzParseKey(f *testing.F) {
	addFixtures(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, pw := range [][]byte{nil, []byte("key-pass")} {
			k, err := ParseKey(data, pw)
			requireOurError(t, err)
			if err == nil && (k.Signer == nil || k.Algorithm == "") {
				t.Fatal("ParseKey returned an empty key without an error")
			}
		}
		_, err := ParseCertificates(data)
		requireOurError(t, err)
	})
}

// FuzzOpenJKS re-signs the store digest of every JKS input before opening
// it, so that the fuzzer reaches the entries and keys rather than stopping
// at the digest.
func FuzzOpenJKS(f *testing.F) {
	addFixtures(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > sha1.Size && javaFormat(data) == FormatJKS {
			data = resignJKS(data, fixturePassword)
		}
		openAll(t, data)
	})
}

func resignJKS(data []byte, password string) []byte {
	out := append([]byte{}, data...)
	body := out[:len(out)-sha1.Size]
	h := sha1.New()
	h.Write(javaPasswordBytes(javaChars([]byte(password))))
	h.Write([]byte("Mighty Aphrodite"))
	h.Write(body)
	copy(out[len(body):], h.Sum(nil))
	return out
}

func FuzzOpenPKCS12(f *testing.F) {
	addFixtures(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		openAll(t, data)
	})
}

// openAll opens data with and without the fixtures' password and tries to
// read every private key in it.
func openAll(t *testing.T, data []byte) {
	for _, pw := range [][]byte{nil, []byte(fixturePassword)} {
		s, err := Open(data, pw)
		requireOurError(t, err)
		if err != nil {
			continue
		}
		_, err = s.Select("")
		requireOurError(t, err)
		for _, e := range s.PrivateKeys() {
			_, err := s.Key(e, nil)
			requireOurError(t, err)
			_ = e.Summary()
		}
	}
}
