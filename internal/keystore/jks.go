package keystore

import (
	"bytes"
	"crypto/x509"
	"fmt"
	"strings"

	jks "github.com/pavlo-v-chernykh/keystore-go/v4"
)

// openJKS walks the file (bounding every length), checks the password
// against the store digest, and lists the entries. The digest is checked by
// keystore-go when the password fits its one-byte-per-char model, and by
// jksDigestOK otherwise (characters above U+00FF, and JCEKS, which
// keystore-go refuses but which uses the same digest).
func openJKS(data, password []byte) (*Store, error) {
	f, err := walkJKS(data)
	if err != nil {
		return nil, err
	}
	s := &Store{}
	var ks *jks.KeyStore
	if password != nil {
		if ks, err = verifyJKS(data, f, password); err != nil {
			return nil, err
		}
		s.Verified = true
	}
	for i := range f.entries {
		e, err := jksEntryOf(&f.entries[i], f.jceks, ks)
		if err != nil {
			return nil, err
		}
		s.Entries = append(s.Entries, e)
	}
	return s, nil
}

// verifyJKS checks the password; it returns keystore-go's loaded store when
// keystore-go did the check, for reading keys with it later.
func verifyJKS(data []byte, f *jksFile, password []byte) (*jks.KeyStore, error) {
	chars := javaChars(password)
	if l1, ok := latin1(chars); ok && !f.jceks {
		ks := jks.New(jks.WithCaseExactAliases(), jks.WithOrderedAliases())
		if err := ks.Load(bytes.NewReader(data), l1); err != nil {
			return nil, jksLoadError(err)
		}
		return &ks, nil
	}
	if !jksDigestOK(f, chars) {
		return nil, errJKSWrongPassword()
	}
	return nil, nil
}

// jksLoadError turns keystore-go's untyped errors into ours. The walk has
// already checked the structure, so a digest mismatch is the one expected
// failure: "got invalid digest", which means a wrong password or a damaged
// file, as the format cannot tell them apart.
func jksLoadError(err error) error {
	if strings.Contains(err.Error(), "got invalid digest") {
		return errJKSWrongPassword().because(err)
	}
	return errJKSDamaged("it does not load").because(err)
}

func errJKSWrongPassword() *Error {
	return newError(ErrWrongPassword, "check the password given with --password-file FILE or KOLLENO_KEYSTORE_PASSWORD (for a Salesforce export, the one typed at export); if it is right, export the keystore again",
		"the keystore password is wrong, or the file is damaged (a JKS keystore cannot tell the two apart)")
}

// jksEntryOf turns a walked entry into an Entry whose key, if any, is
// decrypted by keystore-go when the key password fits it, and by
// jksUnprotect otherwise.
func jksEntryOf(w *jksEntry, jceks bool, ks *jks.KeyStore) (*Entry, error) {
	e := &Entry{Alias: w.alias, Created: w.created, Kind: TrustedCertificateEntry}
	for _, der := range w.certs {
		c, err := x509.ParseCertificate(der)
		if err != nil {
			return nil, errJKSDamaged(fmt.Sprintf("a certificate of entry %q does not parse", w.alias)).because(err)
		}
		e.Certificates = append(e.Certificates, c)
	}
	if w.tag != jksTagPrivateKey {
		return e, nil
	}
	e.Kind = PrivateKeyEntry
	e.unlock = func(password []byte) (*Key, error) {
		if jceks {
			return nil, newError(ErrUnsupported, hintConvertJCEKS,
				"this is a JCEKS keystore; kollenoctl lists its entries but does not decrypt its keys")
		}
		return unlockJKSKey(w, ks, password)
	}
	return e, nil
}

func unlockJKSKey(w *jksEntry, ks *jks.KeyStore, password []byte) (*Key, error) {
	if _, _, _, err := jksProtectedKey(w.protectedKey); err != nil {
		return nil, err // checked first: keystore-go panics on a short key
	}
	chars := javaChars(password)
	var pkcs8 []byte
	if l1, ok := latin1(chars); ok && ks != nil {
		entry, err := ks.GetPrivateKeyEntry(w.alias, l1)
		if err != nil {
			return nil, jksKeyError(err)
		}
		pkcs8 = entry.PrivateKey
	} else {
		plain, ok, err := jksUnprotect(w.protectedKey, chars)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, newError(ErrWrongPassword, hintKeyPassword, "wrong key password")
		}
		pkcs8 = plain
	}
	return keyFromDER(pkcs8, nil, "in JKS")
}

func jksKeyError(err error) error {
	if strings.Contains(err.Error(), "got invalid digest") {
		return newError(ErrWrongPassword, hintKeyPassword, "wrong key password").because(err)
	}
	return errJKSDamaged("a private key entry does not decrypt").because(err)
}
