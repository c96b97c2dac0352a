package testenv

import (
	"fmt"
	"io"
	"os"
	"testing"

	"github.com/wixmigrate/wixmigrate/manifest"
	"github.com/wixmigrate/wixmigrate/report"
	"github.com/wixmigrate/wixmigrate/wix"
)

// ReadyReport writes at reportPath the report of a run that imported every
// row of the manifest at manifestPath, as report.Write writes it: each row
// READY, with a file ID of its own (2acbb8_<row>~mv2<ext>) and that file's
// static.wixstatic.com URL. It returns each source URL's Wix URL.
func ReadyReport(t testing.TB, manifestPath, reportPath string) map[string]string {
	t.Helper()
	open := func() (*manifest.Reader, *os.File) {
		f, err := os.Open(manifestPath)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := manifest.NewReader(f, manifest.Options{})
		if err != nil {
			f.Close()
			t.Fatalf("%s: %v", manifestPath, err)
		}
		return rows, f
	}
	rows, f := open()
	state := report.NewState()
	wixURLs := map[string]string{}
	for n := 1; ; n++ {
		row, err := rows.Next()
		if err == io.EOF {
			break
		}
		if err != nil || row.Err != nil {
			t.Fatalf("%s: row %d: %v %v", manifestPath, n, err, row.Err)
		}
		id := fmt.Sprintf("2acbb8_%032x~mv2%s", n, extension(row.Import.SourceURL))
		fields := report.Fields{Status: report.Ready.String(), FileID: id, WixURL: wix.MediaURLPrefix + id,
			MediaType: wix.MediaImage, SizeBytes: 1000, Width: 800, Height: 600, Attempts: 1, Method: "import"}
		o, err := report.FromFields(fields)
		if err != nil {
			t.Fatal(err)
		}
		state.Add(row.Key, o)
		wixURLs[row.Import.SourceURL] = fields.WixURL
	}
	f.Close()
	rows, f = open()
	defer f.Close()
	if _, err := report.Write(reportPath, rows, state); err != nil {
		t.Fatal(err)
	}
	return wixURLs
}

// extension is the extension of a URL's path ("" for none), as Wix keeps it
// in a file ID.
func extension(u string) string {
	for i := len(u) - 1; i >= 0 && u[i] != '/'; i-- {
		switch u[i] {
		case '?', '#':
			u = u[:i]
		case '.':
			if ext := u[i:]; len(ext) <= 5 {
				return ext
			}
			return ""
		}
	}
	return ""
}
