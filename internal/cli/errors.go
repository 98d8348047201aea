package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"
)

// Exit codes. They are part of the interface: scripts and CI jobs branch on
// them, and `kollenoctl help exit-codes` prints this table.
const (
	ExitOK           = 0 // success
	ExitError        = 1 // bad input, a file that cannot be read or written
	ExitUsage        = 2 // unknown command or flag, missing or extra argument
	ExitLoginRefused = 3 // Salesforce refused the login
	ExitCheckFailed  = 4 // logged in, but a required permission check failed
	ExitUnreachable  = 5 // Salesforce could not be reached: network, timeout, 5xx

	// ExitInterrupted is what a shell reports for a command stopped by
	// Ctrl-C (128 + SIGINT); kollenoctl returns it itself when Ctrl-C comes
	// at one of its prompts, after putting the terminal back as it was.
	ExitInterrupted = 130
)

// exitCodes is the table `help exit-codes` prints, in order.
var exitCodes = []struct {
	code    int
	meaning string
}{
	{ExitOK, "success"},
	{ExitError, "error: bad input, a file that cannot be read or written, a local check failed"},
	{ExitUsage, "usage: unknown command or flag, missing or extra argument, missing value"},
	{ExitLoginRefused, "Salesforce refused the login"},
	{ExitCheckFailed, "logged in, but a required permission check failed"},
	{ExitUnreachable, "Salesforce could not be reached: network, timeout, HTTP 5xx"},
	{ExitInterrupted, "interrupted: Ctrl-C at a prompt (143 for SIGTERM); nothing was written"},
}

// Errors anywhere in kollenoctl may carry two extra facts, found by walking
// the error chain with errors.As:
//
//   - a hint, through a Hint() string method: the exact flag, setting or
//     command that fixes the problem;
//   - an exit code, through an ExitCode() int method.
//
// The internal packages implement these methods on their own error types
// without importing this package; this file is the one place that turns them
// into what the user sees.

type hinter interface{ Hint() string }

type exitCoder interface{ ExitCode() int }

// cliError is an error with a hint and an exit code attached at the edge.
type cliError struct {
	err  error
	hint string
	code int
}

func (e *cliError) Error() string { return e.err.Error() }
func (e *cliError) Unwrap() error { return e.err }
func (e *cliError) Hint() string  { return e.hint }
func (e *cliError) ExitCode() int { return e.code }

// withHint attaches a hint to err; the exit code stays ExitError unless err
// carries another.
func withHint(err error, hint string, args ...any) error {
	if err == nil {
		return nil
	}
	return &cliError{err: err, hint: fmt.Sprintf(hint, args...), code: exitCodeOf(err)}
}

// errorf builds an ExitError error with a hint; an empty hint means none.
func errorf(hint, format string, args ...any) error {
	return &cliError{err: fmt.Errorf(format, args...), hint: hint, code: ExitError}
}

// usageError is a mistake in how the command was called. Main prints the
// command's usage after it and exits with ExitUsage.
type usageError struct {
	msg  string
	hint string
}

func (e *usageError) Error() string { return e.msg }
func (e *usageError) Hint() string  { return e.hint }
func (e *usageError) ExitCode() int { return ExitUsage }

func usageErrorf(hint, format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...), hint: hint}
}

// silentError ends the command with a code after the command has already
// told the user everything (verify prints its checklist, then exits 4).
type silentError struct{ code int }

func (e *silentError) Error() string { return fmt.Sprintf("exit status %d", e.code) }
func (e *silentError) ExitCode() int { return e.code }

func exitCodeOf(err error) int {
	var ec exitCoder
	if errors.As(err, &ec) {
		return ec.ExitCode()
	}
	return ExitError
}

func hintOf(err error) string {
	var h hinter
	if errors.As(err, &h) {
		return h.Hint()
	}
	return ""
}

// printError writes the error and its hint in kollenoctl's one format:
//
//	kollenoctl: error: <what went wrong>
//	hint: <how to fix it>
func printError(w io.Writer, err error, color bool) {
	prefix := Paint(color, ansiRed+ansiBold, "kollenoctl: error:")
	fmt.Fprintf(w, "%s %s\n", prefix, err.Error())
	for _, line := range strings.Split(hintOf(err), "\n") {
		if line != "" {
			fmt.Fprintf(w, "hint: %s\n", line)
		}
	}
}
