// Package pipeline moves a manifest's imports into the Media Manager: a plan
// pass decides per row what to do (import, keep, poll again, retry, reject),
// an import stage sends Bulk Import File calls from a bounded errgroup, and a
// poll stage, running at the same time, batch-checks processing status until
// each file is READY or FAILED. One rate limiter gates every API call.
//
// The parts get only what they use: the importer, the uploader, the
// reconciler and the poller each call the API through one caller (limiter
// and retries) and record outcomes through one ledger (state, journal,
// attempts and live counters). Outcomes land in a report.State; the run's
// lifecycle around it (resume, journal, checkpoints, the report) is package
// migrate's.
package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/wixmigrate/wixmigrate/manifest"
	"github.com/wixmigrate/wixmigrate/report"
	"github.com/wixmigrate/wixmigrate/source"
	"github.com/wixmigrate/wixmigrate/wix"
)

// Poll strategies.
const (
	PollList     = "list"      // List Files per folder, newest first
	PollGetFiles = "get-files" // Get File Descriptors, 100 IDs a call
)

// Defaults of Settings, used for zero fields and by the command's flags.
const (
	DefaultBatchSize         = wix.MaxBulkImport
	DefaultConcurrency       = 4
	DefaultRate              = wix.RateLimit // API calls per minute
	DefaultPoll              = PollList
	DefaultPollInterval      = 2 * time.Second
	DefaultPendingTimeout    = 10 * time.Minute
	DefaultMaxAttempts       = 3
	DefaultFolderID          = wix.RootFolderMedia
	DefaultUploadConcurrency = 2
	DefaultRetries           = 5
	DefaultRetryBase         = 200 * time.Millisecond
	DefaultRetryMax          = 10 * time.Second
	DefaultReconcileDelay    = 2 * time.Second
	DefaultMaxPending        = 50000
)

// NoRateLimit, as Settings.Rate, sends calls as fast as they come.
const NoRateLimit = -1

// Settings tune a run. Zero fields take the defaults above.
type Settings struct {
	BatchSize      int           // rows per Bulk Import File call, 1..100; 1 uses Import File
	Concurrency    int           // import calls in flight
	Rate           float64       // API calls per minute for the whole run; NoRateLimit for none
	Poll           string        // PollList or PollGetFiles
	PollInterval   time.Duration // shortest pause between poll rounds
	PendingTimeout time.Duration // give up waiting for a file after this
	MaxAttempts    int           // imports of one row across runs, 1..255
	FolderID       string        // parent folder for rows naming none
	Retries        int           // transient retries per call
	RetryBase      time.Duration // first retry's backoff
	RetryMax       time.Duration // longest backoff

	UploadConcurrency int   // uploads in flight: local files and fallbacks
	ChunkSize         int64 // resumable upload chunk (0: wix.DefaultChunkSize)
	// NoFallbackUpload only diagnoses sources Wix could not fetch, instead
	// of downloading and uploading them.
	NoFallbackUpload bool
	ReconcileDelay   time.Duration // look for files of a lost answer no sooner than this after the call; < 0: at once
	// MaxPending bounds the files waited on at once. When Wix's processing
	// falls behind the imports, further imports wait rather than the
	// pending set, and the memory it takes, growing with the manifest.
	MaxPending int
	// NoWait imports without waiting for processing: files stay PENDING,
	// marked unchecked (report.PhaseUnchecked), and a later run checks
	// them with status calls only.
	NoWait bool
	// KeepFailed leaves failed files in the Media Manager. By default the
	// file of a FAILED row goes to the trash bin before the row is imported
	// again, so a row leaves at most one FAILED file (its latest) outside
	// it, and so does the failed import a fallback upload replaced.
	KeepFailed bool
	// SourceHeader is sent with every fetch of a source: as urlHeaders of
	// each URL import, and by the Prober (fallback downloads, diagnoses),
	// whose own Header it replaces when set. Its values are secrets.
	SourceHeader source.Header
}

// SettingError is a setting out of range. Setting is the Settings field's
// name: the command maps it to its flag.
type SettingError struct {
	Setting string
	Value   any
	Want    string
}

func (e *SettingError) Error() string {
	return fmt.Sprintf("%s %s: want %s", e.Setting, FormatValue(e.Value), e.Want)
}

// FormatValue writes a setting's value as a user would type it.
func FormatValue(v any) string {
	switch v := v.(type) {
	case string:
		return fmt.Sprintf("%q", v)
	case float64:
		return fmt.Sprintf("%g", v)
	}
	return fmt.Sprint(v)
}

// WithDefaults returns s with zero fields set to their defaults.
func (s Settings) WithDefaults() Settings {
	set := func(p *int, d int) {
		if *p == 0 {
			*p = d
		}
	}
	setDuration := func(p *time.Duration, d time.Duration) {
		if *p == 0 {
			*p = d
		}
	}
	set(&s.BatchSize, DefaultBatchSize)
	set(&s.Concurrency, DefaultConcurrency)
	set(&s.MaxAttempts, DefaultMaxAttempts)
	set(&s.UploadConcurrency, DefaultUploadConcurrency)
	set(&s.Retries, DefaultRetries)
	set(&s.MaxPending, DefaultMaxPending)
	setDuration(&s.PollInterval, DefaultPollInterval)
	setDuration(&s.PendingTimeout, DefaultPendingTimeout)
	setDuration(&s.RetryBase, DefaultRetryBase)
	setDuration(&s.RetryMax, DefaultRetryMax)
	setDuration(&s.ReconcileDelay, DefaultReconcileDelay)
	if s.Rate == 0 {
		s.Rate = DefaultRate
	}
	if s.Poll == "" {
		s.Poll = DefaultPoll
	}
	if s.FolderID == "" {
		s.FolderID = DefaultFolderID
	}
	return s
}

// Validate checks the settings as they are, and returns a *SettingError for
// the first one out of range. Zero is not a default here for the settings
// the command has flags for; the others (Retries, RetryBase, RetryMax,
// ChunkSize, ReconcileDelay, MaxPending) may be zero.
func (s Settings) Validate() error {
	bad := func(name string, v any, want string) error { return &SettingError{name, v, want} }
	switch {
	case s.BatchSize < 1 || s.BatchSize > wix.MaxBulkImport:
		return bad("BatchSize", s.BatchSize, fmt.Sprintf("1..%d", wix.MaxBulkImport))
	case s.Concurrency < 1:
		return bad("Concurrency", s.Concurrency, "at least 1")
	case s.Rate == 0:
		return bad("Rate", s.Rate, "calls per minute, or NoRateLimit")
	case s.Poll != PollList && s.Poll != PollGetFiles:
		return bad("Poll", s.Poll, PollList+" or "+PollGetFiles)
	case s.PollInterval <= 0:
		return bad("PollInterval", s.PollInterval, "more than 0")
	case s.PendingTimeout <= 0:
		return bad("PendingTimeout", s.PendingTimeout, "more than 0")
	case s.UploadConcurrency < 1:
		return bad("UploadConcurrency", s.UploadConcurrency, "at least 1")
	case s.MaxAttempts < 1 || s.MaxAttempts > 255:
		return bad("MaxAttempts", s.MaxAttempts, "1..255")
	case s.FolderID == "" || len(s.FolderID) > 100:
		return bad("FolderID", s.FolderID, "1..100 characters")
	case s.Retries < 0:
		return bad("Retries", s.Retries, "0 (the default) or more")
	case s.RetryBase < 0:
		return bad("RetryBase", s.RetryBase, "0 (the default) or more")
	case s.RetryMax < 0:
		return bad("RetryMax", s.RetryMax, "0 (the default) or more")
	case s.MaxPending < 0:
		return bad("MaxPending", s.MaxPending, "0 (the default) or more")
	case s.ChunkSize < 0:
		return bad("ChunkSize", s.ChunkSize, "0 (the default) or more")
	}
	return nil
}

// Config is what a run needs besides the manifest and the state.
type Config struct {
	Settings
	Client  *wix.Client    // required
	Logger  *slog.Logger   // nil discards
	Prober  *source.Prober // fetches and diagnoses sources (nil: a default Prober)
	Journal Journal        // records intents and outcomes as they happen; nil for none
}

// Result is how a run ended.
type Result struct {
	Interrupted bool  // ctx ended before the work did
	Fatal       error // a run-stopping error (bad credentials); outcomes so far are valid
}

// job is one import to send.
type job struct {
	key   manifest.Key
	req   wix.ImportFileRequest
	local string // a local file to upload instead of importing req.URL
	// counted says the job's attempt is counted: re-sending it (part of a
	// split batch, or after a lost answer) is the same attempt.
	counted bool
	// reconciles counts lost answers this run; bounded by maxReconciles.
	reconciles int
	// since, when set, marks an import in doubt: sent at that time by an
	// earlier run whose answer was never recorded.
	since time.Time
}

// Opener opens the manifest for one pass over its rows. Run reads the
// manifest more than once instead of holding its rows in memory.
type Opener func() (*manifest.Reader, io.Closer, error)

// run wires one Run's parts together.
type run struct {
	s        Settings
	log      *slog.Logger
	ledger   *ledger
	poller   *poller
	importer *importer
	uploader *uploader
	trasher  *trasher
}

// Run imports what the plan of the manifest asks for and polls until every
// file is final, ctx ends (then in-flight calls finish and their answers are
// recorded), or a fatal error stops it. Then rows whose import Wix failed get
// a fallback upload (or a diagnosis). state holds outcomes from a previous
// report and receives this run's. stats may be read while Run goes on.
func Run(ctx context.Context, cfg Config, open Opener, state *report.State, stats *Stats) (Result, error) {
	if cfg.Client == nil {
		return Result{}, errors.New("pipeline: no client")
	}
	s := cfg.Settings.WithDefaults()
	if err := s.Validate(); err != nil {
		return Result{}, err
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	prober := cfg.Prober
	if prober == nil {
		prober = &source.Prober{}
	}
	if len(s.SourceHeader) > 0 {
		withHeader := *prober
		withHeader.Header = s.SourceHeader
		prober = &withHeader
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	stop := func(err error) {
		log.Error("stopping the run", "err", err)
		cancel(err)
	}

	calls := NewCaller(s, stats, log)
	l := &ledger{state: state, journal: cfg.Journal, stats: stats, stop: stop}
	p := newPoller(s, cfg.Client, calls, l, log, stop)
	rec := &reconciler{client: cfg.Client, calls: calls, ledger: l, poller: p, log: log, stats: stats,
		delay: s.ReconcileDelay, fallbackUpload: !s.NoFallbackUpload}
	imp := &importer{s: s, client: cfg.Client, calls: calls, ledger: l, poller: p, reconciler: rec, log: log, stop: stop}
	up := &uploader{client: cfg.Client, calls: calls, ledger: l, poller: p, reconciler: rec, prober: prober,
		stats: stats, chunkSize: s.ChunkSize}
	tr := &trasher{client: cfg.Client, calls: calls, ledger: l, log: log, stop: stop}
	r := &run{s: s, log: log, ledger: l, poller: p, importer: imp, uploader: up, trasher: tr}
	desc := &describer{client: cfg.Client, calls: calls, ledger: l, log: log, stop: stop}

	// Not fatal: the rows keep what the report said, and a later run tries again.
	_ = desc.describe(ctx)
	err := r.phase(ctx, func(g *errgroup.Group) error {
		rows, closer, err := open()
		if err != nil {
			return err
		}
		defer closer.Close()
		return r.importPhase(ctx, rows, g)
	})
	if err == nil && ctx.Err() == nil {
		err = r.phase(ctx, func(g *errgroup.Group) error {
			rows, closer, err := open()
			if err != nil {
				return err
			}
			defer closer.Close()
			return r.fallbackPass(ctx, rows, g)
		})
		r.trasher.flush(ctx)
	}
	res := Result{}
	if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.Canceled) {
		res.Fatal = cause
	}
	if res.Fatal == nil && ctx.Err() != nil {
		res.Interrupted = true
	}
	if res.Fatal != nil || res.Interrupted {
		return res, nil
	}
	return res, err
}

// phase runs produce, which starts imports and uploads (on the uploads
// group, with its own concurrency limit: uploads move bytes, not API calls,
// and must not starve imports), alongside the poller, and returns once both
// are done: nothing produced is still pending.
func (r *run) phase(ctx context.Context, produce func(uploads *errgroup.Group) error) error {
	produced := make(chan struct{})
	pollDone := make(chan struct{})
	go func() {
		defer close(pollDone)
		r.poller.loop(ctx, produced)
	}()
	var uploads errgroup.Group
	uploads.SetLimit(r.s.UploadConcurrency)
	err := produce(&uploads)
	uploads.Wait()
	close(produced)
	<-pollDone
	return err
}

// importPhase plans the manifest's rows and sends the imports and uploads.
func (r *run) importPhase(ctx context.Context, rows *manifest.Reader, uploads *errgroup.Group) error {
	jobs := make(chan job, r.s.BatchSize*r.s.Concurrency)
	var planErr error
	go func() {
		defer close(jobs)
		planErr = r.plan(ctx, rows, jobs, uploads)
	}()
	importErr := r.importer.importAll(ctx, jobs)
	if planErr != nil {
		return planErr
	}
	return importErr
}

// plan reads the manifest and decides each row's fate: rows already READY
// (or failed too often) are kept, files still PENDING are handed to the
// poller, everything else is queued for import. Rows asking for an import
// seen before share its outcome. A FAILED row to import again first has its
// failed file moved to the trash bin (unless KeepFailed), up to
// wix.MaxBulkDelete rows a call: until then it is not planned, so a run
// stopped before its file is trashed leaves it as it was.
func (r *run) plan(ctx context.Context, rows *manifest.Reader, jobs chan<- job, uploads *errgroup.Group) error {
	var retries []*manifest.Row // rows waiting for their failed files to go to the trash
	var files []string
	waiting := map[manifest.Key]bool{}
	flushRetries := func() bool {
		defer func() { retries, files = nil, nil; clear(waiting) }()
		if len(retries) == 0 {
			return true
		}
		trashed := r.trasher.trash(ctx, files)
		if n := count(trashed, false); n > 0 && ctx.Err() == nil {
			r.log.Warn("could not move the files of failed rows to the trash; those rows are retried by the next run", "rows", n)
		}
		for i, row := range retries {
			if !trashed[i] {
				// Its file stays, and so does its FAILED outcome: a later
				// run retries.
				prev, _ := r.ledger.state.Get(row.Key)
				r.ledger.left(ActionKeep, prev)
				continue
			}
			prev := r.ledger.trashed(row.Key)
			if !r.queue(ctx, row, ActionRetry, prev, jobs, uploads) {
				return false
			}
		}
		return true
	}
	for {
		row, err := rows.Next()
		if err == io.EOF {
			flushRetries()
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading manifest: %w", err)
		}
		r.ledger.stats.Read.Add(1)
		what, prev := Decide(row, r.ledger.state, r.s.MaxAttempts)
		switch what {
		case ActionKeep, ActionDuplicate, ActionReject:
			r.ledger.left(what, prev)
			continue
		case ActionRepoll:
			r.poller.track(prev.FileID, prev.Folder, row.Key, prev.Updated)
			continue
		case ActionRetry:
			if prev.FileID != "" && !r.s.KeepFailed {
				if !waiting[row.Key] {
					waiting[row.Key] = true
					retries = append(retries, row)
					files = append(files, prev.FileID)
				}
				if len(retries) == wix.MaxBulkDelete && !flushRetries() {
					return nil
				}
				continue
			}
		}
		if !r.queue(ctx, row, what, prev, jobs, uploads) {
			return nil
		}
	}
}

// queue plans row's import and hands it to the importer, or to the
// uploads for a local file. It returns false when ctx ended first.
func (r *run) queue(ctx context.Context, row *manifest.Row, what Action, prev report.Outcome, jobs chan<- job, uploads *errgroup.Group) bool {
	planned := r.ledger.plan(row.Key, prev, what)
	j := job{key: row.Key, req: row.Import.Request(r.s.FolderID)}
	if planned.Phase == report.PhaseInDoubt {
		j.since = planned.UpdatedAt()
	}
	if row.Import.Local {
		j.local = row.Import.LocalPath
		uploads.Go(func() error {
			r.uploader.uploadLocal(ctx, j)
			return nil
		})
		return true
	}
	j.req.URLHeaders = r.s.SourceHeader.URLHeaders()
	select {
	case jobs <- j:
		return true
	case <-ctx.Done():
		return false
	}
}

// Action is what a run does with one manifest row.
type Action int

// Actions, as counted by a dry run.
const (
	ActionImport    Action = iota // never imported (or not finished being sent)
	ActionRetry                   // FAILED before, attempts left
	ActionKeep                    // READY, or FAILED with no attempts left
	ActionRepoll                  // PENDING with a file: check it again
	ActionDuplicate               // the same import as an earlier row
	ActionReject                  // the row itself is invalid
	ActionReconcile               // sent before, answer never recorded: look for its file first
)

// Decide says what to do with row given the outcomes known so far, and
// returns the known outcome. It records nothing, and reads only state: an
// outcome's Status, Phase, Planned, FileID and Attempts, never its reason.
func Decide(row *manifest.Row, state *report.State, maxAttempts int) (Action, report.Outcome) {
	if row.Err != nil {
		return ActionReject, report.Outcome{}
	}
	o, known := state.Get(row.Key)
	if !known {
		return ActionImport, o
	}
	if o.Status == report.Undone && !o.Planned {
		// Its file went to the trash (or for good): imported again as new.
		return ActionImport, report.Outcome{}
	}
	return DecideKnown(o, maxAttempts), o
}

// DecideKnown is Decide for a row whose import has the known outcome o.
func DecideKnown(o report.Outcome, maxAttempts int) Action {
	switch {
	case o.Planned:
		return ActionDuplicate // planned earlier in this pass
	case o.Status == report.Ready:
		return ActionKeep
	case o.Status == report.Pending && o.FileID != "":
		return ActionRepoll
	case o.Phase == report.PhaseInDoubt:
		return ActionReconcile
	case o.Status == report.Failed && int(o.Attempts) >= maxAttempts:
		return ActionKeep
	case o.Status == report.Failed:
		return ActionRetry
	}
	return ActionImport // never imported, or UNDONE: imported (again) as new
}
