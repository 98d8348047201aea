package keystore

import (
	"crypto/cipher"
	"crypto/des"
	"crypto/sha1"
	"crypto/x509/pkix"
	"encoding/asn1"
	"hash"
	"unicode/utf16"
)

// The password-based encryption of PKCS#12 (RFC 7292 appendix C): the
// PKCS#12 key derivation with SHA-1, then a block cipher in CBC mode.
// pbeWithSHAAnd3-KeyTripleDES-CBC is what `openssl pkcs8 -topk8` wrote by
// default before OpenSSL 1.1, what `-v1 PBE-SHA1-3DES` still writes, and
// how Java 8 and OpenSSL -legacy encrypt keys in PKCS#12 files; the same
// tools encrypt the certificates with pbeWithSHAAnd40BitRC2-CBC.

var (
	oidPBEWithSHA3DES   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 1, 3}
	oidPBEWithSHA2DES   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 1, 4}
	oidPBEWithSHARC2128 = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 1, 5}
	oidPBEWithSHARC240  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 1, 6}
)

// pkcs12Cipher is one cipher of the PKCS#12 PBE schemes.
type pkcs12Cipher struct {
	name     string // as OpenSSL names the scheme
	oid      asn1.ObjectIdentifier
	keyLen   int
	newBlock func(key []byte) (cipher.Block, error)
}

// pkcs12Ciphers are the schemes kollenoctl reads. The two RC4 schemes
// (1.2.840.113549.1.12.1.1 and .2) are not among them: no current tool
// writes them by default.
var pkcs12Ciphers = []pkcs12Cipher{
	{"PBE-SHA1-3DES", oidPBEWithSHA3DES, 24, des.NewTripleDESCipher},
	{"PBE-SHA1-2DES", oidPBEWithSHA2DES, 16, newTwoKeyTripleDES},
	{"PBE-SHA1-RC2-128", oidPBEWithSHARC2128, 16, rc2WithKeyBits},
	{"PBE-SHA1-RC2-40", oidPBEWithSHARC240, 5, rc2WithKeyBits},
}

// rc2WithKeyBits is RC2 whose effective key length is the key's: 40 bits
// for RC2-40, 128 for RC2-128.
func rc2WithKeyBits(key []byte) (cipher.Block, error) {
	return newRC2(key, 8*len(key))
}

// newTwoKeyTripleDES is 3DES with keys K1, K2, K1.
func newTwoKeyTripleDES(key []byte) (cipher.Block, error) {
	return des.NewTripleDESCipher(append(append([]byte{}, key...), key[:8]...))
}

type pkcs12PBEParams struct {
	Salt       []byte
	Iterations int
}

type pkcs12PBE struct {
	cipher     pkcs12Cipher
	salt       []byte
	iterations int
}

// isPKCS12PBE reports whether oid is one of the schemes in pkcs12Ciphers.
func isPKCS12PBE(oid asn1.ObjectIdentifier) bool {
	_, ok := pkcs12CipherOf(oid)
	return ok
}

func pkcs12CipherOf(oid asn1.ObjectIdentifier) (pkcs12Cipher, bool) {
	for _, c := range pkcs12Ciphers {
		if c.oid.Equal(oid) {
			return c, true
		}
	}
	return pkcs12Cipher{}, false
}

func parsePKCS12PBE(alg pkix.AlgorithmIdentifier) (*pkcs12PBE, error) {
	c, ok := pkcs12CipherOf(alg.Algorithm)
	if !ok {
		return nil, errOldScheme(alg.Algorithm)
	}
	var params pkcs12PBEParams
	if err := unmarshalAll(alg.Parameters.FullBytes, &params); err != nil {
		return nil, errDamagedEncryption(err)
	}
	if params.Iterations < 1 || params.Iterations > maxPBKDF2Iterations {
		return nil, newError(ErrUnsupported, hintPlainKey,
			"the private key's encryption asks for %d iterations; kollenoctl accepts 1 to %d",
			params.Iterations, maxPBKDF2Iterations)
	}
	return &pkcs12PBE{cipher: c, salt: params.Salt, iterations: params.Iterations}, nil
}

func (p *pkcs12PBE) name() string { return p.cipher.name }

func (p *pkcs12PBE) decrypt(data, password []byte) ([]byte, error) {
	bmp, ok := bmpPassword(password)
	if !ok {
		return nil, newError(ErrUnsupported, hintPlainKey,
			"the password holds a character this encryption cannot encode (outside the Basic Multilingual Plane)")
	}
	key := pkcs12KDF(sha1.New, bmp, p.salt, 1, p.iterations, p.cipher.keyLen)
	iv := pkcs12KDF(sha1.New, bmp, p.salt, 2, p.iterations, des.BlockSize)
	return cbcDecrypt(p.cipher.newBlock, key, iv, data)
}

// bmpPassword is the password as PKCS#12 hashes it: UTF-16BE, then two
// zero bytes. ok is false for characters outside the BMP.
func bmpPassword(password []byte) ([]byte, bool) {
	units := utf16.Encode([]rune(string(password)))
	out := make([]byte, 0, 2*len(units)+2)
	for _, u := range units {
		if utf16.IsSurrogate(rune(u)) {
			return nil, false
		}
		out = append(out, byte(u>>8), byte(u))
	}
	return append(out, 0, 0), true
}

// pkcs12KDF is RFC 7292 appendix B.2 with hash h (u is its size, v its
// block size: 20 and 64 for SHA-1): id 1 gives key bytes, 2 IV bytes,
// 3 MAC key bytes.
func pkcs12KDF(h func() hash.Hash, password, salt []byte, id byte, iterations, size int) []byte {
	d := h()
	v := d.BlockSize()
	diversifier := make([]byte, v)
	for i := range diversifier {
		diversifier[i] = id
	}
	ii := append(fill(salt, v), fill(password, v)...)

	var out []byte
	for len(out) < size {
		d.Reset()
		d.Write(diversifier)
		d.Write(ii)
		a := d.Sum(nil)
		for r := 1; r < iterations; r++ {
			d.Reset()
			d.Write(a)
			a = d.Sum(a[:0])
		}
		out = append(out, a...)
		addBlocks(ii, fill(a, v))
	}
	return out[:size]
}

// fill repeats b to the next multiple of v bytes (nothing for empty b).
func fill(b []byte, v int) []byte {
	if len(b) == 0 {
		return nil
	}
	n := v * ((len(b) + v - 1) / v)
	out := make([]byte, n)
	for i := range out {
		out[i] = b[i%len(b)]
	}
	return out
}

// addBlocks sets each v-byte block I_j of ii to (I_j + b + 1) mod 2^(8v).
func addBlocks(ii, b []byte) {
	v := len(b)
	for j := 0; j+v <= len(ii); j += v {
		carry := 1
		for k := v - 1; k >= 0; k-- {
			sum := int(ii[j+k]) + int(b[k]) + carry
			ii[j+k] = byte(sum)
			carry = sum >> 8
		}
	}
}
