// Package migrate runs a migration: it owns the run's lifecycle around the
// pipeline. Open takes the report's lock (one run per report) and reads the
// manifest's header and the report of earlier runs (refusing one written
// for another manifest, and marking rows a damaged or cut-short report lost
// as in doubt); Run checks that the API answers and takes the key and the
// site ID, replays the journal of an interrupted run, imports through the
// pipeline while checkpointing the report, writes the final report, removes
// the journal and releases the lock. A Go program runs a migration with a
// few lines:
//
//	m, err := migrate.Open(migrate.Config{Manifest: "media.csv", Client: wix.NewClient(key, site)})
//	if err != nil { ... }
//	res, err := m.Run(ctx) // errors.Is(err, migrate.ErrIncomplete): some rows are not READY
//
// Validate checks a manifest, and optionally its sources, before a run.
// Progress is a snapshot of a run for a display, safe to take while Run
// goes on: the rows finished of the manifest's (counted by Open) and an
// ETA from Estimate, the model a dry run (Plan) uses too.
//
// Errors name settings and files, never command-line flags: the command
// adds that context.
package migrate

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/wixmigrate/wixmigrate/internal/atomicfile"
	"github.com/wixmigrate/wixmigrate/manifest"
	"github.com/wixmigrate/wixmigrate/pipeline"
	"github.com/wixmigrate/wixmigrate/report"
	"github.com/wixmigrate/wixmigrate/source"
	"github.com/wixmigrate/wixmigrate/wix"
)

// Outcomes of Run besides success, for errors.Is.
var (
	// ErrIncomplete: the run finished, but some rows are not READY (see
	// the report's failure_reason column).
	ErrIncomplete = errors.New("some rows are not READY")
	// ErrInterrupted: ctx ended first. The report holds what was done; a
	// new run with the same Config finishes the work.
	ErrInterrupted = errors.New("interrupted")
)

// NotWritableError says the report cannot be written where it should be;
// Run finds out before any import.
type NotWritableError struct {
	Path string
	Err  error
}

func (e *NotWritableError) Error() string {
	return fmt.Sprintf("report %s is not writable: %v", e.Path, e.Err)
}

func (e *NotWritableError) Unwrap() error { return e.Err }

// Config says what to migrate where. Zero fields take defaults.
type Config struct {
	Manifest string // the manifest CSV (required)
	// Report is the report CSV to write and resume from; "" means
	// ReportPath(Manifest).
	Report string
	// BaseDir resolves relative local sources; "" means the manifest's folder.
	BaseDir string
	// Delimiter separates the manifest's fields: manifest.Comma, Semicolon
	// or Tab; 0 detects it from the header line. The report is written with
	// the manifest's delimiter.
	Delimiter rune
	// NoLock opens the migration without taking the report's lock, to Plan
	// while a run may be going on; such a Migration cannot Run.
	NoLock bool

	Client            *wix.Client    // required by Run (not by Open or Plan)
	Logger            *slog.Logger   // nil discards
	Prober            *source.Prober // nil: a default Prober
	pipeline.Settings                // zero fields: pipeline's defaults
}

// ReportPath is the default report of a manifest: <manifest name>.report.csv
// beside it.
func ReportPath(manifestPath string) string {
	ext := filepath.Ext(manifestPath)
	return strings.TrimSuffix(manifestPath, ext) + ".report.csv"
}

// JournalPath is where the journal of the report at reportPath lives.
func JournalPath(reportPath string) string { return report.JournalPath(reportPath) }

// Migration is one migration, opened: the manifest and the report of earlier
// runs are read and checked. It is used for one Run (or Plan).
type Migration struct {
	cfg    Config
	log    *slog.Logger
	state  *report.State
	loaded report.Loaded
	stats  pipeline.Stats
	used   bool            // by Run or Plan: both change the state
	lock   *report.RunLock // the report's, from Open until the report is written
	rows   int64           // the manifest's, counted by Open
	meter  meter
}

// errUsed is a second Run or Plan of one Migration.
var errUsed = errors.New("a Migration runs (or plans) once; Open it again")

// Open takes the report's lock (unless NoLock), so that no other run uses
// the report until this one has written it: another process holding it is
// a *report.LockedError. It then reads the manifest's header, counts its
// rows (a quick pass: Progress's total), reads the report
// of earlier runs, if any, checks that the report belongs to the manifest
// (report.ErrOtherManifest if not), and marks the rows a damaged or
// cut-short report lost as in doubt. It makes no API call and writes nothing
// but the lock file. Settings out of range are a *pipeline.SettingError.
// Close releases the lock of a Migration that does not Run.
func Open(cfg Config) (*Migration, error) {
	if cfg.Manifest == "" {
		return nil, errors.New("no manifest given")
	}
	cfg.Settings = cfg.Settings.WithDefaults()
	if err := cfg.Settings.Validate(); err != nil {
		return nil, err
	}
	if cfg.Report == "" {
		cfg.Report = ReportPath(cfg.Manifest)
	}
	if cfg.BaseDir == "" {
		cfg.BaseDir = filepath.Dir(cfg.Manifest)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	m := &Migration{cfg: cfg, log: cfg.Logger, state: report.NewState()}
	if !cfg.NoLock {
		lock, err := report.Lock(cfg.Report)
		var locked *report.LockedError
		switch {
		case errors.As(err, &locked):
			return nil, err
		case err != nil:
			return nil, &NotWritableError{Path: cfg.Report, Err: err}
		}
		m.lock = lock
	}
	if err := m.read(); err != nil {
		m.Close()
		return nil, err
	}
	return m, nil
}

// Close releases the report's lock. Run releases it itself once the report
// is written; Close is for a Migration that does not Run, and may be called
// again.
func (m *Migration) Close() error {
	if m.lock == nil {
		return nil
	}
	err := m.lock.Unlock()
	m.lock = nil
	return err
}

// read reads the manifest's header and the report, for Open.
func (m *Migration) read() error {
	cfg := m.cfg
	rows, closer, err := m.openManifest()
	if err != nil {
		return err
	}
	header := rows.Header()
	n, err := rows.Count()
	closer.Close()
	m.rows = int64(n)
	if err != nil {
		return fmt.Errorf("counting the manifest's rows: %w", err)
	}
	m.loaded, err = report.Load(cfg.Report, m.manifestOptions(), header, m.state)
	if err != nil {
		return err
	}
	if m.loaded.Found {
		m.log.Info("resuming from the report", "report", cfg.Report, "rows", m.loaded.Rows,
			"imports_known", m.loaded.Kept, "damaged_rows", m.loaded.Damaged, "wix_uris_filled_in", m.loaded.FilledURIs)
	}
	if err := m.checkSameManifest(); err != nil {
		return err
	}
	return m.markLostRows()
}

// ReportPath is the report the migration resumes from and writes.
func (m *Migration) ReportPath() string { return m.cfg.Report }

// Loaded says what the report of earlier runs held.
func (m *Migration) Loaded() report.Loaded { return m.loaded }

// Stats are the run's live counters; they may be read while Run goes on.
func (m *Migration) Stats() *pipeline.Stats { return &m.stats }

// Result is what a run did.
type Result struct {
	Summary *report.Summary // the written report's rows by status and reason
	Elapsed time.Duration
}

// Run checks that the API answers and takes the key and the site ID (a
// *wix.AccessError if not, with nothing written), replays the journal an
// interrupted run left (if any), imports what the manifest and the report
// ask for, checkpoints the report every few seconds, and writes the report
// when done; a report written whole makes the journal redundant, and it is
// removed, and the report's lock is released. It returns a Result whenever
// the report was written, also with an error: ErrIncomplete,
// ErrInterrupted, or a run-stopping error (bad credentials, a journal that
// cannot be written).
func (m *Migration) Run(ctx context.Context) (*Result, error) {
	if m.used {
		return nil, errUsed
	}
	m.used = true
	defer m.Close()
	switch {
	case m.cfg.Client == nil:
		return nil, errors.New("no Wix client")
	case m.lock == nil:
		return nil, errors.New("opened with NoLock: a run needs the report's lock")
	}
	if err := atomicfile.CheckWritable(m.cfg.Report); err != nil {
		return nil, &NotWritableError{Path: m.cfg.Report, Err: err}
	}
	pcfg := pipeline.Config{Settings: m.cfg.Settings, Client: m.cfg.Client, Logger: m.log, Prober: m.cfg.Prober}
	// Interrupted while checking, the run goes on to write the report as
	// any interrupted run does (the pipeline sees ctx ended and sends
	// nothing); refused, it stops here with nothing written.
	if err := pipeline.CheckAccess(ctx, pcfg, &m.stats); err != nil && ctx.Err() == nil {
		return nil, err
	}
	journalPath := JournalPath(m.cfg.Report)
	journal, resumed, err := report.OpenJournalInto(journalPath, m.state)
	if err != nil {
		return nil, err
	}
	defer journal.Close()
	if err := resumed.Unfinished(m.cfg.Report, report.CommandMigrate); err != nil {
		return nil, err // nothing sent: the journal stays for the command that left it
	}
	if resumed.Records > 0 {
		m.log.Info("replayed the journal of an interrupted run", "journal", journalPath, "records", resumed.Records,
			"imports_in_doubt", resumed.InDoubt, "torn_tail_bytes", resumed.TornBytes)
	}
	if resumed.Torn {
		m.log.Warn("the journal's last record was torn (a crash mid-write); it was ignored", "bytes", resumed.TornBytes)
	}

	start := time.Now()
	m.meter.begin(start, m.keepCount(), m.stats.TotalCalls()-m.stats.Throttles.Load(), int64(pipeline.DescribeCalls(m.state)))
	checkpoints := m.startCheckpoints(journal)
	pcfg.Journal = journal
	res, runErr := pipeline.Run(ctx, pcfg, m.openManifest, m.state, &m.stats)
	checkpoints.stop()
	if err := journal.Sync(); err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	sum, err := m.writeReport()
	if err != nil {
		return nil, err
	}
	// The report now holds everything the journal did.
	if err := journal.Remove(); err != nil {
		m.log.Warn("could not remove the journal; the next run replays it harmlessly", "journal", journalPath, "err", err)
	}
	out := &Result{Summary: sum, Elapsed: time.Since(start)}
	switch {
	case runErr != nil:
		return out, runErr
	case res.Fatal != nil:
		return out, res.Fatal
	case res.Interrupted:
		return out, ErrInterrupted
	case sum.ByStatus[report.Ready.String()] != sum.Rows:
		return out, ErrIncomplete
	}
	return out, nil
}

// keepCount is the rows a run will keep as they are, by the state: READY,
// or out of attempts.
func (m *Migration) keepCount() int64 {
	var n int64
	m.state.Each(func(_ manifest.Key, o *report.Outcome) {
		if pipeline.DecideKnown(*o, m.cfg.MaxAttempts) == pipeline.ActionKeep {
			n++
		}
	})
	return n
}

func (m *Migration) manifestOptions() manifest.Options {
	return manifest.Options{BaseDir: m.cfg.BaseDir, DefaultFolder: m.cfg.FolderID, Delimiter: m.cfg.Delimiter}
}

func (m *Migration) openManifest() (*manifest.Reader, io.Closer, error) {
	return manifest.Open(m.cfg.Manifest, m.manifestOptions())
}

// writeReport streams the manifest again and joins each row to its outcome.
func (m *Migration) writeReport() (*report.Summary, error) {
	rows, closer, err := m.openManifest()
	if err != nil {
		return nil, err
	}
	defer closer.Close()
	return report.Write(m.cfg.Report, rows, m.state)
}

// checkpointer rewrites the report during a run so a crash loses little.
type checkpointer struct {
	done    chan struct{}
	stopped chan struct{}
}

// startCheckpoints syncs the journal every second (group commit) and
// rewrites the report every few seconds, right after a sync; a write that
// took long (a huge manifest) stretches the interval so checkpoints never
// take more than a tenth of the run.
func (m *Migration) startCheckpoints(journal *report.Journal) *checkpointer {
	c := &checkpointer{done: make(chan struct{}), stopped: make(chan struct{})}
	go func() {
		defer close(c.stopped)
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		interval := 5 * time.Second
		next := time.Now().Add(interval)
		for {
			select {
			case <-tick.C:
			case <-c.done:
				return
			}
			if err := journal.Sync(); err != nil {
				m.log.Error("journal sync failed", "err", err)
				continue
			}
			if time.Now().Before(next) {
				continue
			}
			began := time.Now()
			if _, err := m.writeReport(); err != nil {
				m.log.Warn("checkpoint of the report failed", "err", err)
			}
			interval = max(5*time.Second, 10*time.Since(began))
			next = time.Now().Add(interval)
		}
	}()
	return c
}

func (c *checkpointer) stop() {
	close(c.done)
	<-c.stopped
}

// markLostRows marks the rows a report may have lost as in doubt: rows it
// could not read (a damaged report), and rows after its end when the report
// is newer than the manifest (a report cut at a line boundary; a manifest
// edited since has simply grown). An earlier run may have imported them, so
// they are looked for in the Media Manager before they are imported.
func (m *Migration) markLostRows() error {
	loaded := m.loaded
	if !loaded.Found || loaded.Rows == 0 || loaded.Earliest.IsZero() {
		return nil // no report, or none of its rows was ever imported
	}
	fromRow := loaded.Rows
	if loaded.Damaged > 0 {
		fromRow = 0
	} else if m.manifestNewerThanReport() {
		return nil // rows after the report's end were added to the manifest since
	}
	rows, closer, err := m.openManifest()
	if err != nil {
		return err
	}
	defer closer.Close()
	n, err := report.MarkLost(rows, m.state, loaded.Earliest.Add(-time.Hour), fromRow)
	if err != nil {
		return err
	}
	if n > 0 && loaded.Damaged > 0 {
		m.log.Warn("the report is damaged: the rows it lost will be looked for in the Media Manager before anything is imported again",
			"report", m.cfg.Report, "unreadable_rows", loaded.Damaged, "imports_in_doubt", n)
	} else if n > 0 {
		m.log.Info("rows after the report's end will be looked for in the Media Manager before they are imported",
			"report", m.cfg.Report, "imports", n)
	}
	return nil
}

// manifestNewerThanReport reports whether the manifest was changed after the
// report was last written.
func (m *Migration) manifestNewerThanReport() bool {
	mi, err1 := os.Stat(m.cfg.Manifest)
	ri, err2 := os.Stat(m.cfg.Report)
	return err1 == nil && err2 == nil && mi.ModTime().After(ri.ModTime())
}

// checkSameManifest refuses a report none of whose imports the manifest
// asks for: it was written for another manifest with the same columns (or
// with another default folder), and resuming from it would only confuse.
func (m *Migration) checkSameManifest() error {
	if m.loaded.Kept == 0 {
		return nil
	}
	rows, closer, err := m.openManifest()
	if err != nil {
		return err
	}
	defer closer.Close()
	for {
		row, err := rows.Next()
		if err == io.EOF {
			return fmt.Errorf("report %s: %w: none of its %d imports is in %s (or it was written with another default folder)",
				m.cfg.Report, report.ErrOtherManifest, m.loaded.Kept, m.cfg.Manifest)
		}
		if err != nil {
			return err
		}
		if row.Err != nil {
			continue
		}
		if _, ok := m.state.Get(row.Key); ok {
			return nil
		}
	}
}
