package rewrite

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// The problems of a Config that cannot run. They say what is wrong, not
// which flag to change: the command line knows its flags.
var (
	ErrNoReports     = errors.New("no report given: the report(s) migrate wrote are needed")
	ErrNoDestination = errors.New("no destination: a folder to write to, or in place, is needed")
	ErrOutAndInPlace = errors.New("a folder to write to and in place cannot both be chosen")
	ErrNoPaths       = errors.New("no files or folders to rewrite")
)

// BaseURLError is a base URL that cannot resolve anything: not http(s),
// or without a host.
type BaseURLError struct {
	URL string
}

func (e *BaseURLError) Error() string {
	return fmt.Sprintf("%q is not an http(s) URL with a host", e.URL)
}

// InputError is an input path that cannot be read.
type InputError struct {
	Path string
	Err  error
}

func (e *InputError) Error() string { return fmt.Sprintf("input %s: %v", e.Path, e.Err) }
func (e *InputError) Unwrap() error { return e.Err }

// OutInsideInputError is an output folder that is one of the input
// folders or inside one: the output would be read back as input.
type OutInsideInputError struct {
	Out, Input string
}

func (e *OutInsideInputError) Error() string {
	return fmt.Sprintf("the output folder %s is inside the input folder %s", e.Out, e.Input)
}

// OutputError is output that cannot be written; nothing was replaced in
// place.
type OutputError struct {
	Path string
	Err  error
}

func (e *OutputError) Error() string { return fmt.Sprintf("writing %s: %v", e.Path, e.Err) }
func (e *OutputError) Unwrap() error { return e.Err }

// CheckOutDir refuses an output folder that is one of the input
// directories or inside one: the output would be read back as input.
func CheckOutDir(out string, paths []string) error {
	outAbs, err := resolvedAbs(out)
	if err != nil {
		return err
	}
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil || !info.IsDir() {
			continue
		}
		dir, err := resolvedAbs(p)
		if err != nil {
			return err
		}
		if inside(dir, outAbs) {
			return &OutInsideInputError{Out: out, Input: p}
		}
	}
	return nil
}

// resolvedAbs is path made absolute with symbolic links resolved, as far
// as it exists (an output folder may not exist yet).
func resolvedAbs(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	var missing []string
	for {
		if resolved, err := filepath.EvalSymlinks(abs); err == nil {
			return filepath.Join(append([]string{resolved}, missing...)...), nil
		}
		parent := filepath.Dir(abs)
		if parent == abs {
			return filepath.Join(append([]string{abs}, missing...)...), nil
		}
		missing = append([]string{filepath.Base(abs)}, missing...)
		abs = parent
	}
}

// inside reports whether path (absolute, resolved) is dir or inside it.
func inside(dir, path string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}
