package keystore

import (
	"crypto/des"
	"crypto/sha1"
	"crypto/x509/pkix"
	"encoding/asn1"
	"unicode/utf16"
)

// pbeWithSHAAnd3-KeyTripleDES-CBC (RFC 7292 appendix C): the PKCS#12 key
// derivation with SHA-1, then 3DES-CBC. It is what `openssl pkcs8 -topk8`
// wrote by default before OpenSSL 1.1, what `-v1 PBE-SHA1-3DES` still
// writes, and how Java 8 and OpenSSL -legacy encrypt keys in PKCS#12 files.

var oidPBEWithSHA3DES = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 1, 3}

type pkcs12PBEParams struct {
	Salt       []byte
	Iterations int
}

type pkcs12PBE struct {
	salt       []byte
	iterations int
}

func parsePKCS12PBE(alg pkix.AlgorithmIdentifier) (*pkcs12PBE, error) {
	var params pkcs12PBEParams
	if err := unmarshalAll(alg.Parameters.FullBytes, &params); err != nil {
		return nil, errDamagedEncryption(err)
	}
	if params.Iterations < 1 || params.Iterations > maxPBKDF2Iterations {
		return nil, newError(ErrUnsupported, hintPlainKey,
			"the private key's encryption asks for %d iterations; kollenoctl accepts 1 to %d",
			params.Iterations, maxPBKDF2Iterations)
	}
	return &pkcs12PBE{salt: params.Salt, iterations: params.Iterations}, nil
}

func (p *pkcs12PBE) name() string { return "PBE-SHA1-3DES" }

func (p *pkcs12PBE) decrypt(data, password []byte) ([]byte, error) {
	bmp, ok := bmpPassword(password)
	if !ok {
		return nil, newError(ErrUnsupported, hintPlainKey,
			"the password holds a character this encryption cannot encode (outside the Basic Multilingual Plane)")
	}
	key := pkcs12KDF(bmp, p.salt, 1, p.iterations, 24)
	iv := pkcs12KDF(bmp, p.salt, 2, p.iterations, des.BlockSize)
	return cbcDecrypt(des.NewTripleDESCipher, key, iv, data)
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

// pkcs12KDF is RFC 7292 appendix B.2 with SHA-1 (u = 20, v = 64): id 1
// gives key bytes, 2 IV bytes, 3 MAC key bytes.
func pkcs12KDF(password, salt []byte, id byte, iterations, size int) []byte {
	const u, v = sha1.Size, 64
	d := make([]byte, v)
	for i := range d {
		d[i] = id
	}
	ii := append(fill(salt, v), fill(password, v)...)

	var out []byte
	for len(out) < size {
		a := sha1.Sum(append(append([]byte{}, d...), ii...))
		for r := 1; r < iterations; r++ {
			a = sha1.Sum(a[:])
		}
		out = append(out, a[:]...)
		addBlocks(ii, fill(a[:], v))
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
