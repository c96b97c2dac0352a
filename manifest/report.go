package manifest

import (
	"encoding/csv"
	"errors"
	"io"
	"strconv"
	"time"

	"github.com/gocarina/gocsv"

	"github.com/wixmigrate/wixmigrate/wix"
)

// ReportFields is a report row's report part, typed. Its fields are in
// ReportColumns order, which is how it is decoded.
type ReportFields struct {
	Status        string        `csv:"status"`
	FileID        string        `csv:"file_id"`
	WixURL        string        `csv:"wix_url"`
	MediaType     wix.MediaType `csv:"media_type"` // the type Wix found
	SizeBytes     int64         `csv:"size_bytes"`
	Width         int           `csv:"width"`
	Height        int           `csv:"height"`
	FailureReason string        `csv:"failure_reason"`
	Attempts      int           `csv:"attempts"`
	UpdatedAt     *time.Time    `csv:"updated_at,omitempty"` // RFC 3339; nil when empty
	Method        string        `csv:"method"`
}

// ReportFields decodes Row.Report. Empty numbers read as 0. A row read
// without Options.ReportColumns, or with the wrong field count, has no
// report part and gets an error.
func (r *Row) ReportFields() (ReportFields, error) {
	if len(r.Report) != len(ReportColumns) {
		return ReportFields{}, &RowError{Line: r.Line, Msg: "no report columns to decode"}
	}
	// gocsv decodes whole tables; the report part is a one-record table
	// without a header, mapped onto the struct's fields by position.
	var decoded []ReportFields
	if err := gocsv.UnmarshalCSVWithoutHeaders(&oneRecord{record: r.Report}, &decoded); err != nil {
		column := ""
		var parseErr *csv.ParseError
		if errors.As(err, &parseErr) && parseErr.Column >= 1 && parseErr.Column <= len(ReportColumns) {
			column = ReportColumns[parseErr.Column-1]
			err = parseErr.Err
		}
		return ReportFields{}, &RowError{Line: r.Line, Column: column, Msg: err.Error()}
	}
	return decoded[0], nil
}

// Record encodes f in ReportColumns order, the inverse of Row.ReportFields.
// Zero numbers and a nil time are written as empty fields.
func (f ReportFields) Record() []string {
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
		f.Status, f.FileID, f.WixURL, string(f.MediaType), number(f.SizeBytes),
		number(int64(f.Width)), number(int64(f.Height)), f.FailureReason,
		number(int64(f.Attempts)), updated, f.Method,
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
