package jwtflow

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"sync"
	"testing"
	"time"
)

var testKeyOnce = sync.OnceValues(func() (*rsa.PrivateKey, error) {
	return rsa.GenerateKey(rand.Reader, 2048)
})

// testKey is one RSA key shared by the package's tests.
func testKey(tb testing.TB) *rsa.PrivateKey {
	tb.Helper()
	k, err := testKeyOnce()
	if err != nil {
		tb.Fatal(err)
	}
	return k
}

// testCert is a self-signed certificate for key, as an admin uploads one.
func testCert(tb testing.TB, key *rsa.PrivateKey) *x509.Certificate {
	tb.Helper()
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "kolleno"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		tb.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		tb.Fatal(err)
	}
	return cert
}

const (
	testConsumerKey = "3MVG9testconsumerkey0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVW"
	testUsername    = "integration@example.com"
)
