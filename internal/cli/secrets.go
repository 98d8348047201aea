package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"syscall"

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

// prompt asks on the terminal without echoing what is typed. Ctrl-C or a
// SIGTERM while it waits would kill the process with echo still off (x/term
// turns it off and restores it only on return), leaving the admin's shell
// blind; so the signal is caught, the terminal put back as it was, the line
// ended, and the command ends with an *interruptedError.
func (s secretSource) prompt(ios *IOStreams) ([]byte, error) {
	f, ok := ios.In.(*os.File)
	if !ok {
		return nil, errorf("", "cannot prompt for the %s: standard input is not a terminal", s.Prompt)
	}
	fd := int(f.Fd())
	state, err := term.GetState(fd)
	if err != nil {
		return nil, errorf("", "cannot read the %s from the terminal: %v", s.Prompt, err)
	}
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(signals)

	fmt.Fprintf(ios.ErrOut, "%s: ", s.Prompt)
	read := make(chan promptResult, 1)
	go func() {
		secret, err := term.ReadPassword(fd)
		read <- promptResult{secret, err}
	}()

	select {
	case r := <-read:
		fmt.Fprintln(ios.ErrOut)
		if r.err != nil {
			return nil, errorf("", "cannot read the %s from the terminal: %v", s.Prompt, r.err)
		}
		return r.secret, nil
	case sig := <-signals:
		_ = term.Restore(fd, state)
		fmt.Fprintln(ios.ErrOut)
		// The read goes on in its goroutine until the process exits,
		// which the error makes it do.
		return nil, &interruptedError{prompt: s.Prompt, signal: sig}
	}
}

type promptResult struct {
	secret []byte
	err    error
}

// interruptedError ends a command stopped by a signal at a prompt, with the
// exit code a shell gives a command killed by it: 130 for Ctrl-C (SIGINT),
// 143 for SIGTERM.
type interruptedError struct {
	prompt string
	signal os.Signal
}

func (e *interruptedError) Error() string {
	return fmt.Sprintf("interrupted at the %s prompt; nothing was written", e.prompt)
}

func (e *interruptedError) ExitCode() int {
	if s, ok := e.signal.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return 128 + 2
}

func describeFile(name string) string {
	if name == "-" {
		return "standard input"
	}
	return name
}
