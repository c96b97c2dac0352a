package migrate_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wixmigrate/wixmigrate/content/rewrite"
	"github.com/wixmigrate/wixmigrate/internal/testenv"
	"github.com/wixmigrate/wixmigrate/migrate"
	"github.com/wixmigrate/wixmigrate/pipeline"
	"github.com/wixmigrate/wixmigrate/wix"
	"github.com/wixmigrate/wixmigrate/wixsim"
)

// migrateEveryMediaType migrates one file of every media type from a local
// origin on a fresh simulator.
func migrateEveryMediaType(t *testing.T) (*testenv.Sim, string, *migrate.Migration) {
	t.Helper()
	sim := testenv.NewSim(t, wixsim.Options{ProcessingDelay: wixsim.Range{Max: 5 * time.Millisecond}})
	origin := testenv.Origin(t, testenv.SampleMedia(t, testenv.EveryMediaTypeFiles...))
	manifestPath := filepath.Join(t.TempDir(), "media.csv")
	testenv.WriteManifest(t, manifestPath, origin.URL, testenv.EveryMediaType)
	return sim, manifestPath, migrateOnce(t, sim, manifestPath)
}

func migrateOnce(t *testing.T, sim *testenv.Sim, manifestPath string) *migrate.Migration {
	t.Helper()
	m, err := migrate.Open(migrate.Config{Manifest: manifestPath, Client: sim.Client,
		Settings: pipeline.Settings{PollInterval: 5 * time.Millisecond, Rate: pipeline.NoRateLimit}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestWixURIs: every READY row of a migrated report has the wix: URI of
// its file, for each media type; a report written before the wix_uri
// column resumes and gets them, from the report where it holds all they
// need and from one Get File Descriptors call for the rest, importing
// nothing again.
func TestWixURIs(t *testing.T) {
	t.Parallel()
	sim, manifestPath, m := migrateEveryMediaType(t)

	recs := testenv.ReadCSV(t, m.ReportPath())
	col := map[string]int{}
	for i, name := range recs[0] {
		col[name] = i
	}
	var types []string
	for _, rec := range recs[1:] {
		if rec[col["status"]] != "READY" {
			t.Fatalf("row %q not READY", rec)
		}
		f, err := sim.Client.GetFile(context.Background(), rec[col["file_id"]])
		if err != nil {
			t.Fatal(err)
		}
		if got, want := rec[col["wix_uri"]], wix.MediaURI(f); got != want || got == "" {
			t.Errorf("%s: wix_uri %q, want %q", rec[0], got, want)
		}
		types = append(types, rec[col["media_type"]])
	}
	if want := []string{"IMAGE", "IMAGE", "IMAGE", "VECTOR", "VIDEO", "AUDIO", "DOCUMENT"}; !slices.Equal(types, want) {
		t.Errorf("media types %q, want %q", types, want)
	}

	// rewrite --to wix-uri gives JSON for Wix's APIs each row's wix_uri.
	var doc strings.Builder
	doc.WriteString("[")
	for i, rec := range recs[1:] {
		if i > 0 {
			doc.WriteString(",")
		}
		fmt.Fprintf(&doc, "%q", rec[0])
	}
	doc.WriteString("]")
	content := testenv.WriteFiles(t, map[string]string{"items.json": doc.String()})
	out := filepath.Join(t.TempDir(), "out")
	if _, err := rewrite.Run(context.Background(), rewrite.Config{Reports: []string{m.ReportPath()}, Out: out,
		To: rewrite.TargetWixURI, Paths: []string{filepath.Join(content, "items.json")}}); err != nil {
		t.Fatal(err)
	}
	var items []string
	if b, err := os.ReadFile(filepath.Join(out, "items.json")); err != nil || json.Unmarshal(b, &items) != nil {
		t.Fatalf("rewritten items.json: %s, %v", b, err)
	}
	for i, rec := range recs[1:] {
		if items[i] != rec[col["wix_uri"]] {
			t.Errorf("rewrite --to wix-uri: %s became %q, want %q", rec[0], items[i], rec[col["wix_uri"]])
		}
	}

	// The same report as an earlier version wrote it: no wix_uri column.
	writeCSV(t, m.ReportPath(), beforeWixURI(recs))

	dry, err := migrate.Open(migrate.Config{Manifest: manifestPath, Client: sim.Client})
	if err != nil {
		t.Fatal(err)
	}
	if p, err := dry.Plan(); err != nil || p.URICalls != 1 || p.Actions[pipeline.ActionKeep] != 7 {
		t.Errorf("dry run %+v, %v: want 7 rows kept and 1 call for their wix_uri", p, err)
	}
	dry.Close()

	again := migrateOnce(t, sim, manifestPath)
	// From the report: the JPEG, the WebP, the SVG (their names and
	// sizes) and the PDF (its name); by status calls: the PNG and the MP3
	// imported without a name, the video's poster.
	if got := again.Loaded().FilledURIs; got != 4 {
		t.Errorf("%d URIs filled in from the report, want 4", got)
	}
	if got := again.Stats().Described.Load(); got != 3 {
		t.Errorf("%d URIs filled in by status calls, want 3", got)
	}
	calls := map[string]int64{}
	for _, c := range again.Stats().Calls() {
		calls[c.Endpoint] = c.Calls
	}
	if calls[wix.EndpointGetFileDescriptors.Name] != 1 || calls[wix.EndpointBulkImportFile.Name] != 0 || calls[wix.EndpointImportFile.Name] != 0 {
		t.Errorf("calls %v: want one Get File Descriptors call and no import", calls)
	}
	if resumed := testenv.ReadCSV(t, again.ReportPath()); !slices.EqualFunc(resumed, recs, func(a, b []string) bool { return slices.Equal(a, b) }) {
		t.Errorf("the resumed report differs from the first:\n%q\nwant\n%q", resumed, recs)
	}
}

func writeCSV(t *testing.T, path string, recs [][]string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := csv.NewWriter(f)
	if err := w.WriteAll(recs); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestWixURIOfAFileGone: a READY row of an earlier report whose file is no
// longer in the Media Manager keeps its row, without a wix_uri, and does
// not keep the others from theirs.
func TestWixURIOfAFileGone(t *testing.T) {
	t.Parallel()
	sim, manifestPath, m := migrateEveryMediaType(t)
	recs := testenv.ReadCSV(t, m.ReportPath())
	uriAt, idAt := slices.Index(recs[0], "wix_uri"), slices.Index(recs[0], "file_id")
	gone := recs[2] // the PNG imported without a name: its URI needs a status call
	if err := sim.Client.BulkDeleteFiles(context.Background(), []string{gone[idAt]}, true); err != nil {
		t.Fatal(err)
	}
	writeCSV(t, m.ReportPath(), beforeWixURI(recs))

	again := migrateOnce(t, sim, manifestPath)
	if got := again.Stats().Described.Load(); got != 2 {
		t.Errorf("%d URIs filled in by status calls, want 2 (the video's, the MP3's)", got)
	}
	resumed := testenv.ReadCSV(t, again.ReportPath())
	for i, rec := range resumed[1:] {
		want := recs[i+1][uriAt]
		if i+1 == 2 {
			want = ""
		}
		if rec[uriAt] != want || rec[slices.Index(recs[0], "status")] != "READY" {
			t.Errorf("row %d: %q, wix_uri want %q", i+1, rec, want)
		}
	}
}

// beforeWixURI returns a report's records as the version before wix_uri
// wrote them: without wix_uri, nor the columns added since
// (status_before_undo).
func beforeWixURI(recs [][]string) [][]string {
	var drop []int
	for i, name := range recs[0] {
		if name == "wix_uri" || name == "status_before_undo" {
			drop = append(drop, i)
		}
	}
	old := make([][]string, len(recs))
	for i, rec := range recs {
		for j := len(drop) - 1; j >= 0; j-- {
			rec = slices.Delete(slices.Clone(rec), drop[j], drop[j]+1)
		}
		old[i] = rec
	}
	return old
}
