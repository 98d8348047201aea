//go:build unix

package cli

import (
	"errors"
	"io"
	"os"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
)

// formInput is the terminal as the input of one form, and no longer once
// the form is over.
//
// Bubble Tea v2.0.2 does not wait for its input goroutine when a program
// ends: its read loop (ultraviolet's TerminalReader.StreamEvents) returns as
// soon as the program's context is cancelled, while the goroutine it started
// is still inside Read, and the program then closes cancelreader's epoll
// reader under it. That goroutine can stay in epoll_wait after Run returns,
// take the first keys typed at the next form and drop them, so that form
// waits for ever (and the race detector reports the close). formInput has
// no Name method, so cancelreader takes it for a plain reader and polls and
// closes nothing of its own; formInput waits for keys itself, keyWait at a
// time, and once the form is over it returns without reading, which ends
// the leftover goroutine and leaves the keys to the next form.
//
// It has Fd, so that Bubble Tea still sees a terminal, puts it in raw mode
// and restores it. Close never closes the terminal.
type formInput struct {
	tty  *os.File
	fd   int // tty's descriptor, taken once: File.Fd is not safe beside Close
	over atomic.Bool
}

// keyWait is how long Read waits for a key before it looks again whether
// the form is over.
const keyWait = 50 * time.Millisecond

// errFormOver is what a form's leftover reader gets once the form is over.
var errFormOver = errors.New("the form is over")

// newFormInput returns r as one form's input, and the function to call
// when the form is over. Forms run only on a terminal; anything else is
// returned as it is.
func newFormInput(r io.Reader) (io.Reader, func()) {
	f, ok := r.(*os.File)
	if !ok {
		return r, func() {}
	}
	in := &formInput{tty: f, fd: int(f.Fd())}
	return in, func() { _ = in.Close() }
}

func (in *formInput) Read(b []byte) (int, error) {
	for !in.over.Load() {
		ready, err := in.keyReady()
		if err != nil {
			return 0, err
		}
		if ready && !in.over.Load() {
			return in.tty.Read(b)
		}
	}
	return 0, errFormOver
}

// keyReady waits up to keyWait for the terminal to have input. It uses
// select(2), not poll(2), which macOS does not support on terminals.
func (in *formInput) keyReady() (bool, error) {
	var keys unix.FdSet
	keys.Set(in.fd)
	wait := unix.NsecToTimeval(keyWait.Nanoseconds())
	n, err := unix.Select(in.fd+1, &keys, nil, nil, &wait)
	if errors.Is(err, unix.EINTR) {
		return false, nil
	}
	return n > 0, err
}

// Write writes to the terminal: Bubble Tea takes a terminal to be an
// io.ReadWriteCloser with a descriptor.
func (in *formInput) Write(b []byte) (int, error) { return in.tty.Write(b) }

// Close ends the form's use of the terminal; the terminal stays open.
func (in *formInput) Close() error {
	in.over.Store(true)
	return nil
}

// Fd returns the terminal's descriptor.
func (in *formInput) Fd() uintptr { return uintptr(in.fd) }
