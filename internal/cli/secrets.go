package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"golang.org/x/term"

	"github.com/kolleno/kollenoctl/internal/keystore"
)

// maxSecretFile caps what a password file may hold; a password is short, and
// a multi-megabyte "password file" is a mistake (a keystore named by accident).
const maxSecretFile = 64 << 10

// secretSource says where one secret may come from. No secret is ever a flag
// value: it comes from a file named by a flag, from an environment variable
// (for CI), or from a no-echo prompt on a terminal, tried in that order.
type secretSource struct {
	File     string // the value of the file flag; "-" reads stdin
	FileFlag string // the file flag's name, for messages: "--password-file"
	Env      string // the variable: "KOLLENO_KEYSTORE_PASSWORD"
	Prompt   string // what to ask on a terminal: "Keystore password"
}

// read returns the secret, or ok=false when no source has one and no terminal
// can be asked. A file loses exactly one trailing newline (LF or CRLF), as
// `echo pass > file` and editors add one, and what Windows tools put around
// the text: a UTF-8 byte-order mark (Notepad), or UTF-16 with one
// (PowerShell 5's `echo pass > file`), which is read as UTF-8.
func (s secretSource) read(ios *IOStreams) (secret []byte, ok bool, err error) {
	switch {
	case s.File != "":
		secret, err = s.readFile(ios)
		return secret, err == nil, err
	case s.Env != "":
		// An empty variable counts as unset: CI systems such as GitHub
		// Actions pass "" for a secret that was never defined.
		if v := os.Getenv(s.Env); v != "" {
			return []byte(v), true, nil
		}
	}
	if !ios.CanPrompt() || s.Prompt == "" {
		return nil, false, nil
	}
	secret, err = s.prompt(ios)
	return secret, err == nil, err
}

func (s secretSource) readFile(ios *IOStreams) ([]byte, error) {
	var r io.Reader
	if s.File == "-" {
		r = ios.In
	} else {
		f, err := os.Open(s.File)
		if err != nil {
			hint := fmt.Sprintf("check the path given to %s", s.FileFlag)
			if errors.Is(err, fs.ErrPermission) {
				hint = openHint(err)
			}
			return nil, errorf(hint, "cannot read the password file: %v", err)
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, maxSecretFile+1))
	if err != nil {
		return nil, errorf("", "cannot read the password from %s: %v", describeFile(s.File), err)
	}
	if len(data) > maxSecretFile {
		return nil, errorf(fmt.Sprintf("%s takes a file that holds only the password", s.FileFlag),
			"%s is larger than 64 KiB; that is not a password file", describeFile(s.File))
	}
	data = keystore.DecodeText(data)
	data = bytes.TrimSuffix(data, []byte("\n"))
	data = bytes.TrimSuffix(data, []byte("\r"))
	return data, nil
}

// prompt asks on the terminal without echoing what is typed.
func (s secretSource) prompt(ios *IOStreams) ([]byte, error) {
	f, ok := ios.In.(*os.File)
	if !ok {
		return nil, errorf("", "cannot prompt for the %s: standard input is not a terminal", s.Prompt)
	}
	fmt.Fprintf(ios.ErrOut, "%s: ", s.Prompt)
	secret, err := term.ReadPassword(int(f.Fd()))
	fmt.Fprintln(ios.ErrOut)
	if err != nil {
		return nil, errorf("", "cannot read the %s from the terminal: %v", s.Prompt, err)
	}
	return secret, nil
}

func describeFile(name string) string {
	if name == "-" {
		return "standard input"
	}
	return name
}
