package keystore

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/des"
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"crypto/x509/pkix"
	"encoding/asn1"
	"hash"
)

// Encrypted PKCS#8 (RFC 5958 EncryptedPrivateKeyInfo) with PBES2 (RFC 8018):
// PBKDF2 with an HMAC, then AES-CBC or DES-EDE3-CBC. That is what OpenSSL 3
// writes for `genpkey -aes256`, `pkey -des3` and `genrsa -des3`. It is done
// here rather than with a library so that a wrong password is told apart by
// the padding, and so that crafted parameters (huge iteration counts, odd
// IV or ciphertext lengths) are refused instead of hanging or panicking.

var (
	oidPBES2      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 13}
	oidPBKDF2     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 12}
	oidScrypt     = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 11591, 4, 11}
	oidHMACSHA1   = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 7}
	oidHMACSHA224 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 8}
	oidHMACSHA256 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 9}
	oidHMACSHA384 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 10}
	oidHMACSHA512 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 11}
	oidAES128CBC  = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 2}
	oidAES192CBC  = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 22}
	oidAES256CBC  = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 42}
	oidDESEDE3CBC = asn1.ObjectIdentifier{1, 2, 840, 113549, 3, 7}
)

// maxPBKDF2Iterations bounds the work a crafted key file can ask for.
// OpenSSL writes 2048 iterations and Java 10000; a million take about a
// second, ten million (the first cap) stalled the fuzzer for many seconds.
const maxPBKDF2Iterations = 1_000_000

type encryptedKeyInfo struct {
	Algorithm pkix.AlgorithmIdentifier
	Data      []byte
}

type pbes2Params struct {
	KDF    pkix.AlgorithmIdentifier
	Scheme pkix.AlgorithmIdentifier
}

type pbkdf2Params struct {
	Salt       []byte
	Iterations int
	KeyLength  int                      `asn1:"optional"`
	PRF        pkix.AlgorithmIdentifier `asn1:"optional"`
}

// pbeCipher is one encryption scheme of PBES2.
type pbeCipher struct {
	name     string
	oid      asn1.ObjectIdentifier
	keyLen   int
	newBlock func(key []byte) (cipher.Block, error)
}

var pbeCiphers = []pbeCipher{
	{"AES-128-CBC", oidAES128CBC, 16, aes.NewCipher},
	{"AES-192-CBC", oidAES192CBC, 24, aes.NewCipher},
	{"AES-256-CBC", oidAES256CBC, 32, aes.NewCipher},
	{"DES-EDE3-CBC", oidDESEDE3CBC, 24, des.NewTripleDESCipher},
}

var pbePRFs = []struct {
	oid asn1.ObjectIdentifier
	h   func() hash.Hash
}{
	{oidHMACSHA1, sha1.New},
	{oidHMACSHA224, sha256.New224},
	{oidHMACSHA256, sha256.New},
	{oidHMACSHA384, sha512.New384},
	{oidHMACSHA512, sha512.New},
}

// pbes2 is a parsed, checked PBES2 parameter set.
type pbes2 struct {
	cipher     pbeCipher
	prf        func() hash.Hash
	salt, iv   []byte
	iterations int
}

// parseEncryptedKeyInfo reads an EncryptedPrivateKeyInfo. ok is false when
// der is not one at all (so the caller can try other forms).
func parseEncryptedKeyInfo(der []byte) (info encryptedKeyInfo, ok bool) {
	rest, err := asn1.Unmarshal(der, &info)
	if err != nil || len(rest) != 0 || len(info.Data) == 0 {
		return info, false
	}
	return info, isPBEAlgorithm(info.Algorithm.Algorithm)
}

// isPBEAlgorithm reports whether oid is PBES2 or one of the PBES1 and PKCS#12
// password-based schemes (1.2.840.113549.1.5.x and 1.2.840.113549.1.12.1.x).
func isPBEAlgorithm(oid asn1.ObjectIdentifier) bool {
	pkcs5 := asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5}
	pkcs12PBE := asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 1}
	return hasPrefix(oid, pkcs5) || hasPrefix(oid, pkcs12PBE)
}

func hasPrefix(oid, prefix asn1.ObjectIdentifier) bool {
	return len(oid) > len(prefix) && oid[:len(prefix)].Equal(prefix)
}

// pbeScheme is a password-based encryption scheme with its parameters.
type pbeScheme interface {
	decrypt(data, password []byte) ([]byte, error)
	name() string
}

// parsePBE checks the algorithm of an encrypted key or PKCS#12 safe and
// returns its scheme, or an error naming what is not supported.
func parsePBE(alg pkix.AlgorithmIdentifier) (pbeScheme, error) {
	switch {
	case alg.Algorithm.Equal(oidPBES2):
		return parsePBES2(alg)
	case isPKCS12PBE(alg.Algorithm):
		return parsePKCS12PBE(alg)
	}
	return nil, errOldScheme(alg.Algorithm)
}

func errOldScheme(oid asn1.ObjectIdentifier) *Error {
	return newError(ErrUnsupported, hintPlainKey,
		"the private key is encrypted with an old scheme (PBES1, OID %s) that kollenoctl does not read", oid)
}

func parsePBES2(alg pkix.AlgorithmIdentifier) (*pbes2, error) {
	var params pbes2Params
	if err := unmarshalAll(alg.Parameters.FullBytes, &params); err != nil {
		return nil, errDamagedEncryption(err)
	}
	p := &pbes2{}
	if err := p.setCipher(params.Scheme); err != nil {
		return nil, err
	}
	if err := p.setKDF(params.KDF); err != nil {
		return nil, err
	}
	return p, nil
}

func (p *pbes2) setCipher(scheme pkix.AlgorithmIdentifier) error {
	for _, c := range pbeCiphers {
		if !scheme.Algorithm.Equal(c.oid) {
			continue
		}
		p.cipher = c
		if err := unmarshalAll(scheme.Parameters.FullBytes, &p.iv); err != nil {
			return errDamagedEncryption(err)
		}
		return nil
	}
	return newError(ErrUnsupported, hintPlainKey,
		"the private key is encrypted with a cipher kollenoctl does not read (OID %s)", scheme.Algorithm)
}

func (p *pbes2) setKDF(kdf pkix.AlgorithmIdentifier) error {
	if kdf.Algorithm.Equal(oidScrypt) {
		return newError(ErrUnsupported, hintPlainKey,
			"the private key's password is stretched with scrypt, which kollenoctl does not read")
	}
	var params pbkdf2Params
	if !kdf.Algorithm.Equal(oidPBKDF2) {
		return newError(ErrUnsupported, hintPlainKey,
			"the private key's password is stretched with an unknown function (OID %s)", kdf.Algorithm)
	}
	if err := unmarshalAll(kdf.Parameters.FullBytes, &params); err != nil {
		return errDamagedEncryption(err)
	}
	if params.Iterations < 1 || params.Iterations > maxPBKDF2Iterations {
		return newError(ErrUnsupported, hintPlainKey,
			"the private key's encryption asks for %d PBKDF2 iterations; kollenoctl accepts 1 to %d",
			params.Iterations, maxPBKDF2Iterations)
	}
	if params.KeyLength != 0 && params.KeyLength != p.cipher.keyLen {
		return errDamagedEncryption(nil)
	}
	p.salt, p.iterations = params.Salt, params.Iterations
	return p.setPRF(params.PRF)
}

func (p *pbes2) setPRF(prf pkix.AlgorithmIdentifier) error {
	if len(prf.Algorithm) == 0 {
		p.prf = sha1.New // RFC 8018's default
		return nil
	}
	for _, c := range pbePRFs {
		if prf.Algorithm.Equal(c.oid) {
			p.prf = c.h
			return nil
		}
	}
	return newError(ErrUnsupported, hintPlainKey,
		"the private key's encryption uses an unknown HMAC (OID %s)", prf.Algorithm)
}

// decrypt returns the plaintext, or ErrWrongPassword when the padding shows
// that password is not the one the key was encrypted with.
func (p *pbes2) decrypt(data, password []byte) ([]byte, error) {
	key, err := pbkdf2.Key(p.prf, string(password), p.salt, p.iterations, p.cipher.keyLen)
	if err != nil {
		return nil, errDamagedEncryption(err)
	}
	return cbcDecrypt(p.cipher.newBlock, key, p.iv, data)
}

// cbcDecrypt decrypts CBC data and removes its padding, after checking the
// lengths that would make crypto/cipher panic.
func cbcDecrypt(newBlock func([]byte) (cipher.Block, error), key, iv, data []byte) ([]byte, error) {
	block, err := newBlock(key)
	if err != nil {
		return nil, errDamagedEncryption(err)
	}
	bs := block.BlockSize()
	if len(iv) != bs || len(data) == 0 || len(data)%bs != 0 {
		return nil, errDamagedEncryption(nil)
	}
	plain := make([]byte, len(data))
	cipher.NewCBCDecrypter(block, iv).CryptBlocks(plain, data)
	return unpad(plain, bs)
}

// unpad removes PKCS#7 padding in constant time with respect to its content.
func unpad(b []byte, bs int) ([]byte, error) {
	n := int(b[len(b)-1])
	if n == 0 || n > bs {
		return nil, errWrongKeyPassword()
	}
	want := make([]byte, n)
	for i := range want {
		want[i] = byte(n)
	}
	if subtle.ConstantTimeCompare(b[len(b)-n:], want) != 1 {
		return nil, errWrongKeyPassword()
	}
	return b[:len(b)-n], nil
}

// name says how a key is encrypted, for inspect: "PBES2 AES-256-CBC".
func (p *pbes2) name() string {
	return "PBES2 " + p.cipher.name
}

func unmarshalAll(der []byte, v any) error {
	rest, err := asn1.Unmarshal(der, v)
	if err == nil && len(rest) != 0 {
		err = asn1.SyntaxError{Msg: "trailing data"}
	}
	return err
}

func errDamagedEncryption(err error) *Error {
	return newError(ErrDamaged, "the key file is damaged; copy it again from where it was made",
		"the private key's encryption parameters are damaged").because(err)
}

func errWrongKeyPassword() *Error {
	return newError(ErrWrongPassword, "check the key's password; "+hintKeyPassword,
		"the password does not decrypt the private key")
}
