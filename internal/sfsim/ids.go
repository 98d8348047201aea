package sfsim

import (
	"crypto/rand"
	"crypto/sha256"
)

const idAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// sfID makes a stable 18-character Salesforce ID with the given 3-character
// key prefix (005 user, 00D org, 001 Account...) from a seed string.
func sfID(prefix, seed string) string {
	sum := sha256.Sum256([]byte(prefix + seed))
	id := []byte(prefix + "5g")
	for i := 0; len(id) < 15; i++ {
		id = append(id, idAlphabet[int(sum[i])%len(idAlphabet)])
	}
	return string(id) + idSuffix(string(id))
}

// idSuffix is the 3-character case-safe suffix that turns a 15-character ID
// into its 18-character form: one character per 5-character chunk, encoding
// which of the chunk's characters are upper case.
func idSuffix(id15 string) string {
	const chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
	suffix := make([]byte, 3)
	for chunk := range 3 {
		bits := 0
		for i := range 5 {
			c := id15[chunk*5+i]
			if c >= 'A' && c <= 'Z' {
				bits |= 1 << i
			}
		}
		suffix[chunk] = chars[bits]
	}
	return string(suffix)
}

// randomString returns n random characters from the alphabet Salesforce uses
// in session IDs.
func randomString(n int) string {
	const alphabet = idAlphabet + "._"
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}
