package wixsim

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"

	"github.com/wixmigrate/wixmigrate/wix"
)

// Sortable fields and paging limits of List Files and Search Files.
const (
	sortUpdated  = "updatedDate"
	sortName     = "displayName"
	sortSize     = "sizeInBytes"
	defaultLimit = 50
	maxLimit     = 100
	maxSearch    = 200
)

// query is one page request of List Files or Search Files.
type query struct {
	search  bool   // Search Files (whole site) rather than List Files (one folder)
	trash   bool   // the trash bin rather than MEDIA_ROOT
	parent  string // List Files folder
	text    string // Search Files free text
	types   uint16 // bit per mediaKind; 0 means all
	private *bool
	field   string
	desc    bool
	limit   int
	after   *fileRec // keyset position of the previous page's last file
}

// cursor is the opaque paging token: the last file's sort key and ID plus
// the query it belongs to, base64url-encoded JSON. Keyset paging keeps pages
// stable while other files are added or change status.
type cursor struct {
	Mode    string `json:"m"`
	Field   string `json:"f"`
	Desc    bool   `json:"d,omitempty"`
	Updated int64  `json:"u,omitempty"`
	Name    string `json:"n,omitempty"`
	Size    int64  `json:"s,omitempty"`
	ID      string `json:"i"`
	Parent  string `json:"p,omitempty"`
	Text    string `json:"q,omitempty"`
	Types   uint16 `json:"t,omitempty"`
	Private *bool  `json:"v,omitempty"`
	Limit   int    `json:"l,omitempty"`
}

// mode names the kind of query a cursor belongs to, so a cursor of one
// cannot continue another.
func (q *query) mode() string {
	m := "list"
	if q.search {
		m = "search"
	}
	if q.trash {
		m = "trash-" + m
	}
	return m
}

func encodeCursor(q *query, last *fileRec) string {
	c := cursor{Mode: q.mode(), Field: q.field, Desc: q.desc, ID: last.id, Parent: q.parent,
		Text: q.text, Types: q.types, Private: q.private, Limit: q.limit}
	switch q.field {
	case sortName:
		c.Name = last.name
	case sortSize:
		c.Size = last.size
	default:
		c.Updated = last.updated
	}
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

// applyCursor replaces q's filters and order by those of the cursor, as a
// cursor continues the query that produced it; an explicit limit stays.
func applyCursor(q *query, s string, limitGiven bool) *apiError {
	b, err := base64.RawURLEncoding.DecodeString(s)
	var c cursor
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil || c.Mode != q.mode() || c.ID == "" {
		return invalid("paging.cursor", ruleFormat, "invalid cursor")
	}
	q.field, q.desc, q.parent, q.text, q.types, q.private = c.Field, c.Desc, c.Parent, c.Text, c.Types, c.Private
	if !limitGiven && c.Limit > 0 {
		q.limit = c.Limit
	}
	q.after = &fileRec{id: c.ID, updated: c.Updated, name: c.Name, size: c.Size}
	return nil
}

// checkSort validates a sort and fills q.field and q.desc. No sort means
// updatedDate descending; a field without an order sorts ascending.
func checkSort(v *violations, q *query, field string, order wix.SortOrder) {
	q.field, q.desc = sortUpdated, true
	if field == "" && order == "" {
		return
	}
	switch field {
	case "", sortUpdated, sortName, sortSize:
		if field != "" {
			q.field = field
		}
	default:
		v.add("sort.fieldName", ruleFormat, "cannot sort by %q; sortable: displayName, updatedDate, sizeInBytes", field)
	}
	switch order {
	case "", wix.SortAsc:
		q.desc = false
	case wix.SortDesc:
		q.desc = true
	default:
		v.add("sort.order", ruleFormat, "must be ASC or DESC")
	}
}

func checkTypes(v *violations, q *query, types []wix.MediaType) {
	for _, t := range types {
		k, ok := kindOf(t)
		if !ok {
			v.add("mediaTypes", ruleFormat, "unknown media type %q", t)
			continue
		}
		q.types |= 1 << k
	}
}

func checkLimit(v *violations, q *query, limit int, given bool) {
	q.limit = defaultLimit
	switch {
	case !given || limit == 0:
	case limit > maxLimit:
		v.add("paging.limit", ruleMax, "must be at most %d", maxLimit)
	case limit < 0:
		v.add("paging.limit", ruleMin, "must not be negative")
	default:
		q.limit = limit
	}
}

// page runs q on st: it walks the index of the sort field from the cursor
// position, so a page costs O(log n + page) when filters match.
func (c *call) page(q *query) ([]wix.File, *wix.PagingMetadata) {
	st := c.site
	st.mu.RLock()
	defer st.mu.RUnlock()
	files := []wix.File{}
	sh := &st.live
	if q.trash {
		sh = &st.trash
	}
	x := sh.all
	if !q.search {
		x = sh.folders[q.parent]
	}
	if x == nil {
		return files, &wix.PagingMetadata{}
	}
	tree, less := x.tree(q.field)
	var hits []*fileRec
	visit := func(f *fileRec) bool {
		if q.after != nil && !less(q.after, f) && !less(f, q.after) {
			return true // the previous page's last file
		}
		if q.types != 0 && q.types&(1<<f.media) == 0 {
			return true
		}
		if q.private != nil && f.private != *q.private {
			return true
		}
		if q.text != "" && !matches(f, q.text) {
			return true
		}
		hits = append(hits, f)
		return len(hits) <= q.limit
	}
	switch {
	case q.desc && q.after != nil:
		tree.DescendLessOrEqual(q.after, visit)
	case q.desc:
		tree.Descend(visit)
	case q.after != nil:
		tree.AscendGreaterOrEqual(q.after, visit)
	default:
		tree.Ascend(visit)
	}
	meta := &wix.PagingMetadata{}
	if len(hits) > q.limit {
		hits = hits[:q.limit]
		meta.Cursors.Next = encodeCursor(q, hits[len(hits)-1])
	}
	for _, f := range hits {
		files = append(files, c.s.render(f, c.base, true))
	}
	return files, meta
}

// matches is Search Files' free-text match: displayName or a label,
// case-insensitive substring.
func matches(f *fileRec, text string) bool {
	if containsFold(f.name, text) {
		return true
	}
	for _, l := range f.labels {
		if containsFold(l, text) {
			return true
		}
	}
	return false
}

// listFiles is GET /site-media/v1/files with the query the official SDK
// encodes: parentFolderId, mediaTypes (repeated), private, sort.fieldName,
// sort.order, paging.limit, paging.cursor.
func (c *call) listFiles() (any, *apiError) { return c.list(false) }

// listDeletedFiles is GET /site-media/v1/trash-bin/files: List Files over
// the trash bin, with the same query. Without parentFolderId it lists the
// files deleted from media-root, as the SDK documents the default.
func (c *call) listDeletedFiles() (any, *apiError) { return c.list(true) }

func (c *call) list(trash bool) (any, *apiError) {
	qs := c.r.URL.Query()
	var v violations
	q := &query{parent: qs.Get("parentFolderId"), trash: trash}
	if q.parent == "" {
		q.parent = wix.RootFolderMedia
	}
	if len(q.parent) > maxFolderField {
		v.add("parentFolderId", ruleMaxLength, "must be at most %d characters", maxFolderField)
	}
	var types []wix.MediaType
	for _, t := range qs["mediaTypes"] {
		types = append(types, wix.MediaType(t))
	}
	checkTypes(&v, q, types)
	if p := qs.Get("private"); p != "" {
		b, err := strconv.ParseBool(p)
		if err != nil {
			v.add("private", ruleFormat, "must be true or false")
		}
		q.private = &b
	}
	checkSort(&v, q, qs.Get("sort.fieldName"), wix.SortOrder(strings.ToUpper(qs.Get("sort.order"))))
	limit, given, err := queryInt(qs, "paging.limit")
	if err != nil {
		v.add("paging.limit", ruleFormat, "must be an integer")
	}
	checkLimit(&v, q, limit, given)
	if err := v.err(); err != nil {
		return nil, err
	}
	if cur := qs.Get("paging.cursor"); cur != "" {
		if err := applyCursor(q, cur, given && limit > 0); err != nil {
			return nil, err
		}
	}
	files, next := c.page(q)
	return wix.ListFilesResponse{Files: files, NextCursor: next}, nil
}

func queryInt(qs url.Values, key string) (n int, given bool, err error) {
	s := qs.Get(key)
	if s == "" {
		return 0, false, nil
	}
	n, err = strconv.Atoi(s)
	return n, true, err
}

// searchFiles is POST /site-media/v1/files/search over the whole site:
// MEDIA_ROOT (the default) or TRASH_ROOT. VISITOR_UPLOADS_ROOT is valid but
// empty: nothing is uploaded by visitors in the simulator.
func (c *call) searchFiles() (any, *apiError) {
	var req wix.SearchFilesRequest
	if err := decode(c.r, &req); err != nil {
		return nil, err
	}
	var v violations
	q := &query{search: true, text: req.Search, private: req.Private}
	if len(req.Search) > maxSearch {
		v.add("search", ruleMaxLength, "must be at most %d characters", maxSearch)
	}
	empty := false
	switch req.RootFolder {
	case "", wix.RootMedia:
	case wix.RootTrash:
		q.trash = true
	case wix.RootVisitorUploads:
		empty = true
	default:
		v.add("rootFolder", ruleFormat, "must be MEDIA_ROOT, TRASH_ROOT or VISITOR_UPLOADS_ROOT")
	}
	checkTypes(&v, q, req.MediaTypes)
	var field string
	var order wix.SortOrder
	if req.Sort != nil {
		field, order = req.Sort.FieldName, req.Sort.Order
	}
	checkSort(&v, q, field, order)
	var paging wix.CursorPaging
	if req.Paging != nil {
		paging = *req.Paging
	}
	checkLimit(&v, q, paging.Limit, true)
	if err := v.err(); err != nil {
		return nil, err
	}
	if paging.Cursor != "" {
		if err := applyCursor(q, paging.Cursor, paging.Limit > 0); err != nil {
			return nil, err
		}
	}
	if empty {
		return wix.SearchFilesResponse{Files: []wix.File{}, NextCursor: &wix.PagingMetadata{}}, nil
	}
	files, next := c.page(q)
	return wix.SearchFilesResponse{Files: files, NextCursor: next}, nil
}

// fileIDArg accepts a file ID or a Wix media URL such as
// wix:image://v1/<id>/<name>#..., as Wix does.
func fileIDArg(s string) string {
	if rest, ok := strings.CutPrefix(s, "wix:"); ok {
		if _, after, ok := strings.Cut(rest, "://v1/"); ok {
			id, _, _ := strings.Cut(after, "/")
			id, _, _ = strings.Cut(id, "#")
			return id
		}
	}
	return s
}

// getFile is GET /site-media/v1/files/get-file-by-id?fileId=ID.
func (c *call) getFile() (any, *apiError) {
	id := fileIDArg(c.r.URL.Query().Get("fileId"))
	if id == "" {
		return nil, invalid("fileId", ruleRequired, "must not be empty")
	}
	f := c.s.lookup(c.site, id)
	if f == nil {
		return nil, notFound("file "+id+" not found", map[string]any{"fileId": id})
	}
	return wix.GetFileResponse{File: c.renderOne(f, true)}, nil
}

// getFiles is POST /site-media/v1/files/get-files. Any unknown ID fails the
// whole call with 404 naming the missing IDs in data.fileIds.
func (c *call) getFiles() (any, *apiError) {
	var req wix.GetFilesRequest
	if err := decode(c.r, &req); err != nil {
		return nil, err
	}
	switch n := len(req.FileIDs); {
	case n == 0:
		return nil, invalid("fileIds", ruleMinSize, "must have at least 1 item")
	case n > maxBulk:
		return nil, invalid("fileIds", ruleMaxSize, "must have at most %d items", maxBulk)
	}
	recs := make([]*fileRec, len(req.FileIDs))
	var missing []string
	for i, raw := range req.FileIDs {
		id := fileIDArg(raw)
		if recs[i] = c.s.lookup(c.site, id); recs[i] == nil {
			missing = append(missing, raw)
		}
	}
	if len(missing) > 0 {
		return nil, notFound("files not found: "+strings.Join(missing, ", "), map[string]any{"fileIds": missing})
	}
	resp := wix.GetFilesResponse{Files: make([]wix.File, len(recs))}
	for i, f := range recs {
		resp.Files[i] = *c.renderOne(f, true)
	}
	return resp, nil
}
