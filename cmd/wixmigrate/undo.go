package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/wixmigrate/wixmigrate/report"
	"github.com/wixmigrate/wixmigrate/undo"
	"github.com/wixmigrate/wixmigrate/wix"
)

func init() {
	register(command{name: "undo", summary: "move the files a migration created to the Media Manager's trash (or delete them for good)", run: runUndo})
}

// takeBack is an undo or restore command's flags.
type takeBack struct {
	name   string // the command
	cfg    undo.Config
	dryRun bool
	apiFlags
}

func runUndo(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return undoWithEnv(ctx, args, stdout, stderr, os.Getenv)
}

// undoWithEnv is the undo command reading its environment (the
// credentials) through getenv.
func undoWithEnv(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	t := takeBack{name: "undo"}
	var statuses string
	var permanent, yes bool
	fs := newFlagSet(t.name, stderr)
	fs.StringVar(&t.cfg.Report, "report", "", "the report CSV of the migration to undo (required)")
	fs.StringVar(&statuses, "status", "", "only rows of these statuses, comma-separated: READY, PENDING, FAILED (and UNDONE with --permanent); default: every status")
	fs.BoolVar(&t.dryRun, "dry-run", false, "read the report, print what would be undone and the calls and time it takes; no API calls")
	fs.BoolVar(&permanent, "permanent", false, "delete the files for good instead of moving them to the trash; Wix cannot bring them back (needs --yes)")
	fs.BoolVar(&yes, "yes", false, "confirm --permanent")
	t.register(fs, getenv)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: wixmigrate undo --report PATH [flags]\n\nMoves every file the report's rows created to the Media Manager's trash bin,\nfrom where `wixmigrate restore` (or the site owner) brings them back, and marks\nthe rows UNDONE. Folders that file_path created are left alone. The API key\ncomes from WIX_API_KEY.\n\nflags:")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args, stderr); !ok {
		return code
	}
	t.cfg.Action = undo.Trash
	if permanent {
		if !yes && !t.dryRun {
			return usageError(stderr, t.name, "--permanent deletes the files for good (Wix cannot bring them back); add --yes to confirm")
		}
		t.cfg.Action = undo.Delete
	} else if yes {
		return usageError(stderr, t.name, "--yes confirms --permanent, which is not given")
	}
	var err error
	if t.cfg.Statuses, err = parseStatuses(statuses, permanent); err != nil {
		return usageError(stderr, t.name, "%v", err)
	}
	return t.run(ctx, stdout, stderr)
}

// parseStatuses reads --status.
func parseStatuses(list string, permanent bool) ([]report.Status, error) {
	if strings.TrimSpace(list) == "" {
		return nil, nil
	}
	var out []report.Status
	for _, name := range strings.Split(list, ",") {
		name = strings.ToUpper(strings.TrimSpace(name))
		s, err := report.ParseStatus(name)
		switch {
		case err != nil:
			return nil, fmt.Errorf("--status %q: want READY, PENDING, FAILED or UNDONE, comma-separated", name)
		case s == report.Undone && !permanent:
			return nil, errors.New("--status UNDONE: those files are in the trash already; only --permanent deletes them for good")
		}
		out = append(out, s)
	}
	return out, nil
}

// run carries out an undo or a restore and returns the exit code.
func (t *takeBack) run(ctx context.Context, stdout, stderr io.Writer) int {
	switch {
	case t.cfg.Report == "":
		return usageError(stderr, t.name, "--report is required")
	}
	if err := t.check(t.dryRun); err != nil {
		return usageError(stderr, t.name, "%v", err)
	}
	fail := func(err error) int {
		var unfinished *report.UnfinishedError
		var unknown *undo.UnknownFilesError
		switch {
		case errors.As(err, &unfinished):
			err = fmt.Errorf("%w: wixmigrate %s --report %s", err, unfinished.Command, unfinished.Report)
		case errors.As(err, &unknown):
			err = fmt.Errorf("%w (--site-id, or $WIX_SITE_ID)", err)
		}
		fmt.Fprintf(stderr, "%s: %v\n", t.name, err)
		return exitFatal
	}
	log := t.logger(stderr)
	t.cfg.Logger = log
	t.cfg.Settings.Rate = t.settingsRate()
	t.cfg.NoLock = t.dryRun // a dry run only reads: it may look while a run goes on
	if !t.dryRun {
		t.cfg.Client = t.client()
	}
	job, err := undo.Open(t.cfg)
	if err != nil {
		return fail(err)
	}
	defer job.Close()
	if t.dryRun {
		return t.printPlan(stdout, job)
	}
	res, err := job.Run(ctx) // logs its progress, a line per call
	if res != nil {
		t.printResult(stdout, res)
		printSummary(stdout, res.Summary, job.Stats(), res.Elapsed, job.ReportPath())
	}
	switch {
	case errors.Is(err, undo.ErrInterrupted):
		fmt.Fprintf(stderr, "%s: interrupted; the report holds what was done. Re-run the same command to finish.\n", t.name)
		return exitInterrupted
	case errors.Is(err, undo.ErrIncomplete):
		return exitIncomplete
	case err != nil:
		return fail(err)
	}
	return exitOK
}

// actWords says what happens to the rows a run acts on.
func actWords(a undo.Action) string {
	switch a {
	case undo.Delete:
		return "files deleted for good (Wix cannot bring them back)"
	case undo.Restore:
		return "files brought back from the trash; the rows get back their status"
	}
	return "files moved to the trash (restore brings them back)"
}

// fateWords explains each fate for the command's output.
var fateWords = map[undo.Fate]string{
	undo.FateDone:        "with nothing to do: undone already (undo), or not undone (restore)",
	undo.FateNotSelected: "left alone: their status is not one --status asks for",
	undo.FateNoFile:      "without a file to take back: not imported, failed without a file, or invalid",
	undo.FateForeign:     "left alone: their file_id is not one this migration created (no method or attempt)",
	undo.FateInDoubt:     "whose import outcome is unknown: run migrate to settle them first",
}

// printFates lists the rows by fate; withAct lists those acted on too.
func (t *takeBack) printFates(w io.Writer, fates map[undo.Fate]int, withAct bool) {
	for f := undo.FateAct; f <= undo.FateInDoubt; f++ {
		n := fates[f]
		switch {
		case f == undo.FateAct && withAct:
			fmt.Fprintf(w, "  %7d  rows: %s\n", n, actWords(t.cfg.Action))
		case f != undo.FateAct && n > 0:
			fmt.Fprintf(w, "  %7d  rows %s\n", n, fateWords[f])
		}
	}
}

func (t *takeBack) printPlan(w io.Writer, job *undo.Job) int {
	p, err := job.Plan()
	if err != nil {
		fmt.Fprintf(w, "%s: %v\n", t.name, err)
		return exitFatal
	}
	if p.Journal {
		fmt.Fprintf(w, "note: %s holds what an interrupted run learned; the real run applies it first\n", report.JournalPath(job.ReportPath()))
	}
	fmt.Fprintf(w, "dry run: %s of report %s (%d rows, %d files)\n", t.name, job.ReportPath(), p.Rows, p.Files)
	t.printFates(w, p.Fates, true)
	bulk := "Bulk Delete Files"
	if t.cfg.Action == undo.Restore {
		bulk = "Bulk Restore Files From Trash Bin"
	}
	fmt.Fprintf(w, "\nAPI calls: %d (%d %s of up to %d files", p.Calls(), p.BulkCalls, bulk, wix.MaxBulkDelete)
	if p.StatusCalls > 0 {
		fmt.Fprintf(w, ", %d Get File Descriptors of up to %d files to read their status", p.StatusCalls, wix.MaxGetFiles)
	}
	fmt.Fprintf(w, ", %d check of the API first)\n", p.CheckCalls)
	note := fmt.Sprintf("at --rate %g/min", t.rate)
	if t.rate <= 0 {
		note = fmt.Sprintf("with no --rate: at Wix's own limit of %d/min per site", wix.RateLimit)
	}
	fmt.Fprintf(w, "time %s: about %s\n", note, p.Duration.Round(100*time.Millisecond))
	return exitOK
}

func (t *takeBack) printResult(w io.Writer, res *undo.Result) {
	fmt.Fprintf(w, "%s: %d %s", t.name, res.Done, actWords(t.cfg.Action))
	if res.Gone > 0 {
		gone := "already gone from the Media Manager (counted as done)"
		if t.cfg.Action == undo.Restore {
			gone = "no longer in the trash (deleted for good, or the trash was emptied): their rows stay UNDONE"
		}
		fmt.Fprintf(w, "; %d %s", res.Gone, gone)
	}
	if res.Left > 0 {
		fmt.Fprintf(w, "; %d left as they were", res.Left)
	}
	fmt.Fprintln(w)
	t.printFates(w, res.Fates, false)
	for _, p := range res.Problems {
		fmt.Fprintf(w, "  problem: %s\n", truncate(p, 300))
	}
}
