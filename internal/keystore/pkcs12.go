package keystore

import (
	"crypto/x509"
	"errors"
	"fmt"
	"strings"

	pkcs12 "software.sslmate.com/src/go-pkcs12"
)

// openPKCS12 reads a PKCS#12 keystore. go-pkcs12 checks the password (the
// MAC) and decodes files with one private key, whatever their encryption.
// It refuses files with several keys, which keytool writes when it converts
// a whole multi-certificate JKS export; their MAC has been checked by then,
// and readP12Bags reads them from the bags (PBES2 encryption only).
func openPKCS12(data, password []byte) (*Store, error) {
	f, err := walkP12(data)
	if err != nil {
		return nil, err
	}
	if password == nil {
		return &Store{Entries: f.entries()}, nil
	}
	key, leaf, cas, err := pkcs12.DecodeChain(data, string(password))
	macOK, err := p12Error(err)
	if err != nil {
		return nil, err
	}
	if !macOK {
		return singleKeyStore(f, key, append([]*x509.Certificate{leaf}, cas...))
	}
	complete, err := f.decryptSafes(password)
	if err != nil {
		return nil, err
	}
	// TODO: when complete is false, certificates in RC2- or 3DES-encrypted
	// safes (OpenSSL -legacy, Java 8) were skipped: go-pkcs12 exposes no
	// bag-level decryption. The keys are still listed, without certificates.
	_ = complete
	return &Store{Verified: true, Entries: f.entries()}, nil
}

// p12Error sorts go-pkcs12's errors. bagsNeeded is true for the failures
// that happen after the MAC was checked, when go-pkcs12 cannot represent
// the file's contents (several keys, no key, Java's trusted-certificate
// attribute, more than two safes) and the bags must be read here.
func p12Error(err error) (bagsNeeded bool, _ error) {
	if err == nil {
		return false, nil
	}
	msg := err.Error()
	switch {
	case errors.Is(err, pkcs12.ErrIncorrectPassword):
		return false, newError(ErrWrongPassword, hintStorePassword, "the keystore password is wrong").because(err)
	case errors.Is(err, pkcs12.ErrDecryption):
		return false, newError(ErrWrongPassword, hintKeyPassword,
			"the keystore opened, but its contents do not decrypt with the keystore password").because(err)
	case strings.Contains(msg, "expected exactly one key bag"), strings.Contains(msg, "private key missing"),
		strings.Contains(msg, "certificate missing"), strings.Contains(msg, "items in the authenticated safe"),
		strings.Contains(msg, "expected exactly one certificate in the certBag"):
		return true, nil
	case strings.Contains(msg, "UCS-2") || strings.Contains(msg, "BMP"):
		return false, newError(ErrUnsupported, hintStorePassword,
			"the password holds a character PKCS#12 cannot encode (outside the Basic Multilingual Plane)").because(err)
	}
	var ni pkcs12.NotImplementedError
	if errors.As(err, &ni) {
		return false, errP12Unsupported(string(ni))
	}
	return false, errP12Damaged(err)
}

// singleKeyStore is the store of a file go-pkcs12 decoded whole. Its chain
// is reordered so that the certificate of the key comes first: go-pkcs12
// takes the first certificate bag as the leaf, which is not always so.
func singleKeyStore(f *p12File, priv any, chain []*x509.Certificate) (*Store, error) {
	k, err := newKey(priv, "PKCS#8 in PKCS#12")
	if err != nil {
		return nil, err
	}
	for i, c := range chain {
		if Matches(k.Signer, c) {
			chain[0], chain[i] = chain[i], chain[0]
			break
		}
	}
	alias := "1"
	if names := f.keyNames(); len(names) == 1 && names[0] != "" {
		alias = names[0]
	}
	e := &Entry{Alias: alias, Kind: PrivateKeyEntry, Certificates: chain}
	e.unlock = func([]byte) (*Key, error) { c := *k; return &c, nil }
	return &Store{Verified: true, Entries: []*Entry{e}}, nil
}

func (f *p12File) keyNames() []string {
	var names []string
	for _, b := range f.bags {
		if b.isKey() {
			names = append(names, b.name)
		}
	}
	return names
}

func (b *p12Bag) isKey() bool { return b.id.Equal(oidShroudedBag) || b.id.Equal(oidKeyBag) }

// entries turns the bags read so far into entries: each key with the
// certificate that shares its localKeyId, and each other certificate as a
// trusted certificate.
func (f *p12File) entries() []*Entry {
	certs := map[string][]*x509.Certificate{}
	var out []*Entry
	for _, b := range f.bags {
		if !b.id.Equal(oidCertBag) {
			continue
		}
		c := parseCertBag(b.value)
		if c == nil {
			continue
		}
		if b.localKeyID != "" && !b.trusted {
			certs[b.localKeyID] = append(certs[b.localKeyID], c)
			continue
		}
		out = append(out, &Entry{Alias: b.name, Kind: TrustedCertificateEntry,
			Certificates: []*x509.Certificate{c}})
	}
	for i, b := range f.bags {
		if b.isKey() {
			out = append(out, keyBagEntry(b, i, certs[b.localKeyID]))
		}
	}
	return out
}

func keyBagEntry(b p12Bag, i int, certs []*x509.Certificate) *Entry {
	alias := b.name
	if alias == "" {
		alias = fmt.Sprint(i + 1)
	}
	e := &Entry{Alias: alias, Kind: PrivateKeyEntry, Certificates: certs}
	der := b.value
	e.unlock = func(password []byte) (*Key, error) {
		k, err := keyFromDER(der, password, "in PKCS#12")
		var kerr *Error
		if errors.As(err, &kerr) && errors.Is(err, ErrUnsupported) {
			kerr.Fix = fmt.Sprintf("convert the entry with keytool, which writes PBES2: keytool -importkeystore -srckeystore <keystore> -srcstoretype PKCS12 -srcalias %s -destkeystore one.p12 -deststoretype PKCS12", alias)
		}
		return k, err
	}
	return e
}

func parseCertBag(der []byte) *x509.Certificate {
	var cb p12CertBag
	if err := unmarshalAll(der, &cb); err != nil || !cb.ID.Equal(oidX509Cert) {
		return nil
	}
	c, err := x509.ParseCertificate(cb.Value)
	if err != nil {
		return nil
	}
	return c
}
