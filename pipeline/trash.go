package pipeline

import (
	"context"
	"errors"
	"log/slog"
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
	if n := count(out, false); n > 0 && ctx.Err() == nil {
		t.log.Warn("could not move the files of failed rows to the trash; those rows are retried by the next run", "rows", n)
	}
	return out
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
