package cli

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/creack/pty"
	"github.com/rogpeppe/go-internal/testscript"
)

// The onboard scripts' own command. They start sfsim, which the verify
// scripts register as a program, with the dialogue's bg step.
func init() {
	scriptCmds["pty"] = cmdPty
}

// ptyWait bounds every wait of a pty script: a guard against a script that
// would hang, not a timing assertion; a healthy step takes milliseconds.
const ptyWait = 60 * time.Second

// cmdPty runs a program on a pseudo-terminal, as a person at a terminal
// would, driven by a dialogue file:
//
//	pty [-raw] DIALOGUE PROGRAM [ARGS...]
//
// The dialogue's lines are
//
//	expect 'REGEXP'   wait until the screen text since the last match matches
//	send "TEXT"       type TEXT, a Go string literal ("\r" is Enter, "\x1b[B" Down)
//	sendfile FILE     type FILE's first line, then Enter
//	bg PROGRAM ARGS   start a program in the background, stopped at the end
//	waitfile FILE     wait until FILE exists and is not empty
//
// and # comments. The screen text, with ANSI sequences removed, becomes the
// command's stdout; with -raw, what the program wrote, sequences and all.
// The program's exit status decides success as for exec. The terminal never
// answers a query the program sends; only the dialogue types.
func cmdPty(ts *testscript.TestScript, neg bool, args []string) {
	raw := len(args) > 0 && args[0] == "-raw"
	if raw {
		args = args[1:]
	}
	if len(args) < 2 {
		ts.Fatalf("usage: pty [-raw] DIALOGUE PROGRAM [ARGS...]")
	}
	d := startPtyDialogue(ts, args[1], args[2:])
	defer d.stop()

	for n, line := range strings.Split(ts.ReadFile(args[0]), "\n") {
		if err := d.step(ts, strings.TrimSpace(line)); err != nil {
			ts.Fatalf("%s:%d: %v\nscreen so far:\n%s", args[0], n+1, err, d.screen())
		}
	}

	err := d.wait()
	if raw {
		fmt.Fprint(ts.Stdout(), d.raw())
	} else {
		fmt.Fprint(ts.Stdout(), d.screen())
	}
	switch {
	case errors.Is(err, errPtyTimeout):
		ts.Fatalf("%s did not end:\n%s", args[1], d.screen())
	case neg && err == nil:
		ts.Fatalf("%s succeeded unexpectedly", args[1])
	case !neg && err != nil:
		ts.Fatalf("%s: %v", args[1], err)
	}
}

var errPtyTimeout = errors.New("timed out")

// ptyDialogue is one program on a pseudo-terminal and what it has shown.
type ptyDialogue struct {
	cmd     *exec.Cmd
	tty     *os.File
	exited  chan struct{} // closed when the program has ended and its output is read
	exitErr error

	mu     sync.Mutex
	output bytes.Buffer
	seen   int // screen text before this has been matched already

	background []*exec.Cmd
}

func startPtyDialogue(ts *testscript.TestScript, prog string, args []string) *ptyDialogue {
	cmd := exec.Command(prog, args...)
	cmd.Dir = ts.Getenv("WORK")
	cmd.Env = scriptEnviron(ts)
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 50, Cols: 160})
	ts.Check(err)

	d := &ptyDialogue{cmd: cmd, tty: tty, exited: make(chan struct{})}
	copied := make(chan struct{})
	go func() {
		d.copyOutput()
		close(copied)
	}()
	go func() {
		d.exitErr = cmd.Wait()
		<-copied
		close(d.exited)
	}()
	return d
}

// scriptEnviron is the script's environment for a program started outside
// testscript's exec: what the script set, over the test process's own.
func scriptEnviron(ts *testscript.TestScript) []string {
	names := []string{"WORK", "HOME", "TMPDIR", "PATH", "NO_COLOR",
		"KOLLENO_CONSUMER_KEY", "KOLLENO_USERNAME", "KOLLENO_LOGIN_URL", "KOLLENO_ACCESSIBLE",
		"KOLLENO_PRIVATE_KEY", "KOLLENO_PRIVATE_KEY_FILE", "KOLLENO_KEYSTORE_PASSWORD"}
	// A safety net: should a script ever leave the login URL at its default,
	// the request goes to a closed loopback port, never to Salesforce.
	// Loopback addresses, where sfsim listens, are never proxied.
	const closedPort = "http://127.0.0.1:9"
	env := []string{"TERM=xterm-256color", "HTTPS_PROXY=" + closedPort, "HTTP_PROXY=" + closedPort}
	for _, name := range names {
		if v := ts.Getenv(name); v != "" {
			env = append(env, name+"="+v)
		}
	}
	return env
}

func (d *ptyDialogue) copyOutput() {
	r := bufio.NewReader(d.tty)
	buf := make([]byte, 4096)
	for {
		n, err := r.Read(buf)
		d.mu.Lock()
		d.output.Write(buf[:n])
		d.mu.Unlock()
		if err != nil {
			return
		}
	}
}

func (d *ptyDialogue) step(ts *testscript.TestScript, line string) error {
	verb, rest, _ := strings.Cut(line, " ")
	rest = strings.TrimSpace(rest)
	switch verb {
	case "", "#":
		return nil
	case "expect":
		return d.expect(strings.Trim(rest, "'"))
	case "send":
		text, err := strconv.Unquote(rest)
		if err != nil {
			return fmt.Errorf("send takes a quoted Go string: %v", err)
		}
		_, err = io.WriteString(d.tty, text)
		return err
	case "sendfile":
		first, _, _ := strings.Cut(ts.ReadFile(rest), "\n")
		_, err := io.WriteString(d.tty, strings.TrimSpace(first)+"\r")
		return err
	case "bg":
		return d.startBackground(ts, strings.Fields(rest))
	case "waitfile":
		return waitFor(func() bool {
			data, _ := os.ReadFile(ts.MkAbs(rest))
			return len(data) > 0
		})
	}
	if strings.HasPrefix(verb, "#") {
		return nil
	}
	return fmt.Errorf("unknown dialogue step %q", verb)
}

// expect waits for pattern in the screen text not matched before.
func (d *ptyDialogue) expect(pattern string) error {
	re, err := regexp.Compile(pattern)
	if err != nil {
		return err
	}
	matched := func() bool {
		text := d.screen()
		loc := re.FindStringIndex(text[d.seen:])
		if loc == nil {
			return false
		}
		d.seen += loc[1]
		return true
	}
	found := false
	err = waitFor(func() bool {
		found = found || matched()
		return found || d.hasExited()
	})
	if err == nil && !found && !matched() { // one last look after the end
		return fmt.Errorf("the program ended without showing %q", pattern)
	}
	return err
}

func (d *ptyDialogue) startBackground(ts *testscript.TestScript, args []string) error {
	if len(args) == 0 {
		return errors.New("bg needs a program")
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Dir = ts.Getenv("WORK")
	cmd.Env = scriptEnviron(ts)
	if err := cmd.Start(); err != nil {
		return err
	}
	d.background = append(d.background, cmd)
	return nil
}

// screen is the output so far as text: ANSI sequences and carriage returns
// removed.
func (d *ptyDialogue) screen() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return stripANSI(d.output.String())
}

// raw is the output so far exactly as the program wrote it.
func (d *ptyDialogue) raw() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.output.String()
}

// ansiSequence matches CSI sequences (colours, cursor moves), OSC strings,
// character set choices and two-byte escapes.
var ansiSequence = regexp.MustCompile(`\x1b(` +
	`\[[0-9;?<=>]*[ -/]*[@-~]` +
	`|\][^\x07\x1b]*(\x07|\x1b\\)` +
	`|[()][0-9A-Za-z]` +
	`|[@-Z\\-_])`)

func stripANSI(s string) string {
	return strings.ReplaceAll(ansiSequence.ReplaceAllString(s, ""), "\r", "")
}

func (d *ptyDialogue) hasExited() bool {
	select {
	case <-d.exited:
		return true
	default:
		return false
	}
}

func (d *ptyDialogue) wait() error {
	select {
	case <-d.exited:
		return d.exitErr
	case <-time.After(ptyWait):
		return errPtyTimeout
	}
}

// stop ends the program if it is still running, and every background one.
func (d *ptyDialogue) stop() {
	if !d.hasExited() {
		_ = d.cmd.Process.Kill()
	}
	_ = d.tty.Close()
	for _, bg := range d.background {
		_ = bg.Process.Kill()
		_ = bg.Wait()
	}
}

// waitFor polls cond until it holds or ptyWait passes.
func waitFor(cond func() bool) error {
	deadline := time.Now().Add(ptyWait)
	for !cond() {
		if time.Now().After(deadline) {
			return errPtyTimeout
		}
		time.Sleep(20 * time.Millisecond)
	}
	return nil
}
