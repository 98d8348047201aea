package keystore

import (
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"hash"
)

// The integrity check of a PKCS#12 file (RFC 7292 section 4, RFC 9579): an
// HMAC over the authenticated safe, keyed from the password. Done here
// rather than by go-pkcs12 so that the digests it lacks (SHA-384, written
// by `openssl pkcs12 -macalg sha384`) are read too, and so that a file
// without a MAC (`-nomac`) is checked by decryption instead.

// p12MacData is MacData: the MAC, its salt and iteration count.
type p12MacData struct {
	Mac struct {
		Algorithm pkix.AlgorithmIdentifier
		Digest    []byte
	}
	Salt       []byte
	Iterations int `asn1:"optional,default:1"`
}

var oidPBMAC1 = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 14}

// p12MACDigests are the digests of the classic PKCS#12 MAC, whose key comes
// from the PKCS#12 key derivation with the same digest.
var p12MACDigests = []struct {
	oid  asn1.ObjectIdentifier
	hash func() hash.Hash
}{
	{asn1.ObjectIdentifier{1, 3, 14, 3, 2, 26}, sha1.New},
	{asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 4}, sha256.New224},
	{asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}, sha256.New},
	{asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 2}, sha512.New384},
	{asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 3}, sha512.New},
	{asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 5}, sha512.New512_224},
	{asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 6}, sha512.New512_256},
}

// macMatches reports whether the file's MAC matches password. An error
// means the MAC cannot be checked at all: an algorithm kollenoctl does not
// know, or parameters out of bounds; its hint is the command that rewrites
// the file in a form kollenoctl reads.
func (f *p12File) macMatches(password []byte) (bool, error) {
	m, content := f.mac, f.authSafe
	alg := m.Mac.Algorithm
	if alg.Algorithm.Equal(oidPBMAC1) {
		return f.pbmac1Matches(password)
	}
	h := macDigest(alg.Algorithm)
	if h == nil {
		return false, errP12Convert(fmt.Sprintf("its integrity check uses a digest kollenoctl does not know (OID %s)", alg.Algorithm))
	}
	if m.Iterations < 1 || m.Iterations > maxPBKDF2Iterations {
		return false, errP12Convert(fmt.Sprintf("its integrity check asks for %d iterations; kollenoctl accepts 1 to %d",
			m.Iterations, maxPBKDF2Iterations))
	}
	candidates, err := macPasswords(password)
	if err != nil {
		return false, err
	}
	for _, pw := range candidates {
		key := pkcs12KDF(h, pw, m.Salt, 3, m.Iterations, h().Size())
		if macEqual(h, key, content, m.Mac.Digest) {
			return true, nil
		}
	}
	return false, nil
}

func macDigest(oid asn1.ObjectIdentifier) func() hash.Hash {
	for _, d := range p12MACDigests {
		if d.oid.Equal(oid) {
			return d.hash
		}
	}
	return nil
}

// macPasswords are the encodings of password the MAC may have been made
// with: the BMPString with its terminator, and for the empty password also
// no bytes at all, as some writers hash it.
func macPasswords(password []byte) ([][]byte, error) {
	bmp, ok := bmpPassword(password)
	if !ok {
		return nil, newError(ErrUnsupported, hintStorePassword,
			"the password holds a character PKCS#12 cannot encode (outside the Basic Multilingual Plane)")
	}
	if len(password) == 0 {
		return [][]byte{bmp, {}}, nil
	}
	return [][]byte{bmp}, nil
}

func macEqual(h func() hash.Hash, key, content, want []byte) bool {
	mac := hmac.New(h, key)
	mac.Write(content)
	return hmac.Equal(mac.Sum(nil), want)
}

// pbmac1Params are the parameters of PBMAC1 (RFC 8018 appendix A.5): a
// PBKDF2 key for an HMAC. RFC 9579 puts it in PKCS#12, with the password as
// UTF-8 and the salt and iterations of MacData unused.
type pbmac1Params struct {
	KDF    pkix.AlgorithmIdentifier
	Scheme pkix.AlgorithmIdentifier
}

func (f *p12File) pbmac1Matches(password []byte) (bool, error) {
	var params pbmac1Params
	var kdf pbkdf2Params
	err := unmarshalAll(f.mac.Mac.Algorithm.Parameters.FullBytes, &params)
	if err == nil && params.KDF.Algorithm.Equal(oidPBKDF2) {
		err = unmarshalAll(params.KDF.Parameters.FullBytes, &kdf)
	}
	if err != nil || !params.KDF.Algorithm.Equal(oidPBKDF2) {
		return false, errP12Convert("its integrity check (PBMAC1) has parameters kollenoctl does not read")
	}
	prf, mac := hmacDigest(kdf.PRF.Algorithm), hmacDigest(params.Scheme.Algorithm)
	switch {
	case prf == nil || mac == nil:
		return false, errP12Convert("its integrity check (PBMAC1) uses an HMAC kollenoctl does not know")
	case kdf.Iterations < 1 || kdf.Iterations > maxPBKDF2Iterations:
		return false, errP12Convert(fmt.Sprintf("its integrity check asks for %d iterations; kollenoctl accepts 1 to %d",
			kdf.Iterations, maxPBKDF2Iterations))
	case kdf.KeyLength < 20 || kdf.KeyLength > 64:
		// RFC 9579 section 6: a short key would weaken the check to nothing.
		return false, errP12Convert(fmt.Sprintf("its integrity check (PBMAC1) asks for a %d-byte key; RFC 9579 requires 20 to 64", kdf.KeyLength))
	}
	key, err := pbkdf2.Key(prf, string(password), kdf.Salt, kdf.Iterations, kdf.KeyLength)
	if err != nil {
		return false, errP12Damaged(err)
	}
	return macEqual(mac, key, f.authSafe, f.mac.Mac.Digest), nil
}

// hmacDigest is the digest of an HMAC algorithm identifier; PBKDF2's PRF
// defaults to HMAC-SHA1 when absent.
func hmacDigest(oid asn1.ObjectIdentifier) func() hash.Hash {
	if len(oid) == 0 {
		return sha1.New
	}
	for _, p := range pbePRFs {
		if p.oid.Equal(oid) {
			return p.h
		}
	}
	return nil
}
