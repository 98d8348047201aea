package keystore

import "testing"

// Benchmarks for key loading (what login and verify do on every run) and
// for extraction (what extract-key does), on the committed fixtures.

func benchParseKey(b *testing.B, file, password string) {
	data := readFixture(b, file)
	var pw []byte
	if password != "" {
		pw = []byte(password)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseKey(data, pw); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseKeyPKCS8PEM(b *testing.B)   { benchParseKey(b, "key-pkcs8.pem", "") }
func BenchmarkParseKeyPKCS1PEM(b *testing.B)   { benchParseKey(b, "key-pkcs1.pem", "") }
func BenchmarkParseKeyEscaped(b *testing.B)    { benchParseKey(b, "key-escaped.txt", "") }
func BenchmarkParseKeyAES256PEM(b *testing.B)  { benchParseKey(b, "key-pkcs8-aes256.pem", "key-pass") }
func BenchmarkParseKeyLegacyDES3(b *testing.B) { benchParseKey(b, "key-legacy-des3.pem", "key-pass") }

func benchExtract(b *testing.B, file, password string) {
	data := readFixture(b, file)
	b.ReportAllocs()
	for b.Loop() {
		s, err := Open(data, []byte(password))
		if err != nil {
			b.Fatal(err)
		}
		e, err := s.Select("")
		if err != nil {
			b.Fatal(err)
		}
		k, err := s.Key(e, nil)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := k.PKCS8PEM(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkExtractJKS(b *testing.B)     { benchExtract(b, "sf-export.jks", fixturePassword) }
func BenchmarkExtractJKSWide(b *testing.B) { benchExtract(b, "nonascii-wide.jks", "zażółć-€uro") }
func BenchmarkExtractKeytoolPKCS12(b *testing.B) {
	benchExtract(b, "keytool-default.jks", fixturePassword)
}
func BenchmarkExtractOpenSSLPKCS12(b *testing.B) { benchExtract(b, "openssl.p12", fixturePassword) }

func BenchmarkDetect(b *testing.B) {
	data := readFixture(b, "sf-export.jks")
	b.ReportAllocs()
	for b.Loop() {
		_ = Detect(data)
	}
}
