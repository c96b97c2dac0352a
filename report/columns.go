package report

import (
	"encoding/csv"
	"errors"
	"io"
	"strconv"
	"time"

	"github.com/gocarina/gocsv"

	"github.com/wixmigrate/wixmigrate/manifest"
	"github.com/wixmigrate/wixmigrate/wix"
)

// Columns are the columns a report appends after the manifest's own, in
// this order. The manifest package reserves their names (all but
// media_type, see manifest.ReservedColumns). Read-only.
var Columns = []string{
	"status", "file_id", "wix_url", "wix_uri", "media_type", "size_bytes",
	"width", "height", "failure_reason", "attempts", "updated_at", "method",
	"status_before_undo",
}

// earlierColumns are the report columns of earlier versions, newest first.
// Their reports still resume and still feed rewrite: read with
// ReadOptions, their rows decode as Fields with the columns they lack
// empty.
var earlierColumns = [][]string{
	// before status_before_undo
	{"status", "file_id", "wix_url", "wix_uri", "media_type", "size_bytes",
		"width", "height", "failure_reason", "attempts", "updated_at", "method"},
	// before wix_uri
	{"status", "file_id", "wix_url", "media_type", "size_bytes", "width",
		"height", "failure_reason", "attempts", "updated_at", "method"},
}

// ReadOptions returns opts set to read a report of this version or of an
// earlier one: DecodeFields then decodes any of them.
func ReadOptions(opts manifest.Options) manifest.Options {
	opts.ReportColumns = Columns
	opts.EarlierReportColumns = earlierColumns
	return opts
}

// Fields is a report row's report part, typed. Its fields are in Columns
// order, which is how it is decoded.
type Fields struct {
	Status string `csv:"status"`
	FileID string `csv:"file_id"`
	WixURL string `csv:"wix_url"`
	// WixURI is the file's wix: media URI, as the official SDK gives it
	// (wix.MediaURI): what Wix's content APIs take.
	WixURI        string        `csv:"wix_uri"`
	MediaType     wix.MediaType `csv:"media_type"` // the type Wix found
	SizeBytes     int64         `csv:"size_bytes"`
	Width         int           `csv:"width"`
	Height        int           `csv:"height"`
	FailureReason string        `csv:"failure_reason"`
	Attempts      int           `csv:"attempts"`
	UpdatedAt     *time.Time    `csv:"updated_at,omitempty"` // RFC 3339; nil when empty
	Method        string        `csv:"method"`
	// StatusBeforeUndo is an UNDONE row's status before undo moved its
	// file to the trash (or deleted it): restore brings that back.
	StatusBeforeUndo string `csv:"status_before_undo"`
}

// DecodeFields decodes the report part of a row read with ReadOptions (or
// manifest.Options.ReportColumns set to Columns), with gocsv. Empty numbers
// read as 0. A row without a report part (a wrong field count) gets an
// error; a field that does not parse gets a *manifest.RowError naming its
// column.
func DecodeFields(r *manifest.Row) (Fields, error) {
	if len(r.Report) != len(Columns) {
		return Fields{}, &manifest.RowError{Line: r.Line, Msg: "no report columns to decode"}
	}
	// gocsv decodes whole tables; the report part is a one-record table
	// without a header, mapped onto the struct's fields by position.
	var decoded []Fields
	if err := gocsv.UnmarshalCSVWithoutHeaders(&oneRecord{record: r.Report}, &decoded); err != nil {
		column := ""
		var parseErr *csv.ParseError
		if errors.As(err, &parseErr) && parseErr.Column >= 1 && parseErr.Column <= len(Columns) {
			column = Columns[parseErr.Column-1]
			err = parseErr.Err
		}
		return Fields{}, &manifest.RowError{Line: r.Line, Column: column, Msg: err.Error()}
	}
	return decoded[0], nil
}

// Record encodes f in Columns order, the inverse of DecodeFields. Zero
// numbers and a nil time are written as empty fields.
func (f Fields) Record() []string {
	number := func(n int64) string {
		if n == 0 {
			return ""
		}
		return strconv.FormatInt(n, 10)
	}
	updated := ""
	if f.UpdatedAt != nil {
		updated = f.UpdatedAt.Format(time.RFC3339)
	}
	return []string{
		f.Status, f.FileID, f.WixURL, f.WixURI, string(f.MediaType), number(f.SizeBytes),
		number(int64(f.Width)), number(int64(f.Height)), f.FailureReason,
		number(int64(f.Attempts)), updated, f.Method, f.StatusBeforeUndo,
	}
}

// oneRecord is a gocsv.CSVReader holding a single record.
type oneRecord struct {
	record []string
	done   bool
}

func (o *oneRecord) Read() ([]string, error) {
	if o.done {
		return nil, io.EOF
	}
	o.done = true
	return o.record, nil
}

func (o *oneRecord) ReadAll() ([][]string, error) {
	if o.done {
		return nil, nil
	}
	o.done = true
	return [][]string{o.record}, nil
}
