package pipeline

import (
	"errors"
	"fmt"
	"time"

	"github.com/wixmigrate/wixmigrate/manifest"
	"github.com/wixmigrate/wixmigrate/report"
	"github.com/wixmigrate/wixmigrate/wix"
)

// Journal records what a run learns as it happens (report.Journal), so a
// crash loses nothing: an intent is on disk before its import is sent,
// outcomes follow as they are learned.
type Journal interface {
	Intent(keys []manifest.Key, at time.Time) (batch uint64, err error)
	Outcome(key manifest.Key, o report.Outcome) error
	Answered(batch uint64) error
}

// ledger is the one place a run changes outcomes. Each method is one event
// of an import's life; it applies the event to the state, journals the
// result, and keeps the attempt count and the live counters (Stats) in step
// with it, so no other part counts.
type ledger struct {
	state   *report.State
	journal Journal // nil for none
	stats   *Stats
	stop    func(error) // stops the run: one that cannot journal must not import
}

// plan marks an import this run will send, keeping what prev knew of its
// attempts (and, for one in doubt, when it was sent), and returns it.
func (l *ledger) plan(key manifest.Key, prev report.Outcome, what Action) report.Outcome {
	planned := report.Outcome{Attempts: prev.Attempts, Planned: true}
	if what == ActionReconcile {
		planned = prev // still in doubt until settled, with its reason and time
		planned.Planned = true
	}
	if !l.state.Add(key, planned) {
		l.state.Update(key, func(o *report.Outcome) { *o = planned })
	}
	l.stats.Planned.Add(1)
	return planned
}

// attempt counts an attempt for each job not counted yet. It is called as
// a call carrying the jobs goes out; the count reaches the journal with
// the outcome that follows.
func (l *ledger) attempt(batch []job) {
	for i := range batch {
		if batch[i].counted {
			continue
		}
		batch[i].counted = true
		l.stats.Started.Add(1)
		l.stats.LastStart.Store(time.Now().UnixNano())
		l.state.Update(batch[i].key, func(o *report.Outcome) { o.Attempts++ })
	}
}

// intent records, durably, that batch is about to be sent. It returns 0
// without a journal, and false when the run must stop.
func (l *ledger) intent(batch []job, at time.Time) (uint64, bool) {
	if l.journal == nil {
		return 0, true
	}
	keys := make([]manifest.Key, len(batch))
	for i, j := range batch {
		keys[i] = j.key
	}
	id, err := l.journal.Intent(keys, at)
	if err != nil {
		l.stop(fmt.Errorf("journal: %w", err))
		return 0, false
	}
	return id, true
}

// answered closes an intent: its rows' outcomes are recorded.
func (l *ledger) answered(id uint64) {
	if l.journal == nil || id == 0 {
		return
	}
	if err := l.journal.Answered(id); err != nil {
		l.stop(fmt.Errorf("journal: %w", err))
	}
}

// update changes a key's outcome, journals the result and returns it.
func (l *ledger) update(key manifest.Key, change func(*report.Outcome)) report.Outcome {
	var after report.Outcome
	l.state.Update(key, func(o *report.Outcome) {
		change(o)
		after = *o
	})
	if l.journal != nil {
		if err := l.journal.Outcome(key, after); err != nil {
			l.stop(fmt.Errorf("journal: %w", err))
		}
	}
	return after
}

// accepted records a file created by method (an import, an upload, or one
// found by reconciliation) and counts it if it is already final. A pending
// one is for the caller to track.
func (l *ledger) accepted(key manifest.Key, folder string, f *wix.File, method report.Method) report.Outcome {
	l.stats.Imported.Add(1)
	o := l.update(key, func(o *report.Outcome) {
		o.Method = method
		o.Folder = folder
		o.Phase = report.PhaseNone
		o.SetFile(f)
		if o.Updated == 0 {
			o.Updated = time.Now().UnixNano()
		}
		verdict(o)
	})
	l.countFinal(o)
	return o
}

// described records the wix: media URI of a READY file read again for it;
// it reports whether the outcome took it (it is still that file's).
func (l *ledger) described(key manifest.Key, fileID, uri string) bool {
	if uri == "" {
		return false
	}
	took := false
	l.update(key, func(o *report.Outcome) {
		if o.FileID == fileID && o.Status == report.Ready {
			o.SetWixURI(uri)
			took = true
		}
	})
	if took {
		l.stats.Described.Add(1)
	}
	return took
}

// unchecked records a pending file whose processing the run does not wait
// for.
func (l *ledger) unchecked(key manifest.Key) {
	l.stats.finished.Add(1)
	l.update(key, func(o *report.Outcome) { o.Phase = report.PhaseUnchecked })
}

// waiting counts a file the poller started to wait for.
func (l *ledger) waiting() { l.stats.Pending.Add(1) }

// processed records the final descriptor of a file the poller waited for.
func (l *ledger) processed(key manifest.Key, f *wix.File) {
	l.stats.Pending.Add(-1)
	o := l.update(key, func(o *report.Outcome) {
		o.Phase = report.PhaseNone // checked
		o.SetFile(f)
		verdict(o)
	})
	l.countFinal(o)
}

// expired records a file still processing after the pending timeout: it
// stays PENDING, and a re-run polls it again.
func (l *ledger) expired(key manifest.Key, after time.Duration) {
	l.stats.Pending.Add(-1)
	l.stats.TimedOut.Add(1)
	l.stats.finished.Add(1)
	l.update(key, func(o *report.Outcome) {
		o.Phase = report.PhaseNone // checked
		o.SetReason(fmt.Sprintf(report.Reasons.StillProcessing, after))
	})
}

// gone records a file waited for that is no longer in the Media Manager.
func (l *ledger) gone(key manifest.Key) {
	l.stats.Pending.Add(-1)
	l.stats.Failed.Add(1)
	l.stats.finished.Add(1)
	l.update(key, func(o *report.Outcome) {
		o.Status = report.Failed
		o.Phase = report.PhaseNone
		o.SetReason(report.Reasons.FileGone)
	})
}

// failed records a row's failure with reason.
func (l *ledger) failed(key manifest.Key, reason string) {
	l.stats.Failed.Add(1)
	l.stats.finished.Add(1)
	l.update(key, func(o *report.Outcome) {
		o.Status = report.Failed
		o.Phase = report.PhaseNone
		o.SetReason(reason)
		o.Updated = time.Now().UnixNano()
	})
}

// failedBy records err, an API call's error, as the failure of every job in
// batch, in the words Wix gave when it gave some.
func (l *ledger) failedBy(batch []job, err error) {
	reason := err.Error()
	var we *wix.Error
	if errors.As(err, &we) {
		reason = we.Reason()
	}
	if errors.Is(err, wix.ErrUnknownOutcome) {
		reason = fmt.Sprintf(report.Reasons.UnknownOutcome, err)
	}
	for _, j := range batch {
		l.failed(j.key, reason)
	}
}

// inDoubt records imports sent at since whose outcome is unknown and could
// not be settled now: the next run reconciles them before importing again.
func (l *ledger) inDoubt(batch []job, since time.Time, cause error) {
	reason := fmt.Sprintf(report.Reasons.UnknownOutcome, cause)
	l.stats.finished.Add(int64(len(batch)))
	for _, j := range batch {
		l.update(j.key, func(o *report.Outcome) { *o = o.InDoubt(since, reason) })
	}
}

// secondChance takes a row Wix failed out of the failed count while its
// second chance (a fallback upload, or a diagnosis) is under way.
func (l *ledger) secondChance() {
	l.stats.Failed.Add(-1)
	l.stats.Revisits.Add(-1)
}

// fallbackStopped puts it back: the second chance was not taken (the run
// was interrupted before the upload went out; the row keeps Wix's verdict
// and its fallback stays due) or it failed, with reason.
func (l *ledger) fallbackStopped(key manifest.Key, reason string) {
	if reason != "" {
		l.settleFailure(key, reason)
		return
	}
	l.stats.Failed.Add(1)
	l.stats.finished.Add(1) // for this run
}

// settleFailure gives a row Wix failed its final reason: the fallback or
// the diagnosis is done.
func (l *ledger) settleFailure(key manifest.Key, reason string) {
	l.stats.Failed.Add(1)
	l.stats.finished.Add(1)
	l.update(key, func(o *report.Outcome) {
		o.Phase = report.PhaseNone
		o.SetReason(reason)
	})
}

// left counts a row read that the run leaves as it is: prev is its
// outcome. One Wix failed that an earlier run left without its second
// chance gets it in this run (fallbackPass).
func (l *ledger) left(what Action, prev report.Outcome) {
	switch {
	case what == ActionKeep && prev.Phase == report.PhaseWixFailed:
		l.stats.Failed.Add(1)
		l.stats.Revisits.Add(1)
	case what == ActionKeep:
		l.stats.Kept.Add(1)
		l.stats.finished.Add(1)
	case what == ActionDuplicate, what == ActionReject:
		l.stats.finished.Add(1)
	}
}

// processingTime records Wix's recent processing time of a file.
func (l *ledger) processingTime(d time.Duration) { l.stats.Processing.Store(int64(d)) }

// countFinal counts an outcome final, and a second chance due when Wix
// failed the import.
func (l *ledger) countFinal(o report.Outcome) {
	switch o.Status {
	case report.Ready:
		l.stats.Ready.Add(1)
		l.stats.finished.Add(1)
	case report.Failed:
		l.stats.Failed.Add(1)
		if o.Phase == report.PhaseWixFailed {
			l.stats.Revisits.Add(1)
		} else {
			l.stats.finished.Add(1)
		}
	}
}

// verdict gives a file Wix marked FAILED its phase and reason: a URL import
// gets a fallback upload or a diagnosis later; an upload is final.
func verdict(o *report.Outcome) {
	if o.Status != report.Failed {
		return
	}
	if o.Method == report.MethodImport {
		o.Phase = report.PhaseWixFailed
		o.SetReason(report.Reasons.WixFailed)
		return
	}
	o.SetReason(report.Reasons.UploadFailed)
}
