package main

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/kolleno/kollenoctl/internal/cli"
	"github.com/kolleno/kollenoctl/internal/jwtflow"
)

// renderTroubleshooting writes docs/troubleshooting.md from jwtflow's
// catalogue, the same entries the login's hints come from, and the exit-code
// table, so that the page and the program cannot say different things.
func renderTroubleshooting() []byte {
	var b bytes.Buffer
	b.WriteString(notice)
	b.WriteString(troubleshootingIntro)

	b.WriteString("## Salesforce's answers, at a glance\n\n")
	b.WriteString("| `error` | `error_description` | What it means |\n|---|---|---|\n")
	for _, e := range jwtflow.Catalogue {
		fmt.Fprintf(&b, "| %s | %s | [%s](#%s) |\n",
			errorCode(e, "any other"), descriptions(e), mdCell(e.Title), e.ID)
	}
	b.WriteString("\n")

	for _, e := range jwtflow.Catalogue {
		writeEntry(&b, e)
	}

	b.WriteString("## Exit codes\n\n")
	b.WriteString("| Code | Meaning |\n|---:|---|\n")
	for _, row := range cli.ExitCodeTable() {
		fmt.Fprintf(&b, "| %d | %s |\n", row.Code, mdCell(row.Meaning))
	}
	return b.Bytes()
}

const troubleshootingIntro = `# Troubleshooting the JWT bearer login

When Salesforce refuses the login, ` + "`kollenoctl login`" + ` and ` + "`kollenoctl verify`" + `
print Salesforce's ` + "`error`" + ` and ` + "`error_description`" + ` exactly as sent, then a
` + "`hint:`" + ` line with the fix, and exit with code 3. This page lists every answer
kollenoctl knows, with its causes and fixes. It is generated from the catalogue
the program itself uses, so it says what the hints say.

Salesforce's login history often says more than the token endpoint: Setup >
Users > the integration user > Login History.

`

// writeEntry writes one catalogue entry as a section with its own anchor.
func writeEntry(b *bytes.Buffer, e jwtflow.CatalogueEntry) {
	fmt.Fprintf(b, "<a id=\"%s\"></a>\n\n## %s\n\n", e.ID, capitalise(e.Title))
	fmt.Fprintf(b, "Salesforce answers HTTP %d with `error` %s", e.Status, errorCode(e, "of any other kind"))
	if len(e.Descriptions) > 0 {
		fmt.Fprintf(b, " and `error_description` %s", descriptions(e))
	} else if e.Error != "" {
		b.WriteString(", with a description no other entry explains")
	}
	b.WriteString(".\n\n")

	fmt.Fprintf(b, "**Cause.** %s\n\n", e.Cause)
	b.WriteString("**Fix.**\n\n")
	for i, fix := range e.Fix {
		fmt.Fprintf(b, "%d. %s\n", i+1, fix)
	}
	b.WriteString("\n")

	if e.Propagation {
		b.WriteString("An app changed in the last minutes gives this answer until the change " +
			"reaches every login server, so `--retry-for` retries it.\n\n")
	}
	if e.OtherPairing {
		b.WriteString("After this answer kollenoctl tries the other documented pairing of " +
			"login URL and audience once, and reports which one worked.\n\n")
	}
	if e.Source != "" {
		fmt.Fprintf(b, "Source: %s.\n\n", strings.TrimSuffix(e.Source, "."))
	}
}

func descriptions(e jwtflow.CatalogueEntry) string {
	if len(e.Descriptions) == 0 {
		return "any other"
	}
	quoted := make([]string, len(e.Descriptions))
	for i, d := range e.Descriptions {
		quoted[i] = code(d)
	}
	return strings.Join(quoted, " or ")
}

// code formats s as inline code, safe inside a table cell.
func code(s string) string {
	return "`" + mdCell(s) + "`"
}

// mdCell keeps s from ending a Markdown table cell.
func mdCell(s string) string {
	return strings.ReplaceAll(s, "|", `\|`)
}

// errorCode is the entry's error as inline code, or alt for the catch-all.
func errorCode(e jwtflow.CatalogueEntry, alt string) string {
	if e.Error == "" {
		return alt
	}
	return code(e.Error)
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
