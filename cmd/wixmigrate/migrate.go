package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/wixmigrate/wixmigrate/manifest"
	"github.com/wixmigrate/wixmigrate/pipeline"
	"github.com/wixmigrate/wixmigrate/report"
	"github.com/wixmigrate/wixmigrate/wix"
)

func init() {
	register(command{name: "migrate", summary: "import a CSV manifest's media into a Wix site and write a report", run: runMigrate})
}

// migration is everything one migrate run needs; demo fills it in too.
type migration struct {
	manifestPath string
	reportPath   string
	baseDir      string // for relative local sources; the manifest's folder when ""
	siteID       string
	apiKey       string
	apiBase      string
	dryRun       bool
	logFormat    string
	quiet        bool
	cfg          pipeline.Config
}

func (m *migration) flags(fs *flag.FlagSet) {
	fs.StringVar(&m.manifestPath, "manifest", "", "the CSV manifest of media to import (required)")
	fs.StringVar(&m.reportPath, "report", "", "the report CSV to write and resume from (default: <manifest name>.report.csv beside the manifest)")
	fs.StringVar(&m.siteID, "site-id", os.Getenv("WIX_SITE_ID"), "the Wix site to import into (default $WIX_SITE_ID)")
	fs.StringVar(&m.apiBase, "api-base", wix.DefaultBaseURL, "the API's base URL (a simulator's address in tests)")
	fs.IntVar(&m.cfg.BatchSize, "batch-size", 100, "rows per Bulk Import File call, 1..100; 1 uses the single Import File call")
	fs.IntVar(&m.cfg.Concurrency, "concurrency", 4, "import calls in flight at once")
	fs.Float64Var(&m.cfg.Rate, "rate", 200, "API calls per minute for the whole run (Wix allows 200 per site); 0 = no limit")
	fs.StringVar(&m.cfg.Poll, "poll", pipeline.PollList, "how to check processing: list (List Files per folder) or get-files (Get File Descriptors by ID)")
	fs.DurationVar(&m.cfg.PollInterval, "poll-interval", 2*time.Second, "shortest pause between status checks; rounds back off while nothing changes")
	fs.DurationVar(&m.cfg.PendingTimeout, "pending-timeout", 10*time.Minute, "report a file PENDING if Wix is still processing it after this long")
	fs.IntVar(&m.cfg.MaxAttempts, "max-attempts", 3, "import attempts per row across re-runs before a FAILED row is left alone")
	fs.StringVar(&m.cfg.FolderID, "folder-id", wix.RootFolderMedia, "parent folder ID for rows that name none")
	fs.IntVar(&m.cfg.UploadConcurrency, "upload-concurrency", 2, "uploads in flight at once (local files and fallback uploads)")
	fs.BoolVar(&m.cfg.FallbackUpload, "fallback-upload", true, "when Wix cannot fetch a source, download it and upload it (--fallback-upload=false to only diagnose)")
	fs.BoolVar(&m.dryRun, "dry-run", false, "read the manifest and report, print what a run would do and how long it takes; no API calls")
	fs.StringVar(&m.logFormat, "log-format", "text", "log format on stderr: text or json")
	fs.BoolVar(&m.quiet, "quiet", false, "no progress display; log warnings and errors only")
}

func runMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var m migration
	fs := newFlagSet("migrate", stderr)
	m.flags(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: wixmigrate migrate --manifest PATH [flags]\n\nImports every row of the manifest into the site's Media Manager and writes a\nreport CSV. Re-running with the same report resumes. The API key comes from\nWIX_API_KEY.\n\nflags:")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args, stderr); !ok {
		return code
	}
	m.apiKey = os.Getenv("WIX_API_KEY")
	return m.run(ctx, stdout, stderr)
}

// check validates the flags, naming the one at fault.
func (m *migration) check() error {
	switch {
	case m.manifestPath == "":
		return errors.New("--manifest is required")
	case m.cfg.BatchSize < 1 || m.cfg.BatchSize > wix.MaxBulkImport:
		return fmt.Errorf("--batch-size %d: want 1..%d", m.cfg.BatchSize, wix.MaxBulkImport)
	case m.cfg.Concurrency < 1:
		return fmt.Errorf("--concurrency %d: want at least 1", m.cfg.Concurrency)
	case m.cfg.Rate < 0:
		return fmt.Errorf("--rate %g: want 0 (no limit) or more", m.cfg.Rate)
	case m.cfg.Poll != pipeline.PollList && m.cfg.Poll != pipeline.PollGetFiles:
		return fmt.Errorf("--poll %q: want list or get-files", m.cfg.Poll)
	case m.cfg.PollInterval <= 0:
		return fmt.Errorf("--poll-interval %s: want more than 0", m.cfg.PollInterval)
	case m.cfg.PendingTimeout <= 0:
		return fmt.Errorf("--pending-timeout %s: want more than 0", m.cfg.PendingTimeout)
	case m.cfg.UploadConcurrency < 1:
		return fmt.Errorf("--upload-concurrency %d: want at least 1", m.cfg.UploadConcurrency)
	case m.cfg.MaxAttempts < 1 || m.cfg.MaxAttempts > 255:
		return fmt.Errorf("--max-attempts %d: want 1..255", m.cfg.MaxAttempts)
	case m.logFormat != "text" && m.logFormat != "json":
		return fmt.Errorf("--log-format %q: want text or json", m.logFormat)
	case m.cfg.FolderID == "" || len(m.cfg.FolderID) > 100:
		return fmt.Errorf("--folder-id %q: want 1..100 characters", m.cfg.FolderID)
	}
	if !strings.HasPrefix(m.apiBase, "http://") && !strings.HasPrefix(m.apiBase, "https://") {
		return fmt.Errorf("--api-base %q: want an http(s) URL", m.apiBase)
	}
	if m.dryRun {
		return nil
	}
	var missing []string
	if m.apiKey == "" {
		missing = append(missing, "WIX_API_KEY (the API key)")
	}
	if m.siteID == "" {
		missing = append(missing, "WIX_SITE_ID or --site-id (the site to import into)")
	}
	if len(missing) > 0 {
		return fmt.Errorf("missing credentials: set %s", strings.Join(missing, " and "))
	}
	return nil
}

func (m *migration) logger(stderr io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: slog.LevelInfo}
	if m.quiet {
		opts.Level = slog.LevelWarn
	}
	if m.logFormat == "json" {
		return slog.New(slog.NewJSONHandler(stderr, opts))
	}
	return slog.New(slog.NewTextHandler(stderr, opts))
}

func (m *migration) openManifest() (*manifest.Reader, io.Closer, error) {
	return manifest.Open(m.manifestPath, manifest.Options{BaseDir: m.baseDir, DefaultFolder: m.cfg.FolderID})
}

// run carries out a migration and returns the exit code.
func (m *migration) run(ctx context.Context, stdout, stderr io.Writer) int {
	if err := m.check(); err != nil {
		fmt.Fprintf(stderr, "migrate: %v\n", err)
		return exitUsage
	}
	log := m.logger(stderr)
	if m.reportPath == "" {
		m.reportPath = defaultReportPath(m.manifestPath)
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "migrate: %v\n", err)
		return exitFatal
	}

	rows, closer, err := m.openManifest()
	if err != nil {
		return fail(err)
	}
	header := rows.Header()
	closer.Close()

	state := report.NewState()
	loaded, err := report.Load(m.reportPath, manifest.Options{BaseDir: m.manifestDir(), DefaultFolder: m.cfg.FolderID}, header, state)
	if err != nil {
		return fail(err)
	}
	if loaded.Found {
		log.Info("resuming from the report", "report", m.reportPath, "rows", loaded.Rows, "imports_known", loaded.Kept, "damaged_rows", loaded.Damaged)
	}
	if err := m.checkSameManifest(state, loaded); err != nil {
		return fail(err)
	}
	if err := m.markLostRows(state, loaded, log); err != nil {
		return fail(err)
	}
	if m.dryRun {
		if _, err := os.Stat(m.journalPath()); err == nil {
			fmt.Fprintf(stdout, "note: %s holds what an interrupted run learned; the real run applies it first\n", m.journalPath())
		}
		return m.printPlan(stdout, state, loaded)
	}
	if err := checkWritable(m.reportPath); err != nil {
		return fail(fmt.Errorf("--report %s is not writable: %w", m.reportPath, err))
	}
	journal, resumed, err := report.OpenJournalInto(m.journalPath(), state)
	if err != nil {
		return fail(err)
	}
	defer journal.Close()
	if resumed.Records > 0 {
		log.Info("replayed the journal of an interrupted run", "journal", m.journalPath(), "records", resumed.Records,
			"imports_in_doubt", resumed.InDoubt, "torn_tail_bytes", resumed.TornBytes)
	}
	if resumed.Torn {
		log.Warn("the journal's last record was torn (a crash mid-write); it was ignored", "bytes", resumed.TornBytes)
	}

	client := wix.NewClient(m.apiKey, m.siteID)
	client.BaseURL = m.apiBase
	client.HTTPClient = newHTTPClient()
	cfg := m.cfg
	cfg.Client = client
	cfg.Logger = log
	cfg.Journal = journal

	stats := &pipeline.Stats{}
	start := time.Now()
	progress := startProgress(stderr, stats, log, m.quiet)
	checkpoints := m.startCheckpoints(state, journal, log)

	res, runErr := pipeline.Run(ctx, cfg, m.openManifest, state, stats)

	checkpoints.stop()
	progress.stop()
	if err := journal.Sync(); err != nil {
		return fail(fmt.Errorf("journal: %w", err))
	}
	sum, err := m.writeReport(state)
	if err != nil {
		return fail(err)
	}
	// The report now holds everything the journal did.
	if err := journal.Remove(); err != nil {
		log.Warn("could not remove the journal; the next run replays it harmlessly", "journal", m.journalPath(), "err", err)
	}
	printSummary(stdout, sum, stats, time.Since(start), m.reportPath)
	switch {
	case runErr != nil:
		return fail(runErr)
	case res.Fatal != nil:
		return fail(res.Fatal)
	case res.Interrupted:
		fmt.Fprintln(stderr, "migrate: interrupted; the report holds what was done. Re-run the same command to finish.")
		return exitInterrupted
	case sum.ByStatus["READY"] != sum.Rows:
		return exitIncomplete
	}
	return exitOK
}

func (m *migration) manifestDir() string {
	if m.baseDir != "" {
		return m.baseDir
	}
	return filepath.Dir(m.manifestPath)
}

// writeReport streams the manifest again and joins each row to its outcome.
func (m *migration) writeReport(state *report.State) (*report.Summary, error) {
	rows, closer, err := m.openManifest()
	if err != nil {
		return nil, err
	}
	defer closer.Close()
	return report.Write(m.reportPath, rows, state)
}

// defaultReportPath is <manifest name>.report.csv beside the manifest.
func defaultReportPath(manifestPath string) string {
	ext := filepath.Ext(manifestPath)
	return strings.TrimSuffix(manifestPath, ext) + ".report.csv"
}

// checkWritable proves a file can be created beside path, before any import.
func checkWritable(path string) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".check-*")
	if err != nil {
		return err
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}

// checkpointer rewrites the report during a run so a crash loses little.
type checkpointer struct {
	done    chan struct{}
	stopped chan struct{}
}

// startCheckpoints writes the report every few seconds; a write that took
// long (a huge manifest) stretches the interval so checkpoints never take
// more than a tenth of the run.
func (m *migration) startCheckpoints(state *report.State, journal *report.Journal, log *slog.Logger) *checkpointer {
	c := &checkpointer{done: make(chan struct{}), stopped: make(chan struct{})}
	go func() {
		defer close(c.stopped)
		// The journal is fsynced every second (group commit); the report is
		// rewritten every few seconds, right after a journal sync.
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
				log.Error("journal sync failed", "err", err)
				continue
			}
			if time.Now().Before(next) {
				continue
			}
			began := time.Now()
			if _, err := m.writeReport(state); err != nil {
				log.Warn("checkpoint of the report failed", "err", err)
			}
			interval = max(5*time.Second, 10*time.Since(began))
			next = time.Now().Add(interval)
		}
	}()
	return c
}

// markLostRows marks the rows a report may have lost as in doubt: rows it
// could not read (a damaged report), and rows after its end when the report
// is newer than the manifest (a report cut at a line boundary; a manifest
// edited since has simply grown). An earlier run may have imported them, so
// they are looked for in the Media Manager before they are imported.
func (m *migration) markLostRows(state *report.State, loaded report.Loaded, log *slog.Logger) error {
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
	n, err := report.MarkLost(rows, state, loaded.Earliest.Add(-time.Hour), fromRow)
	if err != nil {
		return err
	}
	if n > 0 && loaded.Damaged > 0 {
		log.Warn("the report is damaged: the rows it lost will be looked for in the Media Manager before anything is imported again",
			"report", m.reportPath, "unreadable_rows", loaded.Damaged, "imports_in_doubt", n)
	} else if n > 0 {
		log.Info("rows after the report's end will be looked for in the Media Manager before they are imported",
			"report", m.reportPath, "imports", n)
	}
	return nil
}

// manifestNewerThanReport reports whether the manifest was changed after the
// report was last written.
func (m *migration) manifestNewerThanReport() bool {
	mi, err1 := os.Stat(m.manifestPath)
	ri, err2 := os.Stat(m.reportPath)
	return err1 == nil && err2 == nil && mi.ModTime().After(ri.ModTime())
}

func (m *migration) journalPath() string { return m.reportPath + ".journal" }

// checkSameManifest refuses a report none of whose rows the manifest asks
// for: it was written for another manifest with the same columns, and
// resuming from it would only confuse.
func (m *migration) checkSameManifest(state *report.State, loaded report.Loaded) error {
	if loaded.Kept == 0 {
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
			return fmt.Errorf("report %s: %w: none of its %d imports is in %s (or it was written with another --folder-id); pass another --report",
				m.reportPath, report.ErrOtherManifest, loaded.Kept, m.manifestPath)
		}
		if err != nil {
			return err
		}
		if row.Err != nil {
			continue
		}
		if _, ok := state.Get(row.Key); ok {
			return nil
		}
	}
}

func (c *checkpointer) stop() {
	close(c.done)
	<-c.stopped
}
