package certgen

import (
	"bytes"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/kolleno/kollenoctl/internal/keystore"
)

var testNow = time.Date(2026, 3, 14, 15, 9, 26, 535897932, time.UTC)

func TestGenerate(t *testing.T) {
	tests := []struct {
		bits int
		days int
		cn   string
	}{
		{2048, 365, DefaultCommonName},
		{3072, 1, "Acme Ltd"},
		{4096, MaxDays, "Société Générale – Kolleno"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d-%d", tt.bits, tt.days), func(t *testing.T) {
			t.Parallel()
			opts := Options{Bits: tt.bits, Days: tt.days, CommonName: tt.cn, Now: testNow}
			p, err := Generate(opts)
			if err != nil {
				t.Fatalf("Generate: %v", err)
			}

			checkKey(t, p, tt.bits)
			checkCert(t, p.Cert, opts)
			checkPEM(t, p)
		})
	}
}

func checkKey(t *testing.T, p *Pair, bits int) {
	t.Helper()
	if got := p.Key.N.BitLen(); got != bits {
		t.Errorf("key size = %d bits, want %d", got, bits)
	}
	if err := p.Key.Validate(); err != nil {
		t.Errorf("key does not validate: %v", err)
	}
	if !keystore.Matches(p.Key, p.Cert) {
		t.Errorf("certificate's public key is not the key's")
	}
}

func checkCert(t *testing.T, c *x509.Certificate, opts Options) {
	t.Helper()
	now := opts.Now.Truncate(time.Second)
	if c.Version != 3 {
		t.Errorf("version = %d, want 3", c.Version)
	}
	if c.SignatureAlgorithm != x509.SHA256WithRSA {
		t.Errorf("signature algorithm = %v, want SHA256-RSA", c.SignatureAlgorithm)
	}
	if c.Subject.CommonName != opts.CommonName || c.Issuer.CommonName != opts.CommonName {
		t.Errorf("subject %q, issuer %q; want both %q", c.Subject, c.Issuer, opts.CommonName)
	}
	if want := now.Add(-time.Minute); !c.NotBefore.Equal(want) {
		t.Errorf("not before = %v, want %v", c.NotBefore, want)
	}
	if want := now.AddDate(0, 0, opts.Days); !c.NotAfter.Equal(want) {
		t.Errorf("not after = %v, want %v", c.NotAfter, want)
	}
	checkExtensions(t, c)

	// CheckSignatureFrom would refuse a parent that is no CA; the signature
	// itself is what must hold.
	if err := c.CheckSignature(c.SignatureAlgorithm, c.RawTBSCertificate, c.Signature); err != nil {
		t.Errorf("certificate is not validly self-signed: %v", err)
	}
}

func checkExtensions(t *testing.T, c *x509.Certificate) {
	t.Helper()
	if c.KeyUsage != x509.KeyUsageDigitalSignature {
		t.Errorf("key usage = %v, want digitalSignature only", c.KeyUsage)
	}
	if !c.BasicConstraintsValid || c.IsCA {
		t.Errorf("basic constraints valid=%v CA=%v, want present and CA:false",
			c.BasicConstraintsValid, c.IsCA)
	}
	if len(c.ExtKeyUsage) != 0 {
		t.Errorf("extended key usage = %v, want none", c.ExtKeyUsage)
	}
	if len(c.SubjectKeyId) != 20 {
		t.Errorf("subject key id is %d bytes, want 20", len(c.SubjectKeyId))
	}
}

func checkPEM(t *testing.T, p *Pair) {
	t.Helper()
	block, rest := pem.Decode(p.KeyPEM)
	if block == nil || block.Type != "PRIVATE KEY" || len(rest) != 0 || len(block.Headers) != 0 {
		t.Fatalf("key PEM is not one plain PRIVATE KEY block")
	}
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		t.Fatalf("key PEM does not parse as PKCS#8: %v", err)
	}
	if !p.Key.Equal(key) {
		t.Errorf("key PEM holds another key")
	}

	block, rest = pem.Decode(p.CertPEM)
	if block == nil || block.Type != "CERTIFICATE" || len(rest) != 0 {
		t.Fatalf("certificate PEM is not one CERTIFICATE block")
	}
	if !bytes.Equal(block.Bytes, p.Cert.Raw) {
		t.Errorf("certificate PEM holds another certificate")
	}
	if len(p.CertPEM) > MaxCertBytes {
		t.Errorf("certificate PEM is %d bytes, over Salesforce's %d", len(p.CertPEM), MaxCertBytes)
	}
}

func TestGenerateUsesNowAndRand(t *testing.T) {
	opts := DefaultOptions()
	opts.Rand = bytes.NewReader(bytes.Repeat([]byte{0xff}, 16))
	p, err := Generate(opts)
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}

	want := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 128), big.NewInt(1))
	if p.Cert.SerialNumber.Cmp(want) != 0 {
		t.Errorf("serial = %x, want the 128 bits read from Rand (%x)", p.Cert.SerialNumber, want)
	}

	now := time.Now()
	if now.Before(p.Cert.NotBefore) || now.After(p.Cert.NotAfter) {
		t.Errorf("zero Now: certificate valid %v to %v, not now (%v)",
			p.Cert.NotBefore, p.Cert.NotAfter, now)
	}
}

func TestSerialsAreRandom(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		s, err := randomSerial(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		if s.Sign() <= 0 || s.BitLen() > 128 {
			t.Fatalf("serial %x is not a positive number of at most 128 bits", s)
		}
		if seen[s.String()] {
			t.Fatalf("serial %x repeated", s)
		}
		seen[s.String()] = true
	}
}

func TestSerialFromBrokenSource(t *testing.T) {
	for name, r := range map[string]*bytes.Reader{
		"zeros": bytes.NewReader(make([]byte, 16)),
		"short": bytes.NewReader(make([]byte, 15)),
	} {
		if s, err := randomSerial(r); err == nil {
			t.Errorf("%s: serial %x, want an error", name, s)
		}
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name  string
		opts  func(*Options)
		field string // "" means valid
	}{
		{"defaults", func(*Options) {}, ""},
		{"3072", func(o *Options) { o.Bits = 3072 }, ""},
		{"4096", func(o *Options) { o.Bits = 4096 }, ""},
		{"zero bits", func(o *Options) { o.Bits = 0 }, "bits"},
		{"1024", func(o *Options) { o.Bits = 1024 }, "bits"},
		{"2047", func(o *Options) { o.Bits = 2047 }, "bits"},
		{"8192", func(o *Options) { o.Bits = 8192 }, "bits"},
		{"one day", func(o *Options) { o.Days = 1 }, ""},
		{"max days", func(o *Options) { o.Days = MaxDays }, ""},
		{"zero days", func(o *Options) { o.Days = 0 }, "days"},
		{"negative days", func(o *Options) { o.Days = -5 }, "days"},
		{"too many days", func(o *Options) { o.Days = MaxDays + 1 }, "days"},
		{"max cn", func(o *Options) { o.CommonName = strings.Repeat("é", 64) }, ""},
		{"empty cn", func(o *Options) { o.CommonName = "" }, "common name"},
		{"blank cn", func(o *Options) { o.CommonName = " \t " }, "common name"},
		{"long cn", func(o *Options) { o.CommonName = strings.Repeat("a", 65) }, "common name"},
		{"nul in cn", func(o *Options) { o.CommonName = "Kol\x00leno" }, "common name"},
		{"escape in cn", func(o *Options) { o.CommonName = "Kolleno\x1b[2J" }, "common name"},
		{"newline in cn", func(o *Options) { o.CommonName = "Kolleno\n" }, "common name"},
		{"bidi override in cn", func(o *Options) { o.CommonName = "Kolleno\u202e" }, "common name"},
		{"bad utf-8 in cn", func(o *Options) { o.CommonName = "Kolleno\xff" }, "common name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := DefaultOptions()
			tt.opts(&opts)
			checkOptionError(t, opts.Validate(), tt.field)
		})
	}
}

func checkOptionError(t *testing.T, err error, field string) {
	t.Helper()
	if field == "" {
		if err != nil {
			t.Fatalf("Validate: %v, want nil", err)
		}
		return
	}

	var oe *OptionError
	if !errors.As(err, &oe) {
		t.Fatalf("Validate: %v, want an *OptionError", err)
	}
	if oe.Field != field {
		t.Errorf("field = %q, want %q", oe.Field, field)
	}
	if oe.Hint() == "" {
		t.Errorf("no hint")
	}
	if strings.ContainsFunc(err.Error(), func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		t.Errorf("message %q carries a control character", err.Error())
	}
}

func TestGenerateRefusesInvalidOptions(t *testing.T) {
	opts := DefaultOptions()
	opts.Bits = 1024
	p, err := Generate(opts)
	var oe *OptionError
	if p != nil || !errors.As(err, &oe) {
		t.Fatalf("Generate(1024 bits) = %v, %v; want nil and an *OptionError", p, err)
	}
}

func TestAllowedBitsIsACopy(t *testing.T) {
	AllowedBits()[0] = 1024
	if AllowedBits()[0] != 2048 {
		t.Fatal("changing AllowedBits' result changed the allowed sizes")
	}
}

func BenchmarkGenerate(b *testing.B) {
	for _, bits := range AllowedBits() {
		b.Run(fmt.Sprintf("bits=%d", bits), func(b *testing.B) {
			opts := DefaultOptions()
			opts.Bits = bits
			for b.Loop() {
				if _, err := Generate(opts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
