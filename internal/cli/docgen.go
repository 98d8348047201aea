package cli

import (
	"io"
	"strings"

	"github.com/spf13/cobra"
)

// This file is what the documentation generator (internal/tools/gendocs,
// run by `make docs`) reads from the command tree. The generator itself, and
// the Markdown and man page libraries it needs, stay out of this package so
// that the kollenoctl binary neither links nor initialises them.

// DocTree returns kollenoctl's command tree as the documentation shows it:
// built over streams that go nowhere, with Cobra's dated "auto generated"
// footer turned off so that the generated files only change when the
// commands do.
func DocTree() *cobra.Command {
	ios := &IOStreams{In: strings.NewReader(""), Out: io.Discard, ErrOut: io.Discard}
	root := newRootCmd(ios)
	root.DisableAutoGenTag = true
	return root
}

// ExitCodeDoc is one row of the exit-code table: a code and what it means.
type ExitCodeDoc struct {
	Code    int
	Meaning string
}

// ExitCodeTable returns the exit codes in order, exactly as
// `kollenoctl help exit-codes` prints them.
func ExitCodeTable() []ExitCodeDoc {
	rows := make([]ExitCodeDoc, len(exitCodes))
	for i, c := range exitCodes {
		rows[i] = ExitCodeDoc{Code: c.code, Meaning: c.meaning}
	}
	return rows
}
