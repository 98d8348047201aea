package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"charm.land/huh/v2"
)

// prompter asks the user questions. The onboard flow talks to nothing else
// when it needs an answer, so its tests drive it with a scripted fake and no
// terminal; huhPrompter is the real one.
type prompter interface {
	// Input asks for one line of text. The answer must pass validate (when
	// not nil); an empty answer means def.
	Input(title, def string, validate func(string) error) (string, error)

	// Secret asks for a line that is not echoed.
	Secret(title string) (string, error)

	// Select offers options and returns the Value of the chosen one.
	Select(title string, options []choice) (string, error)

	// Confirm asks a yes or no question; def is the answer to Enter.
	Confirm(title string, def bool) (bool, error)
}

// choice is one option of a Select: what the user reads and what the flow
// gets back.
type choice struct {
	Label string
	Value string
}

// errPromptCancelled is returned when the user leaves a prompt with Ctrl+C or
// closes the input.
var errPromptCancelled = errors.New("cancelled at a prompt")

// huhPrompter draws huh forms on the terminal, or huh's accessible line
// prompts (plain text, one question per line, for screen readers and simple
// terminals). Prompts go to out, which is stderr, so that stdout carries only
// the result.
type huhPrompter struct {
	in         io.Reader   // the terminal, for forms: huh puts it in raw mode
	lines      *lineReader // the same, one line at a time, for accessible prompts
	out        io.Writer
	accessible bool
}

var _ prompter = (*huhPrompter)(nil)

func newHuhPrompter(ios *IOStreams, accessible bool) *huhPrompter {
	return &huhPrompter{
		in:         ios.In,
		lines:      &lineReader{r: ios.In},
		out:        ios.ErrOut,
		accessible: accessible,
	}
}

func (p *huhPrompter) Input(title, def string, validate func(string) error) (string, error) {
	value := def
	field := huh.NewInput().Title(title).Value(&value)
	if validate != nil {
		field.Validate(func(s string) error { return validate(orDefault(s, def)) })
	}
	err := p.run(field, field.RunAccessible)
	value = orDefault(value, def)
	p.echo(err, title, value)
	return value, err
}

func (p *huhPrompter) Secret(title string) (string, error) {
	var value string
	field := huh.NewInput().Title(title).EchoMode(huh.EchoModePassword).Value(&value)
	err := p.run(field, field.RunAccessible)
	p.echo(err, title, "(hidden)")
	return value, err
}

func (p *huhPrompter) Select(title string, options []choice) (string, error) {
	opts := make([]huh.Option[string], len(options))
	for i, c := range options {
		opts[i] = huh.NewOption(c.Label, c.Value)
	}
	value := options[0].Value
	field := huh.NewSelect[string]().Title(title).Options(opts...).Value(&value)
	err := p.run(field, field.RunAccessible)
	for _, c := range options {
		if c.Value == value {
			p.echo(err, title, c.Label)
		}
	}
	return value, err
}

func (p *huhPrompter) Confirm(title string, def bool) (bool, error) {
	value := def
	field := huh.NewConfirm().Title(title).Affirmative("Yes").Negative("No").Value(&value)
	err := p.run(field, field.RunAccessible)
	p.echo(err, title, map[bool]string{true: "Yes", false: "No"}[value])
	return value, err
}

// echo leaves the question and its answer on the screen once a form is
// gone, so that the terminal keeps a record of the session. Accessible
// prompts need none: what was typed stays on its line.
func (p *huhPrompter) echo(err error, title, answer string) {
	if err != nil || p.accessible {
		return
	}
	sep := ": "
	if strings.HasSuffix(title, "?") {
		sep = " "
	}
	fmt.Fprintf(p.out, "%s%s%s\n", title, sep, answer)
}

// run shows one field: as a one-field form on a terminal, or through the
// field's own accessible prompt. huh's accessible prompts take the end of
// input as an answer, so the lineReader's EOF is turned into a cancel here.
func (p *huhPrompter) run(field huh.Field, accessible func(io.Writer, io.Reader) error) error {
	var err error
	if p.accessible {
		err = accessible(p.out, p.lines)
		if p.lines.eof {
			err = errPromptCancelled
		}
	} else {
		err = p.runForm(field)
	}
	if errors.Is(err, huh.ErrUserAborted) {
		return errPromptCancelled
	}
	if err != nil && !errors.Is(err, errPromptCancelled) {
		return fmt.Errorf("cannot prompt: %w", err)
	}
	return err
}

// runForm shows field as a one-field form. The form reads the terminal
// through a formInput of its own, shut when the form is over, so that no
// reader left behind by the form can take the keys meant for the next one.
func (p *huhPrompter) runForm(field huh.Field) error {
	in, over := newFormInput(p.in)
	defer over()
	return huh.NewForm(huh.NewGroup(field)).
		WithInput(in).WithOutput(p.out).WithShowHelp(true).Run()
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// lineReader hands out input at most one line per Read. huh's accessible
// prompts wrap the reader in a new bufio.Scanner for every question, and a
// scanner that read ahead would swallow the next answers; reading a byte at a
// time keeps every line for the question it answers. It remembers the end of
// input, and passes the terminal's descriptor through for no-echo prompts.
type lineReader struct {
	r   io.Reader
	eof bool
}

func (l *lineReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		m, err := l.r.Read(p[n : n+1])
		n += m
		if err != nil {
			l.eof = l.eof || errors.Is(err, io.EOF)
			return n, err
		}
		if m == 0 || p[n-1] == '\n' {
			break
		}
	}
	return n, nil
}

// Fd returns the descriptor of the underlying terminal, which huh's
// accessible password prompt reads from directly; 0 (stdin) otherwise.
func (l *lineReader) Fd() uintptr {
	if f, ok := l.r.(interface{ Fd() uintptr }); ok {
		return f.Fd()
	}
	return 0
}
