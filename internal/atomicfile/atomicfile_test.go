package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func writeString(s string) func(io.Writer) error {
	return func(w io.Writer) error {
		_, err := io.WriteString(w, s)
		return err
	}
}

// entries lists a folder's names, so a test sees leftover temporary files.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, de := range des {
		names = append(names, de.Name())
	}
	return names
}

func TestWriteCreatesAndReplaces(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "report.csv")
	if err := Write(path, 0o640, writeString("first\n")); err != nil {
		t.Fatal(err)
	}
	if err := Write(path, 0o640, writeString("second\n")); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil || string(b) != "second\n" {
		t.Fatalf("read %q, %v; want the second version", b, err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o640 {
		t.Errorf("mode %v, %v; want 0640", fi.Mode(), err)
	}
	if names := entries(t, dir); len(names) != 1 {
		t.Errorf("folder holds %q; want the file alone", names)
	}
}

// TestFailedWriteKeepsTheOldFile: a write that fails half way (a full disk
// here) returns its error, and leaves the old file whole and no temporary
// file behind.
func TestFailedWriteKeepsTheOldFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "report.csv")
	if err := os.WriteFile(path, []byte("old and whole\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := Write(path, 0o644, func(w io.Writer) error {
		if _, err := io.WriteString(w, strings.Repeat("new ", 1<<17)); err != nil {
			return err
		}
		return &os.PathError{Op: "write", Path: path, Err: syscall.ENOSPC}
	})
	if !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("Write = %v; want the writer's ENOSPC", err)
	}
	b, err := os.ReadFile(path)
	if err != nil || string(b) != "old and whole\n" {
		t.Errorf("after a failed write the file holds %.40q, %v; want the old content", b, err)
	}
	if names := entries(t, dir); len(names) != 1 {
		t.Errorf("folder holds %q; want the old file alone", names)
	}
}

func TestWriteIntoAMissingFolderFails(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "no-such-folder", "report.csv")
	if err := Write(path, 0o644, writeString("x")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Write = %v; want ErrNotExist", err)
	}
	if err := CheckWritable(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("CheckWritable = %v; want ErrNotExist", err)
	}
}

// TestPrepareChangesNothingUntilCommit: an in-place rewrite prepares every
// file, and either commits or discards them all.
func TestPrepareChangesNothingUntilCommit(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.html"), filepath.Join(dir, "b.html")
	for _, p := range []string{a, b} {
		if err := os.WriteFile(p, []byte("old"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	pa, err := Prepare(a, 0o644, writeString("new a"))
	if err != nil {
		t.Fatal(err)
	}
	pb, err := Prepare(b, 0o644, writeString("new b"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{a, b} {
		if got, _ := os.ReadFile(p); string(got) != "old" {
			t.Errorf("%s changed before Commit: %q", p, got)
		}
	}
	if err := pa.Commit(); err != nil {
		t.Fatal(err)
	}
	pb.Discard()
	if got, _ := os.ReadFile(a); string(got) != "new a" {
		t.Errorf("committed file holds %q", got)
	}
	if got, _ := os.ReadFile(b); string(got) != "old" {
		t.Errorf("discarded file holds %q", got)
	}
	if names := entries(t, dir); len(names) != 2 {
		t.Errorf("folder holds %q; want a.html and b.html alone", names)
	}
}

func TestCheckWritableLeavesNothing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := CheckWritable(filepath.Join(dir, "report.csv")); err != nil {
		t.Fatal(err)
	}
	if names := entries(t, dir); len(names) != 0 {
		t.Errorf("folder holds %q; want nothing", names)
	}
}

// TestCommitThatCannotRename: when the rename fails (a folder now stands
// where the file goes), Commit says so as an *os.LinkError, and leaves
// what is there and no temporary file.
func TestCommitThatCannotRename(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "page.html")
	p, err := Prepare(path, 0o644, writeString("new"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(path, "in-the-way"), 0o755); err != nil {
		t.Fatal(err)
	}
	err = p.Commit()
	if le := new(os.LinkError); !errors.As(err, &le) {
		t.Fatalf("Commit = %v; want an *os.LinkError", err)
	}
	if names := entries(t, dir); len(names) != 1 || names[0] != "page.html" {
		t.Errorf("folder holds %q; want the folder in the way alone", names)
	}
}
