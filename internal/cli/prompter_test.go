package cli

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/creack/pty"
)

// accessiblePrompter answers from input as a screen reader user would type.
func accessiblePrompter(input string) (*huhPrompter, *bytes.Buffer) {
	var out bytes.Buffer
	ios := &IOStreams{In: strings.NewReader(input), Out: io.Discard, ErrOut: &out}
	return newHuhPrompter(ios, true), &out
}

func TestAccessibleInput(t *testing.T) {
	notBad := func(s string) error {
		if s == "bad" {
			return errors.New("bad is not an answer")
		}
		return nil
	}
	tests := []struct {
		name, input, def, want, wantOut string
	}{
		{"typed", "3MVG9abc\n", "", "3MVG9abc", "Consumer key"},
		{"default on Enter", "\n", "https://login.salesforce.com", "https://login.salesforce.com", ""},
		{"asked again after a refusal", "bad\ngood\n", "", "good", "bad is not an answer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, out := accessiblePrompter(tt.input)
			got, err := p.Input("Consumer key", tt.def, notBad)
			if err != nil || got != tt.want {
				t.Fatalf("Input = %q, %v; want %q", got, err, tt.want)
			}
			if !strings.Contains(out.String(), tt.wantOut) {
				t.Errorf("prompt output lacks %q:\n%s", tt.wantOut, out.String())
			}
		})
	}
}

// TestAccessibleKeepsEveryLine checks that each question gets its own line
// of input even when all the answers arrive at once (a pasted block, a pipe).
func TestAccessibleKeepsEveryLine(t *testing.T) {
	p, _ := accessiblePrompter("first\n2\ny\nlast\n")
	a, _ := p.Input("one", "", nil)
	b, _ := p.Select("two", []choice{{"A", "a"}, {"B", "b"}})
	c, _ := p.Confirm("three", false)
	d, err := p.Input("four", "", nil)
	if a != "first" || b != "b" || !c || d != "last" || err != nil {
		t.Fatalf("got %q %q %v %q %v", a, b, c, d, err)
	}
}

func TestAccessibleConfirmDefault(t *testing.T) {
	for _, def := range []bool{true, false} {
		p, _ := accessiblePrompter("\n")
		got, err := p.Confirm("Done?", def)
		if err != nil || got != def {
			t.Errorf("Confirm(def=%v) on Enter = %v, %v", def, got, err)
		}
	}
}

func TestAccessibleEndOfInputCancels(t *testing.T) {
	p, _ := accessiblePrompter("")
	if _, err := p.Input("Username", "x", nil); !errors.Is(err, errPromptCancelled) {
		t.Errorf("Input at end of input: err = %v, want errPromptCancelled", err)
	}
	p, _ = accessiblePrompter("")
	if _, err := p.Select("Method", []choice{{"A", "a"}}); !errors.Is(err, errPromptCancelled) {
		t.Errorf("Select at end of input: err = %v, want errPromptCancelled", err)
	}
}

// TestAccessibleSecretIsNotEchoed types a password on a real pseudo-terminal
// and checks that it comes back and never appears in the output.
func TestAccessibleSecretIsNotEchoed(t *testing.T) {
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	defer ptmx.Close()
	defer tty.Close()

	var out bytes.Buffer
	p := newHuhPrompter(&IOStreams{In: tty, Out: io.Discard, ErrOut: &out}, true)
	go func() { _, _ = ptmx.Write([]byte("s3cret-Pa55\r")) }()
	go func() { _, _ = io.Copy(io.Discard, ptmx) }() // what the terminal shows

	got, err := p.Secret("Keystore password")
	if err != nil || got != "s3cret-Pa55" {
		t.Fatalf("Secret = %q, %v", got, err)
	}
	if strings.Contains(out.String(), "s3cret") {
		t.Errorf("the password reached the output: %q", out.String())
	}
}

func TestLineReaderReadsOneLineAtATime(t *testing.T) {
	lr := &lineReader{r: strings.NewReader("ab\ncd")}
	buf := make([]byte, 64)
	var got []string
	for {
		n, err := lr.Read(buf)
		got = append(got, string(buf[:n]))
		if err != nil {
			break
		}
	}
	if strings.Join(got, "|") != "ab\n|cd" || !lr.eof {
		t.Errorf("reads = %q, eof = %v", got, lr.eof)
	}
}
