package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/wixmigrate/wixmigrate/migrate"
	"github.com/wixmigrate/wixmigrate/pipeline"
	"github.com/wixmigrate/wixmigrate/report"
	"github.com/wixmigrate/wixmigrate/view"
	"github.com/wixmigrate/wixmigrate/wix"
)

func init() {
	register(command{name: "migrate", summary: "import a CSV manifest's media into a Wix site and write a report", run: runMigrate})
}

// migration is a migrate command's flags; demo fills them in too.
type migration struct {
	cfg            migrate.Config
	siteID         string
	apiKey         string
	apiBase        string
	rate           float64 // --rate: 0 means no limit
	fallbackUpload bool
	dryRun         bool
	wait           bool
	logFormat      string
	logLevel       string // "" is info, or warn with --quiet
	quiet          bool
	headerLines    headerLines
	noView         bool   // --no-view: no report page after the run
	viewMediaBase  string // the page's media base (the demo's simulator); "" is Wix's
}

// logLevels are --log-level's values.
var logLevels = map[string]slog.Level{"debug": slog.LevelDebug, "info": slog.LevelInfo, "warn": slog.LevelWarn, "error": slog.LevelError}

// settingFlags names the flag of each setting, for errors.
var settingFlags = map[string]string{
	"BatchSize": "--batch-size", "Concurrency": "--concurrency", "Rate": "--rate", "Poll": "--poll",
	"PollInterval": "--poll-interval", "PendingTimeout": "--pending-timeout", "MaxAttempts": "--max-attempts",
	"FolderID": "--folder-id", "UploadConcurrency": "--upload-concurrency",
}

func (m *migration) flags(fs *flag.FlagSet, getenv func(string) string) {
	s := &m.cfg.Settings
	fs.StringVar(&m.cfg.Manifest, "manifest", "", "the CSV manifest of media to import (required)")
	fs.StringVar(&m.cfg.Report, "report", "", "the report CSV to write and resume from (default: <manifest name>.report.csv beside the manifest)")
	fs.StringVar(&m.siteID, "site-id", getenv("WIX_SITE_ID"), "the Wix site to import into (default $WIX_SITE_ID)")
	fs.StringVar(&m.apiBase, "api-base", wix.DefaultBaseURL, "the API's base URL (a simulator's address in tests)")
	fs.IntVar(&s.BatchSize, "batch-size", pipeline.DefaultBatchSize, "rows per Bulk Import File call, 1..100; 1 uses the single Import File call")
	fs.IntVar(&s.Concurrency, "concurrency", pipeline.DefaultConcurrency, "import calls in flight at once")
	fs.Float64Var(&m.rate, "rate", pipeline.DefaultRate, "API calls per minute for the whole run (Wix allows 200 per site); 0 = no limit")
	fs.StringVar(&s.Poll, "poll", pipeline.DefaultPoll, "how to check processing: list (per folder of pending files, the cheapest of List Files, one Search Files over the site, or reads by ID) or get-files (Get File Descriptors only, 100 IDs a call across folders)")
	fs.DurationVar(&s.PollInterval, "poll-interval", pipeline.DefaultPollInterval, "shortest pause between status rounds while importing; once imports are done the pause follows the files' processing time")
	fs.DurationVar(&s.PendingTimeout, "pending-timeout", pipeline.DefaultPendingTimeout, "report a file PENDING if Wix is still processing it after this long")
	fs.IntVar(&s.MaxAttempts, "max-attempts", pipeline.DefaultMaxAttempts, "import attempts per row across re-runs before a FAILED row is left alone")
	fs.StringVar(&s.FolderID, "folder-id", pipeline.DefaultFolderID, "parent folder ID for rows that name none")
	fs.IntVar(&s.UploadConcurrency, "upload-concurrency", pipeline.DefaultUploadConcurrency, "uploads in flight at once (local files and fallback uploads)")
	fs.BoolVar(&m.fallbackUpload, "fallback-upload", true, "when Wix cannot fetch a source, download it and upload it (--fallback-upload=false to only diagnose)")
	fs.BoolVar(&s.KeepFailed, "keep-failed", false, "leave failed files in the Media Manager: a FAILED row's file when the row is imported again, and the failed import a fallback upload replaced (by default both go to the trash bin)")
	fs.Var(&m.headerLines, "source-header", sourceHeaderUsage)
	fs.Var(delimiterFlag{&m.cfg.Delimiter}, "delimiter", delimiterUsage)
	fs.BoolVar(&m.dryRun, "dry-run", false, "read the manifest and report, print what a run would do and how long it takes; no API calls")
	fs.BoolVar(&m.wait, "wait", true, "wait until Wix has processed every file; --wait=false imports only: rows stay PENDING (not checked yet) and the next run checks them")
	fs.StringVar(&m.logFormat, "log-format", "text", "log format on stderr: text or json")
	fs.StringVar(&m.logLevel, "log-level", "", "log level on stderr: debug (every poll round's plan and outcome), info, warn or error (default info; warn with --quiet)")
	fs.BoolVar(&m.noView, "no-view", false, "do not write the report's page (by default <report>.html beside the report after every run; see wixmigrate view)")
	fs.BoolVar(&m.quiet, "quiet", false, "no progress display; log warnings and errors only (unless --log-level says otherwise)")
}

func runMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return migrateWithEnv(ctx, args, stdout, stderr, os.Getenv)
}

// migrateWithEnv is the migrate command reading its environment (the
// credentials) through getenv.
func migrateWithEnv(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	var m migration
	fs := newFlagSet("migrate", stderr)
	m.flags(fs, getenv)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: wixmigrate migrate --manifest PATH [flags]\n\nImports every row of the manifest into the site's Media Manager and writes a\nreport CSV. Re-running with the same report resumes. The API key comes from\nWIX_API_KEY.\n\nflags:")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args, stderr); !ok {
		return code
	}
	m.apiKey = getenv("WIX_API_KEY")
	return m.run(ctx, stdout, stderr)
}

// check validates the flags, naming the one at fault, and turns them into
// the library's settings.
func (m *migration) check() error {
	switch {
	case m.cfg.Manifest == "":
		return errors.New("--manifest is required")
	case m.rate < 0:
		return fmt.Errorf("--rate %g: want 0 (no limit) or more", m.rate)
	case m.logFormat != "text" && m.logFormat != "json":
		return fmt.Errorf("--log-format %q: want text or json", m.logFormat)
	}
	if _, ok := logLevels[m.logLevel]; m.logLevel != "" && !ok {
		return fmt.Errorf("--log-level %q: want debug, info, warn or error", m.logLevel)
	}
	m.cfg.NoWait = !m.wait
	m.cfg.Rate = m.rate
	if m.rate == 0 {
		m.cfg.Rate = pipeline.NoRateLimit
	}
	m.cfg.NoFallbackUpload = !m.fallbackUpload
	m.cfg.NoLock = m.dryRun // a dry run only reads: it may look while a run goes on
	header, err := m.headerLines.parse()
	if err != nil {
		return err
	}
	m.cfg.SourceHeader = header
	if err := m.cfg.Validate(); err != nil {
		var se *pipeline.SettingError
		if errors.As(err, &se) && settingFlags[se.Setting] != "" {
			return fmt.Errorf("%s %s: want %s", settingFlags[se.Setting], pipeline.FormatValue(se.Value), se.Want)
		}
		return err
	}
	if !strings.HasPrefix(m.apiBase, "http://") && !strings.HasPrefix(m.apiBase, "https://") {
		return fmt.Errorf("--api-base %q: want an http(s) URL", m.apiBase)
	}
	if m.dryRun {
		return nil
	}
	return checkCredentials(m.apiKey, m.siteID, "the site to import into")
}

func (m *migration) logger(stderr io.Writer) *slog.Logger {
	return newLogger(stderr, m.logFormat, m.logLevel, m.quiet)
}

// startProgress shows the migration's progress while it runs: a bar on a
// terminal, a log line every logEvery off it; nothing with --quiet.
func (m *migration) startProgress(d display, mig *migrate.Migration, log *slog.Logger) *progress {
	if m.quiet {
		d.terminal, log = false, nil
	}
	return startProgress(d, log, 0, func() reading { return migrateReading(mig.Progress()) })
}

// run carries out a migration and returns the exit code.
func (m *migration) run(ctx context.Context, stdout, stderr io.Writer) int {
	if err := m.check(); err != nil {
		fmt.Fprintf(stderr, "migrate: %v\n", err)
		return exitUsage
	}
	screen := displayOf(stderr)
	log := m.logger(screen.out)
	fail := func(err error) int {
		var notWritable *migrate.NotWritableError
		switch {
		case errors.Is(err, report.ErrOtherManifest) || errors.Is(err, report.ErrCannotResume):
			err = fmt.Errorf("%w; pass another --report", err)
		case errors.As(err, &notWritable):
			err = fmt.Errorf("--report %s is not writable: %w", notWritable.Path, notWritable.Err)
		default:
			err = delimiterHint(err)
		}
		fmt.Fprintf(stderr, "migrate: %v\n", err)
		return exitFatal
	}
	m.cfg.Logger = log
	if !m.dryRun {
		client := wix.NewClient(m.apiKey, m.siteID)
		client.BaseURL = m.apiBase
		client.HTTPClient = newHTTPClient()
		m.cfg.Client = client
	}
	mig, err := migrate.Open(m.cfg)
	if err != nil {
		return fail(err)
	}
	defer mig.Close()
	if m.dryRun {
		return m.printPlan(stdout, mig)
	}

	progress := m.startProgress(screen, mig, log)
	res, err := mig.Run(ctx)
	progress.stop()
	if res != nil {
		printSummary(stdout, res.Summary, mig.Stats(), res.Elapsed, mig.ReportPath())
		if !m.noView {
			m.writeView(stdout, stderr, mig.ReportPath(), viewMaxRows)
		}
	}
	switch {
	case errors.Is(err, migrate.ErrInterrupted):
		fmt.Fprintln(stderr, "migrate: interrupted; the report holds what was done. Re-run the same command to finish.")
		return exitInterrupted
	case errors.Is(err, migrate.ErrIncomplete):
		return exitIncomplete
	case err != nil:
		return fail(err)
	}
	return exitOK
}

// writeView writes the report's page after a run and says where; past
// maxRows rows, a page of the rows that are not READY. A page that cannot
// be written is a warning: the report is what the run owes.
func (m *migration) writeView(stdout, stderr io.Writer, reportPath string, maxRows int) {
	out := view.DefaultPath(reportPath)
	r, err := view.Make(reportPath, out, view.Options{SiteID: m.siteID, MediaBase: m.viewMediaBase,
		MaxRows: maxRows, Delimiter: m.cfg.Delimiter, BaseDir: cmp.Or(m.cfg.BaseDir, filepath.Dir(m.cfg.Manifest))})
	if err != nil {
		fmt.Fprintf(stderr, "migrate: the report is written, its page is not: %v\n", err)
		return
	}
	fmt.Fprintf(stdout, "page:   %s (open it in a browser; --no-view skips it)\n", out)
	if r.Partial {
		fmt.Fprintf(stdout, "        it shows the rows that are not READY only: the report has %d rows, over %d; for every row run: wixmigrate view %s\n",
			r.Rows, maxRows, reportPath)
	}
}
