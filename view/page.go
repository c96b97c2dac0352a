package view

import (
	"bufio"
	"cmp"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/wixmigrate/wixmigrate/internal/atomicfile"
	"github.com/wixmigrate/wixmigrate/manifest"
	"github.com/wixmigrate/wixmigrate/report"
	"github.com/wixmigrate/wixmigrate/wix"
)

var (
	//go:embed page.html
	pageHTML string
	//go:embed page.css
	pageCSS string
	//go:embed page.js
	pageJS string
)

var pageTemplate = template.Must(template.New("page").Parse(pageHTML))

// contentPolicy allows the page's own style and script (by their hashes,
// so nothing injected could run) and images from anywhere; nothing else
// is fetched.
var contentPolicy = fmt.Sprintf("default-src 'none'; img-src * data: file:; style-src '%s'; script-src '%s'; base-uri 'none'; form-action 'none'",
	sourceHash(pageCSS), sourceHash(pageJS))

func sourceHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}

// WriteHTML writes the page.
func (r *Report) WriteHTML(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 256<<10)
	if err := pageTemplate.Execute(bw, r.pageData()); err != nil {
		return err
	}
	return bw.Flush()
}

// WriteFile writes the page to path atomically.
func (r *Report) WriteFile(path string) error {
	return atomicfile.Write(path, 0o644, r.WriteHTML)
}

// pageData is what the template shows: the header server-side (it reads
// without JavaScript), the rows as data for the script.
type pageData struct {
	Title     string
	Policy    string
	CSS       template.CSS
	JS        template.JS
	Report    *Report
	Path      string
	SiteID    string
	Written   string
	Made      string
	Statuses  []count
	Methods   []count
	Types     []count
	Bytes     string
	FullCmd   string
	Data      pageJSON
	Chunks    []rowsJSON
	ShownRows int
	ThumbSize string
}

// count is one line of a header's counts, with its share for the bar.
type count struct {
	Name    string
	N       int
	Percent string // of all rows, for the status bar
	Offset  string // where its segment of the bar starts
	Class   string // a CSS class for known statuses
}

func (r *Report) pageData() *pageData {
	now := cmp.Or(r.opts.Now, time.Now())
	d := &pageData{
		Title:  "Migration report: " + fileName(r.Path),
		Policy: contentPolicy, CSS: template.CSS(pageCSS), JS: template.JS(pageJS),
		Report: r, Path: r.Path, SiteID: r.opts.SiteID,
		Written: r.Written.UTC().Format("2006-01-02 15:04:05 UTC"),
		Made:    now.UTC().Format("2006-01-02 15:04:05 UTC"),
		Bytes:   formatBytes(r.Bytes), ShownRows: len(r.rows),
		Methods: counts(r.ByMethod), Types: counts(r.ByType),
		ThumbSize: fmt.Sprintf("%d×%d", ThumbWidth, ThumbHeight),
	}
	d.Data, d.Chunks = r.encode()
	// The usual statuses first, in their order; others after, by name.
	known := []string{statusReady, statusFailed, statusPending}
	rank := func(status string) int {
		if i := slices.Index(known, status); i >= 0 {
			return i
		}
		return len(known)
	}
	d.Statuses = counts(r.ByStatus)
	slices.SortStableFunc(d.Statuses, func(a, b count) int {
		return cmp.Or(cmp.Compare(rank(a.Name), rank(b.Name)), cmp.Compare(a.Name, b.Name))
	})
	offset := 0.0
	for i := range d.Statuses {
		c := &d.Statuses[i]
		c.Class = "st-other"
		if rank(c.Name) < len(known) {
			c.Class = "st-" + strings.ToLower(c.Name)
		}
		share := 100 * float64(c.N) / float64(max(r.Rows, 1))
		c.Percent, c.Offset = fmt.Sprintf("%.3f", share), fmt.Sprintf("%.3f", offset)
		offset += share
	}
	if r.Partial {
		d.FullCmd = "wixmigrate view " + shellQuote(r.Path)
	}
	return d
}

// counts sorts a tally, most first.
func counts(m map[string]int) []count {
	out := make([]count, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, count{Name: k, N: m[k]})
	}
	slices.SortStableFunc(out, func(a, b count) int { return cmp.Compare(b.N, a.N) })
	return out
}

// pageJSON is the data the script reads first: the page's first screen
// of rows and what it needs to show them with the right counts. It is
// compact on purpose: a string seen more than once is sent once, in S,
// and cited by its index; a row is an array (page.js names its fields, in
// order), its line 0 when it follows the previous row's in its block,
// without its empty last cells.
//
// The rest of the rows follow the page's script as chunks (rowsJSON),
// which it parses after its first render: parsing a 100,000-row report's
// data takes longer than the page may take to show its rows.
type pageJSON struct {
	S      []string             `json:"s"`
	Cols   []string             `json:"cols"`
	Src    int                  `json:"src"`  // source_url's index in Cols
	Name   int                  `json:"name"` // display_name's, -1 when none
	Media  string               `json:"media"`
	Causes map[string]causeJSON `json:"causes"`
	// Facets count the rows by status, method, media type and folder:
	// [string index, rows] pairs, for the filters' options.
	Facets [4][][2]int `json:"facets"`
	// Rows are the first screen's: each group's first page and the
	// gallery's, at positions At (ascending) among the page's N rows.
	Rows [][]any `json:"rows"`
	At   []int   `json:"at"`
	N    int     `json:"n"`
	// Groups count the rows of each group of rows that are not READY (by
	// groupKey), Ready the READY rows: the first screen's counts.
	Groups map[string]int `json:"groups"`
	Ready  int            `json:"ready"`
	// GroupPage and CardPage are the pages' sizes, a group's and the
	// gallery's.
	GroupPage int `json:"groupPage"`
	CardPage  int `json:"cardPage"`
	Total     int `json:"total"` // the report's rows (more than N on a partial page)
}

// rowsJSON is a chunk of the rows the first screen does not show, in the
// page's order: the strings they add to the table (S), then the rows.
type rowsJSON struct {
	S    []string `json:"s"`
	Rows [][]any  `json:"rows"`
}

// Page sizes: a group shows groupPage rows at a time, the gallery
// cardPage cards; defaultChunkRows rows make a chunk.
const (
	groupPage        = 20
	cardPage         = 48
	defaultChunkRows = 5000
)

// groupKey is the group of a row that is not READY, as page.js groups
// them: by status, then by cause, else by reason (unreadable rows make
// one group, whatever line their reasons name).
func groupKey(rw row) string {
	switch {
	case rw.cause != "":
		return rw.status + "\x00c" + rw.cause
	case rw.status == statusUnreadable:
		return rw.status + "\x00"
	}
	return rw.status + "\x00r" + rw.reason
}

type causeJSON struct {
	Title string `json:"title"`
	Means string `json:"means"`
	Next  string `json:"next"`
}

// strings interns the page's strings.
type stringTable struct {
	index   map[string]int
	list    []string
	seen    map[string]int // occurrences, to intern only what repeats
	folders map[string]int // occurrences of the folders of strings seen once
	affixes map[string]int // occurrences of file IDs' prefixes and suffixes
}

func (t *stringTable) intern(s string) int {
	if i, ok := t.index[s]; ok {
		return i
	}
	t.index[s] = len(t.list)
	t.list = append(t.list, s)
	return len(t.list) - 1
}

// value is s as a row holds it: its index when it repeats; else [index
// of its folder, the rest] when its folder (up to a last '/', as in a
// URL) repeats; else itself.
func (t *stringTable) value(s string) any {
	if t.seen[s] > 1 || s == "" {
		return t.intern(s)
	}
	if dir, rest, ok := splitFolder(s); ok && t.folders[dir] > 1 {
		return []any{t.intern(dir), rest}
	}
	return s
}

// fileID is a file ID as a row holds it: [prefix, middle, suffix] with
// the prefix (a site's, up to '_') and the suffix (from the last '~' or
// '.') cited by index when both repeat, as on a site they do; else itself.
func (t *stringTable) fileID(id string) any {
	if prefix, middle, suffix, ok := splitFileID(id); ok && t.affixes[prefix] > 1 && t.affixes[suffix] > 1 {
		return []any{t.intern(prefix), middle, t.intern(suffix)}
	}
	return id
}

func splitFileID(id string) (prefix, middle, suffix string, ok bool) {
	i := strings.IndexByte(id, '_')
	j := strings.LastIndexAny(id, "~.")
	if i <= 0 || j <= i {
		return "", "", "", false
	}
	return id[:i+1], id[i+1 : j], id[j:], true
}

// count notes a string's occurrence; countFolder, once every string is
// counted, its folder's among the strings seen once.
func (t *stringTable) count(s string) { t.seen[s]++ }

func (t *stringTable) countFolder(s string) {
	if t.seen[s] == 1 {
		if dir, _, ok := splitFolder(s); ok {
			t.folders[dir]++
		}
	}
}

// splitFolder splits s after its last '/', when that leaves a folder long
// enough to be worth citing.
func splitFolder(s string) (dir, rest string, ok bool) {
	i := strings.LastIndexByte(s, '/')
	if i < 8 {
		return "", "", false
	}
	return s[:i+1], s[i+1:], true
}

func (r *Report) encode() (pageJSON, []rowsJSON) {
	media := r.media(wix.MediaURLPrefix)
	d := pageJSON{Cols: r.columns, Src: -1, Name: -1, Media: media, Causes: map[string]causeJSON{},
		Rows: [][]any{}, At: []int{}, N: len(r.rows), Groups: map[string]int{}, GroupPage: groupPage, CardPage: cardPage, Total: r.Rows}
	for i, c := range r.columns {
		switch manifest.CanonicalColumn(c) {
		case "source_url":
			d.Src = i
		case "display_name":
			d.Name = i
		}
	}
	t := &stringTable{index: map[string]int{}, seen: map[string]int{}, folders: map[string]int{}, affixes: map[string]int{}}
	t.intern("")
	each := func(fn func(string)) {
		for _, rw := range r.rows {
			for _, c := range rw.cells {
				fn(c)
			}
			fn(rw.reason)
			fn(rw.updated)
			fn(rw.localSrc)
		}
	}
	each(t.count)
	each(t.countFolder)
	// The facets, the causes and the first screen cover every row: they
	// come first, so the header of the rows is right before the rest is in.
	var facets [4]map[string]int
	for f := range facets {
		facets[f] = map[string]int{}
	}
	lead := make([]bool, len(r.rows))
	for i, rw := range r.rows {
		if prefix, _, suffix, ok := splitFileID(rw.fileID); ok {
			t.affixes[prefix]++
			t.affixes[suffix]++
		}
		for f, s := range [4]string{rw.status, rw.method, rw.mediaType, rw.folder} { // as page.js's selects
			facets[f][s]++
		}
		if c, ok := report.CauseByKey(rw.cause); rw.cause != "" && ok {
			d.Causes[c.Key] = causeJSON{Title: c.Title, Means: c.Means, Next: c.Next}
		}
		if rw.status == statusReady {
			lead[i] = d.Ready < cardPage
			d.Ready++
			continue
		}
		k := groupKey(rw)
		lead[i] = d.Groups[k] < groupPage
		d.Groups[k]++
	}
	prevLine := 1 // the header's
	for i, rw := range r.rows {
		if lead[i] {
			d.Rows = append(d.Rows, t.row(rw, &prevLine, media))
			d.At = append(d.At, i)
		}
	}
	// After the first rows, so that the strings they use most get the
	// shortest indices.
	for f, n := range facets {
		d.Facets[f] = [][2]int{} // [], not null, on a page of no rows: the script reads each
		for _, k := range slices.Sorted(maps.Keys(n)) {
			d.Facets[f] = append(d.Facets[f], [2]int{t.intern(k), n[k]})
		}
	}
	d.S = slices.Clone(t.list)
	chunkRows := cmp.Or(r.chunkRows, defaultChunkRows)
	var chunks []rowsJSON
	for i, rw := range r.rows {
		if lead[i] {
			continue
		}
		if len(chunks) == 0 || len(chunks[len(chunks)-1].Rows) == chunkRows {
			chunks = append(chunks, rowsJSON{S: []string{}, Rows: make([][]any, 0, min(chunkRows, len(r.rows)-i))})
			prevLine = 1
		}
		c := &chunks[len(chunks)-1]
		known := len(t.list)
		c.Rows = append(c.Rows, t.row(rw, &prevLine, media))
		c.S = append(c.S, t.list[known:]...)
	}
	return d, chunks
}

// row is a row as the data holds it; prevLine is the line of the row
// before it in its block.
func (t *stringTable) row(rw row, prevLine *int, media string) []any {
	var line any = rw.line
	if rw.line == *prevLine+1 {
		line = 0 // the usual case: the line after the previous row's
	}
	*prevLine = rw.line
	out := make([]any, 0, rowFixed+len(rw.cells))
	out = append(out, line, t.intern(rw.status), t.intern(rw.method), t.intern(rw.mediaType),
		t.intern(rw.folder), t.intern(rw.cause), t.value(rw.reason), t.fileID(rw.fileID),
		wixURLValue(rw, media, t), thumbValue(rw, media, t),
		rw.size, rw.width, rw.height, rw.attempts, t.value(rw.updated), t.value(rw.localSrc), wixURIValue(rw, t))
	for _, c := range rw.cells {
		out = append(out, t.value(c))
	}
	for len(out) > rowFixed && out[len(out)-1] == 0 {
		out = out[:len(out)-1] // empty cells at the end go without saying
	}
	return out
}

// rowFixed is the number of a row's fields before its manifest cells.
const rowFixed = 17

// wixURLValue is -1 for the usual address (the media base and the file
// ID), else the address.
func wixURLValue(rw row, media string, t *stringTable) any {
	if rw.wixURL != "" && rw.wixURL == media+rw.fileID {
		return -1
	}
	return t.value(rw.wixURL)
}

// wixURIValue is [scheme, name, fragment] when the URI is the scheme (up
// to the file ID, "wix:image://v1/"), the file ID, the name and the
// fragment ("#originWidth=…", shared by files of a size), the first and
// last cited by index; else the URI.
func wixURIValue(rw row, t *stringTable) any {
	i := strings.Index(rw.wixURI, "/"+rw.fileID)
	if rw.fileID == "" || i < 0 {
		return t.value(rw.wixURI)
	}
	rest := rw.wixURI[i+1+len(rw.fileID):]
	name, fragment, _ := strings.Cut(rest, "#")
	if fragment != "" || strings.HasSuffix(rest, "#") {
		fragment = "#" + fragment
	}
	return []any{t.intern(rw.wixURI[:i+1]), name, t.intern(fragment)}
}

// thumbValue writes a scaled-to-fill URL in parts the script joins
// again: -1 when it is the file's plain address (image-kit does not
// transform GIF and SVG), [transform, name] when it is the media base, the
// file ID, the transform (shared by many rows) and the name (0 when it is
// the file ID's last element, as it usually is), else the URL.
func thumbValue(rw row, media string, t *stringTable) any {
	switch {
	case rw.thumb == "":
		return 0
	case rw.thumb == media+rw.fileID:
		return -1
	}
	rest, ok := strings.CutPrefix(rw.thumb, media+rw.fileID)
	slash := strings.LastIndexByte(rest, '/')
	if !ok || slash < 0 {
		return t.value(rw.thumb)
	}
	transform, name := rest[:slash+1], rest[slash+1:]
	var nameValue any = name
	if name == rw.fileID[strings.LastIndexByte(rw.fileID, '/')+1:] {
		nameValue = 0
	}
	return []any{t.intern(transform), nameValue}
}

// formatBytes writes a byte count for people.
func formatBytes(n int64) string {
	const kb, mb, gb = 1 << 10, 1 << 20, 1 << 30
	switch {
	case n >= gb:
		return fmt.Sprintf("%.1f GB", float64(n)/gb)
	case n >= mb:
		return fmt.Sprintf("%.1f MB", float64(n)/mb)
	case n >= kb:
		return fmt.Sprintf("%.1f KB", float64(n)/kb)
	}
	return fmt.Sprintf("%d bytes", n)
}

// shellQuote quotes a path for a command line when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
