package keystore

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/pem"
	"regexp"
	"sync"
	"unicode/utf16"
)

// PEM as admins hand it over is often not what encoding/pem accepts: a
// byte-order mark in front, "Bag Attributes" text, Windows line ends, or the
// marks of a trip through a CI secret store or an environment variable
// (literal \n, surrounding quotes, lines joined with spaces, the whole PEM
// base64-encoded once more). This scanner finds each BEGIN/END pair by
// pattern and decodes the text between them with all white space removed,
// which covers every one of those cases with one rule.

var (
	beginRE = lazyRegexp(`-----BEGIN ([A-Z0-9]+(?: [A-Z0-9]+)*)-----`)
	endRE   = lazyRegexp(`-----END ([A-Z0-9]+(?: [A-Z0-9]+)*)-----`)
	// looseBeginRE finds what was meant as a BEGIN line but is not one.
	looseBeginRE = lazyRegexp(`-{2,}\s*BEGIN\s`)
	procTypeRE   = lazyRegexp(`Proc-Type:\s*([0-9]+,[A-Z-]+)`)
	dekInfoRE    = lazyRegexp(`DEK-Info:\s*([A-Za-z0-9-]+,[0-9A-Fa-f]+)`)
	headerLineRE = lazyRegexp(`(?m)^[ \t]*[A-Za-z][A-Za-z0-9-]*:.*$`)
)

var (
	utf8BOM    = []byte{0xEF, 0xBB, 0xBF}
	utf16LEBOM = []byte{0xFF, 0xFE}
	utf16BEBOM = []byte{0xFE, 0xFF}
)

// DecodeText undoes what Windows editors and shells do to a text file: it
// strips a UTF-8 byte-order mark (Notepad), and turns UTF-16 that starts
// with a byte-order mark (PowerShell 5's Out-File and 'echo pw > pw.txt')
// into UTF-8. Anything else, binary files included, is returned as it is:
// no keystore or DER file starts with those marks. The CLI reads password
// files through it too.
func DecodeText(data []byte) []byte {
	switch {
	case bytes.HasPrefix(data, utf8BOM):
		return data[len(utf8BOM):]
	case len(data)%2 == 1:
		return data
	case bytes.HasPrefix(data, utf16LEBOM):
		return decodeUTF16(data[2:], binary.LittleEndian)
	case bytes.HasPrefix(data, utf16BEBOM):
		return decodeUTF16(data[2:], binary.BigEndian)
	}
	return data
}

func decodeUTF16(b []byte, order binary.ByteOrder) []byte {
	units := make([]uint16, len(b)/2)
	for i := range units {
		units[i] = order.Uint16(b[2*i:])
	}
	return []byte(string(utf16.Decode(units)))
}

// unmangle undoes what copying through text systems does to PEM: a leading
// BOM, and newlines written as the two characters \n. It returns data
// unchanged when there is nothing to undo.
func unmangle(data []byte) []byte {
	data = bytes.TrimPrefix(data, utf8BOM)
	if bytes.Contains(data, []byte("-----BEGIN")) && bytes.Contains(data, []byte(`\n`)) {
		r := bytesReplacer(`\r\n`, "\n", `\n`, "\n", `\r`, "\n")
		data = r(data)
	}
	return data
}

func bytesReplacer(oldnew ...string) func([]byte) []byte {
	return func(b []byte) []byte {
		for i := 0; i < len(oldnew); i += 2 {
			b = bytes.ReplaceAll(b, []byte(oldnew[i]), []byte(oldnew[i+1]))
		}
		return b
	}
}

// unwrapBase64 returns the decoded bytes when data, stripped of white space
// and quotes, is base64 of PEM, of DER or of a Java keystore: what a secret
// store holding `base64 kolleno.key` or `base64 export.jks` gives back.
func unwrapBase64(data []byte) ([]byte, bool) {
	s := bytes.Trim(bytes.TrimSpace(data), `"'`)
	if len(s) < 32 || bytes.Contains(s, []byte("-----")) {
		return nil, false
	}
	decoded, err := decodeBase64(s)
	if err != nil {
		return nil, false
	}
	if bytes.Contains(decoded, []byte("-----BEGIN")) || looksLikeDER(decoded) || hasJavaMagic(decoded) {
		return decoded, true
	}
	return nil, false
}

// decodeBase64 decodes standard base64 with any white space in it, padded or
// not.
func decodeBase64(s []byte) ([]byte, error) {
	compact := bytes.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\r' || r == '\n' {
			return -1
		}
		return r
	}, s)
	out, err := base64.StdEncoding.DecodeString(string(compact))
	if err != nil {
		out, err = base64.RawStdEncoding.DecodeString(string(bytes.TrimRight(compact, "=")))
	}
	return out, err
}

// scanPEM returns every PEM block in text, in order. An error names the
// first defect: a malformed BEGIN line, a missing or mismatched END line, a
// body that is not base64.
func scanPEM(text []byte) ([]*pem.Block, error) {
	var blocks []*pem.Block
	for {
		loc := beginRE().FindSubmatchIndex(text)
		if loc == nil {
			break
		}
		typ := string(text[loc[2]:loc[3]])
		rest := text[loc[1]:]
		body, after, err := cutBody(typ, rest)
		if err != nil {
			return blocks, err
		}
		b, err := decodeBody(typ, body)
		if err != nil {
			return blocks, err
		}
		blocks = append(blocks, b)
		text = after
	}
	if len(blocks) == 0 && looseBeginRE().Match(text) {
		return nil, errMalformedBegin()
	}
	return blocks, nil
}

// cutBody finds the END line that closes a block of type typ.
func cutBody(typ string, rest []byte) (body, after []byte, err error) {
	end := []byte("-----END " + typ + "-----")
	scope := rest
	if next := beginRE().FindIndex(rest); next != nil {
		scope = rest[:next[0]]
	}
	if i := bytes.Index(scope, end); i >= 0 {
		return rest[:i], rest[i+len(end):], nil
	}
	if m := endRE().FindSubmatch(scope); m != nil && string(m[1]) != typ {
		return nil, nil, newError(ErrDamaged, "make the BEGIN and END lines name the same type, as the program that wrote the file did",
			"the BEGIN line says %q but the END line says %q", typ, string(m[1]))
	}
	return nil, nil, newError(ErrDamaged, "copy the whole file again, from its BEGIN line to its END line",
		"the %s block has no END line: the text was cut off", typ)
}

// decodeBody reads the headers (only those of legacy encrypted PEM matter)
// and the base64 between a BEGIN and an END line.
func decodeBody(typ string, body []byte) (*pem.Block, error) {
	b := &pem.Block{Type: typ, Headers: map[string]string{}}
	if m := procTypeRE().FindSubmatch(body); m != nil {
		b.Headers["Proc-Type"] = string(m[1])
	}
	if m := dekInfoRE().FindSubmatch(body); m != nil {
		b.Headers["DEK-Info"] = string(m[1])
	}
	body = procTypeRE().ReplaceAll(body, nil)
	body = dekInfoRE().ReplaceAll(body, nil)
	body = headerLineRE().ReplaceAll(body, nil)

	der, err := decodeBase64(bytes.Trim(body, `"' `))
	if err != nil || len(der) == 0 {
		return nil, newError(ErrDamaged, "copy the file again; if it went through an environment variable or a form, compare it with the original",
			"the text between the BEGIN and END lines of the %s block is not valid base64", typ)
	}
	b.Bytes = der
	return b, nil
}

func errMalformedBegin() *Error {
	return newError(ErrDamaged, "the BEGIN line must read exactly like -----BEGIN PRIVATE KEY----- (five dashes on each side, capital letters)",
		"the BEGIN line is malformed")
}

// lazyRegexp compiles pattern on first use, so that starting kollenoctl,
// for --help or version, does no work for it.
func lazyRegexp(pattern string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(pattern) })
}
