package source

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/wixmigrate/wixmigrate/wix"
)

// LocalFile is a local source opened for upload. It reads at any offset, so
// an upload that is retried, or sent in resumable chunks, can reread any part.
type LocalFile struct {
	// Path is the path as given to OpenLocal.
	Path string
	// FileName is the base name, for the upload's file name.
	FileName string
	// Size is the file's size in bytes, as opened; never 0.
	Size int64
	// MimeType is from the file's extension, or sniffed from its content
	// when the extension names none (MimeTypeFor).
	MimeType string
	// Head holds the file's first bytes (up to 4 KB), read to sniff them.
	Head []byte

	f *os.File
}

// ReadAt reads from the file at off.
func (l *LocalFile) ReadAt(p []byte, off int64) (int, error) { return l.f.ReadAt(p, off) }

// Reader returns a fresh reader of the whole file; several may be used one
// after the other, for retries.
func (l *LocalFile) Reader() *io.SectionReader { return io.NewSectionReader(l.f, 0, l.Size) }

// Close closes the file.
func (l *LocalFile) Close() error { return l.f.Close() }

// OpenLocal opens a local source for reading. Its errors are *Error values
// naming the path: "local file images/a.jpg: no such file" (missing-file),
// "...: permission denied" (unreadable), "... is a directory" (not-a-file),
// "... is empty" (empty).
func OpenLocal(path string) (*LocalFile, error) {
	localErr := func(cause, what string, err error) error {
		return &Error{Cause: cause, Reason: fmt.Sprintf(Reasons.LocalFile, path+what), Err: err}
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, localError(path, err)
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, localError(path, err)
	}
	switch {
	case info.IsDir():
		f.Close()
		return nil, localErr(CauseNotAFile, " is a directory, not a file", nil)
	case !info.Mode().IsRegular():
		f.Close()
		return nil, localErr(CauseNotAFile, " is not a regular file", nil)
	case info.Size() == 0:
		f.Close()
		return nil, localErr(CauseEmpty, " is empty (0 bytes)", nil)
	}
	head := make([]byte, min(info.Size(), downloadSniffLen))
	n, err := f.ReadAt(head, 0)
	if err != nil && !errors.Is(err, io.EOF) {
		f.Close()
		return nil, localError(path, err)
	}
	head = head[:n]
	name := filepath.Base(path)
	mt := typeByExtension(name)
	if mt == "" {
		mt = MimeTypeFor(name, head)
	}
	return &LocalFile{Path: path, FileName: name, Size: info.Size(), MimeType: mt, Head: head, f: f}, nil
}

// localError explains an operating-system error on a local source.
func localError(path string, err error) error {
	var pe *fs.PathError
	detail := err.Error()
	if errors.As(err, &pe) {
		detail = pe.Err.Error()
	}
	e := &Error{Cause: CauseUnreadable, Err: err}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		e.Cause, detail = CauseMissingFile, "no such file"
	case errors.Is(err, fs.ErrPermission):
		detail = "permission denied"
	}
	e.Reason = fmt.Sprintf(Reasons.LocalFile, path+": "+detail)
	return e
}

// ProbeLocal checks a local source as Probe checks a remote one: that it can
// be read, is within MaxBytes, and that its content is media of the wanted
// type ("" for any). It judges by content first, like Probe, where
// LocalFile.MimeType trusts the extension.
func (p *Prober) ProbeLocal(path string, want wix.MediaType) Diagnosis {
	lf, err := OpenLocal(path)
	if err != nil {
		var e *Error
		errors.As(err, &e)
		return failed(e)
	}
	defer lf.Close()
	d := p.judge(0, MimeTypeFor(lf.FileName, lf.Head), lf.Size, want)
	if !d.OK {
		d.Reason = fmt.Sprintf("local file %s: %s", path, d.Reason)
	}
	return d
}
