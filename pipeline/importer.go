package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/wixmigrate/wixmigrate/report"
	"github.com/wixmigrate/wixmigrate/wix"
)

// importAPI is what the importer calls.
type importAPI interface {
	ImportFile(ctx context.Context, req *wix.ImportFileRequest) (*wix.File, error)
	BulkImportFiles(ctx context.Context, reqs []wix.ImportFileRequest) (*wix.BulkImportFileResponse, error)
}

// errMissingResult is the cause of rows a bulk answer left out.
var errMissingResult = errors.New("the bulk import answer had no result for the row")

// reconcileGroup is how many rows in doubt share one reconciliation.
const reconcileGroup = 2000

// importer sends URL imports: Bulk Import File calls (Import File at batch
// size 1) from a bounded errgroup, each one journaled as an intent first.
type importer struct {
	s          Settings
	client     importAPI
	calls      *Caller
	ledger     *ledger
	poller     *poller
	reconciler *reconciler
	log        *slog.Logger
	stop       func(error)
}

// importAll sends the queued jobs in batches from a bounded errgroup.
func (im *importer) importAll(ctx context.Context, jobs <-chan job) error {
	var g errgroup.Group
	g.SetLimit(im.s.Concurrency)
	// Imports in doubt from an earlier run are batched apart: they are
	// reconciled before any of them is sent again.
	var fresh, doubt []job
	flush := func(b *[]job) {
		batch := *b
		*b = nil
		g.Go(func() error {
			if !batch[0].since.IsZero() {
				im.reconcileThenImport(ctx, batch)
			} else {
				im.importBatch(ctx, batch)
			}
			return nil
		})
	}
	for j := range jobs {
		b, size := &fresh, im.s.BatchSize
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

// importBatch sends one batch and records each row's answer.
func (im *importer) importBatch(ctx context.Context, batch []job) {
	if ctx.Err() != nil {
		return // interrupted: the rows stay "not imported yet", or as they were
	}
	if im.s.BatchSize == 1 {
		for i := range batch {
			im.send(ctx, batch[i:i+1])
		}
		return
	}
	im.send(ctx, batch)
}

// send makes one import call for batch. The intent is on disk before the
// call goes out, and closed once every row's outcome is recorded.
func (im *importer) send(ctx context.Context, batch []job) {
	sent := time.Now()
	id, ok := im.ledger.intent(batch, sent)
	if !ok {
		return
	}
	results, err := im.callImport(ctx, batch)
	if !errors.Is(err, ErrAuth) && !errors.Is(err, context.Canceled) && !errors.Is(err, wix.ErrNotSent) {
		im.ledger.attempt(batch) // the call went out
	}
	settled := true
	switch {
	case err == nil:
		var unanswered []job
		for i, res := range results {
			if e := res.ItemMetadata.Error; e != nil && e.Code == wix.CodeMissingResult {
				unanswered = append(unanswered, batch[i])
				continue
			}
			if !res.ItemMetadata.Success || res.Item == nil {
				reason := report.Reasons.Refused
				if e := res.ItemMetadata.Error; e != nil && e.Description != "" {
					reason = e.Description
				}
				im.ledger.failed(batch[i].key, reason)
				continue
			}
			im.reconciler.accept(batch[i], res.Item, report.MethodImport)
		}
		if len(unanswered) > 0 {
			settled = im.reimport(ctx, unanswered, sent, errMissingResult)
		}
	case wix.IsPermanent(err) && len(batch) > 1:
		// One bad item can make Wix refuse the whole call: split the batch
		// to pin the failure on the rows that cause it.
		im.log.Debug("bulk import refused, splitting the batch", "rows", len(batch), "err", err)
		half := len(batch) / 2
		im.importBatch(ctx, batch[:half])
		im.importBatch(ctx, batch[half:])
	case errors.Is(err, wix.ErrUnknownOutcome):
		settled = im.reimport(ctx, batch, sent, err)
	default:
		im.callFailed(batch, err)
	}
	if settled {
		im.ledger.answered(id)
	}
}

// callImport sends the import call and returns one result per job, in order.
func (im *importer) callImport(ctx context.Context, batch []job) ([]wix.BulkImportResult, error) {
	if im.s.BatchSize == 1 {
		f, err := call(ctx, im.calls, wix.EndpointImportFile, func(ctx context.Context) (*wix.File, error) {
			return im.client.ImportFile(ctx, &batch[0].req)
		})
		if err != nil {
			return nil, err
		}
		return []wix.BulkImportResult{{ItemMetadata: wix.ItemMetadata{Success: true}, Item: f}}, nil
	}
	reqs := make([]wix.ImportFileRequest, len(batch))
	for i, j := range batch {
		reqs[i] = j.req
	}
	resp, err := call(ctx, im.calls, wix.EndpointBulkImportFile, func(ctx context.Context) (*wix.BulkImportFileResponse, error) {
		return im.client.BulkImportFiles(ctx, reqs)
	})
	if err != nil {
		return nil, err
	}
	return resp.Results, nil
}

// callFailed records a whole call's failure on its rows, or stops the run.
// Rows of a call that never went out stay as they were.
func (im *importer) callFailed(batch []job, err error) {
	switch {
	case errors.Is(err, ErrAuth):
		im.stop(err)
		return
	case errors.Is(err, context.Canceled):
		return // interrupted while waiting for the limiter: never sent
	case errors.Is(err, wix.ErrNotSent):
		// No connection to the API through every retry: it is gone, not
		// these rows' fault. They stay not imported; the next run sends them.
		im.stop(fmt.Errorf("%w: %w", ErrAPILost, err))
		return
	}
	im.ledger.failedBy(batch, err)
}

// reimport is what send does with an unknown outcome: reconcile, and send
// again only what was not found. It reports whether every row is settled
// (false: some stay in doubt for the next run).
func (im *importer) reimport(ctx context.Context, batch []job, since time.Time, cause error) bool {
	rest, err := im.reconciler.reconcile(ctx, batch, since)
	if err != nil {
		im.ledger.inDoubt(rest, since, cause)
		return false
	}
	var again, givenUp []job
	for _, j := range rest {
		j.reconciles++
		if j.reconciles > maxReconciles {
			givenUp = append(givenUp, j)
		} else {
			again = append(again, j)
		}
	}
	if len(givenUp) > 0 {
		im.ledger.failedBy(givenUp, fmt.Errorf("%d lost answers in a row: %w", maxReconciles, cause))
	}
	if len(again) == 0 {
		return true
	}
	if ctx.Err() != nil {
		im.ledger.inDoubt(again, since, cause) // checked, not found, not sent again: the next run checks once more
		return false
	}
	im.importBatch(ctx, again)
	return true
}

// reconcileThenImport handles imports an earlier run left in doubt.
func (im *importer) reconcileThenImport(ctx context.Context, batch []job) {
	since := batch[0].since
	for _, j := range batch {
		if j.since.Before(since) {
			since = j.since
		}
	}
	rest, err := im.reconciler.reconcile(ctx, batch, since)
	if err != nil {
		if ctx.Err() == nil {
			im.log.Warn("could not check for files of imports left in doubt; they stay in doubt", "rows", len(batch), "err", err)
		}
		return // their outcome stays as it was: in doubt, for the next run
	}
	for chunk := range slices.Chunk(rest, im.s.BatchSize) {
		if ctx.Err() != nil {
			return
		}
		im.importBatch(ctx, chunk)
	}
}
