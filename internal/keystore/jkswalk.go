package keystore

import (
	"encoding/binary"
	"fmt"
	"time"
	"unicode/utf8"
)

// The JKS layout (JCEKS is the same with another magic and one more tag):
//
//	magic u32 | version u32 (1 or 2) | count u32 | count entries | SHA-1 digest (20 bytes)
//	entry: tag u32 | alias (u16 length + modified UTF-8) | created u64 (ms)
//	  tag 1, private key: u32 length + protected key | u32 count + certificates
//	  tag 2, trusted certificate: certificate
//	  tag 3, secret key (JCEKS only): a serialized Java object, to the end
//	certificate: (version 2: type as u16 length + UTF-8) | u32 length + DER
//
// walkJKS reads this structure without the password. Every length is
// checked against the bytes that remain before anything is allocated, so a
// crafted length field cannot make it allocate more than the file holds
// (keystore-go trusts them: a 95-byte file made it allocate 2 GiB).

const (
	jksTagPrivateKey  = 1
	jksTagTrustedCert = 2
	jksTagSecretKey   = 3
	jksDigestLen      = 20
)

// jksFile is a walked JKS or JCEKS file.
type jksFile struct {
	jceks   bool
	entries []jksEntry
	body    []byte // everything the digest covers
	digest  []byte
}

// jksEntry is one entry, with its fields still protected.
type jksEntry struct {
	tag          uint32
	alias        string
	created      time.Time
	protectedKey []byte   // tag 1: EncryptedPrivateKeyInfo DER
	certs        [][]byte // tag 1: the chain, leaf first; tag 2: the certificate
}

// jksReader reads big-endian fields; the first failure sticks.
type jksReader struct {
	b     []byte
	off   int
	entry int // the entry being read, for messages
	total int
	err   error
}

func (r *jksReader) take(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || n > len(r.b)-r.off {
		r.err = errJKSTruncated(r.entry, r.total)
		return nil
	}
	out := r.b[r.off : r.off+n]
	r.off += n
	return out
}

func (r *jksReader) u16() int {
	if b := r.take(2); b != nil {
		return int(binary.BigEndian.Uint16(b))
	}
	return 0
}

func (r *jksReader) u32() uint32 {
	if b := r.take(4); b != nil {
		return binary.BigEndian.Uint32(b)
	}
	return 0
}

// length reads a u32 length and checks it against what remains.
func (r *jksReader) length() int {
	n := r.u32()
	if r.err == nil && uint64(n) > uint64(len(r.b)-r.off) {
		r.err = errJKSTruncated(r.entry, r.total)
	}
	return int(n)
}

func (r *jksReader) utf() string {
	b := r.take(r.u16())
	if r.err == nil && !utf8.Valid(b) {
		r.err = errJKSDamaged("an alias or a certificate type is not valid text")
	}
	return string(b)
}

// walkJKS checks the structure of a JKS or JCEKS file and returns it.
func walkJKS(data []byte) (*jksFile, error) {
	r := &jksReader{b: data}
	magic := r.u32()
	f := &jksFile{jceks: magic == 0xCECECECE}
	version := r.u32()
	count := r.u32()
	if r.err != nil {
		return nil, r.err
	}
	if version != 1 && version != 2 {
		return nil, errJKSDamaged(fmt.Sprintf("unknown keystore version %d", version))
	}
	r.total = int(count)
	for i := 0; i < int(count) && r.err == nil; i++ {
		r.entry = i + 1
		f.entries = append(f.entries, r.entryAt(version, f.jceks))
	}
	return f.finish(r)
}

// finish splits off the digest and checks that nothing follows it.
func (f *jksFile) finish(r *jksReader) (*jksFile, error) {
	if r.err != nil {
		return nil, r.err
	}
	f.body = r.b[:r.off]
	r.entry = r.total
	f.digest = r.take(jksDigestLen)
	if r.err != nil {
		return nil, r.err
	}
	if extra := len(r.b) - r.off; extra != 0 {
		return nil, errJKSDamaged(fmt.Sprintf("%d unexpected bytes follow the end of the keystore", extra))
	}
	return f, nil
}

func (r *jksReader) entryAt(version uint32, jceks bool) jksEntry {
	e := jksEntry{tag: r.u32(), alias: r.utf()}
	if b := r.take(8); b != nil {
		e.created = time.UnixMilli(int64(binary.BigEndian.Uint64(b))).UTC()
	}
	switch {
	case r.err != nil:
	case e.tag == jksTagPrivateKey:
		e.protectedKey = r.take(r.length())
		e.certs = r.chain(version)
	case e.tag == jksTagTrustedCert:
		e.certs = [][]byte{r.cert(version)}
	case e.tag == jksTagSecretKey && jceks:
		// A serialized Java object with no length in front: nothing after
		// it can be found, so the walk stops and the entry is listed.
		r.err = errJCEKSSecretKey(e.alias)
	default:
		r.err = errJKSDamaged(fmt.Sprintf("entry %d has an unknown type (%d)", r.entry, e.tag))
	}
	return e
}

func (r *jksReader) chain(version uint32) [][]byte {
	n := r.length() // each certificate takes at least 4 bytes, so length() bounds n
	var certs [][]byte
	for i := 0; i < n && r.err == nil; i++ {
		certs = append(certs, r.cert(version))
	}
	return certs
}

func (r *jksReader) cert(version uint32) []byte {
	if version == 2 {
		if typ := r.utf(); r.err == nil && typ != "X.509" {
			r.err = errJKSDamaged(fmt.Sprintf("entry %d holds a certificate of type %q, not X.509", r.entry, typ))
		}
	}
	return r.take(r.length())
}

func errJKSTruncated(entry, total int) *Error {
	where := "in its header"
	if entry > 0 {
		where = fmt.Sprintf("inside entry %d of %d", entry, total)
	}
	return newError(ErrDamaged, hintDownloadAgain,
		"the keystore is cut short: it ends %s", where)
}

func errJKSDamaged(what string) *Error {
	return newError(ErrDamaged, hintDownloadAgain, "the keystore is damaged: %s", what)
}

func errJCEKSSecretKey(alias string) *Error {
	return newError(ErrUnsupported, hintConvertJCEKS,
		"the JCEKS keystore holds a secret key entry (%q), which kollenoctl cannot read past", alias)
}

const (
	hintDownloadAgain = "export the keystore again (Salesforce: Setup > Certificate and Key Management > Export to Keystore) and copy it as a binary file"
	hintConvertJCEKS  = "convert it to PKCS#12 with keytool: keytool -importkeystore -srckeystore <keystore> -srcstoretype JCEKS -destkeystore converted.p12 -deststoretype PKCS12"
)
