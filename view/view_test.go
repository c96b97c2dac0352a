package view

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"html"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wixmigrate/wixmigrate/report"
	"github.com/wixmigrate/wixmigrate/wix"
)

const hostile = `"><script>alert(1)</script><img src=x onerror=alert(2)>`

// writeReport writes a report of the given manifest columns and rows
// (manifest cells, then report.Fields), and damaged raw lines after them.
func writeReport(t *testing.T, cols []string, rows [][]string, damaged ...string) string {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write(append(append([]string(nil), cols...), report.Columns...))
	for _, r := range rows {
		w.Write(r)
	}
	w.Flush()
	for _, d := range damaged {
		b.WriteString(d + "\n")
	}
	p := filepath.Join(t.TempDir(), "shop.report.csv")
	if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func reportRow(cells []string, f report.Fields) []string { return append(cells, f.Record()...) }

var at = time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)

func ready(id string, mt wix.MediaType) report.Fields {
	return report.Fields{Status: "READY", FileID: id, WixURL: wix.MediaURLPrefix + id, MediaType: mt,
		SizeBytes: 2048, Width: 640, Height: 480, Attempts: 1, UpdatedAt: &at, Method: "import"}
}

// shopReport has one row of each kind a page places, a hostile name, a
// status this version does not know and a torn line.
func shopReport(t *testing.T) string {
	cols := []string{"source_url", "display_name", "sku", "wp_attachment_id"}
	return writeReport(t, cols, [][]string{
		reportRow([]string{"https://old.example/a.jpg", "Red shirt", "SKU-1", "101"}, ready("4a685c_a~mv2.jpg", wix.MediaImage)),
		reportRow([]string{"https://old.example/b.jpg", hostile, "SKU-2", "102"}, ready("4a685c_b~mv2.jpg", wix.MediaImage)),
		reportRow([]string{"https://old.example/c.mp4", "Promo", "", "103"}, ready("4a685c_c.mp4", wix.MediaVideo)),
		reportRow([]string{"https://old.example/gone.jpg", "Gone", "SKU-3", "104"}, report.Fields{Status: "FAILED", Method: "import", Attempts: 1,
			FailureReason: "the source answered 404 Not Found: the file is missing at the old site"}),
		reportRow([]string{"javascript:alert(3)", "Scripted", "", "105"}, report.Fields{Status: "FAILED",
			FailureReason: `line 6, column "source_url": "javascript:alert(3)" is not an http(s) URL`}),
		reportRow([]string{"https://old.example/d.jpg", "Later", "SKU-4", "106"}, report.Fields{Status: "PENDING", FailureReason: report.Reasons.NotImported}),
		reportRow([]string{"https://old.example/e.jpg", "Taken back", "SKU-5", "107"}, report.Fields{Status: "UNDONE", FailureReason: "moved to the trash by undo"}),
	}, `https://old.example/f.jpg,Torn,SKU-6`)
}

func TestLoadPlacesEveryRow(t *testing.T) {
	r, err := Load(shopReport(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"READY": 3, "FAILED": 2, "PENDING": 1, "UNDONE": 1, "UNREADABLE": 1}
	if r.Rows != 8 || len(r.ByStatus) != len(want) {
		t.Fatalf("%d rows, by status %v; want 8, %v", r.Rows, r.ByStatus, want)
	}
	for st, n := range want {
		if r.ByStatus[st] != n {
			t.Errorf("%s: %d rows, want %d", st, r.ByStatus[st], n)
		}
	}
	causes := map[int]string{}
	for _, rw := range r.rows {
		causes[rw.line] = rw.cause
	}
	if causes[5] != "http-404" || causes[6] != report.CauseInvalidRow || causes[7] != "not-imported" || causes[8] != "" {
		t.Errorf("causes by line: %v", causes)
	}
	if r.Bytes != 3*2048 || r.ByMethod["import"] != 4 || r.ByType["IMAGE"] != 2 || r.ByType["VIDEO"] != 1 {
		t.Errorf("bytes %d, methods %v, types %v", r.Bytes, r.ByMethod, r.ByType)
	}
}

// pageJSONOf writes r's page and returns it with its data decoded as the
// browser decodes it: the first screen's block, then the chunks after the
// script, their rows put in the page's order and their strings appended.
func pageJSONOf(t *testing.T, r *Report) (string, pageJSON) {
	t.Helper()
	var b bytes.Buffer
	if err := r.WriteHTML(&b); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	block := func(rest, open string) (string, string, bool) {
		_, data, ok := strings.Cut(rest, open)
		data, rest, ok2 := strings.Cut(data, "</script>")
		return data, rest, ok && ok2
	}
	data, rest, ok := block(page, `<script type="application/json" id="data">`)
	if !ok {
		t.Fatal("no data in the page")
	}
	var d pageJSON
	if err := json.Unmarshal([]byte(data), &d); err != nil {
		t.Fatalf("the page's data is not JSON: %v", err)
	}
	if len(d.Rows) != len(d.At) || !slices.IsSorted(d.At) {
		t.Fatalf("the first screen's rows: %d at %v", len(d.Rows), d.At)
	}
	all := make([][]any, d.N)
	for k, i := range d.At {
		all[i] = d.Rows[k]
	}
	pos := 0
	for {
		data, rest, ok = block(rest, `<script type="application/json" class="rows">`)
		if !ok {
			break
		}
		var c rowsJSON
		if err := json.Unmarshal([]byte(data), &c); err != nil {
			t.Fatalf("a chunk of the page's data is not JSON: %v", err)
		}
		d.S = append(d.S, c.S...)
		for _, row := range c.Rows {
			for pos < len(all) && all[pos] != nil {
				pos++
			}
			if pos == len(all) {
				t.Fatal("the chunks hold more rows than the page")
			}
			all[pos] = row
		}
	}
	if slices.ContainsFunc(all, func(row []any) bool { return row == nil }) {
		t.Fatal("the data leaves rows out")
	}
	d.Rows = all
	return page, d
}

func TestPageWritesCellsAsData(t *testing.T) {
	r, err := Load(shopReport(t), Options{SiteID: `site"><b>`})
	if err != nil {
		t.Fatal(err)
	}
	page, d := pageJSONOf(t, r)
	for _, raw := range []string{"<script>alert", "<img src=x", `"><b>`} {
		if strings.Contains(page, raw) {
			t.Errorf("the page holds %q unescaped", raw)
		}
	}
	if n, chunks := strings.Count(page, "<script"), strings.Count(page, `<script type="application/json" class="rows">`); n != 2+chunks {
		t.Errorf("%d script elements, want the data, its %d chunks and the page's own", n, chunks)
	}
	if !strings.Contains(page, `http-equiv="Content-Security-Policy"`) || !strings.Contains(html.UnescapeString(page), sourceHash(pageJS)) {
		t.Error("no Content-Security-Policy allowing the page's script by its hash")
	}
	if len(d.Rows) != 8 || d.Total != 8 || d.Cols[d.Name] != "display_name" || d.Cols[d.Src] != "source_url" {
		t.Fatalf("data: %d rows of %d, columns %v", len(d.Rows), d.Total, d.Cols)
	}
	// The hostile name reaches the script as the same characters.
	name := d.Rows[1][rowFixed+d.Name]
	if s, _ := name.(string); s != hostile {
		t.Errorf("display_name in the data: %v, want %q", name, hostile)
	}
	for _, cause := range []string{"http-404", report.CauseInvalidRow, "not-imported"} {
		if d.Causes[cause].Next == "" {
			t.Errorf("the data has no next step for %s", cause)
		}
	}
}

func TestMediaBaseAndThumbnails(t *testing.T) {
	r, err := Load(shopReport(t), Options{MediaBase: "http://127.0.0.1:9000/"})
	if err != nil {
		t.Fatal(err)
	}
	img, video := r.rows[0], r.rows[2]
	wantThumb := "http://127.0.0.1:9000" + strings.TrimPrefix(wix.ScaledToFillURL(img.fileID, 640, 480, ThumbWidth, ThumbHeight), wixOrigin)
	if img.thumb != wantThumb || img.wixURL != "http://127.0.0.1:9000/media/"+img.fileID {
		t.Errorf("image: thumb %q wix %q; want %q", img.thumb, img.wixURL, wantThumb)
	}
	if video.thumb != "" {
		t.Errorf("a video has a thumbnail URL %q; it shows an icon", video.thumb)
	}
	_, d := pageJSONOf(t, r)
	if d.Media != "http://127.0.0.1:9000/media/" {
		t.Errorf("media base in the data: %q", d.Media)
	}
	var mb *MediaBaseError
	for _, bad := range []string{"ftp://x", "127.0.0.1:9000", "http://"} {
		if _, err := Load(shopReport(t), Options{MediaBase: bad}); !errors.As(err, &mb) {
			t.Errorf("media base %q: %v, want a MediaBaseError", bad, err)
		}
	}
}

// A report past MaxRows keeps the rows that are not READY; its counts
// still cover every row.
func TestPartialPage(t *testing.T) {
	r, err := Load(shopReport(t), Options{MaxRows: 4})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Partial || r.Rows != 8 || r.ByStatus["READY"] != 3 || len(r.rows) != 5 {
		t.Fatalf("partial %v, %d rows counted, %d kept, by status %v", r.Partial, r.Rows, len(r.rows), r.ByStatus)
	}
	for _, rw := range r.rows {
		if rw.status == "READY" {
			t.Errorf("line %d is READY on a partial page", rw.line)
		}
	}
	page, _ := pageJSONOf(t, r)
	if !strings.Contains(page, "wixmigrate view ") {
		t.Error("a partial page does not say how to get the full one")
	}
	if r, _ := Load(shopReport(t), Options{MaxRows: 8}); r.Partial {
		t.Error("a report of MaxRows rows is partial")
	}
}

// A report of an earlier version (the v1 fixture) shows.
func TestEarlierReport(t *testing.T) {
	r, err := Load(filepath.Join("..", "report", "testdata", "v1.report.csv"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Rows != 7 || r.ByStatus["READY"] == 0 {
		t.Errorf("v1 report: %d rows, %v", r.Rows, r.ByStatus)
	}
	if _, err := Load(filepath.Join("..", "report", "testdata", "v1.csv"), Options{}); err == nil {
		t.Error("a manifest was read as a report")
	}
}

func TestDefaultPath(t *testing.T) {
	for in, want := range map[string]string{
		"shop.report.csv":     "shop.report.html",
		"dir/manifest.report": "dir/manifest.html",
		"/a/b/report":         "/a/b/report.html",
	} {
		if got := DefaultPath(in); got != want {
			t.Errorf("DefaultPath(%q) = %q, want %q", in, got, want)
		}
	}
}
