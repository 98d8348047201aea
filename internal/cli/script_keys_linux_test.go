package cli

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

// TestPasswordPromptInterrupt presses Ctrl-C at extract-key's "Keystore
// password:" prompt on a real pseudo-terminal, once the prompt has turned
// echo off, and checks that the terminal has echo again afterwards, that
// the line was ended, and that the exit code is 130. (Linux only: it reads
// the terminal's flags with TCGETS.)
func TestPasswordPromptInterrupt(t *testing.T) {
	store := filepath.Join("..", "keystore", "testdata", "sf-export.jks")
	screen := interruptAtPrompt(t, "extract-key", store, "--out", filepath.Join(t.TempDir(), "k.key"))
	if !strings.Contains(screen, "Keystore password: \r\n") {
		t.Errorf("the prompt's line was not ended: %q", screen)
	}
}

// TestInspectStopsAtInterrupt: Ctrl-C at inspect's password prompt ends
// inspect; it does not go on to inspect the next file.
func TestInspectStopsAtInterrupt(t *testing.T) {
	dir := filepath.Join("..", "keystore", "testdata")
	screen := interruptAtPrompt(t, "inspect", filepath.Join(dir, "sf-export.jks"),
		filepath.Join(dir, "key-pkcs8.pem"))
	if strings.Contains(screen, "private key") {
		t.Errorf("inspect went on after Ctrl-C: %q", screen)
	}
}

// interruptAtPrompt runs kollenoctl with args on a pseudo-terminal, waits
// for the keystore password prompt to turn echo off, presses Ctrl-C, and
// checks the exit code (130) and that echo is on again. It returns what
// the terminal showed.
func interruptAtPrompt(t *testing.T, args ...string) string {
	t.Helper()
	bin, err := exec.LookPath("kollenoctl") // testscript.Main put it on PATH
	if err != nil {
		t.Skipf("kollenoctl is not on PATH: %v", err)
	}
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	defer ptmx.Close()
	defer tty.Close()

	cmd := exec.Command(bin, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "TERM=dumb"}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	screen := &lockedBuffer{}
	go func() { _, _ = screen.ReadFrom(ptmx) }()
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	waitUntil(t, "the prompt", func() bool { return strings.Contains(screen.String(), "Keystore password: ") })
	waitUntil(t, "echo to be off", func() bool { return !echoOn(t, tty) })
	if _, err := ptmx.Write([]byte{0x03}); err != nil { // Ctrl-C
		t.Fatal(err)
	}

	var exitErr *exec.ExitError
	select {
	case err := <-exited:
		if !errors.As(err, &exitErr) || exitErr.ExitCode() != 130 {
			t.Errorf("exit: %v, want exit code 130", err)
		}
	case <-time.After(ptyWait):
		_ = cmd.Process.Kill()
		t.Fatalf("kollenoctl did not end after Ctrl-C; screen:\n%s", screen.String())
	}
	if !echoOn(t, tty) {
		t.Error("the terminal was left with echo off")
	}
	waitUntil(t, "the message", func() bool { return strings.Contains(screen.String(), "interrupted at the") })
	return screen.String()
}

// echoOn reports whether the terminal echoes what is typed.
func echoOn(t *testing.T, tty *os.File) bool {
	t.Helper()
	tio, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	return tio.Lflag&unix.ECHO != 0
}

// waitUntil polls cond; the bound guards against a hang, it is not a
// timing assertion.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(ptyWait)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// lockedBuffer is a bytes.Buffer that one goroutine fills while another
// reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) ReadFrom(f *os.File) (int64, error) {
	chunk := make([]byte, 1024)
	var total int64
	for {
		n, err := f.Read(chunk)
		b.mu.Lock()
		b.buf.Write(chunk[:n])
		b.mu.Unlock()
		total += int64(n)
		if err != nil {
			return total, err
		}
	}
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
