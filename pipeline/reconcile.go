package pipeline

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"path"
	"path/filepath"
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

// listAPI is what the reconciler calls.
type listAPI interface {
	ListFiles(ctx context.Context, req *wix.ListFilesRequest) (*wix.ListFilesResponse, error)
	SearchFiles(ctx context.Context, req *wix.SearchFilesRequest) (*wix.SearchFilesResponse, error)
}

// reconciler finds the files of imports and uploads whose answer was lost,
// and records files the run learns of (accept), remembering which folder
// each placement became so it knows where to look.
type reconciler struct {
	client         listAPI
	calls          *Caller
	ledger         *ledger
	poller         *poller
	log            *slog.Logger
	stats          *Stats
	delay          time.Duration // before looking: Wix may list a new file a moment late; < 0 means none
	fallbackUpload bool          // a URL import Wix failed may have become a fallback upload
	folders        folderCache
}

// accept records a file created for j by method and hands it to the
// poller if it is still processing.
func (rc *reconciler) accept(j job, f *wix.File, method report.Method) {
	rc.folders.learn(&j.req, f)
	o := rc.ledger.accepted(j.key, j.req.ParentFolderID, f, method)
	if o.Status == report.Pending {
		rc.poller.track(o.FileID, o.Folder, j.key, o.Updated)
	}
}

// maxReconciles bounds how often one row goes through lost answers in a run.
const maxReconciles = 5

// reconcileMaxPages bounds one listing (100,000 files newer than the
// import). Past it the rows stay in doubt rather than being imported again
// on a guess.
const reconcileMaxPages = 1000

// errListingTooLong is a reconciliation that hit reconcileMaxPages.
var errListingTooLong = fmt.Errorf("more than %d files changed since the import; the rows stay in doubt", reconcileMaxPages*wix.MaxPageLimit)

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
func (rc *reconciler) reconcile(ctx context.Context, batch []job, since time.Time) ([]job, error) {
	// Wix may list a new file a moment late: look no sooner than delay
	// after the call went out (long past for imports an earlier run left).
	if wait := rc.delay - time.Since(since); rc.delay > 0 && wait > 0 {
		if err := sleep(ctx, wait); err != nil {
			return batch, err
		}
	}
	// Group the jobs by where their files would be: a folder to list, or a
	// name to search for when the filePath folder's ID is unknown.
	type place struct {
		folder, term string
	}
	groups := map[place][]job{}
	var order []place
	for _, j := range batch {
		var p place
		if folder, ok := rc.folders.lookup(&j.req); ok {
			p.folder = folder
		} else {
			p.term = searchTerm(&j.req)
		}
		if _, seen := groups[p]; !seen {
			order = append(order, p)
		}
		groups[p] = append(groups[p], j)
	}
	var rest []job
	for i, p := range order {
		left, err := rc.reconcileIn(ctx, p.folder, p.term, groups[p], since.Add(-clockMargin))
		rest = append(rest, left...)
		if err != nil {
			for _, unchecked := range order[i+1:] {
				rest = append(rest, groups[unchecked]...)
			}
			return rest, err
		}
	}
	return rest, nil
}

// reconcilePasses bounds the listings of one place. A listing newest-updated
// first misses files that change (PENDING to READY) while it pages, since
// they jump ahead of the cursor; each further pass lists only what changed
// since the previous one began, so a file that changes once is found by the
// second pass at the latest.
const reconcilePasses = 3

// reconcileIn adopts files in one folder (or found by one search term)
// created after `after` for jobs, and returns the jobs without one.
func (rc *reconciler) reconcileIn(ctx context.Context, folder, term string, jobs []job, after time.Time) ([]job, error) {
	claimed := map[string]bool{}
	stop := after
	for pass := 0; pass < reconcilePasses && len(jobs) > 0; pass++ {
		files, top, err := rc.listDown(ctx, folder, term, stop)
		if err != nil {
			return jobs, err
		}
		bySource := map[string][]*wix.File{}
		byName := map[string][]*wix.File{} // uploads have no source URL
		for i := range files {
			f := &files[i]
			if claimed[f.ID] || (f.CreatedDate != nil && f.CreatedDate.Before(after)) {
				continue
			}
			if f.SourceURL == "" {
				byName[f.DisplayName] = append(byName[f.DisplayName], f)
			} else {
				bySource[f.SourceURL] = append(bySource[f.SourceURL], f)
			}
		}
		var left []job
		for _, j := range jobs {
			found, method := match(j, bySource, byName, claimed, rc.fallbackUpload)
			if found == nil {
				left = append(left, j)
				continue
			}
			claimed[found.ID] = true
			rc.log.Info("adopted a file whose answer was lost", "source", j.req.URL, "file", found.ID, "method", method)
			rc.stats.Adopted.Add(1)
			rc.accept(j, found, method)
		}
		jobs = left
		if top.IsZero() {
			break
		}
		stop = top.Add(-clockMargin)
	}
	return jobs, nil
}

// match picks the file an earlier attempt of j created, if any: an upload
// of it (a local file, or a fallback upload of a source Wix could not
// fetch), found by name, or a URL import, found by source; a file that is
// not FAILED is preferred, since a FAILED import is what a fallback follows.
// fallbackUpload says whether the run makes fallback uploads.
func match(j job, bySource, byName map[string][]*wix.File, claimed map[string]bool, fallbackUpload bool) (*wix.File, report.Method) {
	pick := func(files []*wix.File, ok func(*wix.File) bool) *wix.File {
		var failed *wix.File
		for _, f := range files {
			if claimed[f.ID] || !ok(f) {
				continue
			}
			if f.OperationStatus != wix.StatusFailed {
				return f
			}
			if failed == nil {
				failed = f
			}
		}
		return failed
	}
	uploadMethod := report.MethodFallbackUpload
	if j.local != "" {
		uploadMethod = report.MethodUpload
	}
	if j.local != "" || fallbackUpload {
		if f := pick(byName[uploadName(j)], func(*wix.File) bool { return true }); f != nil && (j.local != "" || f.OperationStatus != wix.StatusFailed) {
			return f, uploadMethod
		}
	}
	if j.local != "" {
		return nil, report.MethodNone
	}
	f := pick(bySource[j.req.URL], func(f *wix.File) bool { return sameName(f.DisplayName, j.req.DisplayName) })
	return f, report.MethodImport
}

// uploadName is the name an upload of j gets: its display name, else the
// local file's name, else the last segment of its URL.
func uploadName(j job) string {
	if j.req.DisplayName != "" {
		return wix.StoredName(j.req.DisplayName)
	}
	if j.local != "" {
		return filepath.Base(j.local)
	}
	return searchTerm(&j.req)
}

// listDown lists a folder (or searches the Media Manager for term) newest
// updated first, down to files older than stop. It returns the files and the
// newest updatedDate of the first page: a server time the listing covers.
func (rc *reconciler) listDown(ctx context.Context, folder, term string, stop time.Time) ([]wix.File, time.Time, error) {
	var out []wix.File
	var top time.Time
	cursor := ""
	sort := &wix.Sorting{FieldName: "updatedDate", Order: wix.SortDesc}
	for page := 0; page < reconcileMaxPages; page++ {
		var files []wix.File
		var next string
		var err error
		if folder == "" {
			var resp *wix.SearchFilesResponse
			resp, err = call(ctx, rc.calls, wix.EndpointSearchFiles, func(ctx context.Context) (*wix.SearchFilesResponse, error) {
				return rc.client.SearchFiles(ctx, &wix.SearchFilesRequest{Search: term, RootFolder: wix.RootMedia,
					Sort: sort, Paging: &wix.CursorPaging{Limit: wix.MaxPageLimit, Cursor: cursor}})
			})
			if err == nil {
				files, next = resp.Files, resp.Next()
			}
		} else {
			var resp *wix.ListFilesResponse
			resp, err = call(ctx, rc.calls, wix.EndpointListFiles, func(ctx context.Context) (*wix.ListFilesResponse, error) {
				return rc.client.ListFiles(ctx, &wix.ListFilesRequest{ParentFolderID: folder, Sort: sort,
					Paging: wix.CursorPaging{Limit: wix.MaxPageLimit, Cursor: cursor}})
			})
			if err == nil {
				files, next = resp.Files, resp.Next()
			}
		}
		if err != nil {
			return nil, top, err
		}
		if page == 0 && len(files) > 0 && files[0].UpdatedDate != nil {
			top = *files[0].UpdatedDate
		}
		out = append(out, files...)
		cursor = next
		if cursor == "" || len(files) == 0 || olderThan(files[len(files)-1], stop) {
			return out, top, nil
		}
	}
	rc.log.Warn("gave up looking for files of lost answers", "folder", folder, "search", term, "err", errListingTooLong)
	return nil, top, errListingTooLong
}

func olderThan(f wix.File, t time.Time) bool {
	return f.UpdatedDate != nil && f.UpdatedDate.Before(t)
}

// searchTerm is the name Wix gives the file: the display name, else the
// last segment of the source URL.
func searchTerm(req *wix.ImportFileRequest) string {
	if req.DisplayName != "" {
		return wix.StoredName(req.DisplayName)
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
	return requested == "" || stored == wix.StoredName(requested)
}
