package report

import (
	"cmp"
	"encoding/csv"
	"fmt"
	"io"
	"slices"

	"github.com/wixmigrate/wixmigrate/internal/atomicfile"
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
	return write(path, rows, func(row *manifest.Row) Fields { return rowFields(row, state) })
}

// Rewrite writes the report at path again, atomically, each valid row's
// report columns from its outcome in state (read with Load, changed
// since), the others' as they were. It needs no manifest: undo and restore
// write reports with it. opts are the manifest options the report was
// read with.
func Rewrite(path string, opts manifest.Options, state *State) (*Summary, error) {
	rows, closer, err := manifest.Open(path, ReadOptions(opts))
	if err != nil {
		return nil, fmt.Errorf("reading report %s: %w", path, err)
	}
	defer closer.Close()
	return write(path, rows, func(row *manifest.Row) Fields {
		if row.Err != nil {
			if f, err := DecodeFields(row); err == nil {
				return f // the words the manifest's own read gave, line numbers included
			}
		}
		return rowFields(row, state)
	})
}

func write(path string, rows *manifest.Reader, fieldsOf func(*manifest.Row) Fields) (*Summary, error) {
	sum := &Summary{ByStatus: map[string]int{}, Reasons: map[string]int{}}
	err := atomicfile.Write(path, 0o644, func(w io.Writer) error {
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
			f := fieldsOf(row)
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
