package cli

// Output rules, shared by every command:
//
//   - Results (a PEM key asked for on stdout, a report, a --json object) go to
//     Out. Everything else, progress, "wrote ..." lines, warnings, errors and
//     hints, goes to ErrOut, so a result can always be piped.
//   - Colour and symbols that only make sense on a terminal are used only when
//     the stream is a terminal, and never when NO_COLOR is set or TERM is dumb
//     (https://no-color.org).
//   - Nothing secret is written to either stream unless the user asked for it.

import (
	"fmt"
	"io"
	"os"

	"golang.org/x/term"
)

// IOStreams carries the three standard streams and what is known about them.
// Tests build one over buffers; System builds the real one.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	InTTY  bool
	OutTTY bool
	ErrTTY bool

	// NoColor is true when NO_COLOR is set or TERM is dumb.
	NoColor bool
}

// System returns the process's own streams.
func System() *IOStreams {
	return &IOStreams{
		In:      os.Stdin,
		Out:     os.Stdout,
		ErrOut:  os.Stderr,
		InTTY:   isTerminal(os.Stdin),
		OutTTY:  isTerminal(os.Stdout),
		ErrTTY:  isTerminal(os.Stderr),
		NoColor: os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb",
	}
}

func isTerminal(f *os.File) bool {
	return term.IsTerminal(int(f.Fd()))
}

// CanPrompt reports whether the user can be asked a question: both stdin and
// stderr (where prompts are drawn) must be terminals.
func (s *IOStreams) CanPrompt() bool {
	return s.InTTY && s.ErrTTY
}

// ColorOut reports whether stdout may carry colour.
func (s *IOStreams) ColorOut() bool { return s.OutTTY && !s.NoColor }

// ColorErr reports whether stderr may carry colour.
func (s *IOStreams) ColorErr() bool { return s.ErrTTY && !s.NoColor }

// Statusf writes one status line to stderr.
func (s *IOStreams) Statusf(format string, args ...any) {
	fmt.Fprintf(s.ErrOut, format+"\n", args...)
}

// Warnf writes one warning line to stderr.
func (s *IOStreams) Warnf(format string, args ...any) {
	prefix := "kollenoctl: warning: "
	if s.ColorErr() {
		prefix = ansiYellow + prefix + ansiReset
	}
	fmt.Fprintf(s.ErrOut, prefix+format+"\n", args...)
}

const (
	ansiReset  = "\x1b[0m"
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiBold   = "\x1b[1m"
)

// Paint wraps text in an ANSI colour when colour is on.
func Paint(on bool, color, text string) string {
	if !on {
		return text
	}
	return color + text + ansiReset
}
