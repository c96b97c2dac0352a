package manifest

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/wixmigrate/wixmigrate/wix"
)

// Options tune a Reader.
type Options struct {
	// BaseDir resolves relative local paths in source_url; "" means the
	// working directory. Open sets it to the manifest's folder.
	BaseDir string
	// DefaultFolder is the parent folder of rows naming none (migrate's
	// --folder-id); "" means wix.RootFolderMedia. It is part of each
	// row's import, and so of its Key.
	DefaultFolder string
	// ReportColumns, when not nil, says the input is a report: its header
	// ends with these columns (package report's), which are split off into
	// Row.Report.
	ReportColumns []string
	// EarlierReportColumns are the report columns of earlier versions of
	// the report, read too: a header ending with one of them is split
	// there, and Row.Report holds its cells under ReportColumns' names (in
	// their order, a column the earlier report lacks being empty).
	EarlierReportColumns [][]string
	// Delimiter separates fields: Comma, Semicolon or Tab; 0 detects it
	// from the header line (see Reader.Delimiter).
	Delimiter rune
}

// Reader streams a manifest's rows. It is not safe for concurrent use.
type Reader struct {
	csv           *csv.Reader
	in            *bufio.Reader // csv's own input, for Count
	delimiter     rune
	layout        *layout
	baseDir       string // absolute
	defaultFolder string
	index         int
}

// Open opens the manifest at path. Unless opts.BaseDir is set, relative
// local sources are resolved against the manifest's folder. The caller
// closes the returned Closer when done reading.
func Open(path string, opts Options) (*Reader, io.Closer, error) {
	if opts.BaseDir == "" {
		opts.BaseDir = filepath.Dir(path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	r, err := NewReader(f, opts)
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return r, f, nil
}

// NewReader reads and checks the header line; header problems come back as
// a *HeaderError.
func NewReader(in io.Reader, opts Options) (*Reader, error) {
	base, err := filepath.Abs(opts.BaseDir)
	if err != nil {
		return nil, fmt.Errorf("manifest base folder: %w", err)
	}
	buffered := bufio.NewReaderSize(in, 64<<10)
	if err := skipBOM(buffered); err != nil {
		return nil, err
	}
	if err := checkDelimiter(opts.Delimiter); err != nil {
		return nil, err
	}
	delimiter := opts.Delimiter
	if delimiter == 0 {
		if delimiter, err = detectDelimiter(headerLine(buffered), layoutsOf(opts)); err != nil {
			return nil, err
		}
	}
	c := csv.NewReader(buffered)
	c.Comma = delimiter
	c.FieldsPerRecord = -1 // a wrong field count fails its row, not the file
	names, err := c.Read()
	if err != nil {
		var parseErr *csv.ParseError
		switch {
		case err == io.EOF:
			return nil, &HeaderError{Msg: "the file is empty; the first line must name the columns"}
		case errors.As(err, &parseErr):
			return nil, &HeaderError{Msg: fmt.Sprintf("line %d: %v", parseErr.Line, parseErr.Err)}
		default:
			return nil, err
		}
	}
	l, err := parseHeader(names, layoutsOf(opts))
	if err != nil {
		return nil, err
	}
	folder := opts.DefaultFolder
	if folder == "" {
		folder = wix.RootFolderMedia
	}
	return &Reader{csv: c, in: buffered, delimiter: delimiter, layout: l, baseDir: base, defaultFolder: folder}, nil
}

// Delimiter returns the delimiter between fields: the one forced by
// Options.Delimiter or the one detected. A report is written with it, so
// that it opens in the spreadsheet the manifest came from.
func (r *Reader) Delimiter() rune { return r.delimiter }

// skipBOM drops a UTF-8 byte order mark, which spreadsheet programs write
// and which would otherwise stick to the first column's name.
func skipBOM(in *bufio.Reader) error {
	head, err := in.Peek(3)
	if err != nil && err != io.EOF {
		return err
	}
	if string(head) == "\uFEFF" {
		in.Discard(3)
	}
	return nil
}

// Header returns the manifest's column names as written, report columns
// not included.
func (r *Reader) Header() []string {
	return append([]string(nil), r.layout.header...)
}

// Next returns the next row, or io.EOF after the last. A row that cannot be
// imported is a Row with Err set, not an error; the error is for I/O.
func (r *Reader) Next() (*Row, error) {
	for {
		record, err := r.csv.Read()
		if err != nil {
			var parseErr *csv.ParseError
			if !errors.As(err, &parseErr) {
				return nil, err
			}
			// encoding/csv resumes at the line after a syntax error,
			// so the rest of the manifest can still be read.
			return r.newRow(parseErr.StartLine, nil, syntaxError(parseErr)), nil
		}
		if blank(record) {
			continue
		}
		line, _ := r.csv.FieldPos(0)
		return r.parseRow(line, record), nil
	}
}

func syntaxError(e *csv.ParseError) string {
	msg := e.Err.Error()
	if e.Err == csv.ErrBareQuote {
		msg = `a " inside a field that does not start with one; quote the whole field and double the quote ("")`
	}
	if e.Line != e.StartLine {
		return fmt.Sprintf("%s (line %d, byte %d)", msg, e.Line, e.Column)
	}
	return fmt.Sprintf("%s (byte %d)", msg, e.Column)
}

func (r *Reader) newRow(line int, record []string, problem string) *Row {
	row := &Row{Line: line, Index: r.index, Record: record, width: len(r.layout.header)}
	if i := r.layout.columns[fieldSourceURL]; i >= 0 && i < len(record) {
		row.source = record[i]
	}
	r.index++
	if problem != "" {
		row.Err = &RowError{Line: line, Msg: problem}
	}
	return row
}

// blank reports whether a record carries nothing: an all-white line, or a
// spreadsheet's trailing row of empty cells.
func blank(record []string) bool {
	for _, f := range record {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

func (r *Reader) parseRow(line int, record []string) *Row {
	if len(record) != r.layout.total {
		return r.newRow(line, record, fmt.Sprintf("%d fields, header has %d", len(record), r.layout.total))
	}
	width := len(r.layout.header)
	row := r.newRow(line, record[:width:width], "")
	if r.layout.reportFrom != nil {
		row.Report = make([]string, len(r.layout.reportFrom))
		for i, j := range r.layout.reportFrom {
			if j >= 0 {
				row.Report[i] = record[width+j]
			}
		}
	} else if width < len(record) {
		row.Report = record[width:]
	}
	if f, msg := r.parseImport(record, &row.Import); msg != "" {
		row.Import = Import{}
		row.Err = &RowError{Line: line, Column: r.layout.header[r.layout.columns[f]], Msg: msg}
		return row
	}
	row.Key = row.Import.Key()
	return row
}
