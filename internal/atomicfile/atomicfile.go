// Package atomicfile owns how the tool replaces a file on disk: through a
// temporary file in the same folder that is written whole, fsynced, renamed
// over the old one, and made durable by an fsync of the folder. Readers and
// crashes see the old file or the new one, never a torn one; a failed write
// leaves the old file as it was and no temporary file behind.
//
// The report, the scan's manifest and rewrite's copies are written with
// [Write]; a rewrite in place, which must check every original before
// replacing any, writes with [Prepare] and replaces with [Pending.Commit].
// The journal, which appends, uses [SyncDir] to make its name durable.
package atomicfile

import (
	"bufio"
	"errors"
	"io"
	"os"
	"path/filepath"
)

// Write replaces the file at path with what write writes, atomically, with
// permissions perm. write gets a buffered writer; its error is returned as
// is, and the old file (if any) is left untouched.
func Write(path string, perm os.FileMode, write func(io.Writer) error) error {
	p, err := Prepare(path, perm, write)
	if err != nil {
		return err
	}
	return p.Commit()
}

// Pending is a complete, synced new version of a file, not yet in place.
type Pending struct {
	path, temp string
}

// Prepare writes what write writes to a temporary file beside path, with
// permissions perm, and syncs it; nothing at path changes until Commit.
// On error nothing is left behind.
func Prepare(path string, perm os.FileMode, write func(io.Writer) error) (_ *Pending, err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := tmp.Chmod(perm.Perm()); err != nil {
		return nil, err
	}
	bw := bufio.NewWriterSize(tmp, 256<<10)
	if err := write(bw); err != nil {
		return nil, err
	}
	if err := bw.Flush(); err != nil {
		return nil, err
	}
	if err := tmp.Sync(); err != nil {
		return nil, err
	}
	if err := tmp.Close(); err != nil {
		return nil, err
	}
	return &Pending{path: path, temp: tmp.Name()}, nil
}

// Commit puts the new version in place and makes the rename durable. If the
// rename fails (an *os.LinkError), the temporary file is removed and the old
// file is intact; any other error is the folder's fsync, after the rename.
func (p *Pending) Commit() error {
	if err := os.Rename(p.temp, p.path); err != nil {
		os.Remove(p.temp)
		return err
	}
	return SyncDir(filepath.Dir(p.path))
}

// Discard removes the pending version; the file at its path is untouched.
func (p *Pending) Discard() {
	os.Remove(p.temp)
}

// SyncDir fsyncs a folder, making the creation, removal or renaming of a
// file in it durable. Where a system cannot sync folders, it does nothing:
// the rename was atomic all the same.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return err
	}
	return nil
}

// CheckWritable proves a file can be created beside path, the way Write
// will create it, so a long run finds out before its work, not after.
func CheckWritable(path string) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".check-*")
	if err != nil {
		return err
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}
