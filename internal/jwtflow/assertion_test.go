package jwtflow

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestAssertionVerifiesWithCertificate checks the assertion without the JWT
// library: three base64url parts, an RS256 header, the claims with whole
// seconds 180 apart, and a PKCS #1 v1.5 SHA-256 signature that the
// certificate's public key verifies.
func TestAssertionVerifiesWithCertificate(t *testing.T) {
	key := testKey(t)
	cert := testCert(t, key)
	now := time.Unix(1_800_000_000, 987_654_321)
	c := NewClaims(testConsumerKey, testUsername, "https://acme.my.salesforce.com", now)

	jwt, err := SignAssertion(c, key)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		t.Fatalf("assertion has %d parts, want 3", len(parts))
	}
	header, claims, sig := decodePart(t, parts[0]), decodePart(t, parts[1]), decodePart(t, parts[2])

	var h map[string]any
	if err := json.Unmarshal(header, &h); err != nil || h["alg"] != "RS256" {
		t.Errorf("header %s: want alg RS256 (err %v)", header, err)
	}

	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	pub := cert.PublicKey.(*rsa.PublicKey)
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], sig); err != nil {
		t.Errorf("signature does not verify with the certificate: %v", err)
	}

	checkClaims(t, claims, now)
}

func checkClaims(t *testing.T, raw []byte, now time.Time) {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{
		"iss": `"` + testConsumerKey + `"`,
		"sub": `"` + testUsername + `"`,
		"aud": `"https://acme.my.salesforce.com"`,
		"iat": "1800000000",
		"exp": "1800000180",
	} {
		if got := string(m[name]); got != want {
			t.Errorf("claim %s = %s, want %s", name, got, want)
		}
	}
	if len(m) != 5 {
		t.Errorf("claims %s: want exactly iss, sub, aud, iat, exp", raw)
	}
	var iat, exp int64
	dec := func(b []byte, v *int64) {
		// An int64 takes neither a fraction nor an exponent nor a string.
		if err := json.Unmarshal(b, v); err != nil {
			t.Errorf("%s is not a whole number of seconds: %v", b, err)
		}
	}
	dec(m["iat"], &iat)
	dec(m["exp"], &exp)
	if exp-iat != 180 {
		t.Errorf("exp - iat = %d, want 180", exp-iat)
	}
}

func decodePart(t *testing.T, s string) []byte {
	t.Helper()
	if strings.ContainsAny(s, "+/=") {
		t.Errorf("part %q is not unpadded base64url", s)
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		t.Fatalf("part does not decode: %v", err)
	}
	return b
}

func TestSignAssertionWithoutKey(t *testing.T) {
	if _, err := SignAssertion(Claims{}, nil); err == nil {
		t.Fatal("no error without a key")
	}
}

func TestClaimsMasked(t *testing.T) {
	c := NewClaims(testConsumerKey, testUsername, "https://login.salesforce.com", time.Now())
	m := c.Masked()
	if m.Issuer == c.Issuer || strings.Contains(m.Issuer, testConsumerKey[8:len(testConsumerKey)-4]) {
		t.Errorf("masked issuer %q shows the consumer key", m.Issuer)
	}
	if m.Subject != c.Subject || m.Audience != c.Audience || m.Expires != c.Expires {
		t.Errorf("Masked changed more than iss: %+v", m)
	}
}

// BenchmarkAssertion measures building and signing one assertion with a
// 2048-bit key, the work done before every attempt.
func BenchmarkAssertion(b *testing.B) {
	key := testKey(b)
	for b.Loop() {
		c := NewClaims(testConsumerKey, testUsername, ProductionLoginURL, time.Now())
		if _, err := SignAssertion(c, key); err != nil {
			b.Fatal(err)
		}
	}
}
