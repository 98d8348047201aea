package verify

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kolleno/kollenoctl/internal/certgen"
)

var (
	pairsOnce sync.Once
	pairA     *certgen.Pair
	pairB     *certgen.Pair
)

// pairs makes two key pairs once for the whole package's tests: RSA keys are
// slow to make under the race detector.
func pairs(t *testing.T) (*certgen.Pair, *certgen.Pair) {
	t.Helper()
	pairsOnce.Do(func() {
		var err error
		if pairA, err = certgen.Generate(certgen.DefaultOptions()); err != nil {
			panic(err)
		}
		if pairB, err = certgen.Generate(certgen.DefaultOptions()); err != nil {
			panic(err)
		}
	})
	return pairA, pairB
}

func localReport(m Material, now time.Time) (*Report, bool) {
	r := &Report{}
	key := r.addLocal(m, now)
	return r, key != nil
}

func statuses(r *Report) map[ID]Status {
	m := map[ID]Status{}
	for _, c := range r.Checks {
		m[c.ID] = c.Status
	}
	return m
}

func TestLocalChecksPass(t *testing.T) {
	a, _ := pairs(t)
	m := Material{Key: a.KeyPEM, KeyName: "k.key", Cert: a.CertPEM, CertName: "k.crt"}
	r, signs := localReport(m, time.Now())
	want := map[ID]Status{
		PrivateKey: Pass, Certificate: Pass, CertificateMatch: Pass, CertificateExpiry: Pass,
	}
	if got := statuses(r); !equalStatuses(got, want) {
		t.Errorf("statuses %v, want %v", got, want)
	}
	if !signs {
		t.Error("no signing key returned")
	}
	d := r.Check(PrivateKey).Detail
	if !strings.Contains(d, "RSA 2048") || !strings.Contains(d, "k.key") {
		t.Errorf("key detail %q", d)
	}
	if d := r.Check(Certificate).Detail; !strings.Contains(d, certgen.DefaultCommonName) {
		t.Errorf("certificate detail %q", d)
	}
}

func equalStatuses(a, b map[ID]Status) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestCertificateBesideTheKey(t *testing.T) {
	a, _ := pairs(t)
	both := append(append([]byte{}, a.KeyPEM...), a.CertPEM...)
	r, _ := localReport(Material{Key: both, KeyName: "bundle.pem"}, time.Now())
	c := r.Check(Certificate)
	if c.Status != Pass || !strings.Contains(c.Detail, "in the key file") {
		t.Errorf("certificate %+v", c)
	}
	if r.Check(CertificateMatch).Status != Pass {
		t.Errorf("match %+v", r.Check(CertificateMatch))
	}
}

func TestNoCertificateSkipsWithAHint(t *testing.T) {
	a, _ := pairs(t)
	r, _ := localReport(Material{Key: a.KeyPEM, KeyName: "k.key"}, time.Now())
	for _, id := range []ID{Certificate, CertificateMatch, CertificateExpiry} {
		if r.Check(id).Status != Skipped {
			t.Errorf("%s: %+v, want skipped", id, r.Check(id))
		}
	}
	if !strings.Contains(r.Check(Certificate).Hint, "--cert") {
		t.Errorf("hint %q does not name --cert", r.Check(Certificate).Hint)
	}
	if r.ExitCode() != ExitOK {
		t.Errorf("exit code %d, want 0", r.ExitCode())
	}
}

func TestMismatchFailsWithBothFingerprints(t *testing.T) {
	a, b := pairs(t)
	m := Material{Key: a.KeyPEM, KeyName: "a.key", Cert: b.CertPEM, CertName: "b.crt"}
	r, signs := localReport(m, time.Now())
	c := r.Check(CertificateMatch)
	if c.Status != Fail || r.ExitCode() != ExitLocal {
		t.Fatalf("match %+v, exit %d", c, r.ExitCode())
	}
	fpA, fpB := spkiSHA256(t, a.Cert), spkiSHA256(t, b.Cert)
	if !strings.Contains(c.Detail, fpA) || !strings.Contains(c.Detail, fpB) {
		t.Errorf("detail %q lacks %s or %s", c.Detail, fpA, fpB)
	}
	if !signs {
		t.Error("a mismatched certificate stopped the login; the key itself is fine")
	}
}

// spkiSHA256 is the public key fingerprint as the keystore package formats it,
// checked here only for its presence: two colon-separated hex bytes of it.
func spkiSHA256(t *testing.T, cert *x509.Certificate) string {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(cert.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return hexColon(sha256Sum(der))[:11]
}

func TestExpiry(t *testing.T) {
	a, _ := pairs(t)
	end := a.Cert.NotAfter
	tests := []struct {
		name   string
		now    time.Time
		status Status
		detail string
	}{
		{"plenty left", end.Add(-200 * 24 * time.Hour), Pass, "valid until"},
		{"10 days left", end.Add(-10*24*time.Hour - time.Hour), Warn, "in 10 days"},
		{"29 days left", end.Add(-29 * 24 * time.Hour), Warn, "in 29 days"},
		{"31 days left", end.Add(-31 * 24 * time.Hour), Pass, "31 days"},
		{"made a moment ago for 365 days", end.Add(-365*24*time.Hour + 3*time.Second), Pass,
			", 365 days from now"},
		{"9 days 13 hours left, as inspect counts", end.Add(-9*24*time.Hour - 13*time.Hour), Warn,
			"in 10 days"},
		{"29 days 13 hours left counts as 30", end.Add(-29*24*time.Hour - 13*time.Hour), Pass,
			", 30 days from now"},
		{"11 hours left", end.Add(-11 * time.Hour), Warn, "in less than a day"},
		{"expired", end.Add(time.Hour), Warn, "expired on " + end.UTC().Format("2006-01-02")},
		{"not yet valid", a.Cert.NotBefore.Add(-time.Hour), Warn, "not valid before"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := expiryCheck(a.Cert, tt.now)
			if c.Status != tt.status || !strings.Contains(c.Detail, tt.detail) {
				t.Errorf("%+v, want %s with %q", c, tt.status, tt.detail)
			}
			if c.Status == Warn && c.Hint == "" {
				t.Error("a warning without a hint")
			}
		})
	}
}

func TestUnreadableKeyFailsAndSkipsTheRest(t *testing.T) {
	r, signs := localReport(Material{Key: []byte("not a key"), KeyName: "junk.txt"}, time.Now())
	if signs {
		t.Error("a signing key from junk")
	}
	if c := r.Check(PrivateKey); c.Status != Fail || !strings.Contains(c.Detail, "junk.txt") {
		t.Errorf("key %+v", c)
	}
	if r.ExitCode() != ExitLocal {
		t.Errorf("exit %d", r.ExitCode())
	}
}

func TestNonRSAKeyCannotSign(t *testing.T) {
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(ec)
	if err != nil {
		t.Fatal(err)
	}
	data := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	r, signs := localReport(Material{Key: data, KeyName: "ec.key"}, time.Now())
	c := r.Check(PrivateKey)
	if signs || c.Status != Fail || !strings.Contains(c.Detail, "ECDSA") {
		t.Errorf("key %+v, signs %v", c, signs)
	}
}

func TestClockCheck(t *testing.T) {
	tests := []struct {
		skew   time.Duration
		known  bool
		status Status
		detail string
		hint   string
	}{
		{0, true, Pass, "within 1s", ""},
		{59 * time.Second, true, Pass, "within 59s", ""},
		{-59 * time.Second, true, Pass, "within 59s", ""},
		{-61 * time.Second, true, Warn, "1m1s ahead of", "does not stop the login"},
		{-10 * time.Minute, true, Warn, "10m0s ahead of", "does not stop the login"},
		{10 * time.Minute, true, Warn, "10m0s behind", "3 minutes behind"},
		{0, false, Skipped, "no answer", ""},
	}
	for _, tt := range tests {
		c := clockCheck(tt.skew, tt.known)
		if c.Status != tt.status || !strings.Contains(c.Detail, tt.detail) {
			t.Errorf("skew %s: %+v, want %s with %q", tt.skew, c, tt.status, tt.detail)
		}
		if !strings.Contains(c.Hint, tt.hint) || (tt.hint == "") != (c.Hint == "") {
			t.Errorf("skew %s: hint %q, want one with %q", tt.skew, c.Hint, tt.hint)
		}
		if tt.skew < 0 && strings.Contains(c.Hint, "behind") {
			t.Errorf("skew %s: the clock is ahead, yet the hint says %q", tt.skew, c.Hint)
		}
	}
}

func sha256Sum(data []byte) []byte {
	sum := sha256.Sum256(data)
	return sum[:]
}

func hexColon(b []byte) string {
	parts := make([]string, len(b))
	for i, c := range b {
		parts[i] = fmt.Sprintf("%02X", c)
	}
	return strings.Join(parts, ":")
}

// hinted is an error with a hint, as the CLI's file errors are.
type hinted struct{ msg, hint string }

func (e hinted) Error() string { return e.msg }
func (e hinted) Hint() string  { return e.hint }

func TestUnreadableKeyFileFailsThePrivateKeyCheck(t *testing.T) {
	a, _ := pairs(t)
	m := Material{KeyName: "nope.key", KeyErr: hinted{"cannot read nope.key: no such file", ""},
		Cert: a.CertPEM, CertName: "k.crt"}
	r, signs := localReport(m, time.Now())
	c := r.Check(PrivateKey)
	if signs || c.Status != Fail || c.Detail != "cannot read nope.key: no such file" ||
		c.Hint != hintReadKey {
		t.Errorf("key %+v, signs %v", c, signs)
	}
	if r.Check(Certificate).Status != Pass || r.Check(CertificateMatch).Status != Skipped {
		t.Errorf("checks %v", statuses(r))
	}
	if r.ExitCode() != ExitLocal {
		t.Errorf("exit %d", r.ExitCode())
	}
}

func TestUnreadableCertificateFileFailsTheCertificateCheck(t *testing.T) {
	a, _ := pairs(t)
	both := append(append([]byte{}, a.KeyPEM...), a.CertPEM...)
	m := Material{Key: both, KeyName: "bundle.pem", CertName: "nope.crt",
		CertErr: hinted{"cannot read nope.crt: no such file", "check the file name"}}
	r, signs := localReport(m, time.Now())
	want := map[ID]Status{PrivateKey: Pass, Certificate: Fail, CertificateMatch: Skipped,
		CertificateExpiry: Skipped}
	if got := statuses(r); !equalStatuses(got, want) {
		t.Errorf("statuses %v, want %v (the key file's own certificate must not stand in)",
			got, want)
	}
	c := r.Check(Certificate)
	if c.Detail != "cannot read nope.crt: no such file" || c.Hint != "check the file name" {
		t.Errorf("certificate %+v", c)
	}
	if !signs || r.ExitCode() != ExitLocal {
		t.Errorf("signs %v, exit %d", signs, r.ExitCode())
	}
}
