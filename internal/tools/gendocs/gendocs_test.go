package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// docsDir is the committed documentation, from this package's directory.
const docsDir = "../../../docs"

// TestDocsUpToDate regenerates the docs into a temporary directory and fails
// when the committed docs/ differs from them in any generated file.
func TestDocsUpToDate(t *testing.T) {
	files, err := render()
	if err != nil {
		t.Fatal(err)
	}
	fresh := t.TempDir()
	if err := write(fresh, files); err != nil {
		t.Fatal(err)
	}

	for _, problem := range compare(t, files, fresh, docsDir) {
		t.Errorf("%s; run `make docs` and commit the result", problem)
	}
}

// compare lists how the generated files (named by files) under want differ from those under
// got: changed or missing files, and files in a generated directory that the
// generator no longer makes.
func compare(t *testing.T, files map[string][]byte, want, got string) []string {
	t.Helper()
	var problems []string
	for _, name := range sortedNames(files) {
		w := readOrNil(t, filepath.Join(want, name))
		g := readOrNil(t, filepath.Join(got, name))
		switch {
		case g == nil:
			problems = append(problems, "docs/"+name+" is missing")
		case !bytes.Equal(w, g):
			problems = append(problems, "docs/"+name+" is out of date")
		}
	}
	for _, sub := range generatedDirs {
		entries, _ := os.ReadDir(filepath.Join(got, sub))
		for _, e := range entries {
			if _, ok := files[sub+"/"+e.Name()]; !ok {
				problems = append(problems, "docs/"+sub+"/"+e.Name()+" is no longer generated")
			}
		}
	}
	return problems
}

func readOrNil(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(name)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestCompareSeesDrift proves the up-to-date check can fail: a changed, a
// missing and a stale file are each reported.
func TestCompareSeesDrift(t *testing.T) {
	files, err := render()
	if err != nil {
		t.Fatal(err)
	}
	want, got := t.TempDir(), t.TempDir()
	for _, dir := range []string{want, got} {
		if err := write(dir, files); err != nil {
			t.Fatal(err)
		}
	}
	if p := compare(t, files, want, got); len(p) != 0 {
		t.Fatalf("identical trees reported as different: %v", p)
	}

	must(t, os.WriteFile(filepath.Join(got, "exit-codes.md"), []byte("edited by hand\n"), 0o644))
	must(t, os.Remove(filepath.Join(got, "man", "kollenoctl.1")))
	must(t, os.WriteFile(filepath.Join(got, "commands", "kollenoctl_gone.md"), nil, 0o644))

	report := strings.Join(compare(t, files, want, got), "\n")
	for _, wantLine := range []string{
		"docs/exit-codes.md is out of date",
		"docs/man/kollenoctl.1 is missing",
		"docs/commands/kollenoctl_gone.md is no longer generated",
	} {
		if !strings.Contains(report, wantLine) {
			t.Errorf("report lacks %q:\n%s", wantLine, report)
		}
	}
}

// TestWriteRemovesStale checks that regenerating drops the page of a command
// that no longer exists, and leaves hand-written files alone.
func TestWriteRemovesStale(t *testing.T) {
	files, err := render()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	must(t, os.MkdirAll(filepath.Join(dir, "commands"), 0o755))
	stale := filepath.Join(dir, "commands", "kollenoctl_gone.md")
	handWritten := filepath.Join(dir, "admin-guide.md")
	must(t, os.WriteFile(stale, nil, 0o644))
	must(t, os.WriteFile(handWritten, []byte("guide"), 0o644))

	must(t, write(dir, files))

	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale page survived: %v", err)
	}
	if data, err := os.ReadFile(handWritten); err != nil || string(data) != "guide" {
		t.Errorf("hand-written file changed: %q, %v", data, err)
	}
}

// TestRenderIsDeterministic guards the "docs differ" check against false
// alarms: two runs give the same bytes, and no man page carries a date.
func TestRenderIsDeterministic(t *testing.T) {
	a, err := render()
	if err != nil {
		t.Fatal(err)
	}
	b, err := render()
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range a {
		if !bytes.Equal(data, b[name]) {
			t.Errorf("%s differs between two runs", name)
		}
		if strings.HasSuffix(name, ".1") && !bytes.Contains(data, []byte(`"1" "" "kollenoctl"`)) {
			t.Errorf("%s: man header has a date or an unexpected form:\n%s", name, firstLines(data, 2))
		}
	}
}

// TestRootManPageHasExitStatus checks that every exit code reaches the root
// man page, before SEE ALSO.
func TestRootManPageHasExitStatus(t *testing.T) {
	files, err := render()
	if err != nil {
		t.Fatal(err)
	}
	page := string(files["man/kollenoctl.1"])
	status := strings.Index(page, ".SH EXIT STATUS")
	if status < 0 || status > strings.Index(page, ".SH SEE ALSO") {
		t.Fatalf("EXIT STATUS missing or after SEE ALSO:\n%s", page)
	}
	for _, code := range []string{"0", "1", "2", "3", "4", "5"} {
		if !strings.Contains(page[status:], "\\fB"+code+"\\fP\n") {
			t.Errorf("exit code %s missing from EXIT STATUS", code)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func firstLines(data []byte, n int) string {
	lines := strings.SplitN(string(data), "\n", n+1)
	return strings.Join(lines[:min(n, len(lines))], "\n")
}

func TestFenceIndented(t *testing.T) {
	in := "Checks:\n\n  one  first\n  two  second\n\n  three\nThe end.\n  tail"
	want := "Checks:\n\n```\n  one  first\n  two  second\n\n  three\n```\nThe end.\n```\n  tail\n```"
	if got := fenceIndented(in); got != want {
		t.Errorf("fenceIndented:\n%s\nwant:\n%s", got, want)
	}
	if plain := "no indented lines\nat all"; fenceIndented(plain) != plain {
		t.Errorf("plain text changed: %q", fenceIndented(plain))
	}
}
