package report

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wixmigrate/wixmigrate/manifest"
	"github.com/wixmigrate/wixmigrate/wix"
)

// readReportRows reads text as a report, the way Load does.
func readReportRows(t *testing.T, text string) []*manifest.Row {
	t.Helper()
	r, err := manifest.NewReader(strings.NewReader(text), ReadOptions(manifest.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	var rows []*manifest.Row
	for {
		row, err := r.Next()
		if err != nil {
			return rows
		}
		rows = append(rows, row)
	}
}

// columnsBeforeUndo are the report columns of the version before
// status_before_undo: the rows of such a report read with it empty.
func columnsBeforeUndo() string { return strings.Join(earlierColumns[0], ",") }

func TestDecodeFields(t *testing.T) {
	t.Parallel()
	header := "sku,media_type,source_url," + columnsBeforeUndo() + "\n"
	rows := readReportRows(t, header+
		"A1,image,https://a.test/a.jpg,imported,f1,https://static.wixstatic.com/media/f1,wix:image://v1/f1/a.jpg#originWidth=640&originHeight=480,IMAGE,1234,640,480,,1,2025-01-02T03:04:05Z,import\n"+
		"A2,,ftp://x,failed,,,,,,,,invalid row,0,,\n"+
		"A3,,https://a.test/c.jpg,failed\n"+
		"A4,,https://a.test/a.jpg,imported,f1,,,IMAGE,big,,,,,,\n")
	if len(rows) != 4 {
		t.Fatalf("%d rows, want 4", len(rows))
	}
	fields, err := DecodeFields(rows[0])
	if err != nil {
		t.Fatal(err)
	}
	updated := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	want := Fields{Status: "imported", FileID: "f1", WixURL: "https://static.wixstatic.com/media/f1",
		WixURI: "wix:image://v1/f1/a.jpg#originWidth=640&originHeight=480", MediaType: wix.MediaImage,
		SizeBytes: 1234, Width: 640, Height: 480, Attempts: 1, UpdatedAt: &updated, Method: "import"}
	if !reflect.DeepEqual(fields, want) {
		t.Errorf("DecodeFields =\n  %+v\nwant\n  %+v", fields, want)
	}
	if got := fields.Record(); !slices.Equal(got, rows[0].Report) {
		t.Errorf("Record() = %q, want the report part %q", got, rows[0].Report)
	}
	if fields, err := DecodeFields(rows[1]); err != nil || fields.FailureReason != "invalid row" || fields.UpdatedAt != nil {
		t.Errorf("an invalid manifest row: DecodeFields = %+v, %v", fields, err)
	}
	if _, err := DecodeFields(rows[2]); err == nil {
		t.Error("DecodeFields of a row without a report part: no error")
	}
	var rowErr *manifest.RowError
	if _, err := DecodeFields(rows[3]); !errors.As(err, &rowErr) || rowErr.Column != "size_bytes" || rowErr.Line != 5 {
		t.Errorf("a bad number: err = %v, want a RowError on line 5 naming size_bytes", err)
	}
}

// TestFieldsOrder guards decoding by position: Fields' fields must follow
// Columns.
func TestFieldsOrder(t *testing.T) {
	t.Parallel()
	typ := reflect.TypeFor[Fields]()
	var tags []string
	for i := range typ.NumField() {
		tags = append(tags, strings.Split(typ.Field(i).Tag.Get("csv"), ",")[0])
	}
	if !slices.Equal(tags, Columns) {
		t.Errorf("Fields tags %q, want %q", tags, Columns)
	}
}

// TestColumnsAreReserved: a manifest may not name its own columns like the
// report's, media_type apart (it is an input there).
func TestColumnsAreReserved(t *testing.T) {
	t.Parallel()
	for _, c := range Columns {
		if c == "media_type" {
			continue
		}
		if !slices.Contains(manifest.ReservedColumns, c) {
			t.Errorf("report column %q is not reserved by the manifest", c)
		}
		if _, err := manifest.NewReader(strings.NewReader("url,"+c+"\n"), manifest.Options{}); err == nil {
			t.Errorf("a manifest with a column %q was accepted", c)
		}
	}
	if len(manifest.ReservedColumns) != len(Columns)-1 {
		t.Errorf("manifest reserves %q; want the report columns but media_type", manifest.ReservedColumns)
	}
}

// BenchmarkDecodeFields measures decoding one report part with gocsv.
func BenchmarkDecodeFields(b *testing.B) {
	updated := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	row := &manifest.Row{Report: Fields{Status: "READY", FileID: "f1", WixURL: "https://static.wixstatic.com/media/f1",
		WixURI: "wix:image://v1/f1/f1#originWidth=640&originHeight=480", MediaType: "IMAGE", SizeBytes: 1234,
		Width: 640, Height: 480, Attempts: 1, UpdatedAt: &updated, Method: "import"}.Record()}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeFields(row); err != nil {
			b.Fatal(err)
		}
	}
}
