package pipeline

import (
	"context"
	"fmt"
	"net/url"
	"path"
	"sync"
	"time"

	"github.com/wixmigrate/wixmigrate/report"
	"github.com/wixmigrate/wixmigrate/wix"
)

// Reconciliation settles imports whose outcome is unknown: the answer was
// lost (5xx, timeout, dropped connection), or a crash came between sending
// and recording it. Before anything is sent again, the target folder is
// searched for files from the same source created since the import was
// sent; those are adopted and only the rest is imported again. This is what
// keeps a re-run from filling the Media Manager with duplicates.

// maxReconciles bounds how often one row goes through lost answers in a run.
const maxReconciles = 5

// reconcileMaxPages bounds the listing of one folder: beyond this many pages
// of files newer than the import, the search gives up (and imports again).
const reconcileMaxPages = 50

// folderCache remembers which folder ID a (parent, filePath) placement
// became, learned from accepted imports, so reconciliation can list it.
type folderCache struct {
	mu sync.Mutex
	m  map[string]string
}

func placementKey(parent, filePath string) string { return parent + "\x00" + filePath }

func (c *folderCache) learn(req *wix.ImportFileRequest, f *wix.File) {
	if req.FilePath == "" || f.ParentFolderID == "" {
		return
	}
	c.mu.Lock()
	if c.m == nil {
		c.m = map[string]string{}
	}
	c.m[placementKey(req.ParentFolderID, req.FilePath)] = f.ParentFolderID
	c.mu.Unlock()
}

func (c *folderCache) lookup(req *wix.ImportFileRequest) (string, bool) {
	if req.FilePath == "" {
		return req.ParentFolderID, true
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	id, ok := c.m[placementKey(req.ParentFolderID, req.FilePath)]
	return id, ok
}

// reconcile looks for files created by the jobs' imports since `since`,
// adopts what it finds, and returns the jobs with no file, to import again.
func (r *run) reconcile(ctx context.Context, batch []job, since time.Time) ([]job, error) {
	if r.cfg.ReconcileDelay > 0 {
		if err := sleep(ctx, r.cfg.ReconcileDelay); err != nil {
			return batch, err // Wix may list a new file a moment late
		}
	}
	after := since.Add(-clockMargin)
	bySource := map[string][]wix.File{}
	listed := map[string]bool{}
	searched := map[string]bool{}
	for _, j := range batch {
		var err error
		var files []wix.File
		if folder, ok := r.folders.lookup(&j.req); ok {
			if listed[folder] {
				continue
			}
			listed[folder] = true
			files, err = r.listSince(ctx, folder, after)
		} else {
			term := searchTerm(&j.req)
			if searched[term] {
				continue
			}
			searched[term] = true
			files, err = r.searchSince(ctx, term, after)
		}
		if err != nil {
			return batch, err
		}
		for _, f := range files {
			if f.CreatedDate == nil || !f.CreatedDate.Before(after) {
				bySource[f.SourceURL] = append(bySource[f.SourceURL], f)
			}
		}
	}
	claimed := map[string]bool{}
	var rest []job
	for _, j := range batch {
		var found *wix.File
		for i := range bySource[j.req.URL] {
			f := &bySource[j.req.URL][i]
			if !claimed[f.ID] && sameName(f.DisplayName, j.req.DisplayName) {
				found = f
				break
			}
		}
		if found == nil {
			rest = append(rest, j)
			continue
		}
		claimed[found.ID] = true
		r.log.Info("adopted a file whose import answer was lost", "source", j.req.URL, "file", found.ID)
		r.stats.Adopted.Add(1)
		r.accepted(j, found)
	}
	return rest, nil
}

// listSince lists a folder newest-updated first down to files older than after.
func (r *run) listSince(ctx context.Context, folder string, after time.Time) ([]wix.File, error) {
	req := &wix.ListFilesRequest{
		ParentFolderID: folder,
		Sort:           &wix.Sorting{FieldName: "updatedDate", Order: wix.SortDesc},
		Paging:         wix.CursorPaging{Limit: wix.MaxPageLimit},
	}
	var out []wix.File
	for page := 0; page < reconcileMaxPages; page++ {
		var resp *wix.ListFilesResponse
		if err := r.call(ctx, "ListFiles", func(ctx context.Context) (err error) {
			resp, err = r.cfg.Client.ListFiles(ctx, req)
			return err
		}); err != nil {
			return nil, err
		}
		out = append(out, resp.Files...)
		req.Paging.Cursor = resp.Next()
		if req.Paging.Cursor == "" || len(resp.Files) == 0 || olderThan(resp.Files[len(resp.Files)-1], after) {
			return out, nil
		}
	}
	return out, nil
}

// searchSince finds files by name across the Media Manager, for imports whose
// filePath folder ID is not known.
func (r *run) searchSince(ctx context.Context, term string, after time.Time) ([]wix.File, error) {
	req := &wix.SearchFilesRequest{
		Search:     term,
		RootFolder: wix.RootMedia,
		Sort:       &wix.Sorting{FieldName: "updatedDate", Order: wix.SortDesc},
		Paging:     &wix.CursorPaging{Limit: wix.MaxPageLimit},
	}
	var out []wix.File
	for page := 0; page < reconcileMaxPages; page++ {
		var resp *wix.SearchFilesResponse
		if err := r.call(ctx, "SearchFiles", func(ctx context.Context) (err error) {
			resp, err = r.cfg.Client.SearchFiles(ctx, req)
			return err
		}); err != nil {
			return nil, err
		}
		out = append(out, resp.Files...)
		req.Paging.Cursor = resp.Next()
		if req.Paging.Cursor == "" || len(resp.Files) == 0 || olderThan(resp.Files[len(resp.Files)-1], after) {
			return out, nil
		}
	}
	return out, nil
}

func olderThan(f wix.File, t time.Time) bool {
	return f.UpdatedDate != nil && f.UpdatedDate.Before(t)
}

// searchTerm is the name Wix gives the file: the display name, else the
// last segment of the source URL.
func searchTerm(req *wix.ImportFileRequest) string {
	if req.DisplayName != "" {
		return truncateRunes(req.DisplayName, 255)
	}
	if u, err := url.Parse(req.URL); err == nil {
		if b := path.Base(u.Path); b != "." && b != "/" {
			return b
		}
	}
	return req.URL
}

// sameName compares a stored display name with the requested one; Wix
// truncates names to 255 characters, and names its own when none is given.
func sameName(stored, requested string) bool {
	return requested == "" || stored == truncateRunes(requested, 255)
}

func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}

// reimport is what send does with an unknown outcome: reconcile, and send
// again only what was not found. It reports whether every row is settled
// (false: some stay in doubt for the next run).
func (r *run) reimport(ctx context.Context, batch []job, since time.Time, cause error) bool {
	rest, err := r.reconcile(ctx, batch, since)
	if err != nil {
		r.inDoubt(rest, since, cause)
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
		r.failJobs(givenUp, fmt.Errorf("%d lost answers in a row: %w", maxReconciles, cause))
	}
	if len(again) == 0 {
		return true
	}
	if ctx.Err() != nil {
		r.inDoubt(again, since, cause) // checked, not found, not sent again: the next run checks once more
		return false
	}
	r.importBatchNoCount(ctx, again)
	return true
}

// reconcileThenImport handles imports an earlier run left in doubt.
func (r *run) reconcileThenImport(ctx context.Context, batch []job) {
	since := batch[0].since
	for _, j := range batch {
		if j.since.Before(since) {
			since = j.since
		}
	}
	rest, err := r.reconcile(ctx, batch, since)
	if err != nil {
		if ctx.Err() == nil {
			r.log.Warn("could not check for files of imports left in doubt; they stay in doubt", "rows", len(batch), "err", err)
		}
		return // their outcome stays as it was: in doubt, for the next run
	}
	if len(rest) > 0 && ctx.Err() == nil {
		r.importBatch(ctx, rest)
	}
}

// inDoubt records imports whose outcome is unknown and could not be settled
// now: PENDING without a file, stamped with the time they were sent, so the
// next run reconciles them before importing anything again.
func (r *run) inDoubt(batch []job, since time.Time, cause error) {
	reason := fmt.Sprintf(reasonUnknownOutcome, cause)
	for _, j := range batch {
		r.update(j.key, func(o *report.Outcome) {
			o.Status = report.Pending
			o.FileID = ""
			o.SetReason(reason)
			o.Updated = since.UnixNano()
		})
	}
}
