package cli

import (
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io/fs"
	"math/big"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/kolleno/kollenoctl/internal/keystore"
)

// The keygen scripts' own commands. They read the files keygen wrote and
// check them with code of their own, not with keygen's report.
func init() {
	scriptCmds["check_mode"] = cmdCheckMode
	scriptCmds["check_pair"] = cmdCheckPair
	scriptCmds["check_cert"] = cmdCheckCert
	scriptCmds["check_keygen_json"] = cmdCheckKeygenJSON

	// [root]: running as root, to whom file modes deny nothing.
	scriptConds["root"] = func() bool { return os.Geteuid() == 0 }
}

// check_mode FILE MODE: FILE's permission bits are MODE, in octal.
func cmdCheckMode(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: check_mode FILE MODE")
	}
	want, err := strconv.ParseUint(args[1], 8, 32)
	ts.Check(err)

	info, err := os.Stat(ts.MkAbs(args[0]))
	ts.Check(err)
	got := info.Mode().Perm()
	if (got == fs.FileMode(want)) == neg {
		ts.Fatalf("%s has mode %04o; want %s%04o", args[0], got, scriptNot(neg), want)
	}
}

// check_pair KEY CERT: KEY is a private key and CERT the certificate for it.
func cmdCheckPair(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: check_pair KEY CERT")
	}
	key, err := keystore.ParseKey([]byte(ts.ReadFile(args[0])), nil)
	ts.Check(err)
	cert := scriptCertFile(ts, args[1])

	if keystore.Matches(key.Signer, cert) == neg {
		ts.Fatalf("%s and %s: want them %sto belong together", args[0], args[1], scriptNot(neg))
	}
}

// check_cert CERT BITS DAYS CN: CERT holds an RSA key of BITS bits, is valid
// for DAYS days (plus the minute it is backdated) and names CN.
func cmdCheckCert(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 4 {
		ts.Fatalf("usage: check_cert CERT BITS DAYS CN")
	}
	cert := scriptCertFile(ts, args[0])

	pub, ok := cert.PublicKey.(*rsa.PublicKey)
	if !ok || strconv.Itoa(pub.N.BitLen()) != args[1] {
		ts.Fatalf("%s: public key %T, want RSA of %s bits", args[0], cert.PublicKey, args[1])
	}
	days, err := strconv.Atoi(args[2])
	ts.Check(err)
	want := time.Duration(days)*24*time.Hour + time.Minute
	if got := cert.NotAfter.Sub(cert.NotBefore); got != want {
		ts.Fatalf("%s: valid for %v, want %v", args[0], got, want)
	}
	if cert.Subject.CommonName != args[3] || cert.Issuer.CommonName != args[3] {
		ts.Fatalf("%s: subject %q issuer %q, want CN=%s", args[0], cert.Subject, cert.Issuer, args[3])
	}
}

// check_keygen_json REPORT DAYS: every fact in keygen's JSON REPORT is true
// of the files it names, computed here without keygen's code.
func cmdCheckKeygenJSON(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: check_keygen_json REPORT DAYS")
	}
	var r keygenReport
	ts.Check(json.Unmarshal([]byte(ts.ReadFile(args[0])), &r))
	certPEM := ts.ReadFile(r.CertificateFile)
	cert := scriptCertFile(ts, r.CertificateFile)
	days, err := strconv.Atoi(args[1])
	ts.Check(err)
	sha1Sum, sha256Sum := sha1.Sum(cert.Raw), sha256.Sum256(cert.Raw)

	checks := []struct {
		what      string
		got, want any
	}{
		{"bits", r.Bits, cert.PublicKey.(*rsa.PublicKey).N.BitLen()},
		{"subject", r.Subject, "CN=" + cert.Subject.CommonName},
		{"serial", r.Serial, scriptSerial(cert.SerialNumber)},
		{"not_before", r.NotBefore.Unix(), cert.NotBefore.Unix()},
		{"not_after", r.NotAfter.Unix(), cert.NotBefore.Add(time.Minute).AddDate(0, 0, days).Unix()},
		{"sha1", r.SHA1, scriptColonHex(sha1Sum[:])},
		{"sha256", r.SHA256, scriptColonHex(sha256Sum[:])},
		{"certificate_size", r.CertificateSize, len(certPEM)},
		{"max_certificate_size", r.MaxCertSize, 4096},
	}
	for _, c := range checks {
		if fmt.Sprint(c.got) != fmt.Sprint(c.want) {
			ts.Fatalf("%s: %s = %v, but the file says %v", args[0], c.what, c.got, c.want)
		}
	}
	cmdCheckPair(ts, false, []string{r.KeyFile, r.CertificateFile})
}

func scriptCertFile(ts *testscript.TestScript, name string) *x509.Certificate {
	certs, err := keystore.ParseCertificates([]byte(ts.ReadFile(name)))
	ts.Check(err)
	if len(certs) != 1 {
		ts.Fatalf("%s holds %d certificates, want 1", name, len(certs))
	}
	return certs[0]
}

// scriptColonHex formats b as "AB:CD:...", the way OpenSSL prints fingerprints.
func scriptColonHex(b []byte) string {
	parts := make([]string, len(b))
	for i, c := range b {
		parts[i] = fmt.Sprintf("%02X", c)
	}
	return strings.Join(parts, ":")
}

// scriptSerial is the serial as `openssl x509 -serial` prints it: uppercase
// hex with an even number of digits.
func scriptSerial(n *big.Int) string {
	h := fmt.Sprintf("%X", n)
	if len(h)%2 == 1 {
		h = "0" + h
	}
	return h
}

func scriptNot(neg bool) string {
	if neg {
		return "not "
	}
	return ""
}
