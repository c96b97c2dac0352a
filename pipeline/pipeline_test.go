package pipeline_test

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/wixmigrate/wixmigrate/internal/testenv"
	"github.com/wixmigrate/wixmigrate/migrate"
	"github.com/wixmigrate/wixmigrate/pipeline"
	"github.com/wixmigrate/wixmigrate/report"
	"github.com/wixmigrate/wixmigrate/source"
	"github.com/wixmigrate/wixmigrate/wix"
	"github.com/wixmigrate/wixmigrate/wixsim"
)

type env struct {
	t      testing.TB
	sim    *wixsim.Server
	origin string // the origin's base URL, for {{origin}} in manifests
	client *wix.Client
	dir    string
	rpath  string
	rows   int // data rows of the manifest: the report must have as many
	cfg    migrate.Config
	stats  *pipeline.Stats // the last run's
}

func newEnv(t testing.TB, opts wixsim.Options) *env {
	sim := testenv.NewSim(t, opts)
	c := sim.Client
	dir := t.TempDir()
	e := &env{t: t, sim: sim.Server, origin: testenv.Origin(t, nil).URL, client: c, dir: dir, rpath: filepath.Join(dir, "m.report.csv")}
	e.cfg = migrate.Config{Manifest: filepath.Join(dir, "m.csv"), Client: c, Logger: testLogger(t),
		Settings: pipeline.Settings{Rate: pipeline.NoRateLimit, PollInterval: 5 * time.Millisecond, PendingTimeout: 20 * time.Second,
			RetryBase: time.Millisecond, RetryMax: 5 * time.Millisecond}}
	return e
}

// newInProcessEnv is newEnv with no network, for a test in virtual time
// (testing/synctest): the client talks to the simulator, and the simulator
// and the source prober to origin, in-process (wixsim.Transport). Call it
// inside the bubble; the simulator is closed when the test ends. A nil
// origin is testenv.OriginHandler's.
func newInProcessEnv(t *testing.T, opts wixsim.Options, origin http.Handler) *env {
	if origin == nil {
		origin = testenv.OriginHandler(nil)
	}
	opts.APIKey = testenv.APIKey
	opts.FetchTransport = wixsim.Transport(origin)
	sim := wixsim.New(opts)
	t.Cleanup(sim.Close)
	c := wix.NewClient(testenv.APIKey, testenv.SiteID)
	c.BaseURL = "http://wixapis.test"
	c.HTTPClient = &http.Client{Transport: wixsim.Transport(sim)}
	dir := t.TempDir()
	e := &env{t: t, sim: &wixsim.Server{URL: c.BaseURL, Sim: sim}, origin: "http://origin.test",
		client: c, dir: dir, rpath: filepath.Join(dir, "m.report.csv")}
	e.cfg = migrate.Config{Manifest: filepath.Join(dir, "m.csv"), Client: c, Logger: testLogger(t),
		Prober: &source.Prober{Client: &http.Client{Transport: wixsim.Transport(origin)}},
		Settings: pipeline.Settings{Rate: pipeline.NoRateLimit, PollInterval: 5 * time.Millisecond, PendingTimeout: 20 * time.Second,
			RetryBase: time.Millisecond, RetryMax: 5 * time.Millisecond}}
	return e
}

// writeManifest writes the manifest, a header and a row a line (no
// quoted line breaks), and notes its row count for readReport.
func (e *env) writeManifest(text string) {
	e.rows = strings.Count(strings.TrimSuffix(text, "\n"), "\n")
	testenv.WriteManifest(e.t, e.cfg.Manifest, e.origin, text)
}

// migrate runs a migration with the library, as the migrate command does,
// and returns the report's rows as maps (one per manifest row, or the test
// fails). Rows left not READY are fine; a run that stops is not.
func (e *env) migrate(ctx context.Context) []map[string]string {
	e.t.Helper()
	m, err := migrate.Open(e.cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	e.stats = m.Stats()
	if _, err := m.Run(ctx); err != nil && !errors.Is(err, migrate.ErrIncomplete) {
		e.t.Fatal(err)
	}
	// A run that was not interrupted is done with every row, whatever
	// became of it.
	if p := m.Progress(); p.Rows == 0 || p.Finished != p.Rows {
		e.t.Errorf("the run finished %d of the manifest's %d rows", p.Finished, p.Rows)
	}
	return e.readReport()
}

func (e *env) readReport() []map[string]string {
	e.t.Helper()
	f, err := os.Open(e.rpath)
	if err != nil {
		e.t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		e.t.Fatal(err)
	}
	var out []map[string]string
	for _, rec := range recs[1:] {
		m := map[string]string{}
		for i, name := range recs[0] {
			if _, dup := m[name]; !dup || i >= len(recs[0])-len(report.Columns) {
				m[name] = rec[i]
			}
		}
		out = append(out, m)
	}
	if len(out) != e.rows {
		e.t.Fatalf("the report has %d rows, the manifest %d", len(out), e.rows)
	}
	return out
}

// simFiles lists every file of the test site through the public API.
func (e *env) simFiles(folder string) map[string]wix.File {
	e.t.Helper()
	files := map[string]wix.File{}
	req := &wix.ListFilesRequest{ParentFolderID: folder, Paging: wix.CursorPaging{Limit: 100}}
	for {
		page, err := e.client.ListFiles(context.Background(), req)
		for tries := 0; wix.IsTransient(err) && tries < 20; tries++ {
			page, err = e.client.ListFiles(context.Background(), req) // the simulator injects 5xx
		}
		if err != nil {
			e.t.Fatal(err)
		}
		for _, f := range page.Files {
			files[f.ID] = f
		}
		if req.Paging.Cursor = page.Next(); req.Paging.Cursor == "" {
			return files
		}
	}
}

func TestMigrateEndToEnd(t *testing.T) {
	t.Parallel()
	synctest.Test(t, testMigrateEndToEnd)
}

func testMigrateEndToEnd(t *testing.T) {
	e := newInProcessEnv(t, wixsim.Options{ProcessingDelay: wixsim.Range{Min: time.Millisecond, Max: 20 * time.Millisecond}, Seed: 1}, nil)
	var b strings.Builder
	b.WriteString("source_url,display_name,sku,Notes\n")
	for i := 0; i < 250; i++ {
		fmt.Fprintf(&b, "{{origin}}/img/%d.png,photo %d.png,SKU-%d,\"note, with \"\"quotes\"\" %d\"\n", i, i, i, i)
	}
	b.WriteString("{{origin}}/img/3.png,photo 3.png,SKU-dup,duplicate of row 4\n") // same import as row 4
	b.WriteString("{{origin}}/missing.png,gone.png,SKU-404,\n")
	b.WriteString("{{origin}}/page.html,page.png,SKU-html,\n")
	b.WriteString("ftp://old/x.png,x.png,SKU-ftp,\n")
	e.writeManifest(b.String())

	rows := e.migrate(context.Background())
	if len(rows) != 254 || e.rows != 254 {
		t.Fatalf("report has %d rows, manifest %d, want 254", len(rows), e.rows)
	}
	files := e.simFiles(wix.RootFolderMedia)
	if len(files) != 252 {
		t.Errorf("simulator holds %d files, want 252 (250 + 2 bad sources, the duplicate imported once)", len(files))
	}
	for i, row := range rows[:250] {
		if row["sku"] != fmt.Sprintf("SKU-%d", i) || row["Notes"] != fmt.Sprintf("note, with \"quotes\" %d", i) {
			t.Fatalf("row %d: passthrough columns changed: %q %q", i, row["sku"], row["Notes"])
		}
		f, ok := files[row["file_id"]]
		if row["status"] != "READY" || !ok {
			t.Fatalf("row %d: status %s file %q (known to Wix: %v) reason %q", i, row["status"], row["file_id"], ok, row["failure_reason"])
		}
		if row["wix_url"] != f.URL || f.SourceURL != e.origin+fmt.Sprintf("/img/%d.png", i) {
			t.Fatalf("row %d: wix_url %s, simulator says %s from %s", i, row["wix_url"], f.URL, f.SourceURL)
		}
		if w, h := testenv.ImageSize(i); row["width"] != strconv.Itoa(w) || row["height"] != strconv.Itoa(h) || row["media_type"] != "IMAGE" || row["size_bytes"] != f.SizeInBytes {
			t.Fatalf("row %d: %v", i, row)
		}
		if row["attempts"] != "1" || row["method"] != "import" {
			t.Fatalf("row %d: attempts %s method %s", i, row["attempts"], row["method"])
		}
	}
	if rows[250]["file_id"] != rows[3]["file_id"] || rows[250]["status"] != "READY" {
		t.Errorf("duplicate row: %v, want the result of row 4 (%s)", rows[250], rows[3]["file_id"])
	}
	for _, i := range []int{251, 252} {
		if rows[i]["status"] != "FAILED" || rows[i]["failure_reason"] == "" {
			t.Errorf("row %d (%s): status %s reason %q, want FAILED with a reason", i, rows[i]["sku"], rows[i]["status"], rows[i]["failure_reason"])
		}
	}
	if r := rows[253]; r["status"] != "FAILED" || !strings.Contains(r["failure_reason"], "line 255") || !strings.Contains(r["failure_reason"], "source_url") {
		t.Errorf("invalid row: %v, want FAILED naming line 255 and column source_url", r)
	}

	// A re-run imports nothing that is READY and retries what failed.
	before := e.sim.Sim.Stats().Requests["bulkImport"]["200"]
	rows = e.migrate(context.Background())
	after := e.sim.Sim.Stats().Requests["bulkImport"]["200"]
	if after-before != 1 {
		t.Errorf("re-run made %d bulk imports, want 1 (the 2 failed rows)", after-before)
	}
	if got := e.stats.Planned.Load(); got != 2 {
		t.Errorf("re-run planned %d imports, want 2", got)
	}
	for _, i := range []int{251, 252} {
		if rows[i]["attempts"] != "2" {
			t.Errorf("row %d after re-run: attempts %s, want 2", i, rows[i]["attempts"])
		}
	}
	if rows[0]["status"] != "READY" || rows[0]["attempts"] != "1" {
		t.Errorf("READY row after re-run: %v", rows[0])
	}
}

func testLogger(t testing.TB) *slog.Logger {
	if os.Getenv("PIPELINE_DEBUG") == "" {
		return nil
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// TestLostAnswersNeitherDuplicateNorFail runs in virtual time (synctest):
// the retries' backoff and the processing delays cost no real time.
func TestLostAnswersNeitherDuplicateNorFail(t *testing.T) {
	t.Parallel()
	synctest.Test(t, testLostAnswersNeitherDuplicateNorFail)
}

func testLostAnswersNeitherDuplicateNorFail(t *testing.T) {
	e := newInProcessEnv(t, wixsim.Options{CommitErrorRate: 0.2, ErrorRate: 0.05, Seed: 7, // 0.1 left a run without a commit error now and then (0.9^34)
		ProcessingDelay: wixsim.Range{Min: time.Millisecond, Max: 10 * time.Millisecond}}, nil)
	e.cfg.BatchSize = 10
	e.cfg.ReconcileDelay = -1
	var b strings.Builder
	b.WriteString("source_url,display_name\n")
	for i := 0; i < 300; i++ {
		fmt.Fprintf(&b, "{{origin}}/img/%d.png,photo %d.png\n", i, i)
	}
	e.writeManifest(b.String())
	rows := e.migrate(context.Background())
	for i, row := range rows {
		if row["status"] != "READY" {
			t.Errorf("row %d: %s %q", i, row["status"], row["failure_reason"])
		}
	}
	files := e.simFiles(wix.RootFolderMedia)
	bySource := map[string]int{}
	for _, f := range files {
		bySource[f.SourceURL]++
	}
	for src, n := range bySource {
		if n > 1 {
			t.Errorf("%s imported %d times", src, n)
		}
	}
	if len(bySource) != 300 {
		t.Errorf("%d distinct sources in the Media Manager, want 300", len(bySource))
	}
	stats := e.sim.Sim.Stats()
	lost := stats.Requests["bulkImport"]["500"] + stats.Requests["bulkImport"]["503"] + stats.Requests["bulkImport"]["dropped"]
	if lost == 0 || e.stats.Adopted.Load() == 0 {
		t.Errorf("the simulator lost %d answers and %d files were adopted; the test needs both", lost, e.stats.Adopted.Load())
	}
	t.Logf("lost answers %d, adopted %d, bulk calls %v", lost, e.stats.Adopted.Load(), stats.Requests["bulkImport"])
}

// TestThrottlingIsNeverARowFailure runs in virtual time (synctest): the
// waits for the simulator's rate limit cost no real time.
func TestThrottlingIsNeverARowFailure(t *testing.T) {
	t.Parallel()
	synctest.Test(t, testThrottlingIsNeverARowFailure)
}

func testThrottlingIsNeverARowFailure(t *testing.T) {
	e := newInProcessEnv(t, wixsim.Options{RateLimit: 600, ProcessingDelay: wixsim.Range{Max: 5 * time.Millisecond}}, nil)
	// Spend most of the site's budget first, as another tool on the site would.
	for i := 0; i < 1000; i++ {
		_, err := e.client.ListFiles(context.Background(), &wix.ListFilesRequest{Paging: wix.CursorPaging{Limit: 1}})
		if wix.IsThrottled(err) {
			break
		}
	}
	e.cfg.BatchSize = 5
	var b strings.Builder
	b.WriteString("source_url\n")
	for i := 0; i < 100; i++ {
		fmt.Fprintf(&b, "{{origin}}/img/%d.png\n", i)
	}
	e.writeManifest(b.String())
	rows := e.migrate(context.Background())
	for i, row := range rows {
		if row["status"] != "READY" {
			t.Fatalf("row %d: %s %q", i, row["status"], row["failure_reason"])
		}
	}
	throttled := int64(0)
	for _, byStatus := range e.sim.Sim.Stats().Requests {
		throttled += byStatus["429"]
	}
	if throttled <= 1 || e.stats.Throttles.Load() == 0 {
		t.Errorf("no call was throttled (simulator %d, tool %d); the test needs throttling", throttled, e.stats.Throttles.Load())
	}
}

func TestStuckFilesEndPendingAndAreRepolledNotReimported(t *testing.T) {
	t.Parallel()
	synctest.Test(t, testStuckFilesEndPendingAndAreRepolledNotReimported)
}

func testStuckFilesEndPendingAndAreRepolledNotReimported(t *testing.T) {
	e := newInProcessEnv(t, wixsim.Options{StuckRate: 0.2, Seed: 11, ProcessingDelay: wixsim.Range{Max: 5 * time.Millisecond}}, nil)
	e.cfg.PendingTimeout = 300 * time.Millisecond
	var b strings.Builder
	b.WriteString("source_url\n")
	for i := 0; i < 100; i++ {
		fmt.Fprintf(&b, "{{origin}}/img/%d.png\n", i)
	}
	e.writeManifest(b.String())
	rows := e.migrate(context.Background())
	stuck := 0
	for i, row := range rows {
		switch row["status"] {
		case "READY":
		case "PENDING":
			stuck++
			if row["file_id"] == "" || !strings.Contains(row["failure_reason"], "still processing") {
				t.Errorf("row %d: PENDING with file %q reason %q", i, row["file_id"], row["failure_reason"])
			}
		default:
			t.Errorf("row %d: %s %q", i, row["status"], row["failure_reason"])
		}
	}
	if stuck == 0 {
		t.Fatal("no stuck file; the test needs some")
	}
	before := e.sim.Sim.Stats().Requests["bulkImport"]["200"]
	rows = e.migrate(context.Background())
	if after := e.sim.Sim.Stats().Requests["bulkImport"]["200"]; after != before {
		t.Errorf("the re-run imported again (%d bulk calls); PENDING files must be polled, not re-imported", after-before)
	}
	if got := e.stats.Pending.Load(); got != 0 {
		t.Errorf("%d files still counted pending after the run", got)
	}
	for i, row := range rows {
		if row["status"] == "PENDING" && row["file_id"] == "" {
			t.Errorf("row %d lost its file ID", i)
		}
	}
}

// A run that does not wait (--wait=false) imports only: one call per 100
// rows, every row PENDING with its file and wix_url and marked not checked;
// the next run checks them with status calls only and ends them READY.
func TestNoWaitImportsOnlyAndTheNextRunChecks(t *testing.T) {
	t.Parallel()
	synctest.Test(t, testNoWaitImportsOnlyAndTheNextRunChecks)
}

func testNoWaitImportsOnlyAndTheNextRunChecks(t *testing.T) {
	e := newInProcessEnv(t, wixsim.Options{ProcessingDelay: wixsim.Range{Max: 5 * time.Millisecond}}, nil)
	var b strings.Builder
	b.WriteString("source_url\n")
	for i := 0; i < 250; i++ {
		fmt.Fprintf(&b, "{{origin}}/img/%d.png\n", i)
	}
	e.writeManifest(b.String())
	e.cfg.NoWait = true
	rows := e.migrate(context.Background())
	for i, row := range rows {
		if row["status"] != "PENDING" || row["file_id"] == "" || row["wix_url"] == "" || row["failure_reason"] != report.Reasons.NotChecked {
			t.Fatalf("row %d after a run that did not wait: %v", i, row)
		}
	}
	calls := e.sim.Sim.Stats().Requests
	// Besides the imports, only the API check before them (one List Files
	// page of one file).
	if n := calls["bulkImport"]["200"]; n != 3 || calls["listFiles"]["200"] != 1 || len(calls) != 2 {
		t.Errorf("a run that does not wait made %v; want 3 Bulk Import File calls and the API check only", calls)
	}

	e.cfg.NoWait = false
	rows = e.migrate(context.Background())
	for i, row := range rows {
		if row["status"] != "READY" {
			t.Errorf("row %d after the checking run: %v", i, row)
		}
	}
	calls = e.sim.Sim.Stats().Requests
	if n := calls["bulkImport"]["200"]; n != 3 {
		t.Errorf("the checking run imported again (%d Bulk Import File calls in all)", n)
	}
	status := calls["getFiles"]["200"] + calls["listFiles"]["200"] + calls["search"]["200"]
	if status == 0 || status > 6 {
		t.Errorf("the checking run made %d status calls for 250 files (%v)", status, calls)
	}
}
