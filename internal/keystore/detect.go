package keystore

import (
	"bytes"
	"encoding/asn1"
)

// MaxInputSize is the largest input kollenoctl parses. Real keys,
// certificates and keystores are a few KB; anything above this is refused
// before any parsing.
const MaxInputSize = 1 << 20

// Format is what a file holds, judged by content alone.
type Format int

// The formats Detect tells apart.
const (
	FormatUnknown        Format = iota // none of the below
	FormatEmpty                        // nothing, or only white space
	FormatPEM                          // PEM text: keys, certificates, or both
	FormatDERKey                       // a binary private key: PKCS#8, PKCS#1, SEC1, encrypted PKCS#8
	FormatDERCertificate               // a binary X.509 certificate
	FormatPKCS12                       // a PKCS#12 keystore (.p12, .pfx, or keytool's default .jks)
	FormatJKS                          // a Java KeyStore, as Salesforce exports
	FormatJCEKS                        // a Java JCEKS keystore
)

var formatNames = map[Format]string{
	FormatUnknown:        "unrecognized",
	FormatEmpty:          "empty",
	FormatPEM:            "PEM",
	FormatDERKey:         "DER private key",
	FormatDERCertificate: "DER certificate",
	FormatPKCS12:         "PKCS#12 keystore",
	FormatJKS:            "JKS keystore",
	FormatJCEKS:          "JCEKS keystore",
}

// String names the format for messages: "JKS keystore", "PEM".
func (f Format) String() string {
	if s, ok := formatNames[f]; ok {
		return s
	}
	return "unrecognized"
}

// IsKeystore reports whether f is one of the keystore formats.
func (f Format) IsKeystore() bool {
	return f == FormatJKS || f == FormatJCEKS || f == FormatPKCS12
}

var (
	magicJKS   = []byte{0xFE, 0xED, 0xFE, 0xED}
	magicJCEKS = []byte{0xCE, 0xCE, 0xCE, 0xCE}
)

// Detect says what data holds, by its content. PEM that went through an
// environment variable or was base64-encoded once more is still PEM.
func Detect(data []byte) Format {
	f, _ := classify(data)
	return f
}

// classify returns the format and the bytes to parse in that format: the
// text with its mangling undone, or what a base64 wrapping held.
func classify(data []byte) (Format, []byte) {
	data = DecodeText(data)
	if len(bytes.TrimSpace(data)) == 0 {
		return FormatEmpty, nil
	}
	if f := javaFormat(data); f != FormatUnknown {
		return f, data
	}
	if f := derFormat(data); f != FormatUnknown {
		return f, data
	}
	if text := unmangle(data); bytes.Contains(text, []byte("-----BEGIN")) || looseBeginRE().Match(text) {
		return FormatPEM, text
	}
	if inner, ok := unwrapBase64(data); ok {
		if bytes.Contains(inner, []byte("-----BEGIN")) {
			return FormatPEM, unmangle(inner)
		}
		if f := javaFormat(inner); f != FormatUnknown {
			return f, inner
		}
		return derFormat(inner), inner
	}
	return FormatUnknown, data
}

func javaFormat(data []byte) Format {
	switch {
	case bytes.HasPrefix(data, magicJKS):
		return FormatJKS
	case bytes.HasPrefix(data, magicJCEKS):
		return FormatJCEKS
	}
	return FormatUnknown
}

func hasJavaMagic(data []byte) bool {
	return javaFormat(data) != FormatUnknown
}

func looksLikeDER(data []byte) bool {
	return derFormat(data) != FormatUnknown
}

// derFormat peeks one level into a DER SEQUENCE to tell a PKCS#12 file
// (INTEGER 3, then a ContentInfo) from a certificate and from the kinds of
// private key, which all start with the same byte.
func derFormat(data []byte) Format {
	var outer asn1.RawValue
	rest, err := asn1.Unmarshal(data, &outer)
	if err != nil || len(rest) != 0 {
		return damagedDERFormat(data)
	}
	if outer.Tag != asn1.TagSequence || !outer.IsCompound {
		return FormatUnknown
	}
	kids := children(outer.Bytes, 3)
	switch {
	case len(kids) < 2:
		return FormatUnknown
	case kids[0].Tag == asn1.TagInteger:
		return derFormatByVersion(kids)
	case kids[0].Tag == asn1.TagSequence && len(kids) == 3 && kids[2].Tag == asn1.TagBitString:
		return FormatDERCertificate
	case kids[0].Tag == asn1.TagSequence && len(kids) == 2 && kids[1].Tag == asn1.TagOctetString:
		if _, ok := parseEncryptedKeyInfo(data); ok {
			return FormatDERKey
		}
	}
	return FormatUnknown
}

// derFormatByVersion handles structures that start with a version number.
func derFormatByVersion(kids []asn1.RawValue) Format {
	var version int
	if _, err := asn1.Unmarshal(kids[0].FullBytes, &version); err != nil {
		return FormatUnknown
	}
	second := kids[1].Tag
	switch {
	case version == 3 && second == asn1.TagSequence:
		return FormatPKCS12
	case version == 0 && (second == asn1.TagSequence || second == asn1.TagInteger):
		return FormatDERKey // PKCS#8, or PKCS#1 RSA
	case version == 1 && (second == asn1.TagOctetString || second == asn1.TagSequence):
		return FormatDERKey // SEC1 EC, or PKCS#8 v2
	}
	return FormatUnknown
}

// damagedDERFormat recognises a PKCS#12 file that does not parse whole, cut
// short or copied as text, by its first bytes: a SEQUENCE header (30 82 hh
// ll, or another length form) then INTEGER 3 (02 01 03), also once a
// text-mode copy's CRLF is undone in them. So it is reported as a damaged
// keystore rather than as something unknown.
func damagedDERFormat(data []byte) Format {
	head := data[:min(len(data), 16)]
	if hasPKCS12Header(head) || hasPKCS12Header(bytes.ReplaceAll(head, []byte("\r\n"), []byte("\n"))) {
		return FormatPKCS12
	}
	return FormatUnknown
}

func hasPKCS12Header(b []byte) bool {
	n, ok := derHeaderLen(b)
	return ok && bytes.HasPrefix(b[n:], []byte{0x02, 0x01, 0x03})
}

// derHeaderLen is the size of the tag and length of the SEQUENCE b starts
// with: 2 for short and indefinite lengths, up to 6 for four length bytes.
func derHeaderLen(b []byte) (int, bool) {
	if len(b) < 2 || b[0] != 0x30 || b[1] > 0x84 {
		return 0, false
	}
	n := 2
	if b[1] > 0x80 {
		n += int(b[1] & 0x7f)
	}
	return n, len(b) >= n
}

// derLength is the total size, header included, that the definite-length
// SEQUENCE b starts with announces; ok is false for anything else.
func derLength(b []byte) (int, bool) {
	n, ok := derHeaderLen(b)
	if !ok || b[1] == 0x80 {
		return 0, false
	}
	if b[1] < 0x80 {
		return n + int(b[1]), true
	}
	size := 0
	for _, c := range b[2:n] {
		size = size<<8 | int(c)
	}
	return n + size, true
}

// children returns up to max elements of a SEQUENCE's contents.
func children(b []byte, max int) []asn1.RawValue {
	var out []asn1.RawValue
	for len(b) > 0 && len(out) < max {
		var v asn1.RawValue
		rest, err := asn1.Unmarshal(b, &v)
		if err != nil {
			break
		}
		out = append(out, v)
		b = rest
	}
	return out
}
