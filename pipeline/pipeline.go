// Package pipeline moves a manifest's imports into the Media Manager: a plan
// pass decides per row what to do (import, keep, poll again, retry, reject),
// an import stage sends Bulk Import File calls from a bounded errgroup, and a
// poll stage, running at the same time, batch-checks processing status until
// each file is READY or FAILED. One rate limiter gates every API call.
//
// Outcomes land in a report.State; writing the report is the caller's job.
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

// Config tunes a run. Zero values take the defaults noted.
type Config struct {
	Client         *wix.Client
	BatchSize      int           // rows per Bulk Import File call, 1..100 (100); 1 uses Import File
	Concurrency    int           // import calls in flight (4)
	Rate           float64       // API calls per minute for the whole run; 0 or less means no limit (the migrate command's default is Wix's 200)
	Poll           string        // PollList (default) or PollGetFiles
	PollInterval   time.Duration // shortest pause between poll rounds (2s)
	PendingTimeout time.Duration // give up waiting for a file after this (10m)
	MaxAttempts    int           // imports of one row across runs (3)
	FolderID       string        // parent folder for rows naming none (media-root)
	Retries        int           // transient retries per call (5)
	RetryBase      time.Duration // first retry's backoff (200ms)
	RetryMax       time.Duration // longest backoff (10s)
	Logger         *slog.Logger

	UploadConcurrency int            // uploads in flight: local files and fallbacks (2)
	ChunkSize         int64          // resumable upload chunk (wix.DefaultChunkSize)
	FallbackUpload    bool           // download and upload sources Wix could not fetch
	Prober            *source.Prober // fetches and diagnoses sources (a default Prober)
	ReconcileDelay    time.Duration  // wait before looking for files of a lost answer (2s); < 0 means none
	Journal           Journal        // records intents and outcomes as they happen; nil for none
}

func (c *Config) setDefaults() error {
	if c.Client == nil {
		return errors.New("pipeline: no client")
	}
	if c.BatchSize == 0 {
		c.BatchSize = wix.MaxBulkImport
	}
	if c.BatchSize < 1 || c.BatchSize > wix.MaxBulkImport {
		return fmt.Errorf("batch size %d: want 1..%d", c.BatchSize, wix.MaxBulkImport)
	}
	if c.Concurrency == 0 {
		c.Concurrency = 4
	}
	if c.Concurrency < 1 {
		return fmt.Errorf("concurrency %d: want at least 1", c.Concurrency)
	}
	if c.Poll == "" {
		c.Poll = PollList
	}
	if c.Poll != PollList && c.Poll != PollGetFiles {
		return fmt.Errorf("poll strategy %q: want %q or %q", c.Poll, PollList, PollGetFiles)
	}
	if c.PollInterval <= 0 {
		c.PollInterval = 2 * time.Second
	}
	if c.PendingTimeout <= 0 {
		c.PendingTimeout = 10 * time.Minute
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = 3
	}
	if c.FolderID == "" {
		c.FolderID = wix.RootFolderMedia
	}
	if c.Retries == 0 {
		c.Retries = 5
	}
	if c.RetryBase <= 0 {
		c.RetryBase = 200 * time.Millisecond
	}
	if c.RetryMax <= 0 {
		c.RetryMax = 10 * time.Second
	}
	if c.UploadConcurrency == 0 {
		c.UploadConcurrency = 2
	}
	if c.UploadConcurrency < 1 {
		return fmt.Errorf("upload concurrency %d: want at least 1", c.UploadConcurrency)
	}
	if c.ReconcileDelay == 0 {
		c.ReconcileDelay = 2 * time.Second
	}
	if c.Prober == nil {
		c.Prober = &source.Prober{}
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return nil
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
	// reconciles counts lost answers this run; bounded by maxReconciles.
	reconciles int
	// since, when set, marks an import in doubt: sent at that time by an
	// earlier run whose answer was never recorded.
	since time.Time
}

// run is the state of one Run.
type run struct {
	cfg     Config
	state   *report.State
	stats   *Stats
	limiter *limiter
	log     *slog.Logger
	poller  *poller
	folders folderCache

	cancel context.CancelCauseFunc // stops everything on a fatal error
}

// Opener opens the manifest for one pass over its rows. Run reads the
// manifest more than once instead of holding its rows in memory.
type Opener func() (*manifest.Reader, io.Closer, error)

// Run imports what the plan of the manifest asks for and polls until every
// file is final, ctx ends (then in-flight calls finish and their answers are
// recorded), or a fatal error stops it. Then rows whose import Wix failed get
// a fallback upload (or a diagnosis). state holds outcomes from a previous
// report and receives this run's. stats may be read while Run goes on.
func Run(ctx context.Context, cfg Config, open Opener, state *report.State, stats *Stats) (Result, error) {
	if err := cfg.setDefaults(); err != nil {
		return Result{}, err
	}
	r := &run{cfg: cfg, state: state, stats: stats, limiter: newLimiter(cfg.Rate), log: cfg.Logger}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	r.cancel = cancel
	r.poller = newPoller(r)

	err := r.phase(ctx, func(up *uploads) error {
		rows, closer, err := open()
		if err != nil {
			return err
		}
		defer closer.Close()
		return r.importPhase(ctx, rows, up)
	})
	if err == nil && ctx.Err() == nil {
		err = r.phase(ctx, func(up *uploads) error {
			rows, closer, err := open()
			if err != nil {
				return err
			}
			defer closer.Close()
			return r.fallbackPass(ctx, rows, up)
		})
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

// phase runs produce, which starts imports and uploads, alongside the
// poller, and returns once both are done: nothing produced is still pending.
func (r *run) phase(ctx context.Context, produce func(*uploads) error) error {
	produced := make(chan struct{})
	pollDone := make(chan struct{})
	go func() {
		defer close(pollDone)
		r.poller.loop(ctx, produced)
	}()
	up := r.newUploads()
	err := produce(up)
	up.g.Wait()
	close(produced)
	<-pollDone
	return err
}

// importPhase plans the manifest's rows and sends the imports and uploads.
func (r *run) importPhase(ctx context.Context, rows *manifest.Reader, up *uploads) error {
	jobs := make(chan job, r.cfg.BatchSize*r.cfg.Concurrency)
	var planErr error
	go func() {
		defer close(jobs)
		planErr = r.plan(ctx, rows, jobs, up)
	}()
	importErr := r.importAll(ctx, jobs)
	if planErr != nil {
		return planErr
	}
	return importErr
}

// fatal stops the whole run with err.
func (r *run) fatal(err error) {
	r.log.Error("stopping the run", "err", err)
	r.cancel(err)
}

// plan reads the manifest and decides each row's fate: rows already READY
// (or failed too often) are kept, files still PENDING are handed to the
// poller, everything else is queued for import. Rows asking for an import
// seen before share its outcome.
func (r *run) plan(ctx context.Context, rows *manifest.Reader, jobs chan<- job, up *uploads) error {
	for {
		row, err := rows.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading manifest: %w", err)
		}
		if row.Err != nil {
			continue
		}
		what, prev := Decide(row, r.state, r.cfg.MaxAttempts)
		switch what {
		case ActionKeep, ActionDuplicate:
			continue
		case ActionRepoll:
			if r.poller.track(prev.FileID, prev.Folder, row.Key, prev.Updated) {
				r.stats.Pending.Add(1)
			}
			continue
		}
		// Status Unknown marks the import as planned: later rows asking for
		// it are duplicates. Attempts carry over from earlier runs.
		planned := report.Outcome{Attempts: prev.Attempts}
		var since time.Time
		if what == ActionReconcile {
			planned = prev // keeps its reason and time: still in doubt until settled
			planned.Status = report.Unknown
			since = prev.UpdatedAt()
		}
		if !r.state.Add(row.Key, planned) {
			r.state.Update(row.Key, func(o *report.Outcome) { *o = planned })
		}
		r.stats.Planned.Add(1)
		j := job{key: row.Key, req: row.Import.Request(r.cfg.FolderID), since: since}
		if row.Import.Local {
			j.local = row.Import.LocalPath
			up.g.Go(func() error {
				r.uploadLocal(ctx, j, j.local)
				return nil
			})
			continue
		}
		select {
		case jobs <- j:
		case <-ctx.Done():
			return nil
		}
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
// returns the known outcome. It records nothing.
func Decide(row *manifest.Row, state *report.State, maxAttempts int) (Action, report.Outcome) {
	if row.Err != nil {
		return ActionReject, report.Outcome{}
	}
	o, known := state.Get(row.Key)
	switch {
	case !known:
		return ActionImport, o
	case o.Status == report.Unknown:
		return ActionDuplicate, o // planned earlier in this pass
	case o.Status == report.Ready:
		return ActionKeep, o
	case o.Status == report.Pending && o.FileID != "":
		return ActionRepoll, o
	case o.Status == report.Pending && o.Attempts > 0 && o.Reason() != report.NotImportedReason:
		return ActionReconcile, o
	case o.Status == report.Failed && int(o.Attempts) >= maxAttempts:
		return ActionKeep, o
	case o.Status == report.Failed:
		return ActionRetry, o
	}
	return ActionImport, o
}

// reconcileGroup is how many rows in doubt share one reconciliation.
const reconcileGroup = 2000

// importAll sends the queued jobs in batches from a bounded errgroup.
func (r *run) importAll(ctx context.Context, jobs <-chan job) error {
	var g errgroup.Group
	g.SetLimit(r.cfg.Concurrency)
	// Imports in doubt from an earlier run are batched apart: they are
	// reconciled before any of them is sent again.
	var fresh, doubt []job
	flush := func(b *[]job) {
		batch := *b
		*b = nil
		g.Go(func() error {
			if !batch[0].since.IsZero() {
				r.reconcileThenImport(ctx, batch)
			} else {
				r.importBatch(ctx, batch)
			}
			return nil
		})
	}
	for j := range jobs {
		b, size := &fresh, r.cfg.BatchSize
		if !j.since.IsZero() {
			// One listing serves many rows in doubt: reconcile them in
			// large groups, then import what was not found in batches.
			b, size = &doubt, reconcileGroup
		}
		*b = append(*b, j)
		if len(*b) == size {
			flush(b)
		}
	}
	for _, b := range []*[]job{&doubt, &fresh} {
		if len(*b) > 0 {
			flush(b)
		}
	}
	return g.Wait()
}
