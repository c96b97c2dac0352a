package pipeline

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/wixmigrate/wixmigrate/report"
	"github.com/wixmigrate/wixmigrate/wix"
)

// Reasons written to the report for failures the pipeline itself decides.
const (
	reasonUnknownOutcome = "import outcome unknown: Wix's answer was lost (%v); the next run looks for the file before importing again"
	reasonWixFailed      = "Wix could not process the file (operationStatus FAILED; Wix gives no reason)"
	reasonUploadFailed   = "Wix could not process the uploaded file (operationStatus FAILED): it is probably not media Wix accepts"
)

// errMissingResult is the cause of rows a bulk answer left out.
var errMissingResult = errors.New("the bulk import answer had no result for the row")

// wixFailedReason is the reason for a file Wix marked FAILED. Failed URL
// imports get a better one later, from the fallback or a diagnosis.
func wixFailedReason(m report.Method) string {
	if m == report.MethodImport {
		return reasonWixFailed
	}
	return reasonUploadFailed
}

// importBatch sends one batch and records each row's answer.
func (r *run) importBatch(ctx context.Context, batch []job) {
	if ctx.Err() != nil {
		return // interrupted: the rows stay "not imported yet"
	}
	for i := range batch {
		r.state.Update(batch[i].key, func(o *report.Outcome) { o.Attempts++ })
	}
	if r.cfg.BatchSize == 1 {
		for _, j := range batch {
			r.send(ctx, []job{j})
		}
		return
	}
	r.send(ctx, batch)
}

// importBatchNoCount re-sends part of a batch whose attempt was counted already.
func (r *run) importBatchNoCount(ctx context.Context, batch []job) {
	if ctx.Err() != nil {
		return // not sent again: the attempt that was sent stays counted
	}
	for i := range batch {
		r.state.Update(batch[i].key, func(o *report.Outcome) { o.Attempts-- })
	}
	r.importBatch(ctx, batch)
}

// send makes one import call for batch: Bulk Import File, or Import File
// at --batch-size 1. The intent is on disk before the call goes out, and
// closed once every row's outcome is recorded.
func (r *run) send(ctx context.Context, batch []job) {
	sent := time.Now()
	id, ok := r.intent(batch, sent)
	if !ok {
		r.unplan(batch)
		return
	}
	results, err := r.callImport(ctx, batch)
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
				reason := "Wix refused the import"
				if e := res.ItemMetadata.Error; e != nil && e.Description != "" {
					reason = e.Description
				}
				r.fail(batch[i], reason)
				continue
			}
			r.accepted(batch[i], res.Item)
		}
		if len(unanswered) > 0 {
			settled = r.reimport(ctx, unanswered, sent, errMissingResult)
		}
	case wix.IsPermanent(err) && len(batch) > 1:
		// One bad item can make Wix refuse the whole call: split the batch
		// to pin the failure on the rows that cause it.
		r.log.Debug("bulk import refused, splitting the batch", "rows", len(batch), "err", err)
		half := len(batch) / 2
		r.importBatchNoCount(ctx, batch[:half])
		r.importBatchNoCount(ctx, batch[half:])
	case errors.Is(err, wix.ErrUnknownOutcome):
		settled = r.reimport(ctx, batch, sent, err)
	default:
		r.failJobs(batch, err)
	}
	if settled {
		r.answered(id)
	}
}

// callImport sends the import call and returns one result per job, in order.
func (r *run) callImport(ctx context.Context, batch []job) ([]wix.BulkImportResult, error) {
	if r.cfg.BatchSize == 1 {
		var f *wix.File
		err := r.call(ctx, "ImportFile", func(ctx context.Context) (err error) {
			f, err = r.cfg.Client.ImportFile(ctx, &batch[0].req)
			return err
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
	var resp *wix.BulkImportFileResponse
	err := r.call(ctx, "BulkImportFile", func(ctx context.Context) (err error) {
		resp, err = r.cfg.Client.BulkImportFiles(ctx, reqs)
		return err
	})
	if err != nil {
		return nil, err
	}
	return resp.Results, nil
}

// accepted records a file created by an import and hands it to the poller.
func (r *run) accepted(j job, f *wix.File) { r.acceptedBy(j, f, report.MethodImport) }

// acceptedBy records a file created by method and hands it to the poller.
func (r *run) acceptedBy(j job, f *wix.File, method report.Method) {
	r.stats.Imported.Add(1)
	r.folders.learn(&j.req, f)
	var o report.Outcome
	r.update(j.key, func(out *report.Outcome) {
		out.Method = method
		out.Folder = j.req.ParentFolderID
		out.SetFile(f)
		if out.Updated == 0 {
			out.Updated = time.Now().UnixNano()
		}
		o = *out
	})
	r.settled(j, o)
}

// settled routes an outcome: final ones are counted, pending ones polled.
func (r *run) settled(j job, o report.Outcome) {
	switch o.Status {
	case report.Ready:
		r.stats.Ready.Add(1)
	case report.Failed:
		r.update(j.key, func(out *report.Outcome) { out.SetReason(wixFailedReason(out.Method)) })
		r.stats.Failed.Add(1)
	default:
		if r.poller.track(o.FileID, o.Folder, j.key, o.Updated) {
			r.stats.Pending.Add(1)
		}
	}
}

// failJobs records a whole call's failure on its rows, or stops the run.
func (r *run) failJobs(batch []job, err error) {
	switch {
	case errors.Is(err, ErrAuth):
		r.fatal(err)
		r.unplan(batch)
		return
	case errors.Is(err, context.Canceled):
		r.unplan(batch) // interrupted while waiting for the limiter: never sent
		return
	}
	reason := err.Error()
	var we *wix.Error
	if errors.As(err, &we) {
		reason = we.Reason()
	}
	if errors.Is(err, wix.ErrUnknownOutcome) {
		reason = fmt.Sprintf(reasonUnknownOutcome, err)
	}
	for _, j := range batch {
		r.fail(j, reason)
	}
}

// unplan undoes the attempt count of rows that were never sent.
func (r *run) unplan(batch []job) {
	for _, j := range batch {
		r.state.Update(j.key, func(o *report.Outcome) { o.Attempts-- })
	}
}

// fail records a row's failure with reason.
func (r *run) fail(j job, reason string) {
	r.stats.Failed.Add(1)
	r.update(j.key, func(o *report.Outcome) {
		o.Status = report.Failed
		o.SetReason(reason)
		o.Updated = time.Now().UnixNano()
	})
}
