package manifest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSampleManifest keeps samples/manifest.csv showing what the demo
// promises (see samples/README.md).
func TestSampleManifest(t *testing.T) {
	t.Parallel()
	samples := filepath.Join("..", "samples")
	data, err := os.ReadFile(filepath.Join(samples, "manifest.csv"))
	if err != nil {
		t.Fatal(err)
	}
	const origin = "http://127.0.0.1:8080"
	text := strings.ReplaceAll(string(data), "{{origin}}", origin)
	r, rows := readAll(t, text, Options{BaseDir: samples})
	if got := strings.Join(r.Header(), ","); got != "source_url,display_name,file_path,labels,sku,post_slug" {
		t.Errorf("header %s", got)
	}
	if len(rows) < 25 || len(rows) > 35 {
		t.Errorf("%d rows, want about 30", len(rows))
	}

	failing := map[int]string{
		28: `line 28, column "source_url": "ftp://ftp.old-shop.example/archive/banner-2019.jpg" is not an http(s) URL`,
		29: `line 29, column "source_url": is empty; every row needs a source URL`,
	}
	byKey := map[Key][]int{}
	for _, row := range rows {
		if got, want := errString(row.Err), failing[row.Line]; got != want {
			t.Errorf("line %d: err %q, want %q", row.Line, got, want)
		}
		if row.Err != nil {
			continue
		}
		byKey[row.Key] = append(byKey[row.Key], row.Line)
		im := row.Import
		switch {
		case im.Local:
			if info, err := os.Stat(im.LocalPath); err != nil || !info.Mode().IsRegular() {
				t.Errorf("line %d: %s is not a file: %v", row.Line, im.LocalPath, err)
			}
		case strings.HasPrefix(im.SourceURL, origin):
			path := filepath.Join(samples, filepath.FromSlash(strings.TrimPrefix(im.SourceURL, origin)))
			_, err := os.Stat(path)
			if missing := strings.Contains(path, "discontinued"); missing != os.IsNotExist(err) {
				t.Errorf("line %d: %s: %v (only the discontinued item may be missing)", row.Line, path, err)
			}
		default:
			t.Errorf("line %d: source %q is neither the demo origin nor local", row.Line, im.SourceURL)
		}
	}
	for _, lines := range [][]int{{2, 10}, {5, 23}} {
		if key := rows[lines[0]-2].Key; len(byKey[key]) != 2 || byKey[key][1] != lines[1] {
			t.Errorf("lines %v should be one import, got %v", lines, byKey[key])
		}
	}
	if local := rows[len(rows)-2]; !local.Import.Local {
		t.Errorf("line %d should be the local file row", local.Line)
	}
}
