package rewrite

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wixmigrate/wixmigrate/internal/testenv"
	"github.com/wixmigrate/wixmigrate/report"
)

// uriReportHeader is a report's header with the wix_uri column, for a
// manifest with a source_url and a variants column. (Its rows end with an
// empty status_before_undo.)
var uriReportHeader = "source_url,variants," + strings.Join(report.Columns, ",") + "\n"

const (
	photoURI = "wix:image://v1/p~mv2.jpg/Red%20shirt%20%231.jpg#originWidth=1200&originHeight=800"
	clipURI  = "wix:video://v1/v.mp4/clip.mp4#posterUri=vf000.jpg&posterWidth=64&posterHeight=48"
)

func TestRewriteToWixURI(t *testing.T) {
	t.Parallel()
	dir := testenv.WriteFiles(t, map[string]string{
		"report.csv": uriReportHeader +
			"https://old.example.com/up/photo.jpg,https://old.example.com/up/photo-300x200.jpg,READY,p~mv2.jpg,https://static.wixstatic.com/media/p~mv2.jpg," + photoURI + ",IMAGE,10,1200,800,,1,,import,\n" +
			"https://old.example.com/up/clip.mp4,,READY,v.mp4,https://video.wixstatic.com/video/v.mp4," + clipURI + ",VIDEO,10,64,48,,1,,import,\n" +
			"https://old.example.com/up/files.zip,,READY,z.zip,https://static.wixstatic.com/media/z.zip,,ARCHIVE,10,,,,1,,import,\n",
		"site/products.json": `{"image":"https://old.example.com/up/photo.jpg#main","thumb":"https:\/\/old.example.com\/up\/photo-300x200.jpg",` +
			`"video":"https://old.example.com/up/clip.mp4","download":"https://old.example.com/up/files.zip"}`,
	})
	out := filepath.Join(t.TempDir(), "out")
	res := runRewrite(t, Config{Reports: []string{filepath.Join(dir, "report.csv")}, Out: out, To: TargetWixURI,
		Paths: []string{filepath.Join(dir, "site")}})
	var got map[string]string
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join(out, "products.json"))), &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"image":    photoURI, // the old URL's fragment is not carried over: the URI has its own
		"thumb":    photoURI, // a size variant is its file
		"video":    clipURI,
		"download": "https://static.wixstatic.com/media/z.zip", // no Wix media URI for archives
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s = %q, want %q", k, got[k], w)
		}
	}
	if res.NoURIForm != 1 || res.Ready != 3 {
		t.Errorf("%d rows without a URI form, %d READY mapped; want 1 and 3", res.NoURIForm, res.Ready)
	}
}

// TestRewriteToWixURIOfEarlierReport: a report written before the wix_uri
// column still feeds rewrite to Wix URLs, and stops one to wix_uri before
// anything is written, naming the report, the count and the first row.
func TestRewriteToWixURIOfEarlierReport(t *testing.T) {
	t.Parallel()
	dir := testenv.WriteFiles(t, map[string]string{
		"old.csv": reportHeader + readyRow("https://old.example.com/a.jpg", "", "a.jpg", 8, 6) +
			readyRow("https://old.example.com/b.jpg", "", "b.jpg", 8, 6),
		"site/a.json": `{"img":"https://old.example.com/a.jpg"}`,
	})
	old := filepath.Join(dir, "old.csv")
	out := filepath.Join(t.TempDir(), "out")
	runRewrite(t, Config{Reports: []string{old}, Out: out, Paths: []string{filepath.Join(dir, "site")}})
	if got := readFile(t, filepath.Join(out, "a.json")); got != `{"img":"`+wixURL("a.jpg")+`"}` {
		t.Errorf("to wix-url: %s", got)
	}

	out2 := filepath.Join(t.TempDir(), "out")
	_, err := Run(t.Context(), Config{Reports: []string{old}, Out: out2, To: TargetWixURI, Paths: []string{filepath.Join(dir, "site")}})
	var missing *MissingURIError
	if !errors.As(err, &missing) || missing.Path != old || missing.Rows != 2 || missing.Line != 2 || missing.SourceURL != "https://old.example.com/a.jpg" {
		t.Fatalf("to wix-uri: %v, want a MissingURIError for 2 rows from line 2", err)
	}
	if dirExists(out2) {
		t.Errorf("to wix-uri wrote %s before stopping", out2)
	}
}

func TestParseTarget(t *testing.T) {
	t.Parallel()
	for _, name := range Targets() {
		if to, err := ParseTarget(name); err != nil || to.String() != name {
			t.Errorf("ParseTarget(%q) = %v, %v", name, to, err)
		}
	}
	if _, err := ParseTarget("wix-urn"); err == nil {
		t.Error("ParseTarget(wix-urn): no error")
	}
}

func dirExists(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.IsDir()
}
