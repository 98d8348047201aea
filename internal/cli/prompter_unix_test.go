//go:build unix

package cli

import (
	"bytes"
	"errors"
	"io"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
)

// openPty opens a pseudo-terminal: ptmx is the keyboard and screen, tty
// the program's side.
func openPty(t *testing.T) (ptmx, tty *os.File) {
	t.Helper()
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	t.Cleanup(func() {
		_ = ptmx.Close()
		_ = tty.Close()
	})
	if err := pty.Setsize(ptmx, &pty.Winsize{Rows: 40, Cols: 120}); err != nil {
		t.Fatal(err)
	}
	return ptmx, tty
}

// TestFormInputLooksLikeATerminal checks the two halves of formInput's
// shape: Bubble Tea must see a terminal to use raw mode, and cancelreader
// must not see a file, or it polls and closes the terminal itself.
func TestFormInputLooksLikeATerminal(t *testing.T) {
	_, tty := openPty(t)
	in, over := newFormInput(tty)
	defer over()
	if _, ok := in.(interface{ Fd() uintptr }); !ok {
		t.Error("a form's input has no Fd: Bubble Tea would not use raw mode")
	}
	if _, ok := in.(interface{ Name() string }); ok {
		t.Error("a form's input has Name: cancelreader would take it for a file")
	}
}

// TestFormInputLeavesKeysAfterClose is a form's leftover reader, still
// waiting when the form ends: the keys typed next are for the next form,
// so it must end without reading them.
func TestFormInputLeavesKeysAfterClose(t *testing.T) {
	ptmx, tty := openPty(t)
	in, over := newFormInput(tty)

	type result struct {
		n   int
		err error
	}
	done := make(chan result, 1)
	go func() {
		n, err := in.Read(make([]byte, 64))
		done <- result{n, err}
	}()
	over()
	if _, err := ptmx.Write([]byte("next answer\n")); err != nil {
		t.Fatal(err)
	}

	if r := <-done; r.n != 0 || !errors.Is(r.err, errFormOver) {
		t.Fatalf("leftover Read = %d, %v; want 0, errFormOver", r.n, r.err)
	}
	line := make([]byte, 64)
	n, err := tty.Read(line)
	if err != nil || string(line[:n]) != "next answer\n" {
		t.Errorf("the terminal then gives %q, %v; want the keys typed", line[:n], err)
	}
}

// TestFormsInARowGetTheirKeys answers several forms in a row on a
// pseudo-terminal, each once its question is on the screen, as onboard
// asks them. With the terminal itself as every form's input, Bubble Tea
// v2's leftover readers took the first keys of the next form.
func TestFormsInARowGetTheirKeys(t *testing.T) {
	t.Setenv("TERM", "xterm-256color")
	ptmx, tty := openPty(t)
	screen := &ptyScreen{}
	go screen.copyFrom(ptmx)
	p := newHuhPrompter(&IOStreams{In: tty, Out: io.Discard, ErrOut: tty}, false)

	type answer struct {
		value string
		err   error
	}
	answers := make(chan answer)
	go func() {
		for i, title := range []string{"First", "Second", "Third", "Fourth"} {
			v, err := p.Input(title, "", nil)
			answers <- answer{v, err}
			if i == 1 {
				ok, err := p.Confirm("Go on?", false)
				answers <- answer{map[bool]string{true: "Yes", false: "No"}[ok], err}
			}
		}
	}()

	steps := []struct{ question, keys, want string }{
		{"First", "one\r", "one"},
		{"Second", "two\r", "two"},
		{"Go on?", "y", "Yes"},
		{"Third", "three\r", "three"},
		{"Fourth", "four\r", "four"},
	}
	for _, s := range steps {
		if err := screen.waitFor(s.question); err != nil {
			t.Fatalf("%q never asked: %v\nscreen:\n%s", s.question, err, screen.text())
		}
		if _, err := ptmx.Write([]byte(s.keys)); err != nil {
			t.Fatal(err)
		}
		select {
		case got := <-answers:
			if got.value != s.want || got.err != nil {
				t.Fatalf("%s = %q, %v; want %q", s.question, got.value, got.err, s.want)
			}
		case <-time.After(ptyWait): // a guard against a hang, not a timing test
			t.Fatalf("%q never got its answer %q\nscreen:\n%s", s.question, s.keys, screen.text())
		}
	}
}

// ptyScreen collects what a pseudo-terminal shows.
type ptyScreen struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	seen int // text before this was waited for already
}

func (s *ptyScreen) copyFrom(r io.Reader) {
	b := make([]byte, 4096)
	for {
		n, err := r.Read(b)
		s.mu.Lock()
		s.buf.Write(b[:n])
		s.mu.Unlock()
		if err != nil {
			return
		}
	}
}

func (s *ptyScreen) text() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return stripANSI(s.buf.String())
}

// waitFor waits until want shows after what was waited for before.
func (s *ptyScreen) waitFor(want string) error {
	return waitFor(func() bool {
		text := s.text()
		i := strings.Index(text[s.seen:], want)
		if i < 0 {
			return false
		}
		s.seen += i + len(want)
		return true
	})
}
