// Package undo takes a migration back, and brings it back again: it owns
// undo runs (the files a report's rows created go to the Media Manager's
// trash bin, or are deleted for good) and restore runs (they come back from
// the trash bin). Like package migrate it owns the run's lifecycle: Open
// takes the report's lock (one run per report) and reads the report; Run
// checks that the API answers, replays the journal of an interrupted run,
// sends Bulk Delete Files (or Bulk Restore) calls of up to 1,000 files
// through the rate limiter and retry policy of a migration, each intent
// journaled before its call, and writes the report atomically; Plan says
// what Run would do without a call.
//
//	j, err := undo.Open(undo.Config{Report: "media.report.csv", Action: undo.Trash, Client: client})
//	if err != nil { ... }
//	res, err := j.Run(ctx) // errors.Is(err, undo.ErrIncomplete): some rows could not be undone
//
// Only what the report says this migration created is touched: a row's
// file_id counts when the row also has the method that made it and an
// attempt. Folders that imports created (file_path) are left alone: they
// may hold other files.
package undo

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"time"

	"github.com/wixmigrate/wixmigrate/manifest"
	"github.com/wixmigrate/wixmigrate/pipeline"
	"github.com/wixmigrate/wixmigrate/report"
	"github.com/wixmigrate/wixmigrate/wix"
)

// Action is what a run does to the files.
type Action uint8

// Actions.
const (
	// Trash moves the files to the Media Manager's trash bin, from where
	// the site owner (or Restore) can bring them back.
	Trash Action = iota + 1
	// Delete deletes them for good: Wix cannot bring them back.
	Delete
	// Restore brings the files of UNDONE rows back from the trash bin.
	Restore
)

func (a Action) command() string {
	if a == Restore {
		return report.CommandRestore
	}
	return report.CommandUndo
}

// Outcomes of Run besides success, for errors.Is.
var (
	// ErrIncomplete: the run finished, but some rows could not be undone
	// (or restored); Result.Problems says why.
	ErrIncomplete = errors.New("some rows could not be undone or restored")
	// ErrInterrupted: ctx ended first. The report holds what was done; a
	// new run with the same Config finishes the work.
	ErrInterrupted = errors.New("interrupted")
)

// Config says which report to take back, and how.
type Config struct {
	Report string // the report CSV of a migration (required)
	Action Action // required
	// Statuses selects, for Trash and Delete, the rows whose files go by
	// their status (report.Ready, Pending, Failed, and for Delete Undone:
	// files an earlier undo moved to the trash); none selects every one.
	Statuses []report.Status
	// NoLock opens the report without taking its lock, to Plan while a
	// run may be going on; such a Job cannot Run.
	NoLock bool

	Client *wix.Client  // required by Run (not by Open or Plan)
	Logger *slog.Logger // nil discards
	// Settings' Rate, Retries, RetryBase and RetryMax pace and retry the
	// calls as a migration's; zero fields take pipeline's defaults.
	Settings pipeline.Settings
}

// Job is one undo or restore of a report, opened: the report is read. It
// is used for one Run (or Plan).
type Job struct {
	cfg    Config
	log    *slog.Logger
	opts   manifest.Options // how the report is read
	state  *report.State
	loaded report.Loaded
	stats  pipeline.Stats
	used   bool
	lock   *report.RunLock
}

var errUsed = errors.New("a Job runs (or plans) once; Open it again")

// Open takes the report's lock (unless NoLock: another process holding it
// is a *report.LockedError) and reads the report. A report that does not
// exist, that is not a report, or some of whose rows cannot be read (a
// damaged report, which a migration repairs) is refused. It makes no API
// call and writes nothing but the lock file.
func Open(cfg Config) (*Job, error) {
	switch {
	case cfg.Report == "":
		return nil, errors.New("no report given")
	case cfg.Action < Trash || cfg.Action > Restore:
		return nil, fmt.Errorf("unknown action %d", cfg.Action)
	}
	for _, s := range cfg.Statuses {
		if s == report.Unknown || s == report.Undone && cfg.Action != Delete || cfg.Action == Restore {
			return nil, &StatusError{Status: s, Action: cfg.Action}
		}
	}
	cfg.Settings = cfg.Settings.WithDefaults()
	if err := cfg.Settings.Validate(); err != nil {
		return nil, err
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	j := &Job{cfg: cfg, log: cfg.Logger, state: report.NewState(), opts: manifest.Options{DefaultFolder: cfg.Settings.FolderID}}
	if !cfg.NoLock {
		lock, err := report.Lock(cfg.Report)
		if err != nil {
			return nil, err
		}
		j.lock = lock
	}
	if err := j.read(); err != nil {
		j.Close()
		return nil, err
	}
	return j, nil
}

// StatusError is a status Config.Statuses may not select for its action.
type StatusError struct {
	Status report.Status
	Action Action
}

func (e *StatusError) Error() string {
	if e.Action == Restore {
		return "restore takes every UNDONE row; it selects none by status"
	}
	if e.Status == report.Undone {
		return "UNDONE rows' files are in the trash already; only a permanent undo selects them"
	}
	return fmt.Sprintf("status %q: want READY, PENDING, FAILED (or UNDONE for a permanent undo)", e.Status)
}

func (j *Job) read() error {
	var err error
	j.loaded, err = report.Load(j.cfg.Report, j.opts, nil, j.state)
	switch {
	case err != nil:
		return err
	case !j.loaded.Found:
		return fmt.Errorf("report %s: %w", j.cfg.Report, errNoReport)
	case j.loaded.Damaged > 0:
		return fmt.Errorf("report %s: %d rows cannot be read (a damaged or cut-short report); a migration with its manifest repairs it: %w",
			j.cfg.Report, j.loaded.Damaged, ErrDamaged)
	}
	return nil
}

// Errors of Open.
var (
	errNoReport = errors.New("no such report")
	// ErrDamaged: some of the report's rows cannot be read.
	ErrDamaged = errors.New("the report is damaged")
)

// Close releases the report's lock. Run releases it itself once the report
// is written; Close is for a Job that does not Run, and may be called again.
func (j *Job) Close() error {
	if j.lock == nil {
		return nil
	}
	err := j.lock.Unlock()
	j.lock = nil
	return err
}

// ReportPath is the report the job reads and writes.
func (j *Job) ReportPath() string { return j.cfg.Report }

// Stats are the run's live counters (its calls, throttles and retries).
func (j *Job) Stats() *pipeline.Stats { return &j.stats }

// Fate is what a run does with one report row.
type Fate uint8

// Fates, as Plan and Result count them.
const (
	// FateAct: its file goes to the trash (Trash), for good (Delete), or
	// comes back (Restore).
	FateAct Fate = iota
	// FateDone: nothing left to do: the file is in the trash already
	// (UNDONE, for Trash), or was never taken away (Restore).
	FateDone
	// FateNotSelected: its status was not asked for.
	FateNotSelected
	// FateNoFile: the migration created no file for it (not imported, or
	// failed without one, or an invalid manifest row).
	FateNoFile
	// FateForeign: it names a file_id, but not the method and attempt of
	// an import this migration made: the file is someone else's.
	FateForeign
	// FateInDoubt: an import whose outcome is unknown: a file may exist
	// that the report does not name. A migration settles it first.
	FateInDoubt
	numFates
)

var fateNames = [numFates]string{"act", "done already", "not selected", "no file", "not created by this migration", "import outcome unknown"}

func (f Fate) String() string { return fateNames[f] }

// Created reports whether o's file is one this migration made: a file ID
// the pipeline recorded, with the method it used and an attempt. A
// file_id a report row carries without them (a hand-edited report, another
// tool's file) is not.
func Created(o *report.Outcome) bool {
	return o.FileID != "" && o.Method != report.MethodNone && o.Attempts > 0
}

// fate decides what a run does with a row's outcome.
func (j *Job) fate(o *report.Outcome) Fate {
	switch {
	case o.Phase == report.PhaseInDoubt:
		return FateInDoubt
	case o.FileID == "":
		return FateNoFile
	case !Created(o):
		return FateForeign
	}
	if j.cfg.Action == Restore {
		if o.Status == report.Undone {
			return FateAct
		}
		return FateDone
	}
	if len(j.cfg.Statuses) > 0 && !slices.Contains(j.cfg.Statuses, o.Status) {
		return FateNotSelected
	}
	if o.Status == report.Undone && j.cfg.Action == Trash {
		return FateDone
	}
	return FateAct
}

// selection is what a pass over the report found.
type selection struct {
	rows  int
	fates [numFates]int // rows by fate
	files []string      // distinct file IDs to act on, in report order
}

// selectRows reads the report's rows against the state.
func (j *Job) selectRows() (*selection, error) {
	rows, closer, err := manifest.Open(j.cfg.Report, report.ReadOptions(j.opts))
	if err != nil {
		return nil, fmt.Errorf("reading report %s: %w", j.cfg.Report, err)
	}
	defer closer.Close()
	sel := &selection{}
	seen := map[string]bool{}
	for {
		row, err := rows.Next()
		if err == io.EOF {
			return sel, nil
		}
		if err != nil {
			return nil, fmt.Errorf("reading report %s: %w", j.cfg.Report, err)
		}
		sel.rows++
		if row.Err != nil {
			sel.fates[FateNoFile]++
			continue
		}
		o, _ := j.state.Get(row.Key)
		f := j.fate(&o)
		sel.fates[f]++
		if f == FateAct && !seen[o.FileID] {
			seen[o.FileID] = true
			sel.files = append(sel.files, o.FileID)
		}
	}
}

// Plan is what a run would do: a dry run. It makes no API call.
type Plan struct {
	Action Action
	Rows   int          // report rows
	Fates  map[Fate]int // rows by fate
	Files  int          // distinct files to act on
	// Journal says an interrupted run left a journal, which the real run
	// applies first: the counts do not include what it holds.
	Journal bool
	// CheckCalls is the API check Run makes first; BulkCalls the Bulk
	// Delete Files (or Bulk Restore) calls, up to wix.MaxBulkDelete files
	// each; StatusCalls, for Restore, the Get File Descriptors calls that
	// read the restored files' status, up to wix.MaxGetFiles each.
	CheckCalls, BulkCalls, StatusCalls int
	// Rate is the calls per minute Duration assumes.
	Rate float64
	// Duration estimates the run: its calls at Rate.
	Duration time.Duration
}

// Calls is every API call the plan counts.
func (p *Plan) Calls() int { return p.CheckCalls + p.BulkCalls + p.StatusCalls }

// Plan reads the report and counts what a run would do with each row. It
// uses up the Job: Open again to Run.
func (j *Job) Plan() (*Plan, error) {
	if j.used {
		return nil, errUsed
	}
	j.used = true
	defer j.Close()
	p := &Plan{Action: j.cfg.Action, Fates: map[Fate]int{}, CheckCalls: 1}
	if _, err := statFile(report.JournalPath(j.cfg.Report)); err == nil {
		p.Journal = true
	}
	sel, err := j.selectRows()
	if err != nil {
		return nil, err
	}
	p.Rows, p.Files = sel.rows, len(sel.files)
	for f, n := range sel.fates {
		if n > 0 {
			p.Fates[Fate(f)] = n
		}
	}
	p.BulkCalls = ceilDiv(p.Files, wix.MaxBulkDelete)
	if j.cfg.Action == Restore {
		p.StatusCalls = ceilDiv(p.Files, wix.MaxGetFiles)
	}
	p.Rate = j.cfg.Settings.Rate
	if p.Rate <= 0 {
		p.Rate = wix.RateLimit
	}
	p.Duration = time.Duration(float64(p.Calls()) / p.Rate * float64(time.Minute))
	return p, nil
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

// Result is what a run did.
type Result struct {
	Summary *report.Summary // the written report's rows by status and reason
	Fates   map[Fate]int    // rows by fate, as the run found them
	// Files counts the files acted on: done (trashed, deleted, restored),
	// gone (Trash, Delete: no longer in the Media Manager, which counts as
	// done; Restore: no longer in the trash, left UNDONE), and left as they
	// were (a call Wix refused or never answered, or an interrupt).
	Done, Gone, Left int
	// Problems says why files were left, or rows could not be done: the
	// distinct reasons, at most a few.
	Problems []string
	Elapsed  time.Duration
}

// Incomplete reports whether some rows could not be undone (or restored).
func (r *Result) Incomplete(a Action) bool {
	return r.Left > 0 || r.Fates[FateInDoubt] > 0 || a == Restore && r.Gone > 0
}

const maxProblems = 5

func (r *Result) problem(msg string) {
	if len(r.Problems) < maxProblems && !slices.Contains(r.Problems, msg) {
		r.Problems = append(r.Problems, msg)
	}
}
