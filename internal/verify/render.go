package verify

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/kolleno/kollenoctl/internal/termtext"
)

// TextOptions shape the human checklist.
type TextOptions struct {
	// Color adds ANSI colours; only for a terminal.
	Color bool
	// Quiet prints only the checks that did not pass, with their hints, and
	// nothing else: a report in which everything passed prints nothing.
	Quiet bool
}

const (
	ansiReset  = "\x1b[0m"
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiDim    = "\x1b[2m"
)

// marks are the checklist's symbols and their colours.
var marks = map[Status]struct{ symbol, color string }{
	Pass:    {"✓", ansiGreen},
	Warn:    {"!", ansiYellow},
	Fail:    {"✗", ansiRed},
	Skipped: {"-", ansiDim},
}

// WriteText writes the checklist, then (unless quiet) the facts and the
// summary line.
func WriteText(w io.Writer, r *Report, opts TextOptions) error {
	var b strings.Builder
	for _, c := range r.Checks {
		if opts.Quiet && c.Status == Pass {
			continue
		}
		writeCheck(&b, c, opts.Color)
	}
	if !opts.Quiet {
		writeFacts(&b, r.Facts)
		fmt.Fprintf(&b, "\n%s\n", r.Summary())
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// titleWidth lines the details up in one column.
const titleWidth = len("Account records visible")

func writeCheck(b *strings.Builder, c Check, color bool) {
	m := marks[c.Status]
	symbol := m.symbol
	if color {
		symbol = m.color + symbol + ansiReset
	}
	// Details, hints and facts quote what Salesforce answered (a profile
	// name, an error message), so they are escaped before they reach a
	// terminal; the hint's own line breaks are kept.
	fmt.Fprintf(b, "%s %-*s  %s\n", symbol, titleWidth, c.Title, termtext.Printable(c.Detail))
	if c.Status == Pass {
		return
	}
	for _, line := range strings.Split(c.Hint, "\n") {
		if line != "" {
			fmt.Fprintf(b, "  hint: %s\n", termtext.Printable(line))
		}
	}
}

func writeFacts(b *strings.Builder, f Facts) {
	rows := []struct{ name, value string }{
		{"username", f.Username},
		{"profile", f.Profile},
		{"org ID", f.OrgID},
		{"instance URL", f.InstanceURL},
		{"API version", f.APIVersion},
	}
	first := true
	for _, row := range rows {
		if row.value == "" {
			continue
		}
		if first {
			b.WriteString("\n")
			first = false
		}
		fmt.Fprintf(b, "  %-13s %s\n", row.name, termtext.Printable(row.value))
	}
}

// jsonReport is the --json document. Its field names are an interface: add
// fields, never rename or remove them.
type jsonReport struct {
	OK         bool    `json:"ok"`
	ExitCode   int     `json:"exit_code"`
	Summary    string  `json:"summary"`
	Counts     Counts  `json:"counts"`
	Connection Facts   `json:"connection"`
	Checks     []Check `json:"checks"`
}

// WriteJSON writes the report as one JSON object:
//
//	{
//	  "ok": true,                 // no check failed
//	  "exit_code": 0,             // what the command exits with
//	  "summary": "...",           // the human summary line
//	  "counts": {"pass": 9, "warn": 0, "fail": 0, "skipped": 0},
//	  "connection": {"username", "user_id", "profile", "org_id",
//	                 "instance_url", "api_version"},   // "" when unknown
//	  "checks": [{"id", "title", "status", "detail", "hint"}, ...]
//	}
//
// Every check is present, in report order; "status" is pass, warn, fail or
// skipped, and "hint" is "" for a pass.
func WriteJSON(w io.Writer, r *Report) error {
	doc := jsonReport{
		OK:         r.ExitCode() == ExitOK,
		ExitCode:   r.ExitCode(),
		Summary:    r.Summary(),
		Counts:     r.Counts(),
		Connection: r.Facts,
		Checks:     r.Checks,
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}
