package sfsim

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// assertion is a JWT bearer assertion split into its parts, its signature
// not yet verified.
type assertion struct {
	header       map[string]any
	claims       map[string]any
	signingInput string
	signature    []byte
}

// parseAssertion splits a compact JWT: three base64url segments without
// padding, a JSON object header and a JSON object claims set.
func parseAssertion(compact string) (*assertion, bool) {
	parts := strings.Split(compact, ".")
	if len(parts) != 3 {
		return nil, false
	}
	header, ok1 := decodeSegment(parts[0])
	claims, ok2 := decodeSegment(parts[1])
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if !ok1 || !ok2 || err != nil {
		return nil, false
	}
	return &assertion{header, claims, parts[0] + "." + parts[1], sig}, true
}

// decodeSegment reads one base64url JSON object segment, keeping numbers
// exact.
func decodeSegment(seg string) (map[string]any, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil || m == nil || dec.More() {
		return nil, false
	}
	return m, true
}

// verify checks the header's alg is RS256 and the signature verifies
// against the certificate's key. Any other alg is refused, none and HS256
// included (reference §1.3).
func (a *assertion) verify(s *Server) bool {
	if s.certKey == nil || a.header["alg"] != "RS256" {
		return false
	}
	err := jwt.SigningMethodRS256.Verify(a.signingInput, a.signature, s.certKey)
	return err == nil
}

// stringClaim returns a claim that must be a JSON string.
func (a *assertion) stringClaim(name string) (string, bool) {
	v, ok := a.claims[name].(string)
	return v, ok
}

// subject is the username: prn when present (the legacy claim takes
// precedence, Salesforce KB 000204593), else sub.
func (a *assertion) subject() string {
	if prn, ok := a.stringClaim("prn"); ok {
		return prn
	}
	sub, _ := a.stringClaim("sub")
	return sub
}

// timeClaim reads exp, nbf or iat: seconds since the epoch as a JSON number
// or a numeric string (the documentation's own example uses a string,
// reference §1.4). A millisecond value simply lies far in the future.
func (a *assertion) timeClaim(name string) (time.Time, bool) {
	var text string
	switch v := a.claims[name].(type) {
	case json.Number:
		text = v.String()
	case string:
		text = strings.TrimSpace(v)
	default:
		return time.Time{}, false
	}
	secs, err := strconv.ParseFloat(text, 64)
	if err != nil || math.IsNaN(secs) || math.IsInf(secs, 0) {
		return time.Time{}, false
	}
	const limit = float64(math.MaxInt64 / int64(time.Second))
	secs = math.Max(-limit, math.Min(limit, secs))
	return time.Unix(0, int64(secs*float64(time.Second))), true
}
