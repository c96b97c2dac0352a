package pipeline

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/wixmigrate/wixmigrate/manifest"
	"github.com/wixmigrate/wixmigrate/report"
	"github.com/wixmigrate/wixmigrate/wix"
)

// trashAPI is what the trasher calls.
type trashAPI interface {
	BulkDeleteFiles(ctx context.Context, fileIDs []string, permanent bool) error
}

// trasher moves the files of FAILED rows about to be imported again to the
// Media Manager's trash bin (never deleting them for good: the site owner
// can restore them), through the run's caller like any other call.
type trasher struct {
	client trashAPI
	calls  *Caller
	ledger *ledger
	log    *slog.Logger
	stop   func(error)

	mu      sync.Mutex
	pending []string // failed files replaced by fallback uploads, for flush
}

// trash moves fileIDs (at most wix.MaxBulkDelete) to the trash and says,
// per ID, whether the file is out of the way: trashed now, or no longer in
// the Media Manager at all. A file that could not be trashed (Wix trouble
// past the retries, an interrupt) is left where it was.
func (t *trasher) trash(ctx context.Context, fileIDs []string) []bool {
	out := make([]bool, len(fileIDs))
	if len(fileIDs) > 0 {
		t.send(ctx, fileIDs, out)
	}
	return out
}

// later queues the failed file of a row a fallback upload replaced, to be
// trashed with others (a call per wix.MaxBulkDelete files, not per row).
func (t *trasher) later(ctx context.Context, fileID string) {
	t.mu.Lock()
	t.pending = append(t.pending, fileID)
	var full []string
	if len(t.pending) == wix.MaxBulkDelete {
		full, t.pending = t.pending, nil
	}
	t.mu.Unlock()
	if full != nil {
		t.trashLeftovers(ctx, full)
	}
}

// flush trashes what later queued.
func (t *trasher) flush(ctx context.Context) {
	t.mu.Lock()
	rest := t.pending
	t.pending = nil
	t.mu.Unlock()
	if len(rest) > 0 {
		t.trashLeftovers(ctx, rest)
	}
}

// trashLeftovers trashes failed files whose rows have a new file already:
// best effort, as the rows do not depend on it.
func (t *trasher) trashLeftovers(ctx context.Context, fileIDs []string) {
	if n := count(t.trash(ctx, fileIDs), false); n > 0 && ctx.Err() == nil {
		t.log.Warn("could not move the failed files of imports that fallback uploads replaced to the trash; they stay in the Media Manager", "files", n)
	}
}

// send makes one Bulk Delete Files call for ids (to the trash, never for
// good), saying per ID whether the file is out of the way.
func (t *trasher) send(ctx context.Context, ids []string, out []bool) {
	verdicts, err := BulkFiles(ctx, t.calls, wix.EndpointBulkDeleteFiles, ids, func(ctx context.Context, ids []string) error {
		return t.client.BulkDeleteFiles(ctx, ids, false)
	})
	for i, v := range verdicts {
		out[i] = v != FileUntouched
	}
	switch {
	case errors.Is(err, ErrAuth):
		t.stop(err)
	case err != nil && ctx.Err() == nil:
		t.log.Debug("moving files to the trash failed", "files", count(out, false), "err", err)
	}
}

// FileVerdict is what a bulk call naming files (Bulk Delete Files, Bulk
// Restore Files From Trash Bin) did to one of them.
type FileVerdict uint8

// File verdicts.
const (
	// FileUntouched: the call was not made (ctx ended first) or failed
	// (see BulkFiles' error); the file is as it was.
	FileUntouched FileVerdict = iota
	// FileDone: the call succeeded with the file named.
	FileDone
	// FileUnknown: the Media Manager does not have the file: deleted for
	// good (or never there). Wix refused a call naming it (404).
	FileUnknown
)

// BulkFiles makes one call of ep through c: fn with ids (as many as one
// call takes), and returns each file's verdict, in ids' order. Wix may
// refuse a call naming a file it does not have (404, whatever the other
// files): when its answer names them (data.fileIds) they are marked
// FileUnknown and the call is made again without them; when it does not,
// halving the call pins the refusal on the files at fault. Files left
// FileUntouched come with the error of their call (the first one); an
// interrupt (ctx ending) leaves the rest untouched with ctx's error.
func BulkFiles(ctx context.Context, c *Caller, ep wix.Endpoint, ids []string, fn func(ctx context.Context, ids []string) error) ([]FileVerdict, error) {
	out := make([]FileVerdict, len(ids))
	err := bulkFiles(ctx, c, ep, ids, out, fn)
	return out, err
}

func bulkFiles(ctx context.Context, c *Caller, ep wix.Endpoint, ids []string, out []FileVerdict, fn func(context.Context, []string) error) error {
	if len(ids) == 0 {
		return nil
	}
	err := c.Do(ctx, ep, func(ctx context.Context) error { return fn(ctx, ids) })
	var werr *wix.Error
	switch {
	case err == nil:
		fillVerdicts(out, FileDone)
		return nil
	case !wix.IsNotFound(err):
		return err
	case len(ids) == 1:
		out[0] = FileUnknown
		return nil
	case errors.As(err, &werr) && len(werr.MissingFileIDs) > 0:
		missing := map[string]bool{}
		for _, id := range werr.MissingFileIDs {
			missing[id] = true
		}
		var rest []string
		var at []int
		for i, id := range ids {
			if missing[id] {
				out[i] = FileUnknown
			} else {
				rest, at = append(rest, id), append(at, i)
			}
		}
		if len(rest) == len(ids) { // it names none of ours: halve
			break
		}
		sub := make([]FileVerdict, len(rest))
		err := bulkFiles(ctx, c, ep, rest, sub, fn)
		for j, i := range at {
			out[i] = sub[j]
		}
		return err
	}
	half := len(ids) / 2
	return errors.Join(bulkFiles(ctx, c, ep, ids[:half], out[:half], fn), bulkFiles(ctx, c, ep, ids[half:], out[half:], fn))
}

func fillVerdicts(v []FileVerdict, to FileVerdict) {
	for i := range v {
		v[i] = to
	}
}

// trashed records that key's failed file is in the trash (or gone): the
// row stays FAILED, without a file, until it is imported again. It returns
// the new outcome.
func (l *ledger) trashed(key manifest.Key) report.Outcome {
	return l.update(key, func(o *report.Outcome) {
		*o = report.Outcome{Status: report.Failed, Method: o.Method, Attempts: o.Attempts, Updated: time.Now().UnixNano()}
		o.SetReason(report.Reasons.Trashed)
	})
}

func count(b []bool, v bool) int {
	n := 0
	for _, x := range b {
		if x == v {
			n++
		}
	}
	return n
}
