package keystore

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"
	"unicode"
)

// openPKCS12 reads a PKCS#12 keystore: whatever wrote it (keytool, by
// default or in Java 8's legacy algorithms; OpenSSL 3, with -legacy,
// -nomac, -macalg or -keypbe/-certpbe), and with any number of keys. It
// walks the structure, checks the password against the MAC (in a file
// without one, by decrypting), decrypts the encrypted safes, and pairs each
// key with its certificates. Without a password it lists what is not
// encrypted.
func openPKCS12(data, password []byte) (*Store, error) {
	f, err := walkP12(data)
	if err != nil {
		return nil, err
	}
	if password == nil {
		return &Store{Entries: f.entries()}, nil
	}

	if err := f.checkPassword(password); err != nil {
		return nil, err
	}
	return &Store{Verified: true, Entries: f.entries()}, nil
}

// checkPassword checks password against the MAC, then decrypts the safes
// with it. A MAC that fails means a wrong password or a damaged file; when
// the password decrypts the contents all the same, the file is damaged.
func (f *p12File) checkPassword(password []byte) error {
	if f.mac == nil {
		return f.checkWithoutMAC(password)
	}
	ok, err := f.macMatches(password)
	switch {
	case err != nil:
		return err
	case !ok && f.decryptsWith(password):
		return newError(ErrDamaged, hintCopyBinary,
			"the keystore password is right, but the file is damaged: its integrity check (MAC) fails")
	case !ok:
		return errP12WrongPassword()
	}

	err = f.decryptSafes(password)
	if errors.Is(err, ErrWrongPassword) {
		return newError(ErrWrongPassword, hintKeyPassword,
			"the keystore opened, but its contents do not decrypt with the keystore password").because(err)
	}
	return err
}

// checkWithoutMAC checks the password of a file written without a MAC
// (openssl pkcs12 -nomac) the only way left: by decrypting the safes, or,
// when none is encrypted, the first private key.
func (f *p12File) checkWithoutMAC(password []byte) error {
	err := f.decryptSafes(password)
	if err == nil {
		err = f.checkFirstKey(password)
	}
	if errors.Is(err, ErrWrongPassword) {
		return errP12WrongPassword().because(err)
	}
	return err
}

func (f *p12File) checkFirstKey(password []byte) error {
	for _, b := range f.bags {
		if b.id.Equal(oidShroudedBag) {
			_, err := keyFromDER(b.value, password, "")
			return err
		}
	}
	return nil
}

func errP12WrongPassword() *Error {
	return newError(ErrWrongPassword, "check the password given with --password-file FILE or KOLLENO_KEYSTORE_PASSWORD; if it is right, copy or export the keystore again",
		"the keystore password is wrong, or the file is damaged (a PKCS#12 keystore's integrity check fails either way)")
}

func (b *p12Bag) isKey() bool { return b.id.Equal(oidShroudedBag) || b.id.Equal(oidKeyBag) }

// p12Cert is a certificate bag, parsed.
type p12Cert struct {
	bag  *p12Bag
	cert *x509.Certificate
	used bool // in a key's chain
}

// entries turns the bags read so far into entries: each key with its
// chain, each secret key, and each certificate that is in no chain as a
// trusted certificate.
func (f *p12File) entries() []*Entry {
	certs := f.certs()
	var out []*Entry
	keys := 0
	for i := range f.bags {
		if f.bags[i].isKey() {
			keys++
		}
	}
	for i := range f.bags {
		b := &f.bags[i]
		switch {
		case b.isKey():
			out = append(out, keyBagEntry(b, chainOf(b, certs, keys == 1)))
		case b.id.Equal(oidSecretBag):
			out = append(out, &Entry{Alias: b.name, Kind: SecretKeyEntry})
		}
	}
	for _, c := range certs {
		if !c.used {
			out = append(out, &Entry{Alias: c.bag.name, Kind: TrustedCertificateEntry,
				Certificates: []*x509.Certificate{c.cert}})
		}
	}
	return out
}

func (f *p12File) certs() []*p12Cert {
	var out []*p12Cert
	for i := range f.bags {
		b := &f.bags[i]
		if !b.id.Equal(oidCertBag) {
			continue
		}
		if c := parseCertBag(b.value); c != nil {
			out = append(out, &p12Cert{bag: b, cert: c})
		}
	}
	return out
}

// chainOf finds the certificates of key bag b: the one that shares its
// localKeyId, then that one's issuers among the certificates that carry no
// localKeyId (as keytool and OpenSSL store a chain). When the file's only
// key has no certificate of its own by localKeyId (some writers leave the
// attribute out), it takes every certificate that is not a Java trusted
// certificate; Store.Key then puts the one that matches the key first.
func chainOf(b *p12Bag, certs []*p12Cert, onlyKey bool) []*x509.Certificate {
	var chain []*x509.Certificate
	for _, c := range certs {
		if b.localKeyID != "" && c.bag.localKeyID == b.localKeyID && !c.bag.trusted {
			c.used = true
			chain = append(chain, c.cert)
			break
		}
	}
	if len(chain) == 0 {
		if !onlyKey {
			return nil
		}
		for _, c := range certs {
			if !c.bag.trusted {
				c.used = true
				chain = append(chain, c.cert)
			}
		}
		return chain
	}
	return appendIssuers(chain, certs)
}

// appendIssuers follows the issuer of the chain's last certificate among
// the certificates without a localKeyId, until a self-signed one or none.
func appendIssuers(chain []*x509.Certificate, certs []*p12Cert) []*x509.Certificate {
	for len(chain) <= len(certs) {
		last := chain[len(chain)-1]
		if bytes.Equal(last.RawIssuer, last.RawSubject) {
			break
		}
		next := issuerOf(last, certs)
		if next == nil {
			break
		}
		next.used = true
		chain = append(chain, next.cert)
	}
	return chain
}

func issuerOf(c *x509.Certificate, certs []*p12Cert) *p12Cert {
	for _, o := range certs {
		if o.bag.localKeyID == "" && !o.bag.trusted && bytes.Equal(o.cert.RawSubject, c.RawIssuer) {
			return o
		}
	}
	return nil
}

func keyBagEntry(b *p12Bag, certs []*x509.Certificate) *Entry {
	e := &Entry{Alias: b.name, Kind: PrivateKeyEntry, Certificates: certs}
	der := b.value
	e.unlock = func(password []byte) (*Key, error) {
		k, err := keyFromDER(der, password, "in PKCS#12")
		var kerr *Error
		if errors.As(err, &kerr) && errors.Is(err, ErrUnsupported) {
			kerr.Fix = fmt.Sprintf("convert the entry with keytool, which writes PBES2: keytool -importkeystore -srckeystore <keystore> -srcstoretype PKCS12 -srcalias %s -destkeystore one.p12 -deststoretype PKCS12", shellWord(e.Alias))
		}
		return k, err
	}
	return e
}

// shellWord quotes s for a POSIX shell when it holds anything but ASCII
// letters, digits and _ . -, or nothing.
func shellWord(s string) string {
	plain := func(r rune) bool {
		return r == '_' || r == '.' || r == '-' || r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r))
	}
	if s != "" && !strings.ContainsFunc(s, func(r rune) bool { return !plain(r) }) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
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
