package jwtflow

import "strings"

// MaskConsumerKey shows the start and the end of a consumer key, enough to
// tell two apps apart, and hides the middle: 3MVG9abc…wxyz.
func MaskConsumerKey(key string) string {
	switch {
	case len(key) >= 20:
		return key[:8] + "…" + key[len(key)-4:]
	case len(key) >= 8:
		return key[:4] + "…"
	}
	return "…"
}

// isOrgID reports whether s has the shape of a Salesforce org ID: 15 or 18
// letters and digits starting with the org key prefix 00D.
func isOrgID(s string) bool {
	if (len(s) != 15 && len(s) != 18) || !strings.HasPrefix(s, "00D") {
		return false
	}
	for _, r := range s {
		if !('0' <= r && r <= '9' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z') {
			return false
		}
	}
	return true
}

// MaskToken returns the form of an access token that may be shown. An
// opaque Salesforce token is the org ID, "!", then the secret part
// (reference §2); the org ID is shown and the secret part is not:
// 00D5g000004XXXX!…. Any other token (a JWT-based access token, or
// something unexpected) shows only its first 3 characters.
func MaskToken(token string) string {
	if token == "" {
		return ""
	}
	if org, _, ok := strings.Cut(token, "!"); ok && isOrgID(org) {
		return org + "!…"
	}
	if len(token) > 12 {
		return token[:3] + "…"
	}
	return "…"
}
