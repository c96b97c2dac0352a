package rewrite

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/wixmigrate/wixmigrate/content/scan"
	"github.com/wixmigrate/wixmigrate/internal/testenv"
)

// A path-relative URL in a nested file resolves against the file's place
// under --base-url, as rewrite resolves it: the row scan writes is the URL
// rewrite maps.
func TestScanResolvesAsRewriteDoes(t *testing.T) {
	dir := testenv.WriteFiles(t, map[string]string{
		"export/blog/post.html": `<img src="../img/a.png"><img src="pics/c.png"><img src="/wp-content/uploads/b.png">`,
		"export/css/site.css":   `body { background: url(bg.jpg) }`,
	})
	base, _ := url.Parse("https://old.example.com/")
	res, err := scan.Run(context.Background(), []string{filepath.Join(dir, "export")}, scan.Options{BaseURL: base})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"https://old.example.com/blog/pics/c.png", "https://old.example.com/css/bg.jpg",
		"https://old.example.com/img/a.png", "https://old.example.com/wp-content/uploads/b.png"}
	var got []string
	for _, row := range res.Rows {
		got = append(got, row.SourceURL)
	}
	slices.Sort(got)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("source URLs %q, want %q", got, want)
	}

	var report strings.Builder
	report.WriteString(reportHeader)
	for i, u := range got {
		report.WriteString(readyRow(u, "", fmt.Sprint("f", i, ".png"), 10, 10))
	}
	reportPath := filepath.Join(dir, "report.csv")
	if err := os.WriteFile(reportPath, []byte(report.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "out")
	rw := runRewrite(t, Config{Reports: []string{reportPath}, Out: out, BaseURL: base, Paths: []string{filepath.Join(dir, "export")}})
	if rw.Totals[MatchUnmapped] != 0 || rw.Totals[MatchRelative] != 4 {
		t.Errorf("rewrite of the scanned rows: totals %v, want the 4 relative URLs mapped", rw.Totals)
	}
	if got := readFile(t, filepath.Join(out, "blog", "post.html")); got != `<img src="`+wixURL("f2.png")+`"><img src="`+wixURL("f0.png")+`"><img src="`+wixURL("f3.png")+`">` {
		t.Errorf("post.html: %s", got)
	}
}
