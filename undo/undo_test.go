package undo_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wixmigrate/wixmigrate/internal/testenv"
	"github.com/wixmigrate/wixmigrate/migrate"
	"github.com/wixmigrate/wixmigrate/pipeline"
	"github.com/wixmigrate/wixmigrate/report"
	"github.com/wixmigrate/wixmigrate/undo"
	"github.com/wixmigrate/wixmigrate/wix"
	"github.com/wixmigrate/wixmigrate/wixsim"
)

// fast are the settings of every run here: no rate limit, short polls.
var fast = pipeline.Settings{Rate: pipeline.NoRateLimit, PollInterval: 10 * time.Millisecond, ReconcileDelay: -1}

// site is a simulator, an old site and a migrated manifest.
type site struct {
	sim      *testenv.Sim
	manifest string
	report   string
}

// migrated writes a manifest of n rows (one in 50 a source that is gone,
// which Wix marks FAILED; one in 10 in a folder of its own, by file_path)
// and migrates it.
func migrated(t testing.TB, n int) *site {
	t.Helper()
	// In-process (wixsim.Transport): no sockets for thousands of calls.
	const origin = "http://origin.test"
	sim := testenv.NewSim(t, wixsim.Options{ProcessingDelay: wixsim.Range{Max: 5 * time.Millisecond},
		FetchTransport: wixsim.Transport(testenv.OriginHandler(nil))})
	sim.Client.HTTPClient.Transport = wixsim.Transport(sim.Sim)
	dir := t.TempDir()
	s := &site{sim: sim, manifest: filepath.Join(dir, "media.csv"), report: filepath.Join(dir, "media.report.csv")}
	var b strings.Builder
	b.WriteString("source_url,file_path,sku\n")
	for i := range n {
		src := fmt.Sprintf("{{origin}}/img/%d.png", i)
		if i%50 == 7 {
			src = fmt.Sprintf("{{origin}}/gone/%d.png", i)
		}
		folder := ""
		if i%10 == 0 {
			folder = "/undo/deep"
		}
		fmt.Fprintf(&b, "%s,%s,SKU-%d\n", src, folder, i)
	}
	testenv.WriteManifest(t, s.manifest, origin, b.String())
	var want error // every row READY
	if n > 7 {
		want = migrate.ErrIncomplete // some FAILED
	}
	s.migrate(t, want)
	return s
}

// migrate runs a migration of the site's manifest, which must end with want.
func (s *site) migrate(t testing.TB, want error) {
	t.Helper()
	m, err := migrate.Open(migrate.Config{Manifest: s.manifest, Client: s.sim.Client, Settings: fast})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Run(context.Background()); !errors.Is(err, want) {
		t.Fatalf("migrate: %v, want %v", err, want)
	}
}

// run opens and runs an undo or a restore of the site's report.
func (s *site) run(t testing.TB, cfg undo.Config) (*undo.Result, error) {
	t.Helper()
	cfg.Report, cfg.Client, cfg.Settings = s.report, s.sim.Client, fast
	j, err := undo.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return j.Run(context.Background())
}

// files counts the files under a root folder (wix.RootMedia or
// wix.RootTrash) by ID: how many times each is listed.
func (s *site) files(t testing.TB, root string) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, f := range testenv.Files(t, s.sim.Client, root) {
		out[f.ID]++
	}
	return out
}

// reportRows reads the report: its header and rows, by column name.
func reportRows(t testing.TB, path string) []map[string]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var rows []map[string]string
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, name := range recs[0] {
			m[name] = r[i]
		}
		rows = append(rows, m)
	}
	return rows
}

// TestUndoAndRestore: every file a migration of 1,000 rows created goes to
// the trash and none is left in the Media Manager; the report says UNDONE
// with what each row was; restore brings every file back and the report
// is byte for byte what it was, but for FAILED rows' failure_reason (Wix's
// verdict comes back, not the source's diagnosis); a migration after undo
// imports every row again.
func TestUndoAndRestore(t *testing.T) {
	t.Parallel()
	n := 150 // the short run; 1,000 in the full one, as the issue asks
	if testenv.Full() {
		n = 1000
	}
	s := migrated(t, n)
	before, err := os.ReadFile(s.report)
	if err != nil {
		t.Fatal(err)
	}
	rows := reportRows(t, s.report)
	created := map[string]string{} // file ID → status
	for _, r := range rows {
		if r["file_id"] != "" {
			created[r["file_id"]] = r["status"]
		}
	}
	if len(created) != n {
		t.Fatalf("the migration created %d files, want %d", len(created), n)
	}

	res, err := s.run(t, undo.Config{Action: undo.Trash})
	if err != nil {
		t.Fatalf("undo: %v (%+v)", err, res)
	}
	if res.Done != n || res.Left != 0 || res.Fates[undo.FateAct] != n {
		t.Errorf("undo: %+v, want %d files moved to the trash", res, n)
	}
	media, trash := s.files(t, wix.RootMedia), s.files(t, wix.RootTrash)
	for id := range created {
		if media[id] != 0 || trash[id] != 1 {
			t.Errorf("file %s: %d in the Media Manager, %d in the trash; want 0 and 1", id, media[id], trash[id])
		}
	}
	for _, r := range reportRows(t, s.report) {
		if r["status"] != "UNDONE" || created[r["file_id"]] != r["status_before_undo"] || !strings.Contains(r["failure_reason"], "trash") {
			t.Fatalf("undone row: status %s, status_before_undo %s (was %s), reason %q", r["status"], r["status_before_undo"], created[r["file_id"]], r["failure_reason"])
		}
	}
	if _, err := os.Stat(report.JournalPath(s.report)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the journal is still there after a finished undo (%v)", err)
	}

	// Undo again: nothing left to do, and no call but the check.
	calls := s.sim.Sim.Stats().Requests["bulkDeleteFiles"]["200"]
	if res, err := s.run(t, undo.Config{Action: undo.Trash}); err != nil || res.Fates[undo.FateDone] != n || res.Done != 0 {
		t.Errorf("undo again: %+v, %v; want every row done already", res, err)
	}
	if got := s.sim.Sim.Stats().Requests["bulkDeleteFiles"]["200"]; got != calls {
		t.Errorf("undo again made %d Bulk Delete Files calls", got-calls)
	}

	res, err = s.run(t, undo.Config{Action: undo.Restore})
	if err != nil || res.Done != n {
		t.Fatalf("restore: %+v, %v; want %d files back", res, err, n)
	}
	media, trash = s.files(t, wix.RootMedia), s.files(t, wix.RootTrash)
	for id := range created {
		if media[id] != 1 || trash[id] != 0 {
			t.Errorf("restored file %s: %d in the Media Manager, %d in the trash; want 1 and 0", id, media[id], trash[id])
		}
	}
	after, err := os.ReadFile(s.report)
	if err != nil {
		t.Fatal(err)
	}
	// As it was, but for the FAILED rows' failure_reason: Wix's verdict
	// comes back, not the diagnosis of the source (the next migration
	// makes it again).
	if !bytes.Equal(withoutFailedReasons(t, before), withoutFailedReasons(t, after)) {
		t.Errorf("the report after undo and restore differs from the one before:\n%s", firstDiff(before, after))
	}
	for _, r := range reportRows(t, s.report) {
		if r["status"] == "FAILED" && r["failure_reason"] != report.Reasons.WixFailed {
			t.Errorf("restored FAILED row: reason %q", r["failure_reason"])
		}
	}

	// Undo, then migrate: every row is imported again, as new files.
	if _, err := s.run(t, undo.Config{Action: undo.Trash}); err != nil {
		t.Fatal(err)
	}
	s.migrate(t, migrate.ErrIncomplete)
	for _, r := range reportRows(t, s.report) {
		if _, old := created[r["file_id"]]; old || r["file_id"] == "" || (r["status"] != "READY" && r["status"] != "FAILED") || r["status_before_undo"] != "" {
			t.Fatalf("row after a migration that follows undo: status %s, file %s (old file: %v)", r["status"], r["file_id"], old)
		}
	}
	if media := s.files(t, wix.RootMedia); len(media) != n {
		t.Errorf("%d files in the Media Manager after migrating again, want %d", len(media), n)
	}
}

// withoutFailedReasons returns the report with the failure_reason of
// FAILED rows blanked.
func withoutFailedReasons(t testing.TB, b []byte) []byte {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	status, reason := slices.Index(recs[0], "status"), slices.Index(recs[0], "failure_reason")
	for _, r := range recs[1:] {
		if r[status] == "FAILED" {
			r[reason] = ""
		}
	}
	var out bytes.Buffer
	w := csv.NewWriter(&out)
	w.WriteAll(recs)
	return out.Bytes()
}

// firstDiff shows the first line where a and b differ.
func firstDiff(a, b []byte) string {
	al, bl := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return fmt.Sprintf("line %d:\n- %s\n+ %s", i+1, al[i], bl[i])
		}
	}
	return fmt.Sprintf("%d lines, then %d", len(al), len(bl))
}

// TestUndoByStatus: --status FAILED moves only the FAILED rows' files.
func TestUndoByStatus(t *testing.T) {
	t.Parallel()
	s := migrated(t, 100)
	failed := map[string]bool{}
	for _, r := range reportRows(t, s.report) {
		if r["status"] == "FAILED" {
			failed[r["file_id"]] = true
		}
	}
	if len(failed) != 2 {
		t.Fatalf("%d FAILED files, want 2", len(failed))
	}
	res, err := s.run(t, undo.Config{Action: undo.Trash, Statuses: []report.Status{report.Failed}})
	if err != nil || res.Done != 2 || res.Fates[undo.FateNotSelected] != 98 {
		t.Fatalf("undo --status FAILED: %+v, %v", res, err)
	}
	trash := s.files(t, wix.RootTrash)
	if len(trash) != 2 {
		t.Errorf("%d files in the trash, want the 2 FAILED ones", len(trash))
	}
	for id := range trash {
		if !failed[id] {
			t.Errorf("file %s of a row that was not FAILED went to the trash", id)
		}
	}
	for _, r := range reportRows(t, s.report) {
		if failed[r["file_id"]] != (r["status"] == "UNDONE") {
			t.Errorf("row of %s: %s", r["file_id"], r["status"])
		}
	}
}

// TestForeignFileIDs: a report whose rows carry file IDs this migration did
// not create (a hand-made report, another tool's columns) undoes nothing
// of them, and says why.
func TestForeignFileIDs(t *testing.T) {
	t.Parallel()
	s := migrated(t, 20)
	var ids []string
	for _, r := range reportRows(t, s.report) {
		ids = append(ids, r["file_id"])
	}
	// A report for another manifest, with the site's file IDs: in a user
	// column (wix_file_id, which the report reader passes through) and
	// in file_id, but without the method and attempt of an import.
	foreign := filepath.Join(t.TempDir(), "foreign.report.csv")
	var b strings.Builder
	b.WriteString("source_url,wix_file_id," + strings.Join(report.Columns, ",") + "\n")
	for i, id := range ids {
		f := report.Fields{Status: "READY", FileID: id, WixURL: wix.MediaURLPrefix + id, MediaType: wix.MediaImage}
		fmt.Fprintf(&b, "https://elsewhere.example/%d.png,%s,%s\n", i, id, strings.Join(f.Record(), ","))
	}
	if err := os.WriteFile(foreign, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	j, err := undo.Open(undo.Config{Report: foreign, Action: undo.Delete, Client: s.sim.Client, Settings: fast})
	if err != nil {
		t.Fatal(err)
	}
	res, err := j.Run(context.Background())
	if err != nil || res.Fates[undo.FateForeign] != 20 || res.Done+res.Gone+res.Left != 0 {
		t.Fatalf("undo of foreign file IDs: %+v, %v; want 20 rows left alone as not created by this migration", res, err)
	}
	if media := s.files(t, wix.RootMedia); len(media) != 20 {
		t.Errorf("%d files left in the Media Manager, want all 20", len(media))
	}
	if n := s.sim.Sim.Stats().Requests["bulkDeleteFiles"]; len(n) != 0 {
		t.Errorf("Bulk Delete Files calls made: %v", n)
	}
}

// TestPermanentThenRestore: files deleted for good cannot come back:
// restore says so and leaves their rows UNDONE.
func TestPermanentThenRestore(t *testing.T) {
	t.Parallel()
	s := migrated(t, 30)
	res, err := s.run(t, undo.Config{Action: undo.Delete})
	if err != nil || res.Done != 30 {
		t.Fatalf("undo --permanent: %+v, %v", res, err)
	}
	if n := len(s.files(t, wix.RootMedia)) + len(s.files(t, wix.RootTrash)); n != 0 {
		t.Errorf("%d files left in the Media Manager or its trash, want none", n)
	}
	res, err = s.run(t, undo.Config{Action: undo.Restore})
	if !errors.Is(err, undo.ErrIncomplete) || res.Gone != 30 || res.Done != 0 {
		t.Fatalf("restore after a permanent undo: %+v, %v; want 30 files gone, ErrIncomplete", res, err)
	}
	for _, r := range reportRows(t, s.report) {
		if r["status"] != "UNDONE" || !strings.Contains(r["failure_reason"], "no longer in the trash") {
			t.Errorf("row after a restore of deleted files: %s %q, want UNDONE saying why", r["status"], r["failure_reason"])
		}
	}
	// Undone by a permanent undo, a row's file is gone: a second one
	// counts it as done.
	if res, err := s.run(t, undo.Config{Action: undo.Delete}); err != nil || res.Gone != 30 {
		t.Errorf("a second permanent undo: %+v, %v; want 30 files gone already", res, err)
	}
}

// TestPlan: a dry run counts rows, files, calls and time, with no call.
func TestPlan(t *testing.T) {
	t.Parallel()
	s := migrated(t, 120)
	j, err := undo.Open(undo.Config{Report: s.report, Action: undo.Trash, NoLock: true, Settings: pipeline.Settings{Rate: 200}})
	if err != nil {
		t.Fatal(err)
	}
	p, err := j.Plan()
	if err != nil {
		t.Fatal(err)
	}
	if p.Rows != 120 || p.Files != 120 || p.Fates[undo.FateAct] != 120 || p.Calls() != 2 || p.Duration != 600*time.Millisecond {
		t.Errorf("plan %+v, want 120 files in 1 call plus the check, 0.6 s at 200/min", p)
	}
	j, err = undo.Open(undo.Config{Report: s.report, Action: undo.Restore, NoLock: true})
	if err != nil {
		t.Fatal(err)
	}
	if p, err := j.Plan(); err != nil || p.Files != 0 || p.Fates[undo.FateDone] != 120 || p.Calls() != 1 {
		t.Errorf("restore plan before any undo: %+v, %v; want nothing to restore", p, err)
	}
	if _, err := undo.Open(undo.Config{Report: s.report, Action: undo.Trash, Statuses: []report.Status{report.Undone}}); err == nil {
		t.Error("undo to the trash of UNDONE rows: no error")
	}
}

// TestUnfinishedJournals: a journal another command left unfinished stops
// a run before any call, naming the command to run again.
func TestUnfinishedJournals(t *testing.T) {
	t.Parallel()
	s := migrated(t, 5)
	journal, _, err := report.OpenJournal(report.JournalPath(s.report), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := journal.UndoIntent([]string{"some-file"}, time.Now()); err != nil {
		t.Fatal(err)
	}
	journal.Close()
	var unfinished *report.UnfinishedError
	m, err := migrate.Open(migrate.Config{Manifest: s.manifest, Client: s.sim.Client, Settings: fast})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Run(context.Background()); !errors.As(err, &unfinished) || unfinished.Command != "undo" {
		t.Errorf("migrate after an interrupted undo: %v, want an UnfinishedError naming undo", err)
	}
	if _, err := s.run(t, undo.Config{Action: undo.Restore}); !errors.As(err, &unfinished) || unfinished.Command != "undo" {
		t.Errorf("restore after an interrupted undo: %v, want an UnfinishedError naming undo", err)
	}
	if res, err := s.run(t, undo.Config{Action: undo.Trash}); err != nil || res.Done != 5 {
		t.Errorf("undo run again: %+v, %v; want it to finish", res, err)
	}
	if got := slices.Collect(func(yield func(string) bool) {
		for id := range s.files(t, wix.RootMedia) {
			yield(id)
		}
	}); len(got) != 0 {
		t.Errorf("files left after the undo finished: %v", got)
	}
}

// cancelOnLog cancels a context at the first log record with the message.
type cancelOnLog struct {
	msg    string
	cancel context.CancelFunc
}

func (h cancelOnLog) Enabled(context.Context, slog.Level) bool { return true }
func (h cancelOnLog) Handle(_ context.Context, r slog.Record) error {
	if r.Message == h.msg {
		h.cancel()
	}
	return nil
}
func (h cancelOnLog) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h cancelOnLog) WithGroup(string) slog.Handler      { return h }

// TestInterruptedUndo: interrupted after its first call (as Ctrl-C would),
// undo writes what it did (the first 1,000 files' rows UNDONE, the rest
// as they were) and says so; run again, it finishes.
func TestInterruptedUndo(t *testing.T) {
	t.Parallel()
	testenv.SkipUnlessFull(t, "an undo of 1,500 rows interrupted after its first call of 1,000")
	s := migrated(t, 1500)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	j, err := undo.Open(undo.Config{Report: s.report, Action: undo.Trash, Client: s.sim.Client, Settings: fast,
		Logger: slog.New(cancelOnLog{msg: "progress", cancel: cancel})})
	if err != nil {
		t.Fatal(err)
	}
	res, err := j.Run(ctx)
	if !errors.Is(err, undo.ErrInterrupted) || res.Done != 1000 || res.Left != 500 || res.Summary.ByStatus["UNDONE"] != 1000 {
		t.Fatalf("interrupted undo: %+v, %v; want 1000 done, 500 left, ErrInterrupted", res, err)
	}
	if n := len(s.files(t, wix.RootTrash)); n != 1000 {
		t.Errorf("%d files in the trash, want 1000", n)
	}
	if res, err := s.run(t, undo.Config{Action: undo.Trash}); err != nil || res.Done != 500 || res.Fates[undo.FateDone] != 1000 {
		t.Errorf("undo again: %+v, %v; want the other 500", res, err)
	}
	if n := len(s.files(t, wix.RootMedia)); n != 0 {
		t.Errorf("%d files left in the Media Manager", n)
	}
}

// TestUndoOnAnotherSite: an undo sent to a site that knows none of the
// report's files (a wrong site ID) changes and records nothing, and says
// why; the right site's undo then does it all.
func TestUndoOnAnotherSite(t *testing.T) {
	t.Parallel()
	s := migrated(t, 20)
	before, err := os.ReadFile(s.report)
	if err != nil {
		t.Fatal(err)
	}
	other := *s.sim.Client
	other.SiteID = "another-site"
	j, err := undo.Open(undo.Config{Report: s.report, Action: undo.Trash, Client: &other, Settings: fast})
	if err != nil {
		t.Fatal(err)
	}
	res, err := j.Run(context.Background())
	var unknown *undo.UnknownFilesError
	if !errors.As(err, &unknown) || unknown.SiteID != "another-site" || res.Done+res.Gone != 0 {
		t.Fatalf("undo on another site: %+v, %v; want an UnknownFilesError and nothing done", res, err)
	}
	if after, err := os.ReadFile(s.report); err != nil || !bytes.Equal(before, after) {
		t.Errorf("the report changed (%v):\n%s", err, firstDiff(before, after))
	}
	if res, err := s.run(t, undo.Config{Action: undo.Trash}); err != nil || res.Done != 20 {
		t.Errorf("undo on the right site: %+v, %v; want all 20 files", res, err)
	}
}

// TestPermanentUndoKilledAfterItsCall: a permanent undo killed after Wix
// deleted the files but before the answer was journaled leaves rows that
// still name them; run again, it counts them as done (gone), though Wix
// knows none of them: the journal says they were sent.
func TestPermanentUndoKilledAfterItsCall(t *testing.T) {
	t.Parallel()
	s := migrated(t, 10)
	var ids []string
	for _, r := range reportRows(t, s.report) {
		ids = append(ids, r["file_id"])
	}
	journal, _, err := report.OpenJournal(report.JournalPath(s.report), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := journal.UndoIntent(ids, time.Now()); err != nil {
		t.Fatal(err)
	}
	journal.Close()
	if err := s.sim.Client.BulkDeleteFiles(context.Background(), ids, true); err != nil {
		t.Fatal(err)
	}
	res, err := s.run(t, undo.Config{Action: undo.Delete})
	if err != nil || res.Gone != 10 {
		t.Fatalf("permanent undo run again: %+v, %v; want 10 files gone already, counted done", res, err)
	}
	for _, r := range reportRows(t, s.report) {
		if r["status"] != "UNDONE" {
			t.Errorf("row of %s: %s", r["file_id"], r["status"])
		}
	}
}
