package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The demo, run as a user runs it, offline: every kind of outcome is in
// the report and the output, and it then rewrites the sample content
// export: every media URL of the old site that migrated points at Wix, the
// one that failed is listed and written for the next migrate, pages are
// left alone. One run serves both checks (a demo takes seconds of real
// time: its simulator keeps Wix's rate limit).
func TestDemo(t *testing.T) {
	t.Parallel()
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	code := run([]string{"demo", "--samples", "../../samples", "--out", out, "--quiet"}, &stdout, &stderr)
	if code != exitOK {
		t.Fatalf("demo: exit %d\n%s\n%s", code, stdout.String(), stderr.String())
	}
	t.Run("shows every outcome", func(t *testing.T) {
		recs := readCSV(t, filepath.Join(out, "manifest.report.csv"))
		methods := map[string]int{}
		statuses := map[string]int{}
		status, method := slices.Index(recs[0], "status"), slices.Index(recs[0], "method")
		for _, r := range recs[1:] {
			statuses[r[status]]++
			methods[r[method]]++
		}
		if len(recs) != 31 || statuses["READY"] < 20 || statuses["FAILED"] == 0 {
			t.Errorf("report: %d rows, statuses %v", len(recs)-1, statuses)
		}
		for _, m := range []string{"import", "upload", "fallback-upload"} {
			if methods[m] == 0 {
				t.Errorf("no row arrived by %s (methods %v)", m, methods)
			}
		}
		if !strings.Contains(stdout.String(), "fallback-upload") {
			t.Errorf("the demo's output does not show the fallback upload:\n%s", stdout.String())
		}
	})
	t.Run("rewrites the sample content", func(t *testing.T) {
		for _, want := range []string{"size variant", "unmapped", "discontinued-mug.jpg  (FAILED"} {
			if !strings.Contains(stdout.String(), want) {
				t.Errorf("demo output lacks %q:\n%s", want, stdout.String())
			}
		}
		for _, name := range []string{"blog/spring-sale.html", "shop/products.csv", "shop/posts.json"} {
			b, err := os.ReadFile(filepath.Join(out, "content-rewritten", filepath.FromSlash(name)))
			if err != nil {
				t.Fatal(err)
			}
			text := strings.ReplaceAll(string(b), "/media/discontinued-mug.jpg", "")
			if strings.Contains(text, "127.0.0.1") || strings.Contains(text, `"/media/`) || strings.Contains(text, "'/media/") {
				t.Errorf("%s still points at the old site:\n%s", name, text)
			}
			if !strings.Contains(text, "https://static.wixstatic.com/media/") && !strings.Contains(text, `https:\/\/static.wixstatic.com`) {
				t.Errorf("%s points at no Wix URL:\n%s", name, text)
			}
		}
		unmapped := readCSV(t, filepath.Join(out, "unmapped.csv"))
		if len(unmapped) != 2 || !strings.HasSuffix(unmapped[1][0], "/media/discontinued-mug.jpg") || unmapped[1][3] != "FAILED" {
			t.Errorf("unmapped.csv: %v", unmapped)
		}
	})
}
