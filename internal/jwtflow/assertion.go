package jwtflow

import (
	"crypto/rsa"
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// AssertionLifetime is how far ahead of now the assertion's exp lies. The
// JWT bearer flow's help page asks for an exp "within 3 minutes" (reference
// §1.4 and §1.5).
const AssertionLifetime = 180 * time.Second

// Claims are the claims of one assertion. Times are whole seconds since the
// epoch, as Salesforce reads them.
type Claims struct {
	Issuer   string `json:"iss"` // the consumer key of the app
	Subject  string `json:"sub"` // the integration user's username
	Audience string `json:"aud"` // the authorization server: see DefaultAudience
	IssuedAt int64  `json:"iat"`
	Expires  int64  `json:"exp"` // IssuedAt + 180
}

// NewClaims returns the claims for an assertion made at now.
func NewClaims(consumerKey, username, audience string, now time.Time) Claims {
	iat := now.Unix()
	return Claims{
		Issuer:   consumerKey,
		Subject:  username,
		Audience: audience,
		IssuedAt: iat,
		Expires:  iat + int64(AssertionLifetime/time.Second),
	}
}

// Masked returns the claims with the consumer key partly masked, the form
// that may be shown in a report.
func (c Claims) Masked() Claims {
	c.Issuer = MaskConsumerKey(c.Issuer)
	return c
}

// SignAssertion signs the claims with RS256 (the only algorithm Salesforce
// documents for this flow, reference §1.3) and returns the compact JWT. The
// header is {"alg":"RS256","typ":"JWT"}; Salesforce accepts the typ that
// every JWT library adds. aud is a single string, never an array
// (reference §1.6, point 4).
func SignAssertion(c Claims, key *rsa.PrivateKey) (string, error) {
	if key == nil {
		return "", errors.New("no private key to sign the assertion with")
	}
	claims := jwt.MapClaims{
		"iss": c.Issuer,
		"sub": c.Subject,
		"aud": c.Audience,
		"iat": c.IssuedAt,
		"exp": c.Expires,
	}
	signed, err := jwt.NewWithClaims(jwt.SigningMethodRS256, claims).SignedString(key)
	if err != nil {
		// The library's error names the failure, never the key's bytes.
		return "", fmt.Errorf("cannot sign the assertion: %w", err)
	}
	return signed, nil
}
