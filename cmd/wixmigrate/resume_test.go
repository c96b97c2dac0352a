package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wixmigrate/wixmigrate/internal/testenv"
	"github.com/wixmigrate/wixmigrate/manifest"
	"github.com/wixmigrate/wixmigrate/pipeline"
	"github.com/wixmigrate/wixmigrate/report"
	"github.com/wixmigrate/wixmigrate/wix"
	"github.com/wixmigrate/wixmigrate/wixsim"
)

// filesBySource counts the simulator's files of site-a per source URL,
// through the public API.
func filesBySource(t *testing.T, s *testSetup) map[string]int {
	t.Helper()
	c := wix.NewClient(testenv.APIKey, testenv.SiteID)
	c.BaseURL = s.sim.URL
	counts := map[string]int{}
	req := &wix.ListFilesRequest{Paging: wix.CursorPaging{Limit: 100}}
	for {
		page, err := c.ListFiles(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range page.Files {
			counts[f.SourceURL]++
		}
		if req.Paging.Cursor = page.Next(); req.Paging.Cursor == "" {
			return counts
		}
	}
}

// crashedAt is when a crashed run sent its last calls: a few seconds
// before the re-run, as when a user re-runs the command. (A re-run at once
// waits out the reconcile delay, since Wix may list a new file late.)
func crashedAt() time.Time { return time.Now().Add(-pipeline.DefaultReconcileDelay) }

func assertOncePerSource(t *testing.T, s *testSetup, want int) {
	t.Helper()
	counts := filesBySource(t, s)
	if len(counts) != want {
		t.Errorf("%d distinct sources in the Media Manager, want %d", len(counts), want)
	}
	for src, n := range counts {
		if n != 1 {
			t.Errorf("%s imported %d times", src, n)
		}
	}
}

func TestTornJournalAfterCrashAdoptsSentImports(t *testing.T) {
	t.Parallel()
	s := newSetup(t, wixsim.Options{ProcessingDelay: wixsim.Range{Max: 5 * time.Millisecond}}, 50, "")
	reportPath := filepath.Join(s.dir, "media.report.csv")

	// A run that crashed: it recorded the intent for the first 10 rows, Wix
	// created their files, and it died before recording the answer, in the
	// middle of writing a record.
	rows, closer, err := manifest.Open(s.manifest, manifest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var keys []manifest.Key
	var reqs []wix.ImportFileRequest
	for i := 0; i < 10; i++ {
		row, _ := rows.Next()
		keys = append(keys, row.Key)
		reqs = append(reqs, row.Import.Request(wix.RootFolderMedia))
	}
	closer.Close()
	j, _, err := report.OpenJournal(reportPath+".journal", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := j.Intent(keys, crashedAt()); err != nil {
		t.Fatal(err)
	}
	j.Close()
	c := wix.NewClient(testenv.APIKey, testenv.SiteID)
	c.BaseURL = s.sim.URL
	if _, err := c.BulkImportFiles(context.Background(), reqs); err != nil {
		t.Fatal(err)
	}
	f, _ := os.OpenFile(reportPath+".journal", os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`1a2b3c4d {"t":"o","k":"00`) // torn: no end, no newline
	f.Close()

	code, out, errOut := s.migrate(t, context.Background(), "--log-format", "text")
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	assertOncePerSource(t, s, 50)
	if _, err := os.Stat(reportPath + ".journal"); !os.IsNotExist(err) {
		t.Errorf("journal still there after a clean run: %v", err)
	}
}

func TestTruncatedReportLosesNothingAndDuplicatesNothing(t *testing.T) {
	t.Parallel()
	const rows = 60
	for _, tc := range []struct {
		name string
		cut  func(data []byte) []byte
	}{
		{"mid-row", func(data []byte) []byte { return data[:len(data)*6/10] }},
		{"at a line boundary", func(data []byte) []byte {
			lines := bytes.SplitAfter(data, []byte("\n"))
			return bytes.Join(lines[:1+rows/2], nil) // the header and half the rows
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newSetup(t, wixsim.Options{ProcessingDelay: wixsim.Range{Max: 5 * time.Millisecond}}, rows, "")
			if code, out, errOut := s.migrate(t, context.Background()); code != exitOK {
				t.Fatalf("first run: exit %d\n%s\n%s", code, out, errOut)
			}
			reportPath := filepath.Join(s.dir, "media.report.csv")
			data, _ := os.ReadFile(reportPath)
			os.WriteFile(reportPath, tc.cut(data), 0o644) // as a full disk, a bad copy or `head` leaves it

			// A re-run interrupted at once must keep the lost rows in doubt...
			stopped, cancel := context.WithCancel(context.Background())
			cancel()
			if code, _, errOut := s.migrate(t, stopped); code != exitInterrupted {
				t.Fatalf("interrupted re-run: exit %d: %s", code, errOut)
			}
			recs := readCSV(t, reportPath)
			if last := recs[len(recs)-1]; last[2] != "PENDING" || !strings.Contains(last[slices.Index(recs[0], "failure_reason")], "report lost") {
				t.Fatalf("a lost row after an interrupted re-run: %v", last)
			}
			// ...so that the run after it finds their files instead of importing again.
			code, _, errOut := s.migrate(t, context.Background(), "--log-format", "text")
			if code != exitOK {
				t.Fatalf("re-run: exit %d\n%s", code, errOut)
			}
			recs = readCSV(t, reportPath)
			if len(recs) != 1+rows {
				t.Fatalf("report has %d rows after the re-run, want %d", len(recs)-1, rows)
			}
			for _, r := range recs[1:] {
				if r[2] != "READY" {
					t.Fatalf("row %v not READY", r)
				}
			}
			assertOncePerSource(t, s, rows)
		})
	}
}

func TestReportOfAnotherManifestIsRefused(t *testing.T) {
	t.Parallel()
	s := newSetup(t, wixsim.Options{}, 5, "")
	if code, _, errOut := s.migrate(t, context.Background()); code != exitOK {
		t.Fatalf("first run: exit %d %s", code, errOut)
	}
	reportPath := filepath.Join(s.dir, "media.report.csv")
	other := filepath.Join(s.dir, "other.csv")
	var b strings.Builder
	b.WriteString("source_url,sku\n")
	for i := 100; i < 105; i++ {
		fmt.Fprintf(&b, "%s/img/%d.png,X-%d\n", s.origin.URL, i, i)
	}
	os.WriteFile(other, []byte(b.String()), 0o644)
	before := s.sim.Sim.Stats().Requests["bulkImport"]["200"]
	s.manifest = other
	code, _, errOut := s.migrate(t, context.Background(), "--report", reportPath)
	if code != exitFatal || !strings.Contains(errOut, "different manifest") {
		t.Fatalf("exit %d, stderr %q; want 1 saying the report belongs to a different manifest", code, errOut)
	}
	if after := s.sim.Sim.Stats().Requests["bulkImport"]["200"]; after != before {
		t.Errorf("imports were sent before the check")
	}
	os.WriteFile(other, []byte("source_url,title\n"+s.origin.URL+"/img/1.png,x\n"), 0o644)
	code, _, errOut = s.migrate(t, context.Background(), "--report", reportPath)
	if code != exitFatal || !strings.Contains(errOut, "different manifest") {
		t.Fatalf("other columns: exit %d, stderr %q", code, errOut)
	}
}

func TestCrashDuringLocalUploadDoesNotUploadTwice(t *testing.T) {
	t.Parallel()
	s := newSetup(t, wixsim.Options{ProcessingDelay: wixsim.Range{Max: 5 * time.Millisecond}}, 0, "photo.png,LOCAL-1\n")
	img := testenv.PNG(1, 8, 6)
	os.WriteFile(filepath.Join(s.dir, "photo.png"), img, 0o644)
	reportPath := filepath.Join(s.dir, "media.report.csv")

	// The crashed run: intent on disk, the upload reached Wix, no answer recorded.
	rows, closer, err := manifest.Open(s.manifest, manifest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	row, _ := rows.Next()
	closer.Close()
	j, _, err := report.OpenJournal(reportPath+".journal", nil)
	if err != nil {
		t.Fatal(err)
	}
	j.Intent([]manifest.Key{row.Key}, crashedAt())
	j.Close()
	c := wix.NewClient(testenv.APIKey, testenv.SiteID)
	c.BaseURL = s.sim.URL
	u, err := c.GenerateUploadURL(context.Background(), &wix.GenerateUploadURLRequest{MimeType: "image/png", FileName: "photo.png", ParentFolderID: wix.RootFolderMedia})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Upload(context.Background(), u.UploadURL, "photo.png", "image/png", bytes.NewReader(img), int64(len(img))); err != nil {
		t.Fatal(err)
	}

	code, out, errOut := s.migrate(t, context.Background())
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	if n := s.sim.Sim.Stats().Requests["upload"]["200"]; n != 1 {
		t.Errorf("%d uploads reached the simulator, want 1 (the crashed run's, adopted)", n)
	}
	recs := readCSV(t, reportPath)
	if recs[1][2] != "READY" || recs[1][slices.Index(recs[0], "method")] != "upload" {
		t.Errorf("report row: %v", recs[1])
	}
}

func TestRowsAddedToTheManifestAreImported(t *testing.T) {
	t.Parallel()
	s := newSetup(t, wixsim.Options{ProcessingDelay: wixsim.Range{Max: 5 * time.Millisecond}}, 10, "")
	if code, _, errOut := s.migrate(t, context.Background()); code != exitOK {
		t.Fatalf("first run: exit %d %s", code, errOut)
	}
	f, _ := os.OpenFile(s.manifest, os.O_APPEND|os.O_WRONLY, 0)
	for i := 10; i < 15; i++ {
		fmt.Fprintf(f, "%s/img/%d.png,SKU-%d\n", s.origin.URL, i, i)
	}
	f.Close()
	later := time.Now().Add(time.Second)
	os.Chtimes(s.manifest, later, later) // edited after the report was written
	before := s.sim.Sim.Stats().Requests["bulkImport"]["200"]
	if code, _, errOut := s.migrate(t, context.Background()); code != exitOK {
		t.Fatalf("re-run: exit %d %s", code, errOut)
	}
	if n := s.sim.Sim.Stats().Requests["bulkImport"]["200"] - before; n != 1 {
		t.Errorf("%d bulk imports for the 5 new rows, want 1", n)
	}
	assertOncePerSource(t, s, 15)
}
