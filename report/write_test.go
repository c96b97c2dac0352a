package report

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wixmigrate/wixmigrate/manifest"
)

// TestReportKeepsTheManifestDelimiter: a report opens in the spreadsheet the
// manifest came from, and a re-run reads it back.
func TestReportKeepsTheManifestDelimiter(t *testing.T) {
	for name, d := range map[string]string{"comma": ",", "semicolon": ";", "tab": "\t"} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			in := strings.ReplaceAll("source_url,sku\nhttps://a.example/x.png,1\nftp://bad,2\n", ",", d)
			rows, err := manifest.NewReader(strings.NewReader(in), manifest.Options{})
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, "report.csv")
			state := NewState()
			if _, err := Write(path, rows, state); err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(string(b), "\n")
			if want := "source_url" + d + "sku" + d + strings.Join(Columns, d); lines[0] != want {
				t.Errorf("header %q, want %q", lines[0], want)
			}
			if !strings.HasPrefix(lines[2], "ftp://bad"+d+"2"+d+"FAILED"+d) {
				t.Errorf("row %q", lines[2])
			}
			loaded, err := Load(path, manifest.Options{}, []string{"source_url", "sku"}, NewState())
			if err != nil || loaded.Rows != 2 || loaded.Damaged != 0 {
				t.Errorf("read back: %+v, %v", loaded, err)
			}
		})
	}
}
