package report

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"time"

	"github.com/wixmigrate/wixmigrate/manifest"
)

// ErrOtherManifest means a report was written for another manifest: its
// manifest columns differ, or none of its imports is the manifest's. The
// command suggests another report path.
var ErrOtherManifest = errors.New("the report belongs to a different manifest")

// ErrCannotResume means a report's header is not a report's: it cannot be
// read back, and writing over it would lose what it says.
var ErrCannotResume = errors.New("move it away or write the report elsewhere")

// Loaded says what a previous report held.
type Loaded struct {
	Found   bool // a report existed
	Rows    int  // rows read
	Damaged int  // rows that could not be read (a truncated or edited report)
	Kept    int  // distinct imports taken into the state
	// FilledURIs counts READY rows without a wix_uri (a report written
	// before the column) given one from what the report holds.
	FilledURIs int
	// Earliest is the oldest updated_at in the report: no earlier run
	// touched the Media Manager before it.
	Earliest time.Time
}

// Load reads a previous report at path into state, so a re-run resumes
// instead of importing again. A missing report is not an error. header is the
// current manifest's header: a report written for other columns is refused
// with ErrOtherManifest; nil takes the report's own (undo and restore read
// a report without its manifest). Rows that cannot be read are counted, not fatal:
// their imports are simply unknown to the state.
func Load(path string, opts manifest.Options, header []string, state *State) (Loaded, error) {
	var res Loaded
	rows, closer, err := manifest.Open(path, ReadOptions(opts))
	if errors.Is(err, fs.ErrNotExist) {
		return res, nil
	}
	res.Found = true
	if err != nil {
		var he *manifest.HeaderError
		if errors.As(err, &he) {
			return res, fmt.Errorf("report %s cannot be resumed (%w): %w", path, err, ErrCannotResume)
		}
		return res, fmt.Errorf("reading report %s: %w", path, err)
	}
	defer closer.Close()
	if header != nil && !slices.Equal(rows.Header(), header) {
		return res, fmt.Errorf("report %s: %w (its columns are %q, the manifest's are %q)",
			path, ErrOtherManifest, rows.Header(), header)
	}
	for {
		row, err := rows.Next()
		if err == io.EOF {
			return res, nil
		}
		if err != nil {
			return res, fmt.Errorf("reading report %s: %w", path, err)
		}
		res.Rows++
		if row.Err != nil {
			if len(row.Report) != len(Columns) {
				res.Damaged++ // a torn or hand-edited line
			}
			continue // an invalid manifest row: it is failed again from the manifest
		}
		fields, err := DecodeFields(row)
		if err != nil {
			res.Damaged++
			continue
		}
		o, err := FromFields(fields)
		if err != nil {
			res.Damaged++
			continue
		}
		filled := o.NeedsWixURI() && o.fillWixURI(row.Import.DisplayName)
		if t := o.UpdatedAt(); !t.IsZero() && (res.Earliest.IsZero() || t.Before(res.Earliest)) {
			res.Earliest = t
		}
		if o.Status == Unknown && o.Phase == PhaseNone && o.Attempts == 0 {
			continue // never imported: nothing to keep
		}
		if state.Add(row.Key, o) {
			res.Kept++
			if filled {
				res.FilledURIs++
			}
		}
	}
}
