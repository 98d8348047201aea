package keystore

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/kolleno/kollenoctl/internal/termtext"
)

// EntryKind is what a keystore entry holds.
type EntryKind string

// The kinds of keystore entry.
const (
	PrivateKeyEntry         EntryKind = "private key"
	TrustedCertificateEntry EntryKind = "trusted certificate"
	SecretKeyEntry          EntryKind = "secret key" // a symmetric key: listed, never extracted
)

// Entry is one entry of a keystore: a private key with its certificate
// chain, a trusted certificate, or a secret key.
type Entry struct {
	Alias        string // as stored ("" for none); JKS lower-cases it unless CaseExactJKS
	Kind         EntryKind
	Created      time.Time           // zero when the format has no date (PKCS#12)
	Certificates []*x509.Certificate // leaf first; may be empty when not readable without a password

	unlock func(password []byte) (*Key, error) // private key entries only
}

// Label is the alias as it can be printed: control characters escaped
// (see termtext.Printable), and "(no alias)" for an entry without one, as a PKCS#12
// file may hold.
func (e *Entry) Label() string {
	if e.Alias == "" {
		return "(no alias)"
	}
	return termtext.Printable(e.Alias)
}

// Summary names the entry for lists in messages: "kolleno_jwt (private key;
// CN=kolleno_jwt,O=Salesforce.com; expires 2027-01-31)". Text from the file
// is escaped as by termtext.Printable.
func (e *Entry) Summary() string {
	parts := []string{string(e.Kind)}
	if len(e.Certificates) > 0 {
		c := e.Certificates[0]
		expires := "expires " + c.NotAfter.UTC().Format(time.DateOnly)
		parts = append(parts, termtext.Printable(c.Subject.String()), expires)
	}
	return fmt.Sprintf("%s (%s)", e.Label(), strings.Join(parts, "; "))
}

// Store is an opened keystore.
type Store struct {
	Format Format
	// Verified is true when the store password was given and checked the
	// store's integrity. Without a password the entries are listed from the
	// file's structure alone (JKS), or only as far as they are not
	// encrypted (PKCS#12), and no key can be read.
	Verified bool
	Entries  []*Entry // sorted by alias

	password []byte
}

// Open reads a keystore: JKS (as Salesforce exports), PKCS#12 (also the
// PKCS#12 keytool writes by default under a .jks name, and files with
// several keys), or JCEKS (entries listed; keys need converting). The format
// is judged by content. password is the store password; nil lists what can
// be listed without one (see Store.Verified).
func Open(data, password []byte) (*Store, error) {
	if len(data) > MaxInputSize {
		return nil, errTooLarge(len(data))
	}
	format, body := classify(data)
	var s *Store
	var err error
	switch format {
	case FormatJKS, FormatJCEKS:
		s, err = openJKS(body, password)
	case FormatPKCS12:
		s, err = openPKCS12(body, password)
	default:
		return nil, errNotAKeystore(format)
	}
	if err != nil {
		return nil, err
	}
	s.Format, s.password = format, password
	sort.SliceStable(s.Entries, func(i, j int) bool { return s.Entries[i].Alias < s.Entries[j].Alias })
	return s, nil
}

func errNotAKeystore(f Format) *Error {
	switch f {
	case FormatEmpty:
		return newError(ErrDamaged, hintDownloadAgain, "the keystore file is empty")
	case FormatPEM, FormatDERKey, FormatDERCertificate:
		return newError(ErrUnsupported, "kollenoctl inspect FILE shows what it holds", "this is a %s file, not a keystore", f)
	}
	return newError(ErrUnsupported, "give the keystore Salesforce exported (a .jks file), copied as a binary file",
		"not a keystore: the file is neither JKS, PKCS#12, JCEKS nor PEM")
}

// PrivateKeys returns the private key entries, sorted by alias.
func (s *Store) PrivateKeys() []*Entry {
	var out []*Entry
	for _, e := range s.Entries {
		if e.Kind == PrivateKeyEntry {
			out = append(out, e)
		}
	}
	return out
}

// Select returns the private key entry to extract. With an alias, it is
// the entry of that alias, matched without regard to case as Java does (an
// exact match wins); without, the one private key entry of the store. Each
// failure lists what the store holds.
func (s *Store) Select(alias string) (*Entry, error) {
	if alias != "" {
		return s.byAlias(alias)
	}
	keys := s.PrivateKeys()
	switch len(keys) {
	case 1:
		return keys[0], nil
	case 0:
		return nil, newError(ErrNoPrivateKey, "export the keystore again from an org where the certificate was created with an exportable private key",
			"the keystore holds no private key; it holds: %s", s.list(s.Entries))
	}
	return nil, newError(ErrAmbiguous, "choose one with --alias:\n"+s.listLines(keys),
		"the keystore holds %d private keys", len(keys))
}

// ErrAmbiguous: several entries fit and none was chosen.
var ErrAmbiguous = errors.New("ambiguous")

// ErrEntryNotFound: no entry has the alias asked for.
var ErrEntryNotFound = errors.New("entry not found")

func (s *Store) byAlias(alias string) (*Entry, error) {
	var matches []*Entry
	for _, e := range s.Entries {
		if e.Alias == alias {
			matches = []*Entry{e}
			break
		}
		if strings.EqualFold(e.Alias, alias) {
			matches = append(matches, e)
		}
	}
	switch {
	case len(matches) == 0:
		return nil, newError(ErrEntryNotFound, "the keystore holds:\n"+s.listLines(s.Entries),
			"no entry with alias %q in the keystore", alias)
	case len(matches) > 1:
		return nil, newError(ErrAmbiguous, "give the alias with its exact case:\n"+s.listLines(matches),
			"%d entries match alias %q when case is ignored", len(matches), alias)
	case matches[0].Kind != PrivateKeyEntry:
		return nil, newError(ErrNoPrivateKey, s.keyHint(),
			"the entry %q is a %s, not a private key", matches[0].Alias, matches[0].Kind)
	}
	return matches[0], nil
}

func (s *Store) keyHint() string {
	if keys := s.PrivateKeys(); len(keys) > 0 {
		return "private key entries:\n" + s.listLines(keys)
	}
	return "the keystore holds no private key; export it again with the certificate's private key"
}

func (s *Store) list(entries []*Entry) string {
	var parts []string
	for _, e := range entries {
		parts = append(parts, e.Summary())
	}
	if len(parts) == 0 {
		return "no entries"
	}
	return strings.Join(parts, "; ")
}

func (s *Store) listLines(entries []*Entry) string {
	var lines []string
	for _, e := range entries {
		lines = append(lines, "  "+e.Summary())
	}
	return strings.Join(lines, "\n")
}

// Key decrypts the private key of entry e. keyPassword nil means the store
// password, as in Salesforce's exports, where both are the same. A given
// key password that fails is retried with the store password before the
// error says which of the two is needed.
func (s *Store) Key(e *Entry, keyPassword []byte) (*Key, error) {
	if e.Kind != PrivateKeyEntry || e.unlock == nil {
		return nil, newError(ErrNoPrivateKey, s.keyHint(), "the entry %q is not a private key", e.Alias)
	}
	if !s.Verified {
		return nil, newError(ErrPasswordRequired, hintStorePassword, "the keystore password is needed to read the private key")
	}
	explicit := keyPassword != nil
	if !explicit {
		keyPassword = s.password
	}
	k, err := e.unlock(keyPassword)
	if errors.Is(err, ErrWrongPassword) && explicit && !bytes.Equal(keyPassword, s.password) {
		if k2, err2 := e.unlock(s.password); err2 == nil {
			k, err = k2, nil
		}
	}
	if errors.Is(err, ErrWrongPassword) {
		return nil, errWrongEntryPassword(e.Alias, explicit)
	}
	if err != nil {
		return nil, err
	}
	k.Certificates = LeafFirst(k.Signer, e.Certificates)
	return k, nil
}

// LeafFirst returns certs with the certificate of key moved to the front,
// the others in their order: files do not always put it first (a PEM file
// with other certificates before it, a PKCS#12 without localKeyId), and
// what follows the key, in messages and in --cert-out, reads it as the
// leaf. certs itself is not changed.
func LeafFirst(key crypto.Signer, certs []*x509.Certificate) []*x509.Certificate {
	out := make([]*x509.Certificate, 0, len(certs))
	for _, c := range certs {
		if Matches(key, c) {
			out = append(out, c)
			break
		}
	}
	for _, c := range certs {
		if len(out) == 0 || c != out[0] {
			out = append(out, c)
		}
	}
	return out
}

func errWrongEntryPassword(alias string, explicit bool) *Error {
	if explicit {
		return newError(ErrWrongPassword, "check the key password; "+hintKeyPassword,
			"neither the key password nor the keystore password decrypts the private key %q", alias)
	}
	return newError(ErrWrongPassword, hintKeyPassword+" (Salesforce's own exports use the keystore password for both)",
		"the keystore opened, but the private key %q has a different password", alias)
}

const hintStorePassword = "give the keystore password with --password-file FILE or KOLLENO_KEYSTORE_PASSWORD"
