package keystore

import (
	"crypto/sha1"
	"crypto/subtle"
	"crypto/x509/pkix"
	"encoding/asn1"
	"unicode/utf16"
	"unicode/utf8"
)

// Java hashes a keystore password as the UTF-16 code units of its char[],
// big-endian. keystore-go instead sends each byte of the password as one
// char, so it can only express characters up to U+00FF, and only when they
// are given as ISO-8859-1. These functions turn the password as typed
// (UTF-8) into what Java used, and check the store digest and unprotect keys
// in that form when keystore-go cannot.

// javaChars returns the password as Java's chars: UTF-16 code units of the
// UTF-8 text, or, when the bytes are not UTF-8, one char per byte (what a
// password file saved as ISO-8859-1 means).
func javaChars(password []byte) []uint16 {
	if !utf8.Valid(password) {
		chars := make([]uint16, len(password))
		for i, b := range password {
			chars[i] = uint16(b)
		}
		return chars
	}
	return utf16.Encode([]rune(string(password)))
}

// latin1 returns chars as one byte each, the form keystore-go takes, or
// ok=false when a char is above U+00FF.
func latin1(chars []uint16) (b []byte, ok bool) {
	b = make([]byte, len(chars))
	for i, c := range chars {
		if c > 0xFF {
			return nil, false
		}
		b[i] = byte(c)
	}
	return b, true
}

// javaPasswordBytes is the UTF-16BE encoding of chars.
func javaPasswordBytes(chars []uint16) []byte {
	b := make([]byte, 0, 2*len(chars))
	for _, c := range chars {
		b = append(b, byte(c>>8), byte(c))
	}
	return b
}

// jksDigestOK checks the store digest: SHA-1 over the password, the words
// "Mighty Aphrodite" (Sun's choice), and every byte before the digest.
func jksDigestOK(f *jksFile, chars []uint16) bool {
	h := sha1.New()
	h.Write(javaPasswordBytes(chars))
	h.Write([]byte("Mighty Aphrodite"))
	h.Write(f.body)
	return subtle.ConstantTimeCompare(h.Sum(nil), f.digest) == 1
}

// oidSunJKSKeyProtector is Sun's proprietary key protection for JKS.
var oidSunJKSKeyProtector = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 42, 2, 17, 1, 1}

// jksProtectedKey splits a JKS key entry's EncryptedPrivateKeyInfo into the
// salt, the encrypted key and the check value, after checking its shape.
func jksProtectedKey(der []byte) (salt, enc, check []byte, err error) {
	var info struct {
		Algorithm pkix.AlgorithmIdentifier
		Data      []byte
	}
	if err := unmarshalAll(der, &info); err != nil {
		return nil, nil, nil, errJKSDamaged("a private key entry does not parse")
	}
	if !info.Algorithm.Algorithm.Equal(oidSunJKSKeyProtector) {
		return nil, nil, nil, newError(ErrUnsupported, hintConvertJCEKS,
			"the private key is protected with an algorithm kollenoctl does not read (OID %s)", info.Algorithm.Algorithm)
	}
	d := info.Data
	if len(d) <= 2*sha1.Size {
		return nil, nil, nil, errJKSDamaged("a private key entry is too short")
	}
	return d[:sha1.Size], d[sha1.Size : len(d)-sha1.Size], d[len(d)-sha1.Size:], nil
}

// jksUnprotect decrypts a JKS key with Sun's key protector: the key is
// XORed with a stream of SHA-1(password || previous block), starting from
// the salt, and SHA-1(password || key) must equal the check value. ok is
// false when it does not, which means the password is wrong.
func jksUnprotect(der []byte, chars []uint16) (plain []byte, ok bool, err error) {
	salt, enc, check, err := jksProtectedKey(der)
	if err != nil {
		return nil, false, err
	}
	pw := javaPasswordBytes(chars)
	plain = make([]byte, len(enc))
	block := salt
	for off := 0; off < len(enc); off += sha1.Size {
		sum := sha1.Sum(append(append([]byte{}, pw...), block...))
		block = sum[:]
		subtle.XORBytes(plain[off:], enc[off:], block)
	}
	sum := sha1.Sum(append(pw, plain...))
	return plain, subtle.ConstantTimeCompare(sum[:], check) == 1, nil
}
