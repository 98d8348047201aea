package keystore

import (
	"crypto/x509/pkix"
	"encoding/asn1"
	"unicode/utf16"
)

// The layers of a PKCS#12 file (RFC 7292) that go-pkcs12 does not expose:
// the safe bags with their attributes (friendlyName is the alias keytool
// and OpenSSL write; localKeyId pairs a key with its certificate). walkP12
// reads the unencrypted layers; encrypted safe contents are kept as they are
// for decryptSafe.

var (
	oidData          = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}
	oidEncryptedData = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 6}
	oidKeyBag        = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 10, 1, 1}
	oidShroudedBag   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 10, 1, 2}
	oidCertBag       = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 10, 1, 3}
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
}

func walkP12(data []byte) (*p12File, error) {
	var pfx p12PFX
	if err := unmarshalAll(data, &pfx); err != nil {
		return nil, errP12Damaged(err)
	}
	if pfx.Version != 3 || !pfx.AuthSafe.ContentType.Equal(oidData) {
		return nil, errP12Unsupported("it is protected with certificates, not a password")
	}
	var authSafe []p12ContentInfo
	if err := unmarshalOctets(pfx.AuthSafe.Content.Bytes, &authSafe); err != nil {
		return nil, errP12Damaged(err)
	}
	f := &p12File{}
	for _, ci := range authSafe {
		if err := f.addContent(ci); err != nil {
			return nil, err
		}
	}
	return f, nil
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
		return f.addBags(bags)
	case ci.ContentType.Equal(oidEncryptedData):
		var ed p12EncryptedData
		if err := unmarshalAll(ci.Content.Bytes, &ed); err != nil {
			return errP12Damaged(err)
		}
		f.encrypted = append(f.encrypted, ed)
		return nil
	}
	return errP12Unsupported("part of it is protected with certificates, not a password")
}

func (f *p12File) addBags(bags []p12SafeBag) error {
	for _, sb := range bags {
		b := p12Bag{id: sb.ID, value: sb.Value.Bytes}
		for _, a := range sb.Attributes {
			b.setAttribute(a)
		}
		f.bags = append(f.bags, b)
	}
	return nil
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

// decryptSafes decrypts the encrypted safe contents that use PBES2 (what
// Java 9+ and OpenSSL 3 write) and adds their bags. It returns false when a
// safe uses an older scheme (RC2 or 3DES, OpenSSL -legacy and Java 8),
// whose bags are then left out.
func (f *p12File) decryptSafes(password []byte) (complete bool, err error) {
	complete = true
	for _, ed := range f.encrypted {
		p, perr := parsePBE(ed.Info.Algorithm)
		if perr != nil {
			complete = false
			continue
		}
		plain, err := p.decrypt(ed.Info.Content, password)
		if err != nil {
			return false, err
		}
		var bags []p12SafeBag
		if err := unmarshalAll(plain, &bags); err != nil {
			return false, errP12Damaged(err)
		}
		if err := f.addBags(bags); err != nil {
			return false, err
		}
	}
	f.encrypted = nil
	return complete, nil
}

func errP12Damaged(err error) *Error {
	return newError(ErrDamaged, "copy the keystore again as a binary file, or export it again",
		"the PKCS#12 keystore is damaged or cut short").because(err)
}

func errP12Unsupported(why string) *Error {
	return newError(ErrUnsupported, "write it again with keytool or openssl pkcs12 and a password",
		"kollenoctl cannot read this PKCS#12 keystore: %s", why)
}
