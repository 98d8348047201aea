// Package atomicfile writes files so that a reader, or a crash, never sees a
// half-written one, and so that an existing file is never replaced by
// accident.
//
// Each file is written to a temporary file in the destination's directory,
// synced, and then moved into place: with a hard link when the destination
// must not exist (the link fails if it does, with no window for a race), with
// a rename when replacing is allowed.
package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// File is one file to write.
type File struct {
	Path string
	Data []byte
	Perm fs.FileMode
}

// ExistsError reports a destination that already exists when replacing was
// not allowed.
type ExistsError struct {
	Path string
}

func (e *ExistsError) Error() string {
	return fmt.Sprintf("%s already exists; it was left as it is", e.Path)
}

// Write writes one file. Without replace, an existing file at f.Path is an
// *ExistsError and nothing is written.
func Write(f File, replace bool) error {
	return WriteAll([]File{f}, replace)
}

// WriteAll writes files as a group: either all of them end up in place, or
// none of them does. Without replace, if any destination already exists,
// nothing is written. With replace, a file that was already there is kept
// until the whole group is in place, and put back if any part fails.
func WriteAll(files []File, replace bool) error {
	if !replace {
		for _, f := range files {
			if _, err := os.Lstat(f.Path); err == nil {
				return &ExistsError{Path: f.Path}
			}
		}
	}

	temps := make([]string, 0, len(files))
	defer func() {
		for _, t := range temps {
			_ = os.Remove(t)
		}
	}()
	for _, f := range files {
		t, err := writeTemp(f)
		if err != nil {
			return err
		}
		temps = append(temps, t)
	}

	var placed []placedFile
	for i, f := range files {
		backup, err := keepOld(f.Path, replace)
		if err == nil {
			err = place(temps[i], f.Path, replace)
		}
		if err != nil {
			if backup != "" {
				_ = os.Remove(backup) // the destination itself was not touched
			}
			rollBack(placed)
			return err
		}
		placed = append(placed, placedFile{path: f.Path, backup: backup})
	}
	for _, p := range placed {
		if p.backup != "" {
			_ = os.Remove(p.backup)
		}
	}
	return nil
}

// placedFile is a destination already written, and the hard link that keeps
// the file it replaced ("" when there was none).
type placedFile struct {
	path   string
	backup string
}

// rollBack undoes placed files, last first: a replaced file is put back, a
// new one is removed.
func rollBack(placed []placedFile) {
	for i := len(placed) - 1; i >= 0; i-- {
		p := placed[i]
		if p.backup == "" {
			_ = os.Remove(p.path)
			continue
		}
		_ = os.Rename(p.backup, p.path)
	}
}

// keepOld makes a hard link to the regular file at path, when replace is on
// and one exists, so it can be put back if the group fails; it returns the
// link's name, or "" when there is nothing to keep.
func keepOld(path string, replace bool) (string, error) {
	if !replace {
		return "", nil
	}
	if st, err := os.Lstat(path); err != nil || !st.Mode().IsRegular() {
		return "", nil
	}
	backup, err := reserveName(path)
	if err == nil {
		err = os.Link(path, backup)
	}
	if err != nil {
		return "", fmt.Errorf("cannot keep a copy of %s while replacing it: %w",
			path, unwrapPath(err))
	}
	return backup, nil
}

// reserveName returns an unused hidden name beside path.
func reserveName(path string) (string, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".old-*")
	if err != nil {
		return "", err
	}
	name := f.Name()
	_ = f.Close()
	return name, os.Remove(name)
}

// writeTemp writes f's data to a new temporary file beside f.Path, with
// f.Perm, and returns its name.
func writeTemp(f File) (string, error) {
	dir := filepath.Dir(f.Path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(f.Path)+".tmp-*")
	if err != nil {
		return "", fmt.Errorf("cannot write in %s: %w", dir, unwrapPath(err))
	}
	name := tmp.Name()

	err = tmp.Chmod(f.Perm)
	if err == nil {
		_, err = tmp.Write(f.Data)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(name)
		return "", fmt.Errorf("cannot write %s: %w", f.Path, unwrapPath(err))
	}
	return name, nil
}

// place moves the temporary file to its destination.
func place(tmp, dest string, replace bool) error {
	if replace {
		if err := os.Rename(tmp, dest); err != nil {
			return fmt.Errorf("cannot write %s: %w", dest, unwrapPath(err))
		}
		return nil
	}
	err := os.Link(tmp, dest)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, fs.ErrExist):
		return &ExistsError{Path: dest}
	}
	// Some file systems have no hard links; fall back to a checked rename.
	if _, serr := os.Lstat(dest); serr == nil {
		return &ExistsError{Path: dest}
	}
	if err := os.Rename(tmp, dest); err != nil {
		return fmt.Errorf("cannot write %s: %w", dest, unwrapPath(err))
	}
	return nil
}

// unwrapPath drops the *PathError wrapper, whose path would name the
// temporary file rather than the one the user asked for.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}
