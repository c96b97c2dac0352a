package scan

import (
	"bufio"
	"cmp"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/wixmigrate/wixmigrate/content"
	"github.com/wixmigrate/wixmigrate/manifest"
)

// Limits of what a scanned row may hold, as Wix's import takes it.
const (
	// MaxSourceURL is the longest source_url scan writes, in bytes. The
	// official SDK declares no maximum for an import's URL, but servers,
	// CDNs and fetchers commonly stop at about 2,000 characters, and a
	// URL past that is almost always a tracking or signed link, not a file.
	MaxSourceURL = 2048
	// MaxFilePath is Wix's limit on an import's file_path, in characters.
	MaxFilePath = 100
	// MaxDisplayName is Wix's limit on an import's display name.
	MaxDisplayName = 1000
)

// Columns are the columns of the manifest scan writes, in order;
// ColumnFilePath is written only with Options.KeepFolders.
// The variants column is content.VariantsColumn, which rewrite reads through
// migrate's report.
// The WordPress columns are written when some row has an attachment of a
// WordPress export or database dump.
var Columns = []string{"source_url", "display_name", ColumnFilePath, content.VariantsColumn, "found_in", "occurrences",
	ColumnAttachmentID, ColumnAltText, ColumnTitle, ColumnCaption}

// ColumnFilePath is the manifest's file_path column.
const ColumnFilePath = "file_path"

// The columns of what WordPress knows of a file's attachments: their post
// IDs (by which posts and products name them: _thumbnail_id, galleries,
// wp-image-N classes), separated by IDSeparator when two attachments share
// the file; its alternative text (_wp_attachment_image_alt), title and
// caption (the attachment's excerpt). migrate passes them through to its
// report.
const (
	ColumnAttachmentID = "wp_attachment_id"
	ColumnAltText      = "alt_text"
	ColumnTitle        = "title"
	ColumnCaption      = "caption"
	IDSeparator        = ";"
)

// wordpressColumns are the columns a row's WordPress fields fill.
var wordpressColumns = []string{ColumnAttachmentID, ColumnAltText, ColumnTitle, ColumnCaption}

// Options say what Run keeps.
type Options struct {
	// BaseURL resolves relative URLs where a URL is expected, each file's
	// from its place under the argument (content.FileBase, as rewrite does); an
	// HTML file's <base href> wins. nil leaves relative URLs out (counted).
	BaseURL *url.URL
	// Hosts keeps only URLs on these hosts (host names, "*.example.com"
	// for a domain and its subdomains; any port). Empty keeps every host.
	Hosts []string
	// Kinds keeps only media of these kinds; empty keeps every kind.
	Kinds []content.Kind
	// KeepFolders fills file_path with each URL's folder.
	KeepFolders bool
	// Output is the manifest being written, if it is a file: a run that
	// writes it inside a scanned folder does not read an earlier one back
	// as content.
	Output string
	// Progress, if set, is called as the files are read with the bytes
	// read so far and the total size of the files to read (binary files
	// count as read when they are skipped).
	Progress func(read, total int64)
}

// ParseKinds reads --media: a comma-separated list of images, video,
// audio, documents, models and all.
func ParseKinds(list string) ([]content.Kind, error) {
	var kinds []content.Kind
	for name := range strings.SplitSeq(list, ",") {
		switch k := content.Kind(strings.ToLower(strings.TrimSpace(name))); k {
		case "all":
			return nil, nil
		case content.KindImage, content.KindVideo, content.KindAudio, content.KindDocument, content.KindModel:
			if !slices.Contains(kinds, k) {
				kinds = append(kinds, k)
			}
		case "":
		default:
			return nil, fmt.Errorf("%q is not a kind of media (images, video, audio, documents, models, all)", name)
		}
	}
	if len(kinds) == 0 {
		return nil, errors.New("no kind of media named (images, video, audio, documents, models, all)")
	}
	return kinds, nil
}

// Row is one row of a scanned manifest: one file.
type Row struct {
	SourceURL   string
	DisplayName string
	FilePath    string   // "" without KeepFolders, or for a file at the root
	Variants    []string // URLs of the file's size variants, found or known
	FoundIn     string   // file:line of the first occurrence
	Occurrences int      // of the URL and its variants
	// What WordPress says of the file's attachments; empty for a file no
	// export or dump names as one.
	AttachmentIDs           []int64
	AltText, Title, Caption string
}

// Summary says what a scan read and what it left out. What was left
// out is counted in occurrences: remembering every distinct link to a page
// would make memory follow the pages of an export, not its media.
type Summary struct {
	Files    map[content.Format]int // files read, by format
	WXRFiles int                    // of the XML files, WordPress exports
	Bytes    int64
	URLs     int // URL occurrences found (http(s), after resolving)
	Rows     int // media rows written
	Folded   int // variant URLs folded into their original's row
	Known    int // variants known from WXR metadata but not found in the content
	// URL occurrences left out, by why:
	Pages      int // page extensions (.html, .php, .asp...)
	NotMedia   int // neither a media extension nor a media place
	OtherHosts int // media not on --host (pages and other links count above)
	OtherKinds int // media of a kind --media left out
	Relative   int // relative URLs with no base to resolve them
	TooLong    int // longer than MaxSourceURL
	Invalid    int // not an http(s) URL migrate accepts; also distinct rows its reader refused
	// Binary are files skipped as binary (images, archives...), by path.
	Binary []string
	// Unreadable are files that could not be read, by path, with why.
	Unreadable []FileProblem
	// Warnings are problems passed over: malformed files read as text,
	// WordPress metadata that could not be read.
	Warnings []FileProblem
}

// FileProblem is a problem with one input file.
type FileProblem struct {
	Path string
	Line int // 0 when not at a line
	Msg  string
}

func (p FileProblem) String() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", p.Path, p.Line, p.Msg)
	}
	return p.Path + ": " + p.Msg
}

// Result is what Run found.
type Result struct {
	Rows        []Row
	Summary     Summary
	KeepFolders bool
	// WordPress is set when some row has an attachment's fields: the
	// manifest then has the WordPress columns.
	WordPress bool
}

// Run reads every file under paths (files, or directories walked in
// lexical order as content.Walk does) and collects their media URLs into manifest
// rows: one row per file, in order of first occurrence, with a WordPress
// original's size variants folded into its row. What a WordPress export (WXR) says about attachments applies to
// every input, whichever comes first.
//
// Memory grows with the number of distinct URLs, not with the inputs:
// each file is streamed. Problems with single files are in the summary;
// the error is for a cancelled ctx.
func Run(ctx context.Context, paths []string, opts Options) (*Result, error) {
	s := newScanner(opts)
	s.progress = content.NewProgress(opts.Progress, paths)
	for _, p := range paths {
		if err := s.walk(ctx, p); err != nil {
			return nil, err
		}
	}
	return s.finish(), nil
}

// scanEntry is what is known about one distinct URL.
type scanEntry struct {
	key         string
	url         string // the first spelling seen, absolute
	seq         int    // order of first occurrence
	file        int32  // where it was first found: s.files[file], line
	line        int32
	occurrences int
	attachment  *original  // set when a WXR names this URL an attachment
	sizeOf      *scanEntry // the attachment that lists this URL as its size; set by finish
	wp          *wpInfo    // what WordPress says of the attachments at this URL
	root        *scanEntry // the original it folds into (itself for a row); set by finish
	group       *group     // the row, for an original; set by finish
}

type scanner struct {
	opts    Options
	output  string // opts.Output, absolute
	entries map[string]*scanEntry
	// spellings maps each URL as found (content.Ref.URL) to its entry.
	spellings map[string]*scanEntry
	// left remembers spellings left out (links to pages, mostly, which
	// outnumber media in big exports) and why, by 128-bit hash: a
	// collision (odds below 1 in 10^20 for ten million spellings) is not a
	// practical concern. It is a cache, emptied when it reaches maxLeft,
	// so memory follows the media, not the pages: a spelling it forgot is
	// decided again.
	left  map[[2]uint64]*int
	seeds [2]maphash.Seed
	seq   int
	sum   Summary
	// dump is what the database dumps say of attachments, applied by
	// finish (a dump names files, not URLs, and its tables may be in
	// several files).
	dump wordpressDump
	// files are the paths entries were first found in, each once in a
	// row: an entry holds an index, not a copy of the path.
	files    []string
	progress *content.Progress // nil without Options.Progress
}

func newScanner(opts Options) *scanner {
	output := ""
	if opts.Output != "" {
		output, _ = filepath.Abs(opts.Output)
	}
	return &scanner{
		opts:      opts,
		output:    output,
		entries:   map[string]*scanEntry{},
		spellings: map[string]*scanEntry{},
		left:      map[[2]uint64]*int{},
		seeds:     [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()},
		sum:       Summary{Files: map[content.Format]int{}},
	}
}

// walk scans the files under one argument. An argument, or a folder in
// it, that cannot be read is named in the summary, and the other
// arguments are still scanned.
func (s *scanner) walk(ctx context.Context, arg string) error {
	err := content.Walk([]string{arg}, func(f content.File) error {
		if f.Err != nil {
			s.unreadable(f.Path, f.Err)
			return nil
		}
		if s.output != "" && sameFile(s.output, f.Path) {
			return nil
		}
		return s.scanFile(ctx, f)
	})
	if err != nil && ctx.Err() == nil {
		s.unreadable(arg, err)
		return nil
	}
	return err
}

// sameFile reports whether the paths name one file (by absolute path; the
// output may not exist yet).
func sameFile(a, b string) bool {
	absA, errA := filepath.Abs(a)
	absB, errB := filepath.Abs(b)
	return errA == nil && errB == nil && absA == absB
}

func (s *scanner) unreadable(p string, err error) {
	var pathErr *fs.PathError
	if errors.As(err, &pathErr) {
		err = pathErr.Err
	}
	s.sum.Unreadable = append(s.sum.Unreadable, FileProblem{Path: p, Msg: err.Error()})
}

func (s *scanner) warn(p string, w content.Warning) {
	s.sum.Warnings = append(s.sum.Warnings, FileProblem{Path: p, Line: w.Line, Msg: w.Msg})
}

// scanFile reads one file: its URLs, and for a WordPress export its
// attachments. Relative URLs resolve against the file's place under the
// base URL (content.FileBase), as rewrite resolves them, so a row's source_url is
// the URL rewrite maps.
func (s *scanner) scanFile(ctx context.Context, file content.File) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	p := file.Path
	f, err := os.Open(p)
	if err != nil {
		s.unreadable(p, err)
		return nil
	}
	defer f.Close()
	in := bufio.NewReaderSize(f, 256<<10)
	head, err := in.Peek(content.SniffLen)
	if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
		s.unreadable(p, err)
		return nil
	}
	format, ok := content.DetectFormat(p, head)
	if !ok {
		s.sum.Binary = append(s.sum.Binary, p)
		if info, err := f.Stat(); err == nil {
			s.progress.Add(info.Size())
		}
		return nil
	}
	// A WordPress export's attachments, or a database dump's attachment
	// metadata, are read from the elements or rows the format's scanner
	// reads as it finds the URLs: one pass; they apply once it is done.
	var (
		attachments []wxrAttachment
		wxrReader   *WXRReader
		dump        *wordpressDump
		opts        = content.Options{BaseURL: content.FileBase(s.opts.BaseURL, file), SiteURL: s.opts.BaseURL}
	)
	if s.progress != nil {
		opts.Progress = s.progress.Add
	}
	wxr := format == content.XML && IsWXR(head)
	switch {
	case wxr:
		wxrReader = NewWXRReader(func(a Attachment) error {
			attachments = append(attachments, wxrAttachment{url: a.URL, line: a.Line, original: originalOf(&a),
				id: a.ID, title: a.Title, alt: a.Alt, caption: a.Caption})
			return nil
		})
		opts.Structure = wxrReader
	case format == content.SQL:
		dump = &wordpressDump{}
		opts.Structure = dump
	}
	stats, err := content.Find(ctxReader{ctx, in}, format, opts, func(r content.Ref) error {
		s.ref(p, r)
		return nil
	})
	s.sum.Bytes += stats.Bytes
	for _, w := range stats.Warnings {
		s.warn(p, w)
	}
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		s.unreadable(p, err)
		return nil
	}
	s.sum.Files[format]++
	if dump != nil {
		s.dump.add(dump)
	}
	if wxr {
		s.sum.WXRFiles++
		s.applyWXR(p, attachments, wxrReader.Stats, wxrReader.Finish())
	}
	return nil
}

// ctxReader stops reading once ctx is done, so an interrupt ends the scan
// of a big file within one read.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// applyWXR takes a WordPress export's attachments and reports what could
// not be read.
func (s *scanner) applyWXR(p string, attachments []wxrAttachment, stats WXRStats, readErr error) {
	for _, a := range attachments {
		s.attachment(p, a)
	}
	for _, warning := range stats.Warnings {
		s.warn(p, warning)
	}
	if readErr != nil {
		var syntax *WXRSyntaxError
		line := 0
		if errors.As(readErr, &syntax) {
			line = syntax.Line
		}
		s.warn(p, content.Warning{Line: line, Msg: fmt.Sprintf("WordPress export malformed (%v): attachments after this point are scanned as URLs only, without their size variants", readErr)})
	}
}

// maxLeft bounds the spellings left out that the scanner remembers
// (about 10 MB). A variable for tests.
var maxLeft = 1 << 18

// ref takes one URL found in a file.
func (s *scanner) ref(p string, r content.Ref) {
	if r.URL == "" {
		s.sum.Relative++
		return
	}
	s.sum.URLs++
	// Most occurrences repeat a spelling already seen: a lookup or two,
	// no key.
	if e, seen := s.spellings[r.URL]; seen {
		e.occurrences++
		return
	}
	h := [2]uint64{maphash.String(s.seeds[0], r.URL), maphash.String(s.seeds[1], r.URL)}
	if counter, left := s.left[h]; left {
		*counter++
		return
	}
	e, counter := s.take(p, r)
	if e != nil {
		s.spellings[r.URL] = e
		return
	}
	*counter++
	if len(s.left) >= maxLeft {
		clear(s.left)
	}
	s.left[h] = counter
}

// take decides about a URL spelling not seen before (or forgotten): the
// entry it counts for, or the summary's counter of why it is left out.
func (s *scanner) take(p string, r content.Ref) (*scanEntry, *int) {
	// What the URL alone tells first: most spellings left out are links to
	// pages, decided without a key. (A link to a file that is media
	// elsewhere, like <a href> to an extensionless <img src>, counts as
	// not media here: that place does not use it as media.)
	switch {
	case content.IsPage(r.URL):
		return nil, &s.sum.Pages
	case !r.IsMedia():
		return nil, &s.sum.NotMedia
	}
	key := content.Key(r.URL)
	if e, ok := s.entries[key]; ok {
		e.occurrences++
		return e, nil
	}
	switch {
	case !s.keepHost(r.URL):
		return nil, &s.sum.OtherHosts
	case !s.keepKind(r.URL, r.Context):
		return nil, &s.sum.OtherKinds
	}
	if counter := s.invalid(r.URL); counter != nil {
		return nil, counter
	}
	return s.add(key, r.URL, p, r.Line), nil
}

// attachment takes a WXR attachment: an original, media whatever its
// extension.
func (s *scanner) attachment(p string, a wxrAttachment) {
	// Its URL is most often a spelling already taken, found in the same
	// file: the entry is known without a key.
	e, ok := s.spellings[a.url]
	if !ok {
		key := content.Key(a.url)
		if e, ok = s.entries[key]; !ok {
			// content.Find has reported the attachment's URL from the same file and
			// counted it if it was left out; here it is only left out again.
			if !s.keepHost(a.url) || !s.keepKind(a.url, content.ContextAttachment) || s.invalid(a.url) != nil {
				return
			}
			e = s.add(key, a.url, p, a.line)
		}
	}
	if e.attachment == nil {
		e.attachment = a.original
	}
	e.wordpress(a.id, a.title, a.alt, a.caption)
}

// wpInfo is what WordPress says of the attachments of one URL: their IDs
// (two attachments may share a file), and the first title, alternative
// text and caption given.
type wpInfo struct {
	ids                 []int64
	title, alt, caption string
}

// wordpress records an attachment of e's URL; id 0 is unknown.
func (e *scanEntry) wordpress(id int64, title, alt, caption string) {
	if e.wp == nil {
		e.wp = &wpInfo{}
	}
	w := e.wp
	if id > 0 && !slices.Contains(w.ids, id) {
		w.ids = append(w.ids, id)
	}
	w.title = cmp.Or(w.title, title)
	w.alt = cmp.Or(w.alt, alt)
	w.caption = cmp.Or(w.caption, caption)
}

// wxrAttachment is an attachment as scan keeps it until its file is read.
type wxrAttachment struct {
	url                 string
	line                int
	id                  int64
	title, alt, caption string
	*original
}

// original is what scan keeps of a WXR attachment: a few strings per file,
// for exports with hundreds of thousands.
type original struct {
	title  string
	copies []string // see knownCopies; nil when its sizes are not copies of it
	keys   []string // the copies' keys, set by finish (knownVariants)
}

func originalOf(a *Attachment) *original {
	o := &original{title: strings.TrimSpace(a.Title)}
	if foldsSizes(a) {
		o.copies = knownCopies(a)
	}
	return o
}

func (s *scanner) add(key, u, file string, line int) *scanEntry {
	s.seq++
	if n := len(s.files); n == 0 || s.files[n-1] != file {
		s.files = append(s.files, file)
	}
	e := &scanEntry{key: key, url: sourceURL(u), seq: s.seq, file: int32(len(s.files) - 1), line: int32(min(line, 1<<31-1)), occurrences: 1}
	s.entries[key] = e
	return e
}

func (s *scanner) keepHost(u string) bool {
	if len(s.opts.Hosts) == 0 {
		return true
	}
	host := content.Host(u)
	for _, pattern := range s.opts.Hosts {
		if content.MatchHost(pattern, host) {
			return true
		}
	}
	return false
}

// keepKind applies --media. A URL whose extension names no kind takes the
// kind its place implies (an <img> holds an image); a place that implies
// none (a <source>, an enclosure) is kept only when every kind is.
func (s *scanner) keepKind(u string, ctx content.Context) bool {
	if len(s.opts.Kinds) == 0 {
		return true
	}
	kind := content.MediaKind(u)
	if kind == content.KindNone {
		switch ctx {
		case content.ContextImage, content.ContextSrcset, content.ContextPoster, content.ContextOGImage, content.ContextImageLoc, content.ContextMediaCell:
			kind = content.KindImage
		}
	}
	return slices.Contains(s.opts.Kinds, kind)
}

// invalid checks what migrate would refuse: the summary's counter of why,
// or nil.
func (s *scanner) invalid(u string) *int {
	su := sourceURL(u)
	if len(su) > MaxSourceURL {
		return &s.sum.TooLong
	}
	parsed, err := url.Parse(su)
	if err != nil || (parsed.Scheme != "http" && parsed.Scheme != "https") || parsed.Host == "" {
		return &s.sum.Invalid
	}
	return nil
}

// sourceURL is u as a manifest row holds it: without a fragment ("#top"
// names a place in the file, never sent to its server), and with bytes
// that are not UTF-8 (a URL in a Latin-1 file) percent-encoded, which is
// how an HTTP client sends them anyway, since a manifest must be UTF-8.
func sourceURL(u string) string {
	u, _, _ = strings.Cut(u, "#")
	if utf8.ValidString(u) {
		return u
	}
	var b strings.Builder
	for i := 0; i < len(u); {
		r, size := utf8.DecodeRuneInString(u[i:])
		if r == utf8.RuneError && size == 1 {
			fmt.Fprintf(&b, "%%%02X", u[i])
		} else {
			b.WriteString(u[i : i+size])
		}
		i += size
	}
	return b.String()
}

// group is an original's row and the variants folded into it.
type group struct {
	root     *scanEntry
	seq      int        // the earliest occurrence of any member
	first    *scanEntry // the member found first
	count    int
	variants []string
	keys     []string // the variants' keys, to list each once (a handful)
}

// finish folds variants into their originals and makes the rows. It works
// on the entries alone: the maps that sped up reading are dropped first,
// so the peak stays near what the entries need.
func (s *scanner) finish() *Result {
	s.spellings, s.left = nil, nil
	s.applySQLMetadata()
	ordered := make([]*scanEntry, 0, len(s.entries))
	for _, e := range s.entries {
		ordered = append(ordered, e)
	}
	slices.SortFunc(ordered, func(a, b *scanEntry) int { return a.seq - b.seq })
	s.knownVariants(ordered)
	var resolve func(e *scanEntry, depth int) *scanEntry
	resolve = func(e *scanEntry, depth int) *scanEntry {
		if e.root != nil {
			return e.root
		}
		e.root = e
		if e.attachment == nil && depth < 8 {
			if e.sizeOf != nil {
				e.root = e.sizeOf
			} else if v, ok := content.ParseVariant(e.url); ok {
				for _, candidate := range v.Originals {
					if o, ok := s.entries[content.Key(candidate)]; ok && o != e {
						e.root = resolve(o, depth+1)
						break
					}
				}
			}
		}
		return e.root
	}

	var groups []*group
	for _, e := range ordered {
		root := resolve(e, 0)
		g := root.group
		if g == nil {
			g = &group{root: root, seq: root.seq, first: root}
			root.group = g
			groups = append(groups, g)
			if a := root.attachment; a != nil {
				for i, v := range a.copies {
					g.addVariant(v, a.keys[i])
				}
			}
		}
		g.count += e.occurrences
		if e.seq < g.seq {
			g.seq, g.first = e.seq, e
		}
		if root != e {
			s.sum.Folded++
			g.addVariant(e.url, content.Key(e.url))
		}
	}
	slices.SortFunc(groups, func(a, b *group) int { return a.seq - b.seq })

	rows := make([]Row, 0, len(groups))
	for _, g := range groups {
		row := Row{
			SourceURL:   g.root.url,
			DisplayName: displayName(g.root),
			Variants:    g.variants,
			FoundIn:     s.files[g.first.file] + ":" + strconv.Itoa(int(g.first.line)),
			Occurrences: g.count,
		}
		if s.opts.KeepFolders {
			row.FilePath = folderPath(g.root.url)
		}
		if wp := g.root.wp; wp != nil {
			row.AttachmentIDs, row.AltText, row.Title, row.Caption = wp.ids, wp.alt, wp.title, wp.caption
		}
		for _, k := range g.keys {
			if _, found := s.entries[k]; !found {
				s.sum.Known++
			}
		}
		rows = append(rows, row)
	}
	res := &Result{Rows: rows, KeepFolders: s.opts.KeepFolders}
	for _, row := range rows {
		res.WordPress = res.WordPress || row.hasWordPress()
	}
	s.sum.Invalid += res.checkRows()
	s.sum.Rows = len(res.Rows)
	res.Summary = s.sum
	return res
}

// addVariant lists u, whose key is k, unless the group has it.
func (g *group) addVariant(u, k string) {
	if k == g.root.key || slices.Contains(g.keys, k) {
		return
	}
	g.keys = append(g.keys, k)
	g.variants = append(g.variants, u)
}

// knownVariants sets sizeOf on the entry of each size variant a WXR lists
// (see knownCopies) to its original's entry. An attachment is an original
// even when another lists its name as a size; and only images have sizes
// that are the same picture (a PDF's "sizes" are preview images of its
// first page). A size two attachments list is the first one's. ordered is
// the entries in order of first occurrence. It sets each original's keys,
// which the rows use.
func (s *scanner) knownVariants(ordered []*scanEntry) {
	for _, e := range ordered {
		a := e.attachment
		if a == nil {
			continue
		}
		a.keys = make([]string, len(a.copies))
		for i, v := range a.copies {
			k := content.Key(v)
			a.keys[i] = k
			if o, ok := s.entries[k]; ok && o.attachment == nil && o.sizeOf == nil {
				o.sizeOf = e
			}
		}
	}
}

// knownCopies are the URLs of an attachment's size variants and, for an
// image WordPress scaled or rotated on upload, of the upload as it came
// (original_image, often named by the attachment's <guid>): one picture,
// one file in Wix. rewrite maps a listed URL without -WxH in its name to
// the file's own Wix URL.
func knownCopies(a *Attachment) []string {
	urls := make([]string, 0, len(a.Sizes)+1)
	for _, size := range a.Sizes {
		urls = append(urls, size.URL)
	}
	if a.Original != "" {
		urls = append(urls, a.Original)
	}
	return urls
}

// foldsSizes reports whether an attachment's sizes are copies of it.
func foldsSizes(a *Attachment) bool {
	kind := content.MediaKind(a.URL)
	return kind == content.KindImage || kind == content.KindNone && a.Width > 0
}

// displayName is the row's display_name: a WXR attachment's title with the
// file's extension when the title has none, or else the file name from the
// URL's path, percent-decoded.
func displayName(e *scanEntry) string {
	file := fileName(e.url)
	name := file
	if a := e.attachment; a != nil && a.title != "" {
		name = a.title
		// A title has an extension when it ends in the file's own or in
		// another media extension ("Dr. Smith" and "Version 2.0" do not).
		if ext := path.Ext(file); ext != "" && !strings.EqualFold(path.Ext(name), ext) && content.MediaKind(name) == content.KindNone {
			name += ext
		}
	}
	return truncateName(name, MaxDisplayName)
}

// fileName is the last segment of u's path, percent-decoded; the host for a
// URL with no file name.
func fileName(u string) string {
	p := strings.TrimRight(content.URLPath(u), "/")
	name := p[strings.LastIndexByte(p, '/')+1:]
	if name == "" {
		return content.Host(u)
	}
	return decodeSegment(name)
}

func decodeSegment(seg string) string {
	if dec, err := url.PathUnescape(seg); err == nil {
		seg = dec
	}
	return strings.ToValidUTF8(seg, "\uFFFD")
}

// truncateName cuts name to limit characters, keeping its extension.
func truncateName(name string, limit int) string {
	if utf8.RuneCountInString(name) <= limit {
		return name
	}
	ext := path.Ext(name)
	if utf8.RuneCountInString(ext) > limit/2 {
		ext = ""
	}
	stem := []rune(strings.TrimSuffix(name, ext))
	return string(stem[:limit-utf8.RuneCountInString(ext)]) + ext
}

// folderPath is the folder of u's path, percent-decoded, like
// /wp-content/uploads/2023/05, shortened to MaxFilePath characters by
// dropping its leading folders (the ones nearest the file say most), and a
// single folder's name cut when it alone is too long. "" at the root.
func folderPath(u string) string {
	p := content.URLPath(u)
	p = p[:strings.LastIndexByte(p, '/')+1]
	var segs []string
	for seg := range strings.SplitSeq(p, "/") {
		seg = strings.TrimSpace(decodeSegment(seg))
		if seg != "" && seg != "." && seg != ".." {
			segs = append(segs, strings.ReplaceAll(seg, "/", "-"))
		}
	}
	length := func() int {
		n := 0
		for _, s := range segs {
			n += 1 + utf8.RuneCountInString(s)
		}
		return n
	}
	for len(segs) > 1 && length() > MaxFilePath {
		segs = segs[1:]
	}
	if len(segs) == 1 && length() > MaxFilePath {
		segs[0] = string([]rune(segs[0])[:MaxFilePath-1])
	}
	if len(segs) == 0 {
		return ""
	}
	return "/" + strings.Join(segs, "/")
}

// Header is the manifest's header line for r.
func (r *Result) Header() []string {
	var h []string
	for _, c := range Columns {
		if c == ColumnFilePath && !r.KeepFolders || slices.Contains(wordpressColumns, c) && !r.WordPress {
			continue
		}
		h = append(h, c)
	}
	return h
}

func (row Row) hasWordPress() bool {
	return len(row.AttachmentIDs) > 0 || row.AltText != "" || row.Title != "" || row.Caption != ""
}

func (r *Result) record(row *Row) []string {
	rec := []string{row.SourceURL, row.DisplayName}
	if r.KeepFolders {
		rec = append(rec, row.FilePath)
	}
	rec = append(rec, joinVariants(row.Variants), row.FoundIn, strconv.Itoa(row.Occurrences))
	if r.WordPress {
		ids := make([]string, len(row.AttachmentIDs))
		for i, id := range row.AttachmentIDs {
			ids[i] = strconv.FormatInt(id, 10)
		}
		rec = append(rec, strings.Join(ids, IDSeparator), row.AltText, row.Title, row.Caption)
	}
	return rec
}

// joinVariants writes the variants column. A ';' inside a URL (a
// ";jsessionid=" path parameter) is written %3B, which is the same URL to
// every reader of the column (URL keys compare percent-encoding decoded),
// so that it does not split the list.
func joinVariants(urls []string) string {
	var b strings.Builder
	for i, u := range urls {
		if i > 0 {
			b.WriteString(content.VariantSeparator)
		}
		b.WriteString(strings.ReplaceAll(u, content.VariantSeparator, "%3B"))
	}
	return b.String()
}

// WriteManifest writes r as a manifest CSV that migrate reads as it is.
func (r *Result) WriteManifest(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write(r.Header())
	for i := range r.Rows {
		cw.Write(r.record(&r.Rows[i]))
	}
	cw.Flush()
	return cw.Error()
}

// checkRows reads the rows back with the manifest reader migrate uses and
// drops any it would refuse, so a scanned manifest never fails a row; the
// checks before should leave none, and the count says if they did. The
// rows are streamed through a pipe, not held twice.
func (r *Result) checkRows() (rejected int) {
	rows := r.Rows
	written := *r // the writer's own copy: r.Rows is cut below
	pr, pw := io.Pipe()
	go func() {
		pw.CloseWithError(written.WriteManifest(pw))
	}()
	defer pr.Close() // ends the writer if reading stops early
	reader, err := manifest.NewReader(pr, manifest.Options{})
	if err != nil {
		return 0
	}
	kept := rows[:0]
	for i := 0; ; i++ {
		row, err := reader.Next()
		if err != nil {
			break
		}
		if row.Err != nil {
			rejected++
			continue
		}
		kept = append(kept, rows[i])
	}
	r.Rows = kept
	return rejected
}
