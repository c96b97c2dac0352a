package content

import (
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// File is one input file found by Walk.
type File struct {
	// Path is the file's path, as reachable from the working directory.
	Path string
	// Rel is its path relative to the argument it was found under, with
	// '/' separators; a file argument's Rel is its base name.
	Rel string
	// Arg is the argument (file or directory) it was found under.
	Arg string
	// Err is set when a folder inside an argument could not be read: Path
	// names it, and the walk goes on with the rest.
	Err error
}

// Walk calls fn for every regular file named by paths or found in the
// directories among them, recursively, in lexical order. It skips hidden
// folders (".git" among them) inside directories, not hidden files (a
// site's .htaccess belongs to it), and does not
// follow a symbolic link that leads out of the directory it was found in.
// An error from fn stops the walk; a missing argument is an error naming it;
// a folder inside an argument that cannot be read is passed to fn with
// File.Err set, and skipped.
// Binary files are not Walk's business: DetectFormat tells them.
func Walk(paths []string, fn func(File) error) error {
	for _, arg := range paths {
		info, err := os.Stat(arg)
		if err != nil {
			return err
		}
		if !info.IsDir() {
			if err := fn(File{Path: arg, Rel: filepath.Base(arg), Arg: arg}); err != nil {
				return err
			}
			continue
		}
		root, err := filepath.EvalSymlinks(arg)
		if err != nil {
			return err
		}
		root, err = filepath.Abs(root)
		if err != nil {
			return err
		}
		// A symbolic link given as the argument is followed: it is where
		// the user pointed. Inside, paths are shown under the argument.
		walkRoot := arg
		if li, err := os.Lstat(arg); err == nil && li.Mode()&fs.ModeSymlink != 0 {
			walkRoot = root
		}
		err = filepath.WalkDir(walkRoot, func(p string, d fs.DirEntry, err error) error {
			if walkRoot != arg {
				if rel, rerr := filepath.Rel(walkRoot, p); rerr == nil {
					p = filepath.Join(arg, rel)
				}
			}
			if err != nil {
				if p == arg {
					return err
				}
				if ferr := fn(File{Path: p, Arg: arg, Err: err}); ferr != nil {
					return ferr
				}
				if d != nil && d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if p != arg && d.IsDir() && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir // .git, .cache and the like are not content
			}
			if d.Type()&fs.ModeSymlink != 0 {
				target, err := filepath.EvalSymlinks(p)
				if err != nil || !within(root, target) {
					return nil // dangling, or leads out of the directory
				}
				info, err := os.Stat(target)
				if err != nil || !info.Mode().IsRegular() {
					return nil // a linked directory is walked where it really is, if inside
				}
			} else if !d.Type().IsRegular() {
				return nil
			}
			rel, err := filepath.Rel(arg, p)
			if err != nil {
				return err
			}
			return fn(File{Path: p, Rel: filepath.ToSlash(rel), Arg: arg})
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// within reports whether path (resolved) is inside dir (absolute,
// resolved) or is dir itself.
func within(dir, path string) bool {
	abs, err := filepath.Abs(path)
	if err != nil {
		return false
	}
	rel, err := filepath.Rel(dir, abs)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// FileBase is the base URL of a file found by Walk, for Options.BaseURL:
// the site's base URL with the file's path under the argument it was
// found in, as in a mirror of the site (export/blog/post.html resolves
// "../img/a.png" as /img/a.png, and a style sheet's url() is relative to
// the sheet). A file given as an argument sits in base's folder. nil when
// base is nil.
func FileBase(base *url.URL, f File) *url.URL {
	if base == nil || f.Rel == "" {
		return base
	}
	dir := *base // the base names a folder, with or without its final '/'
	if !strings.HasSuffix(dir.Path, "/") {
		dir.Path += "/"
		if dir.RawPath != "" {
			dir.RawPath += "/"
		}
	}
	return dir.ResolveReference(&url.URL{Path: f.Rel})
}

// Progress adds up the bytes read from the files Walk lists, for a
// command's progress callback. A nil *Progress counts nothing.
type Progress struct {
	fn          func(read, total int64)
	read, total int64
}

// NewProgress returns a Progress calling fn with the bytes read so far and
// the total size of the files Walk lists for paths; nil when fn is nil.
func NewProgress(fn func(read, total int64), paths []string) *Progress {
	if fn == nil {
		return nil
	}
	p := &Progress{fn: fn}
	Walk(paths, func(f File) error {
		if f.Err == nil {
			if info, err := os.Stat(f.Path); err == nil {
				p.total += info.Size()
			}
		}
		return nil
	})
	return p
}

// Add counts n more bytes read (for Options.Progress, or a file skipped).
func (p *Progress) Add(n int64) {
	if p == nil {
		return
	}
	p.read += n
	p.fn(p.read, max(p.total, p.read))
}
