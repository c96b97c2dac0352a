package wixsim

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/wixmigrate/wixmigrate/wix"
)

// The states a descriptor's `state` field shows.
const (
	fileStateOK      = "OK"
	fileStateDeleted = "DELETED"
)

// maxTrashBulk is the number of IDs Bulk Delete Files and Bulk Restore take,
// and maxFileIDArg the length of one (an ID or a wix: media URL).
const (
	maxTrashBulk = wix.MaxBulkDelete
	maxFileIDArg = 1000
)

// trashRequest is the body of Bulk Delete Files and of Bulk Restore Files
// From Trash Bin (which has no permanent).
type trashRequest struct {
	FileIDs   []string `json:"fileIds"`
	Permanent bool     `json:"permanent"`
}

// bulkDeleteFiles is POST /site-media/v1/bulk/files/delete: the files move
// to the trash bin (out of List Files and MEDIA_ROOT, into List Deleted
// Files and TRASH_ROOT), or with permanent are deleted for good. As on Wix,
// deleting a file already in the trash is no error, and /media keeps
// serving trashed files. The answer is {}: the SDK declares no per-file
// results for this call (nor for Bulk Restore), so Wix reports none; an
// unknown ID fails the whole call with 404 naming the unknown IDs in
// data.fileIds, and nothing changes. The conformance test checks both.
func (c *call) bulkDeleteFiles() (any, *apiError) {
	recs, req, err := c.trashArgs()
	if err != nil {
		return nil, err
	}
	st := c.site
	st.mu.Lock()
	for _, f := range recs {
		if req.Permanent {
			c.s.forget(f)
		} else {
			st.setTrashed(f, true)
		}
	}
	st.mu.Unlock()
	if req.Permanent {
		c.s.filesMu.Lock()
		for _, f := range recs {
			delete(c.s.files, f.id)
		}
		c.s.filesMu.Unlock()
	}
	return struct{}{}, nil
}

// bulkRestoreFiles is POST /site-media/v1/bulk/trash-bin/files/restore:
// trashed files go back to their folders; files not in the trash stay as
// they are.
func (c *call) bulkRestoreFiles() (any, *apiError) {
	recs, _, err := c.trashArgs()
	if err != nil {
		return nil, err
	}
	c.site.mu.Lock()
	for _, f := range recs {
		c.site.setTrashed(f, false)
	}
	c.site.mu.Unlock()
	return struct{}{}, nil
}

// trashArgs validates the file IDs of a bulk trash call and finds them.
func (c *call) trashArgs() ([]*fileRec, *trashRequest, *apiError) {
	var req trashRequest
	if err := decode(c.r, &req); err != nil {
		return nil, nil, err
	}
	var v violations
	switch n := len(req.FileIDs); {
	case n == 0:
		v.add("fileIds", ruleMinSize, "must have at least 1 item")
	case n > maxTrashBulk:
		v.add("fileIds", ruleMaxSize, "must have at most %d items", maxTrashBulk)
	}
	for i, id := range req.FileIDs {
		if utf8.RuneCountInString(id) > maxFileIDArg {
			v.add(fmt.Sprintf("fileIds[%d]", i), ruleMaxLength, "must be at most %d characters", maxFileIDArg)
		}
	}
	if err := v.err(); err != nil {
		return nil, nil, err
	}
	recs := make([]*fileRec, 0, len(req.FileIDs))
	var missing []string
	for _, raw := range req.FileIDs {
		if f := c.s.lookup(c.site, fileIDArg(raw)); f != nil {
			recs = append(recs, f)
		} else {
			missing = append(missing, raw)
		}
	}
	if len(missing) > 0 {
		return nil, nil, notFound("files not found: "+strings.Join(missing, ", "), map[string]any{"fileIds": missing})
	}
	return recs, &req, nil
}

// forget deletes f for good: out of every index and the status counts (a
// file still processing is dropped when its processing ends). The caller
// holds f.site.mu and removes f from s.files after.
func (s *Simulator) forget(f *fileRec) {
	if f.deleted {
		return // named twice in one call
	}
	status := f.site.current(f).status // a lagging listing's record may be behind
	f.site.shelf(f).remove(f)
	delete(f.site.fresh, f) // a lagging listing has nothing left to show
	f.deleted = true
	switch status {
	case statusReady:
		s.ready.Add(-1)
	case statusFailed:
		s.failed.Add(-1)
	default:
		s.pending.Add(-1)
	}
}
