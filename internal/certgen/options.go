package certgen

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"
	"unicode"
	"unicode/utf8"
)

// Defaults for a new pair: the sizes the onboarding guide's Method B uses.
const (
	// DefaultBits is the RSA key size used unless another is asked for. 2048
	// bits is the norm for Salesforce's JWT bearer flow, and the smaller of
	// the two sizes Salesforce's own certificate page offers
	// (reference/salesforce.md §1.7).
	DefaultBits = 2048

	// DefaultDays is the certificate's validity unless another is asked for.
	DefaultDays = 365

	// DefaultCommonName is the certificate's subject unless another is given.
	// It names Kolleno so that an admin who finds the certificate in Setup
	// knows what it is for.
	DefaultCommonName = "Kolleno JWT integration"
)

// Limits on Options.
const (
	// MaxDays caps the validity at ten years. Salesforce does not enforce a
	// certificate's expiry (reference/salesforce.md §1.7), so a longer
	// validity buys nothing there; the cap catches a slipped digit (36500)
	// and keeps the expiry date a reminder to rotate the key that someone
	// will still be around to act on.
	MaxDays = 3650

	// MaxCommonNameLen is the upper bound X.520 puts on a common name
	// (ub-common-name, RFC 5280 Appendix A), counted in characters.
	MaxCommonNameLen = 64
)

// allowedBits are the RSA sizes Generate makes. Salesforce verifies the JWT
// bearer assertion with RSA and SHA-256 (RS256) only, and its own certificate
// UI offers 2048 or 4096 bits (reference/salesforce.md §1.3, §1.7); 3072 is
// the size NIST recommends beyond 2030. Smaller keys are too weak, larger
// ones make every login slower for no gain anyone asks for.
var allowedBits = []int{2048, 3072, 4096}

// AllowedBits returns the RSA key sizes Generate accepts, smallest first.
func AllowedBits() []int {
	return slices.Clone(allowedBits)
}

// Options says what pair to make. Use DefaultOptions and change what differs:
// the zero Options is not valid.
type Options struct {
	// Bits is the RSA key size: one of AllowedBits.
	Bits int

	// Days is how long the certificate is valid from Now: 1 to MaxDays.
	Days int

	// CommonName is the certificate's subject and issuer CN: printable,
	// not blank, at most MaxCommonNameLen characters.
	CommonName string

	// Now is the time the certificate is made at; the zero time means the
	// current time. Tests set it to get known validity dates.
	Now time.Time

	// Rand is the source of the certificate's serial number; nil means
	// crypto/rand. The key itself always comes from the system's secure
	// source: since Go 1.26 crypto/rsa ignores any other.
	Rand io.Reader
}

// DefaultOptions returns the options for the default pair: a 2048-bit key
// and a certificate valid for 365 days, named DefaultCommonName.
func DefaultOptions() Options {
	return Options{Bits: DefaultBits, Days: DefaultDays, CommonName: DefaultCommonName}
}

// OptionError reports an Options field that Generate does not accept.
type OptionError struct {
	// Field is the option's name as a user would say it: "bits", "days" or
	// "common name".
	Field string

	// Value is the rejected value as a message shows it: a number as is, a
	// common name quoted with Go's escapes, so that no control character
	// reaches the terminal.
	Value string

	// Reason says what the value must be instead.
	Reason string

	hint string
}

func (e *OptionError) Error() string {
	return fmt.Sprintf("%s %s %s", e.Field, e.Value, e.Reason)
}

// Hint says which value to choose.
func (e *OptionError) Hint() string { return e.hint }

// Validate reports the first field of o that Generate would refuse, as an
// *OptionError, or nil.
func (o Options) Validate() error {
	if !slices.Contains(allowedBits, o.Bits) {
		return &OptionError{
			Field: "bits", Value: strconv.Itoa(o.Bits),
			Reason: "is not an allowed RSA key size: use 2048, 3072 or 4096",
			hint:   "2048 is the usual choice; take 3072 or 4096 if your security policy asks for a larger key",
		}
	}

	if o.Days < 1 || o.Days > MaxDays {
		return &OptionError{
			Field: "days", Value: strconv.Itoa(o.Days),
			Reason: fmt.Sprintf("is out of range: use 1 to %d days", MaxDays),
			hint:   "365 is the usual choice; Salesforce does not enforce the expiry, it is your reminder to rotate the key",
		}
	}

	return validateCommonName(o.CommonName)
}

// validateCommonName checks the name against what a certificate subject
// should hold and what an admin can read back in Setup.
func validateCommonName(cn string) error {
	reason := ""
	switch {
	case !utf8.ValidString(cn):
		reason = "is not valid UTF-8"
	case isBlank(cn):
		reason = "is empty"
	case utf8.RuneCountInString(cn) > MaxCommonNameLen:
		reason = fmt.Sprintf("is longer than %d characters", MaxCommonNameLen)
	case !isPrintable(cn):
		reason = "contains a control or non-printing character"
	default:
		return nil
	}
	return &OptionError{
		Field: "common name", Value: strconv.Quote(cn), Reason: reason,
		hint: fmt.Sprintf("give a short readable name, such as %q", DefaultCommonName),
	}
}

func isBlank(s string) bool {
	for _, r := range s {
		if !unicode.IsSpace(r) {
			return false
		}
	}
	return true
}

func isPrintable(s string) bool {
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}
