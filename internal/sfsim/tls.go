package sfsim

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"time"
)

// tlsListener wraps ln in TLS with a fresh self-signed certificate for the
// loopback names, written to certOut (when set) so a client can trust it,
// e.g. the Salesforce CLI through NODE_EXTRA_CA_CERTS.
func tlsListener(ln net.Listener, certOut string) (net.Listener, error) {
	cert, certPEM, err := selfSignedServerCert()
	if err != nil {
		ln.Close()
		return nil, err
	}
	if certOut != "" {
		if err := writeFileAtomic(certOut, certPEM, 0o644); err != nil {
			ln.Close()
			return nil, fileFlagError("tls-cert-out", certOut, err)
		}
	}
	conf := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	return tls.NewListener(ln, conf), nil
}

// selfSignedServerCert makes a one-day certificate for 127.0.0.1, ::1 and
// localhost that is its own CA, so it can be trusted directly.
func selfSignedServerCert() (tls.Certificate, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: "sfsim loopback"},
		NotBefore:    time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		DNSNames:              []string{"localhost"},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true, IsCA: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("making the server certificate: %w", err)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, certPEM, nil
}
