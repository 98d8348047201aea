package verify

import (
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"time"

	"github.com/kolleno/kollenoctl/internal/jwtflow"
	"github.com/kolleno/kollenoctl/internal/keystore"
)

// ExpiryWarningDays is how many days before its end a certificate's expiry
// becomes a warning: time enough to make, upload and hand over a new pair.
// The days are counted as keygen and inspect count them (keystore.DaysUntil).
const ExpiryWarningDays = 30

// Material is the local key material verify checks.
type Material struct {
	// Key is the private key as read: PEM or DER, from a file, standard input
	// or an environment variable. KeyName says where it came from.
	Key         []byte
	KeyPassword []byte
	KeyName     string

	// Cert is the certificate given with --cert, nil when none was given;
	// a certificate in the key's own input is used then.
	Cert     []byte
	CertName string

	// KeyErr is why the private key could not be read at all: a missing
	// file, a directory, an unreadable password file. The private-key check
	// fails with it. CertErr is the same for the certificate given with
	// --cert, and fails the certificate check.
	KeyErr  error
	CertErr error
}

// addLocal checks the private key and the certificate. It returns the key
// for the login, nil when there is none that can sign an assertion.
func (r *Report) addLocal(m Material, now time.Time) *rsa.PrivateKey {
	key, signing := keyCheck(m)
	r.set(signing.check)

	cert, certCheck := certificateCheck(m, key)
	r.set(certCheck)
	r.set(matchCheck(key, cert))
	r.set(expiryCheck(cert, now))
	return signing.rsa
}

type signingKey struct {
	check Check
	rsa   *rsa.PrivateKey
}

// keyCheck reads the private key; the key may be readable (and its
// certificates usable) but still unfit to sign an assertion.
func keyCheck(m Material) (*keystore.Key, signingKey) {
	if m.KeyErr != nil {
		return nil, signingKey{check: fail(PrivateKey, ExitLocal,
			orHint(hintOf(m.KeyErr), hintReadKey), "%v", m.KeyErr)}
	}

	key, err := keystore.ParseKey(m.Key, m.KeyPassword)
	if err != nil {
		return nil, signingKey{check: fail(PrivateKey, ExitLocal, hintOf(err),
			"cannot read the private key from %s: %v", m.KeyName, err)}
	}
	rsaKey, err := key.ForJWT()
	if err != nil {
		return key, signingKey{check: fail(PrivateKey, ExitLocal, hintOf(err),
			"%s from %s cannot sign the login: %v", key.Describe(), m.KeyName, err)}
	}
	return key, signingKey{
		check: pass(PrivateKey, "%s, %s, from %s", key.Describe(), key.Form, m.KeyName),
		rsa:   rsaKey,
	}
}

func hintOf(err error) string {
	var h interface{ Hint() string }
	if errors.As(err, &h) {
		return h.Hint()
	}
	return ""
}

// orHint is hint, or fallback when hint is empty.
func orHint(hint, fallback string) string {
	if hint == "" {
		return fallback
	}
	return hint
}

const (
	hintReadKey  = "check that the private key file exists and that this user may read it"
	hintReadCert = "check that the certificate file exists and that this user may read it"
)

const hintNoCertificate = "pass --cert FILE, the certificate uploaded to the External Client App, " +
	"to check that it belongs to the private key and when it expires"

// certificateCheck reads the certificate from --cert or, failing that, from
// the key's own input. Of several certificates the one that belongs to the key
// is taken, else the first (the leaf of a chain).
func certificateCheck(m Material, key *keystore.Key) (*x509.Certificate, Check) {
	certs, from := []*x509.Certificate(nil), m.CertName
	switch {
	case m.CertErr != nil:
		return nil, fail(Certificate, ExitLocal, orHint(hintOf(m.CertErr), hintReadCert),
			"%v", m.CertErr)
	case m.Cert != nil:
		var err error
		if certs, err = keystore.ParseCertificates(m.Cert); err != nil {
			return nil, fail(Certificate, ExitLocal, hintOf(err),
				"cannot read the certificate %s: %v", m.CertName, err)
		}
	case key != nil && len(key.Certificates) > 0:
		certs, from = key.Certificates, m.KeyName+" (in the key file)"
	default:
		c := skip(Certificate, "no certificate given with --cert, and none in the key file")
		c.Hint = hintNoCertificate
		return nil, c
	}

	cert := pickCertificate(certs, key)
	return cert, pass(Certificate, "%q, from %s", cert.Subject.CommonName, from)
}

func pickCertificate(certs []*x509.Certificate, key *keystore.Key) *x509.Certificate {
	if key != nil {
		for _, c := range certs {
			if keystore.Matches(key.Signer, c) {
				return c
			}
		}
	}
	return certs[0]
}

// matchCheck fails when the certificate holds another public key than the
// private key's: Salesforce would then refuse every assertion as
// "invalid assertion" if this is the certificate uploaded.
func matchCheck(key *keystore.Key, cert *x509.Certificate) Check {
	switch {
	case key == nil:
		return skip(CertificateMatch, "no private key to compare with")
	case cert == nil:
		return skip(CertificateMatch, "no certificate to compare with")
	case keystore.Matches(key.Signer, cert):
		return pass(CertificateMatch, "the certificate carries the private key's public key")
	}
	return fail(CertificateMatch, ExitLocal, hintMismatch,
		"the certificate belongs to another key: the certificate's public key is SHA-256 %s, "+
			"the private key's is SHA-256 %s",
		keystore.PublicKeySHA256(cert.PublicKey), keystore.PublicKeySHA256(key.Signer.Public()))
}

const hintMismatch = "pass --cert the certificate made together with this private key (and make sure " +
	"that is the one uploaded to the External Client App), or use the private key that belongs to the " +
	"certificate; 'kollenoctl inspect KEY CERT' shows both fingerprints"

// expiryCheck warns, never fails: Salesforce keeps accepting an expired
// certificate (salesforce.md §1.7, SFSE q/313488), but the admin should know.
func expiryCheck(cert *x509.Certificate, now time.Time) Check {
	if cert == nil {
		return skip(CertificateExpiry, "no certificate to check")
	}
	end, days := day(cert.NotAfter), keystore.DaysUntil(cert.NotAfter, now)
	switch {
	case now.Before(cert.NotBefore):
		return warn(CertificateExpiry, hintNotYetValid, "not valid before %s; check this machine's clock",
			day(cert.NotBefore))
	case !now.Before(cert.NotAfter):
		return warn(CertificateExpiry, hintCertExpiry, "expired on %s", end)
	case days < ExpiryWarningDays:
		return warn(CertificateExpiry, hintCertExpiry, "expires on %s, in %s", end, daysText(days))
	}
	return pass(CertificateExpiry, "valid until %s, %s from now", end, daysText(days))
}

func day(t time.Time) string {
	return t.UTC().Format("2006-01-02")
}

// daysText says a count of keystore.DaysUntil, which is 0 for under half a
// day.
func daysText(n int) string {
	switch n {
	case 0:
		return "less than a day"
	case 1:
		return "1 day"
	}
	return fmt.Sprintf("%d days", n)
}

// clockCheck compares the local clock with Salesforce's Date header. skew is
// Salesforce's clock minus this computer's, as jwtflow measures it; known is
// false when no Date header was seen. Over jwtflow.MaxClockSkew (60 s) is a
// warning: a clock that far behind is close to making Salesforce refuse the
// assertion's exp (salesforce.md §1.5).
func clockCheck(skew time.Duration, known bool) Check {
	if !known {
		return skip(Clock, "no answer from Salesforce with a Date header")
	}
	if jwtflow.ClockIsOff(skew) {
		hint := hintClockBehind
		if skew < 0 {
			hint = hintClockAhead
		}
		return warn(Clock, hint, "this computer's clock is %s", jwtflow.DescribeSkew(skew))
	}
	within := max(skew.Abs().Round(time.Second), time.Second)
	return pass(Clock, "within %s of Salesforce's clock", within)
}
