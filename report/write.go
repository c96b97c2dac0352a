package report

import (
	"bufio"
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/wixmigrate/wixmigrate/manifest"
)

// Summary counts a written report's rows.
type Summary struct {
	Rows     int
	ByStatus map[string]int
	// Reasons counts failure reasons of FAILED and PENDING rows.
	Reasons map[string]int
}

// TopReasons returns up to n reasons, most frequent first.
func (s *Summary) TopReasons(n int) []ReasonCount {
	out := make([]ReasonCount, 0, len(s.Reasons))
	for r, c := range s.Reasons {
		out = append(out, ReasonCount{r, c})
	}
	slices.SortFunc(out, func(a, b ReasonCount) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Reason, b.Reason))
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// ReasonCount is one line of a summary's failure table.
type ReasonCount struct {
	Reason string
	Count  int
}

// rowFields returns what the report says of one manifest row: the row's
// own error, or the outcome of its import (not imported yet when the state
// does not know it).
func rowFields(row *manifest.Row, state *State) Fields {
	if row.Err != nil {
		o := Outcome{Status: Failed}
		o.SetReason(row.Err.Error())
		return o.Fields()
	}
	o, _ := state.Get(row.Key)
	return o.Fields()
}

// Write writes the report for the manifest read by rows, joining every row to
// its outcome in state, to path atomically: a crash leaves either the old
// report or the new one, never a torn file. Fields are separated by the
// manifest's delimiter.
func Write(path string, rows *manifest.Reader, state *State) (*Summary, error) {
	sum := &Summary{ByStatus: map[string]int{}, Reasons: map[string]int{}}
	err := WriteFileAtomic(path, 0o644, func(w io.Writer) error {
		cw := csv.NewWriter(w)
		cw.Comma = rows.Delimiter() // the manifest's: it opens in the same spreadsheet
		header := append(append([]string(nil), rows.Header()...), Columns...)
		if err := cw.Write(header); err != nil {
			return err
		}
		var fields []string
		for {
			row, err := rows.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				return err
			}
			f := rowFields(row, state)
			fields = append(append(fields[:0], row.Fields()...), f.Record()...)
			if err := cw.Write(fields); err != nil {
				return err
			}
			sum.Rows++
			sum.ByStatus[f.Status]++
			if f.Status != Ready.String() {
				sum.Reasons[f.FailureReason]++
			}
		}
		cw.Flush()
		return cw.Error()
	})
	if err != nil {
		return nil, fmt.Errorf("writing report %s: %w", path, err)
	}
	return sum, nil
}

// CheckWritable proves a file can be created beside path (the way
// WriteFileAtomic will create it), so a long run finds out before its work,
// not after.
func CheckWritable(path string) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".check-*")
	if err != nil {
		return err
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}

// WriteFileAtomic writes a file through a temporary file in the same folder,
// fsyncs it, renames it over path and fsyncs the folder, so readers and
// crashes see the old file or the new one, whole.
func WriteFileAtomic(path string, mode os.FileMode, write func(io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := tmp.Chmod(mode); err != nil {
		return err
	}
	bw := bufio.NewWriterSize(tmp, 256<<10)
	if err := write(bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	return syncDir(dir)
}

func syncDir(dir string) error {
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
