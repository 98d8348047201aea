package atomicfile

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestWriteAllCreatesFilesWithTheirModes(t *testing.T) {
	dir := t.TempDir()
	key := File{Path: filepath.Join(dir, "k.key"), Data: []byte("key"), Perm: 0o600}
	crt := File{Path: filepath.Join(dir, "k.crt"), Data: []byte("crt"), Perm: 0o644}

	if err := WriteAll([]File{key, crt}, false); err != nil {
		t.Fatal(err)
	}
	for _, f := range []File{key, crt} {
		st, err := os.Stat(f.Path)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != f.Perm {
			t.Errorf("%s: mode %v, want %v", f.Path, st.Mode().Perm(), f.Perm)
		}
		got, _ := os.ReadFile(f.Path)
		if string(got) != string(f.Data) {
			t.Errorf("%s: content %q, want %q", f.Path, got, f.Data)
		}
	}
	assertOnly(t, dir, "k.crt", "k.key")
}

func TestWriteAllRefusesExistingAndWritesNothing(t *testing.T) {
	dir := t.TempDir()
	crtPath := filepath.Join(dir, "k.crt")
	if err := os.WriteFile(crtPath, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	files := []File{
		{Path: filepath.Join(dir, "k.key"), Data: []byte("key"), Perm: 0o600},
		{Path: crtPath, Data: []byte("new"), Perm: 0o644},
	}

	err := WriteAll(files, false)
	var exists *ExistsError
	if !errors.As(err, &exists) || exists.Path != crtPath {
		t.Fatalf("err = %v, want ExistsError for %s", err, crtPath)
	}
	assertOnly(t, dir, "k.crt")
	if got, _ := os.ReadFile(crtPath); string(got) != "old" {
		t.Errorf("existing file changed to %q", got)
	}
}

func TestWriteAllReplaces(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "k.key")
	if err := os.WriteFile(p, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Write(File{Path: p, Data: []byte("new"), Perm: 0o600}, true); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(p)
	got, _ := os.ReadFile(p)
	if string(got) != "new" || st.Mode().Perm() != 0o600 {
		t.Errorf("got %q mode %v, want new 0600", got, st.Mode().Perm())
	}
}

func TestWriteAllLeavesNothingWhenDirectoryMissing(t *testing.T) {
	dir := t.TempDir()
	err := WriteAll([]File{
		{Path: filepath.Join(dir, "a"), Data: []byte("a"), Perm: 0o600},
		{Path: filepath.Join(dir, "missing", "b"), Data: []byte("b"), Perm: 0o600},
	}, false)
	if err == nil {
		t.Fatal("want an error for a missing directory")
	}
	assertOnly(t, dir)
}

// assertOnly checks that dir holds exactly the named entries, in order: no
// temporary file may be left behind.
func assertOnly(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if !slices.Equal(got, names) {
		t.Fatalf("dir holds %v, want %v", got, names)
	}
}

func TestWriteAllReplaceKeepsOldFilesWhenAPartFails(t *testing.T) {
	dir := t.TempDir()
	keyPath := filepath.Join(dir, "k.key")
	if err := os.WriteFile(keyPath, []byte("old key"), 0o600); err != nil {
		t.Fatal(err)
	}
	// A directory where the certificate should go makes the second rename fail.
	if err := os.Mkdir(filepath.Join(dir, "k.crt"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "k.crt", "x"), nil, 0o644); err != nil {
		t.Fatal(err)
	}

	err := WriteAll([]File{
		{Path: keyPath, Data: []byte("new key"), Perm: 0o600},
		{Path: filepath.Join(dir, "k.crt"), Data: []byte("new crt"), Perm: 0o644},
	}, true)
	if err == nil {
		t.Fatal("want an error when the certificate cannot be placed")
	}
	if got, _ := os.ReadFile(keyPath); string(got) != "old key" {
		t.Errorf("old key not restored: %q", got)
	}
	assertOnly(t, dir, "k.crt", "k.key")
}
