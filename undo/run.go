package undo

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/wixmigrate/wixmigrate/internal/atomicfile"
	"github.com/wixmigrate/wixmigrate/manifest"
	"github.com/wixmigrate/wixmigrate/pipeline"
	"github.com/wixmigrate/wixmigrate/report"
	"github.com/wixmigrate/wixmigrate/wix"
)

var statFile = os.Stat

// Run checks that the API answers and takes the key and the site ID (a
// *wix.AccessError if not, with nothing written), replays the journal an
// interrupted run left (refusing one another command must finish, a
// *report.UnfinishedError), sends the calls, and writes the report when
// done; the journal is then removed and the lock released. It returns a
// Result whenever the report was written, also with an error:
// ErrIncomplete, ErrInterrupted, or a run-stopping one (bad credentials, a
// journal that cannot be written).
func (j *Job) Run(ctx context.Context) (*Result, error) {
	if j.used {
		return nil, errUsed
	}
	j.used = true
	defer j.Close()
	switch {
	case j.cfg.Client == nil:
		return nil, errors.New("no Wix client")
	case j.lock == nil:
		return nil, errors.New("opened with NoLock: a run needs the report's lock")
	}
	if err := atomicfile.CheckWritable(j.cfg.Report); err != nil {
		return nil, fmt.Errorf("report %s is not writable: %w", j.cfg.Report, err)
	}
	start := time.Now()
	pcfg := pipeline.Config{Settings: j.cfg.Settings, Client: j.cfg.Client, Logger: j.log}
	if err := pipeline.CheckAccess(ctx, pcfg, &j.stats); err != nil {
		if ctx.Err() != nil {
			return nil, ErrInterrupted // nothing sent, nothing to write
		}
		return nil, err
	}
	journalPath := report.JournalPath(j.cfg.Report)
	journal, resumed, err := report.OpenJournalInto(journalPath, j.state)
	if err != nil {
		return nil, err
	}
	defer journal.Close()
	if err := resumed.Unfinished(j.cfg.Report, j.cfg.Action.command()); err != nil {
		return nil, err
	}
	if resumed.Records > 0 {
		j.log.Info("replayed the journal of an interrupted run", "journal", journalPath, "records", resumed.Records,
			"files_sent_unanswered", resumed.OpenUndo+resumed.OpenRestore)
	}
	sel, err := j.selectRows()
	if err != nil {
		return nil, err
	}
	res := &Result{Fates: map[Fate]int{}}
	for f, n := range sel.fates {
		if n > 0 {
			res.Fates[Fate(f)] = n
		}
	}
	if n := res.Fates[FateInDoubt]; n > 0 {
		res.problem(fmt.Sprintf("%d rows: %s; run the migration again to settle them, then this command", n, FateInDoubt))
	}
	s := &sender{job: j, journal: journal, calls: pipeline.NewCaller(j.cfg.Settings, &j.stats, j.log), res: res,
		unanswered: resumed.Unanswered}
	runErr := s.sendAll(ctx, sel.files)
	if err := journal.Sync(); err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	sum, err := report.Rewrite(j.cfg.Report, j.opts, j.state)
	if err != nil {
		return nil, err
	}
	res.Summary = sum
	if err := journal.Remove(); err != nil {
		j.log.Warn("could not remove the journal; the next run replays it harmlessly", "journal", journalPath, "err", err)
	}
	res.Elapsed = time.Since(start)
	switch {
	case runErr != nil:
		return res, runErr
	case ctx.Err() != nil && res.Left > 0:
		return res, ErrInterrupted
	case res.Incomplete(j.cfg.Action):
		return res, ErrIncomplete
	}
	return res, nil
}

// sender makes a run's calls and records what they did.
type sender struct {
	job     *Job
	journal *report.Journal
	calls   *pipeline.Caller
	res     *Result
	byFile  map[string][]manifest.Key
	// at is when the run began sending, as its rows' reasons say it: one
	// time for the run, so they read alike.
	at   string
	sent bool // a call was made
	// unanswered are the files of calls an interrupted run sent with no
	// answer recorded: deleted for good, maybe.
	unanswered map[string]bool
}

// UnknownFilesError says that the site knows none of the files of an
// undo's first call (that are not UNDONE already): the report is probably
// not this site's (a wrong site ID). Nothing was changed or recorded.
type UnknownFilesError struct {
	Files  int
	SiteID string
}

func (e *UnknownFilesError) Error() string {
	return fmt.Sprintf("site %s knows none of the %d files of the first call: is it the site the report's migration imported into? Nothing was changed; run again with the right site ID (or, if they were deleted for good, that is why)",
		e.SiteID, e.Files)
}

// noneKnown reports whether Wix knew none of the files of an undo's call,
// counting only files of rows not UNDONE and not sent by an interrupted
// run (those may be gone for good, rightly), and at least one. (Restore needs no such check: a row it
// cannot restore stays UNDONE, and a run against the right site restores
// it.)
func (s *sender) noneKnown(ids []string, verdicts []pipeline.FileVerdict) bool {
	counted := 0
	for i, id := range ids {
		if s.undone(id) || s.unanswered[id] {
			continue
		}
		if verdicts[i] != pipeline.FileUnknown {
			return false
		}
		counted++
	}
	return counted > 0
}

// undone reports whether the rows of file id are UNDONE already.
func (s *sender) undone(id string) bool {
	for _, key := range s.byFile[id] {
		if o, _ := s.job.state.Get(key); o.Status == report.Undone {
			return true
		}
	}
	return false
}

// sendAll acts on files, a call per wix.MaxBulkDelete. It stops at the
// first error that stops the run (credentials, the journal); an interrupt
// leaves the rest as they were.
func (s *sender) sendAll(ctx context.Context, files []string) error {
	s.byFile = report.FileIndex(s.job.state)
	s.at = time.Now().UTC().Format(time.RFC3339)
	sent := 0
	for chunk := range slices.Chunk(files, wix.MaxBulkDelete) {
		if ctx.Err() != nil {
			s.leave(len(chunk), ctx.Err())
			continue
		}
		if err := s.send(ctx, chunk); err != nil {
			return err
		}
		sent += len(chunk)
		s.job.log.Info("progress", "action", s.job.cfg.Action.command(), "files_sent", sent, "files", len(files),
			"done", s.res.Done, "gone", s.res.Gone, "left", s.res.Left, "api_calls", s.job.stats.TotalCalls())
	}
	return nil
}

// send makes one bulk call: the intent first, durably, then the call, then
// each file's outcome and the answer.
func (s *sender) send(ctx context.Context, ids []string) error {
	var batch uint64
	var err error
	if s.job.cfg.Action == Restore {
		batch, err = s.journal.RestoreIntent(ids, time.Now())
	} else {
		batch, err = s.journal.UndoIntent(ids, time.Now())
	}
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	client, action := s.job.cfg.Client, s.job.cfg.Action
	ep := wix.EndpointBulkDeleteFiles
	fn := func(ctx context.Context, ids []string) error {
		return client.BulkDeleteFiles(ctx, ids, action == Delete)
	}
	if action == Restore {
		ep = wix.EndpointBulkRestoreFilesFromTrashBin
		fn = client.BulkRestoreFiles
	}
	verdicts, callErr := pipeline.BulkFiles(ctx, s.calls, ep, ids, fn)
	if errors.Is(callErr, pipeline.ErrAuth) || errors.As(callErr, new(*wix.AccessError)) {
		return callErr
	}
	first := !s.sent
	s.sent = true
	if first && action != Restore && s.noneKnown(ids, verdicts) {
		// Nothing changed (Wix refused every file): record nothing, so a
		// run against the right site still finds every row to do.
		if err := s.journal.Answered(batch); err != nil {
			return fmt.Errorf("journal: %w", err)
		}
		s.leave(len(ids), nil)
		return &UnknownFilesError{Files: len(ids), SiteID: client.SiteID}
	}
	var restored []string
	for i, id := range ids {
		switch {
		case verdicts[i] == pipeline.FileUntouched:
			s.leave(1, callErr)
			continue
		case action == Restore && verdicts[i] == pipeline.FileDone:
			restored = append(restored, id)
			continue
		case verdicts[i] == pipeline.FileUnknown:
			s.res.Gone++
		default:
			s.res.Done++
		}
		reason := report.Reasons.UndoTrashed
		switch {
		case action == Restore:
			reason = report.Reasons.NotRestored
		case action == Delete:
			reason = report.Reasons.UndoDeleted
		case verdicts[i] == pipeline.FileUnknown:
			reason = report.Reasons.UndoGone
		}
		if err := s.record(id, func(o *report.Outcome) {
			if o.Status != report.Undone {
				o.Before, o.Status = o.Status, report.Undone
			}
			o.Phase = report.PhaseNone // nothing is due for it but restore
			o.SetReason(fmt.Sprintf(reason, s.at))
		}); err != nil {
			return err
		}
	}
	if action == Restore && len(restored) > 0 {
		if err := s.checkRestored(ctx, restored); err != nil {
			return err
		}
	}
	if err := s.journal.Answered(batch); err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	return nil
}

// checkRestored reads the restored files' status, 100 a call, and marks
// their rows as Wix has them now: as they were before undo, or further
// along (a file that was PENDING may be READY). A file whose status cannot
// be read is marked with the status its row had before undo.
func (s *sender) checkRestored(ctx context.Context, ids []string) error {
	client := s.job.cfg.Client
	for chunk := range slices.Chunk(ids, wix.MaxGetFiles) {
		found := map[string]*wix.File{}
		verdicts, err := pipeline.BulkFiles(ctx, s.calls, wix.EndpointGetFileDescriptors, chunk, func(ctx context.Context, ids []string) error {
			files, err := client.GetFiles(ctx, ids)
			for i := range files {
				found[files[i].ID] = &files[i]
			}
			return err
		})
		if errors.Is(err, pipeline.ErrAuth) {
			return err
		}
		for i, id := range chunk {
			f := found[id]
			if verdicts[i] == pipeline.FileUnknown {
				// Deleted for good between the two calls.
				s.res.Gone++
				s.res.problem("a file restored was deleted for good before its status could be read")
				continue
			}
			s.res.Done++
			if err := s.record(id, func(o *report.Outcome) { restoredOutcome(o, f) }); err != nil {
				return err
			}
		}
	}
	return nil
}

// restoredOutcome makes an Undone outcome what it was before undo, as f
// (nil when its status could not be read) says it is now.
func restoredOutcome(o *report.Outcome, f *wix.File) {
	o.Status, o.Before, o.Phase = o.Before, report.Unknown, report.PhaseNone
	o.SetReason("")
	if f != nil {
		o.SetFile(f)
	}
	if o.Status == report.Failed {
		// Wix gives no reason for a FAILED file; what made it FAILED
		// before undo is in the words the pipeline uses for it.
		reason := report.Reasons.UploadFailed
		if o.Method == report.MethodImport {
			reason, o.Phase = report.Reasons.WixFailed, report.PhaseWixFailed
		}
		o.SetReason(reason)
	}
	if o.Status == report.Unknown { // a hand-made UNDONE row without status_before_undo, unread
		o.Status = report.Pending
	}
}

// record changes the outcome of every import whose file is id and journals
// the new one.
func (s *sender) record(id string, change func(*report.Outcome)) error {
	var last report.Outcome
	for _, key := range s.byFile[id] {
		s.job.state.Update(key, func(o *report.Outcome) {
			if o.FileID == id {
				change(o)
				last = *o
			}
		})
	}
	if last.FileID == "" {
		return nil
	}
	if err := s.journal.FileOutcome(last); err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	return nil
}

// leave counts n files left as they were, and why.
func (s *sender) leave(n int, why error) {
	s.res.Left += n
	if why != nil && !errors.Is(why, context.Canceled) {
		s.res.problem(why.Error())
	}
}
