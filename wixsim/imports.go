package wixsim

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/wixmigrate/wixmigrate/wix"
)

// Wix's documented limits.
const (
	maxDisplayName    = 1000 // longer is rejected
	storedDisplayName = 255  // longer is truncated when stored
	maxFolderField    = 100  // parentFolderId and filePath
	maxLabels         = 500
	maxLabel          = 200
	maxMimeType       = 100
	maxBulk           = 100
	maxBodyBytes      = 32 << 20
)

// decode reads a JSON request body into v.
func decode(r *http.Request, v any) *apiError {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes))
	if err != nil {
		return appError(http.StatusBadRequest, "INVALID_ARGUMENT", "cannot read request body: "+err.Error(), nil)
	}
	if len(body) == 0 {
		body = []byte("{}")
	}
	if err := json.Unmarshal(body, v); err != nil {
		return invalid("body", ruleFormat, "malformed JSON: %v", err)
	}
	return nil
}

// placement is where a new file goes and what it carries besides bytes.
type placement struct {
	parent  string
	private bool
	labels  []string
	name    string
}

// checkPlacement validates the fields imports and upload URLs share and
// works out the parent folder, creating the folders of filePath (by
// deriving their IDs) under parentFolderId.
func checkPlacement(v *violations, st *site, displayName, parentFolderID, filePath string, private *bool, labels []string) placement {
	if utf8.RuneCountInString(displayName) > maxDisplayName {
		v.add("displayName", ruleMaxLength, "must be at most %d characters", maxDisplayName)
	}
	if len(parentFolderID) > maxFolderField {
		v.add("parentFolderId", ruleMaxLength, "must be at most %d characters", maxFolderField)
	}
	if len(filePath) > maxFolderField {
		v.add("filePath", ruleMaxLength, "must be at most %d characters", maxFolderField)
	}
	if len(labels) > maxLabels {
		v.add("labels", ruleMaxSize, "must have at most %d items", maxLabels)
	}
	for i, l := range labels {
		if utf8.RuneCountInString(l) > maxLabel {
			v.add(fmt.Sprintf("labels[%d]", i), ruleMaxLength, "must be at most %d characters", maxLabel)
		}
	}
	p := placement{parent: parentFolderID, name: truncate(displayName, storedDisplayName)}
	if p.parent == "" {
		p.parent = wix.RootFolderMedia
	}
	for _, seg := range strings.Split(filePath, "/") {
		if seg = strings.TrimSpace(seg); seg != "" {
			p.parent = folderID(st.id, p.parent, seg)
		}
	}
	if private != nil {
		p.private = *private
	}
	if len(labels) > 0 {
		p.labels = append([]string(nil), labels...)
	}
	return p
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// checkImport validates one ImportFileRequest.
func checkImport(st *site, req *wix.ImportFileRequest) (violations, placement, mediaKind, *url.URL) {
	var v violations
	var u *url.URL
	if req.URL == "" {
		v.add("url", ruleRequired, "must not be empty")
	} else if pu, err := url.Parse(req.URL); err != nil || (pu.Scheme != "http" && pu.Scheme != "https") || pu.Host == "" {
		v.add("url", ruleFormat, "must be a public http(s) URL")
	} else {
		u = pu
	}
	declared := kindUnknown
	if req.MediaType != "" {
		k, ok := kindOf(req.MediaType)
		switch {
		case !ok:
			v.add("mediaType", ruleFormat, "unknown media type %q", req.MediaType)
		case k == kindOther:
			v.add("mediaType", ruleOther, "OTHER cannot be imported")
		default:
			declared = k
		}
	}
	if len(req.MimeType) > maxMimeType {
		v.add("mimeType", ruleMaxLength, "must be at most %d characters", maxMimeType)
	}
	p := checkPlacement(&v, st, req.DisplayName, req.ParentFolderID, req.FilePath, req.Private, req.Labels)
	return v, p, declared, u
}

// startImport creates the PENDING file of a valid import and returns it with
// the function that queues its download (a no-op for a file drawn to be
// stuck). Callers render the answer first and queue after, so a fast source
// can never make an answer show anything but PENDING, as on Wix.
func (c *call) startImport(req *wix.ImportFileRequest, p placement, declared mediaKind, u *url.URL) (*fileRec, func()) {
	s := c.s
	if p.name == "" {
		p.name = defaultName(u)
	}
	kind, ext := guess(declared, req.MimeType, req.DisplayName, u.Path)
	f := &fileRec{
		site: c.site, id: fileID(c.site.prefix, kind, ext, s.ids.next()),
		name: p.name, parent: p.parent, source: req.URL, labels: p.labels,
		size: -1, media: kind, private: p.private,
	}
	s.create(f)
	stuck := s.dice.hit(s.opts.StuckRate)
	delay := s.dice.in(s.opts.ProcessingDelay)
	if stuck {
		s.log.Debug("file will stay PENDING (stuck)", "file", f.id)
		return f, func() {}
	}
	j := job{rec: f, url: req.URL, declared: declared, params: req.URLParams, headers: req.URLHeaders, delay: delay}
	return f, func() { s.fetcher.push(j) }
}

// defaultName is the display name of an import without one: the last
// segment of the source URL's path.
func defaultName(u *url.URL) string {
	name := path.Base(u.Path)
	if name == "." || name == "/" || name == "" {
		return u.Host
	}
	return truncate(name, storedDisplayName)
}

// renderOne renders f as it is now (not as a lagging listing shows it)
// under its site's read lock.
func (c *call) renderOne(f *fileRec, withMedia bool) *wix.File {
	f.site.mu.RLock()
	out := c.s.render(f.site.current(f), c.base, withMedia)
	f.site.mu.RUnlock()
	return &out
}

// importFile is POST /site-media/v1/files/import.
func (c *call) importFile() (any, *apiError) {
	var req wix.ImportFileRequest
	if err := decode(c.r, &req); err != nil {
		return nil, err
	}
	v, p, declared, u := checkImport(c.site, &req)
	if err := v.err(); err != nil {
		return nil, err
	}
	f, queue := c.startImport(&req, p, declared, u)
	answer := wix.ImportFileResponse{File: c.renderOne(f, true)}
	queue()
	return answer, nil
}

// bulkImport is POST /site-media/v1/bulk/files/import-v2. A bad item fails
// alone; its result carries success false and an INVALID_ARGUMENT error.
// Items come back without media, as on Wix.
func (c *call) bulkImport() (any, *apiError) {
	var req wix.BulkImportFileRequest
	if err := decode(c.r, &req); err != nil {
		return nil, err
	}
	n := len(req.ImportFileRequests)
	if n == 0 {
		return nil, invalid("importFileRequests", ruleMinSize, "must have at least 1 item")
	}
	if n > maxBulk {
		return nil, invalid("importFileRequests", ruleMaxSize, "must have at most %d items", maxBulk)
	}
	returnEntity := req.ReturnEntity == nil || *req.ReturnEntity
	resp := wix.BulkImportFileResponse{Results: make([]wix.BulkImportResult, 0, n)}
	var queue []func()
	defer func() {
		for _, q := range queue {
			q()
		}
	}()
	for i := range req.ImportFileRequests {
		item := &req.ImportFileRequests[i]
		v, p, declared, u := checkImport(c.site, item)
		if len(v) > 0 {
			parts := make([]string, len(v))
			for j, fv := range v {
				parts[j] = fv.Field + ": " + fv.Description
			}
			resp.Results = append(resp.Results, wix.BulkImportResult{ItemMetadata: wix.ItemMetadata{
				OriginalIndex: i,
				Error: &wix.ApplicationError{Code: "INVALID_ARGUMENT", Description: strings.Join(parts, "; "),
					Data: map[string]any{"fieldViolations": v}},
			}})
			resp.BulkActionMetadata.TotalFailures++
			continue
		}
		f, q := c.startImport(item, p, declared, u)
		queue = append(queue, q)
		res := wix.BulkImportResult{ItemMetadata: wix.ItemMetadata{ID: f.id, OriginalIndex: i, Success: true}}
		if returnEntity {
			res.Item = c.renderOne(f, false)
		}
		resp.Results = append(resp.Results, res)
		resp.BulkActionMetadata.TotalSuccesses++
	}
	return resp, nil
}
