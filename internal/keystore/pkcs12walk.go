package keystore

import (
	"bytes"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"unicode/utf16"
)

// The layers of a PKCS#12 file (RFC 7292), read here rather than with
// go-pkcs12, which takes one key and hides the bags: the safe bags with
// their attributes (friendlyName is the alias keytool and OpenSSL write;
// localKeyId pairs a key with its certificate). walkP12 reads the
// unencrypted layers; encrypted safe contents are kept as they are for
// decryptSafes.

var (
	oidData          = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}
	oidEncryptedData = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 6}
	oidKeyBag        = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 10, 1, 1}
	oidShroudedBag   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 10, 1, 2}
	oidCertBag       = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 10, 1, 3}
	oidSecretBag     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 10, 1, 5}
	oidFriendlyName  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 20}
	oidLocalKeyID    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 21}
	oidX509Cert      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 22, 1}
	// oidJavaTrusted marks a certificate bag as a Java trusted certificate entry.
	oidJavaTrusted = asn1.ObjectIdentifier{2, 16, 840, 1, 113894, 746875, 1, 1}
)

type p12PFX struct {
	Version  int
	AuthSafe p12ContentInfo
	MacData  asn1.RawValue `asn1:"optional"`
}

type p12ContentInfo struct {
	ContentType asn1.ObjectIdentifier
	Content     asn1.RawValue `asn1:"tag:0,explicit,optional"`
}

type p12EncryptedData struct {
	Version int
	Info    struct {
		ContentType asn1.ObjectIdentifier
		Algorithm   pkix.AlgorithmIdentifier
		Content     []byte `asn1:"tag:0,optional"`
	}
}

type p12SafeBag struct {
	ID         asn1.ObjectIdentifier
	Value      asn1.RawValue     `asn1:"tag:0,explicit"`
	Attributes []p12BagAttribute `asn1:"set,optional"`
}

type p12BagAttribute struct {
	ID     asn1.ObjectIdentifier
	Values asn1.RawValue `asn1:"set"`
}

type p12CertBag struct {
	ID    asn1.ObjectIdentifier
	Value []byte `asn1:"tag:0,explicit"`
}

// p12Bag is a safe bag with the attributes kollenoctl uses.
type p12Bag struct {
	id         asn1.ObjectIdentifier
	value      []byte // the bag's content, DER
	name       string // friendlyName
	localKeyID string
	trusted    bool
}

// p12File is a walked PKCS#12 file.
type p12File struct {
	bags      []p12Bag           // from the unencrypted safe contents
	encrypted []p12EncryptedData // safe contents still encrypted
	authSafe  []byte             // what the MAC covers
	mac       *p12MacData        // nil when the file has no MAC (openssl -nomac)
}

func walkP12(data []byte) (*p12File, error) {
	var pfx p12PFX
	if err := unmarshalAll(data, &pfx); err != nil {
		return nil, errP12Structure(data, err)
	}
	if pfx.Version != 3 || !pfx.AuthSafe.ContentType.Equal(oidData) {
		return nil, errP12Unsupported("it is protected with certificates, not a password")
	}
	f := &p12File{}
	if err := unmarshalAll(pfx.AuthSafe.Content.Bytes, &f.authSafe); err != nil {
		return nil, errP12Damaged(err)
	}
	if err := f.setMAC(pfx.MacData); err != nil {
		return nil, err
	}
	var authSafe []p12ContentInfo
	if err := unmarshalAll(f.authSafe, &authSafe); err != nil {
		return nil, errP12Damaged(err)
	}
	for _, ci := range authSafe {
		if err := f.addContent(ci); err != nil {
			return nil, err
		}
	}
	return f, nil
}

func (f *p12File) setMAC(raw asn1.RawValue) error {
	if len(raw.FullBytes) == 0 {
		return nil
	}
	f.mac = &p12MacData{}
	if err := unmarshalAll(raw.FullBytes, f.mac); err != nil {
		return errP12Damaged(err)
	}
	return nil
}

// unmarshalOctets reads an OCTET STRING and then v from its contents.
func unmarshalOctets(der []byte, v any) error {
	var octets []byte
	if err := unmarshalAll(der, &octets); err != nil {
		return err
	}
	return unmarshalAll(octets, v)
}

func (f *p12File) addContent(ci p12ContentInfo) error {
	switch {
	case ci.ContentType.Equal(oidData):
		var bags []p12SafeBag
		if err := unmarshalOctets(ci.Content.Bytes, &bags); err != nil {
			return errP12Damaged(err)
		}
		f.addBags(bags)
		return nil
	case ci.ContentType.Equal(oidEncryptedData):
		var ed p12EncryptedData
		if err := unmarshalAll(ci.Content.Bytes, &ed); err != nil {
			return errP12Damaged(err)
		}
		if len(f.encrypted) == maxP12EncryptedSafes {
			why := fmt.Sprintf("it has more than %d encrypted parts", maxP12EncryptedSafes)
			return errP12Unsupported(why)
		}
		f.encrypted = append(f.encrypted, ed)
		return nil
	}
	return errP12Unsupported("part of it is protected with certificates, not a password")
}

func (f *p12File) addBags(bags []p12SafeBag) {
	for _, sb := range bags {
		b := p12Bag{id: sb.ID, value: sb.Value.Bytes}
		for _, a := range sb.Attributes {
			b.setAttribute(a)
		}
		f.bags = append(f.bags, b)
	}
}

func (b *p12Bag) setAttribute(a p12BagAttribute) {
	switch {
	case a.ID.Equal(oidFriendlyName):
		var v asn1.RawValue
		_, err := asn1.Unmarshal(a.Values.Bytes, &v)
		if err == nil && v.Tag == asn1.TagBMPString && len(v.Bytes)%2 == 0 {
			b.name = decodeBMP(v.Bytes)
		}
	case a.ID.Equal(oidLocalKeyID):
		var id []byte
		if _, err := asn1.Unmarshal(a.Values.Bytes, &id); err == nil {
			b.localKeyID = string(id)
		}
	case a.ID.Equal(oidJavaTrusted):
		b.trusted = true
	}
}

func decodeBMP(b []byte) string {
	units := make([]uint16, len(b)/2)
	for i := range units {
		units[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
	}
	return string(utf16.Decode(units))
}

// maxP12EncryptedSafes bounds the work a crafted file can ask for: each
// encrypted part may ask for a million iterations of its key derivation.
// keytool and OpenSSL write one.
const maxP12EncryptedSafes = 4

// decryptSafes decrypts the encrypted safe contents, whatever the scheme:
// PBES2 (Java 9+, OpenSSL 3), or the PKCS#12 schemes with 3DES or RC2
// (Java 8, OpenSSL -legacy), and adds their bags. A padding or structure
// that comes out wrong is ErrWrongPassword: the caller knows whether the
// MAC had already checked the password.
func (f *p12File) decryptSafes(password []byte) error {
	for _, ed := range f.encrypted {
		bags, err := f.decryptSafe(ed, password)
		if err != nil {
			return err
		}
		f.addBags(bags)
	}
	f.encrypted = nil
	return nil
}

func (f *p12File) decryptSafe(ed p12EncryptedData, password []byte) ([]p12SafeBag, error) {
	p, err := parsePBE(ed.Info.Algorithm)
	if err != nil {
		return nil, errP12Convert(fmt.Sprintf("its certificates are encrypted in a way kollenoctl does not read (algorithm %s)",
			ed.Info.Algorithm.Algorithm))
	}
	plain, err := p.decrypt(ed.Info.Content, password)
	if err != nil {
		return nil, err
	}
	var bags []p12SafeBag
	if err := unmarshalAll(plain, &bags); err != nil {
		// The padding came out right by chance (1 in 256): the password is
		// wrong all the same.
		return nil, newError(ErrWrongPassword, hintStorePassword, "the password does not decrypt the keystore")
	}
	return bags, nil
}

// decryptsWith reports whether password decrypts an encrypted part of the
// file (the first safe, or the first private key) into something well
// formed, without keeping what it decrypts. When the MAC fails, this tells
// a right password in a damaged file from a wrong one.
func (f *p12File) decryptsWith(password []byte) bool {
	if len(f.encrypted) > 0 {
		if _, err := f.decryptSafe(f.encrypted[0], password); err == nil {
			return true
		}
	}
	return f.checkFirstKey(password) == nil && f.hasShroudedKey()
}

func (f *p12File) hasShroudedKey() bool {
	for _, b := range f.bags {
		if b.id.Equal(oidShroudedBag) {
			return true
		}
	}
	return false
}

// errP12Structure explains a PKCS#12 file whose DER does not parse: one cut
// short (its header announces more bytes than it has), one copied as text
// (its line ends turned into CRLF), or one otherwise damaged.
func errP12Structure(data []byte, err error) *Error {
	declared, ok := derLength(data)
	switch {
	case copiedAsText(data):
		return newError(ErrDamaged, hintCopyBinary+"; a copy in text mode (FTP ASCII, a text editor, git without .gitattributes) changes its line ends",
			"the keystore is damaged: it was copied as text, which turned its line ends into CRLF").because(err)
	case ok && declared > len(data):
		return newError(ErrDamaged, hintCopyBinary,
			"the keystore is cut short or damaged: it has %d of the %d bytes its header announces", len(data), declared).because(err)
	}
	return newError(ErrDamaged, hintCopyBinary,
		"the keystore is cut short or damaged: its structure does not parse").because(err)
}

// copiedAsText reports whether data is a PKCS#12 file whose LF bytes were
// turned into CRLF, as a text-mode copy does: undone, its length is the one
// its header announces.
func copiedAsText(data []byte) bool {
	if !bytes.Contains(data, []byte("\r\n")) {
		return false
	}
	lf := bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	declared, ok := derLength(lf)
	return ok && declared == len(lf)
}

const hintCopyBinary = "copy the keystore again as a binary file, or export it again"

func errP12Damaged(err error) *Error {
	return newError(ErrDamaged, hintCopyBinary,
		"the keystore is cut short or damaged: part of it does not parse").because(err)
}

func errP12Unsupported(why string) *Error {
	return newError(ErrUnsupported, "write it again with keytool or openssl pkcs12 and a password",
		"kollenoctl cannot read this PKCS#12 keystore: %s", why)
}

// errP12Convert is errP12Unsupported with the command that rewrites the
// file in a form kollenoctl reads (PBES2 and an HMAC-SHA256 MAC), keeping
// every entry and alias. (openssl pkcs12 cannot do it in one step: -export
// keeps one key, and cannot read its key and certificates from one pipe.)
func errP12Convert(why string) *Error {
	e := errP12Unsupported(why)
	e.Fix = "rewrite it with keytool in a form kollenoctl reads: keytool -importkeystore -srckeystore <keystore> -srcstoretype PKCS12 -destkeystore converted.p12 -deststoretype PKCS12"
	return e
}
