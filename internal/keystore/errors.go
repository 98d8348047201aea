package keystore

import (
	"errors"
	"fmt"
)

// Kinds of failure, for callers that branch on them with errors.Is. The
// error that carries one also says, in its text and hint, what to do.
var (
	// ErrPasswordRequired: the input is encrypted and no password was given.
	ErrPasswordRequired = errors.New("a password is required")
	// ErrWrongPassword: a password was given and it does not decrypt the input.
	ErrWrongPassword = errors.New("wrong password")
	// ErrNoPrivateKey: the input holds no private key (a certificate, say).
	ErrNoPrivateKey = errors.New("no private key")
	// ErrUnsupported: a real format or algorithm that kollenoctl does not read.
	ErrUnsupported = errors.New("unsupported")
	// ErrDamaged: the input is cut short, corrupt, or not what it claims to be.
	ErrDamaged = errors.New("damaged input")
	// ErrTooLarge: the input is above MaxInputSize and was not parsed.
	ErrTooLarge = errors.New("input too large")
)

// Error is a failure to read key material: a message naming the defect, a
// hint naming the fix, and the kind of failure. Its text never holds key
// bytes or passwords; the library error underneath, if any, is kept for
// errors.As but not printed, as parsers' messages are noise to an admin.
type Error struct {
	Kind  error  // one of the Err variables above
	Msg   string // what is wrong
	Fix   string // how to fix it; may be empty
	cause error
}

// Error returns the message.
func (e *Error) Error() string { return e.Msg }

// Hint returns how to fix the problem; kollenoctl prints it on a hint line.
func (e *Error) Hint() string { return e.Fix }

// Unwrap gives the kind and the underlying error to errors.Is and errors.As.
func (e *Error) Unwrap() []error {
	errs := []error{e.Kind}
	if e.cause != nil {
		errs = append(errs, e.cause)
	}
	return errs
}

func newError(kind error, fix, format string, args ...any) *Error {
	return &Error{Kind: kind, Msg: fmt.Sprintf(format, args...), Fix: fix}
}

// because records the library error underneath e.
func (e *Error) because(err error) *Error {
	e.cause = err
	return e
}

// Hints shared by several errors. They name both the flag and the variable
// because the same loader serves extract-key, inspect, login and verify.
// Hints that give a command write the input file as <key file> or <keystore>;
// a caller that knows the file's name puts it in their place.
const (
	hintKeyPassword = "give the key's password with --key-password-file FILE or KOLLENO_KEY_PASSWORD"
	hintNewKey      = "make a new key and certificate with 'kollenoctl keygen', and upload the certificate to the External Client App"
	hintPlainKey    = "write the key without encryption: openssl pkey -in <key file> -out kolleno.key"
)

func errTooLarge(n int) *Error {
	return newError(ErrTooLarge, "give the key, certificate or keystore file itself; real ones are a few KB",
		"the input is %d bytes, more than the %d bytes (1 MiB) kollenoctl reads", n, MaxInputSize)
}
