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
	calls  *caller
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

// send makes one Bulk Delete Files call for ids. Wix may refuse a call
// naming a file it does not have (404): halving the call pins that on the
// files at fault, which are out of the way already.
func (t *trasher) send(ctx context.Context, ids []string, out []bool) {
	err := t.calls.do(ctx, wix.EndpointBulkDeleteFiles, func(ctx context.Context) error {
		return t.client.BulkDeleteFiles(ctx, ids, false)
	})
	switch {
	case err == nil:
		fill(out, true)
	case wix.IsNotFound(err) && len(ids) > 1:
		half := len(ids) / 2
		t.send(ctx, ids[:half], out[:half])
		t.send(ctx, ids[half:], out[half:])
	case wix.IsNotFound(err):
		out[0] = true
	case errors.Is(err, ErrAuth):
		t.stop(err)
	case ctx.Err() == nil:
		t.log.Debug("moving files to the trash failed", "files", len(ids), "err", err)
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

func fill(b []bool, v bool) {
	for i := range b {
		b[i] = v
	}
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
