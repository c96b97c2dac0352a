package rewrite

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/wixmigrate/wixmigrate/content"
	"github.com/wixmigrate/wixmigrate/internal/atomicfile"
)

// Config is what a rewrite run is asked to do: `wixmigrate
// rewrite`'s flags.
type Config struct {
	Reports  []string // migrate reports; a later one wins a conflict
	Out      string   // write rewritten copies under this folder...
	InPlace  bool     // ...or replace the files where they are
	DryRun   bool     // write nothing
	BaseURL  *url.URL // resolves relative URLs; nil resolves none
	Hosts    []string // the old site's hosts ("*.example.com" allowed); nil: the reports' hosts
	Unmapped string   // write the unmapped media URLs here as a manifest; "" writes none
	To       Target   // what found URLs become: wix_url (the default) or wix_uri
	Paths    []string // files and directories to rewrite

	// OnFile, if set, is called after each file.
	OnFile func(FileResult)
	// OnChange, if set, is called for each URL replaced (or, in a dry run,
	// that would be).
	OnChange func(Change)
	// Progress, if set, is called as the files are read with the bytes
	// read so far and the total size of the files to read (binary files
	// count as read when copied or skipped).
	Progress func(read, total int64)
}

// FileResult is what a run did with one file.
type FileResult struct {
	Path     string
	Format   content.Format
	Counts   [numMatchKinds]int // URLs by match kind
	Changed  bool               // some URL was (or would be) replaced
	Skipped  string             // why the file was left alone; "" when it was read
	Binary   bool               // skipped as binary (copied as is under --out)
	Warnings []content.Warning
	// Unresolved counts relative media URLs left alone for want of a base
	// URL (--base-url); FirstUnresolved shows the first.
	Unresolved      int
	FirstUnresolved string
}

// Change is one URL replaced.
type Change struct {
	Path     string
	Line     int
	Kind     MatchKind
	Old, New string // as written in the file: Old is content.Ref.Raw; New unescaped
}

// UnmappedURL is a media URL on an old host that no READY row maps.
type UnmappedURL struct {
	URL         string // absolute
	FoundIn     string // first file:line
	Occurrences int
	Status      string // the report's status for it, "" when no report has it
}

// Result is what a run did.
type Result struct {
	Files        []FileResult
	Totals       [numMatchKinds]int
	Unresolved   int // relative media URLs left alone: no --base-url
	FilesChanged int
	// FilesReplaced counts the files --in-place has replaced; on an error
	// in the last step it says how many were before it.
	FilesReplaced int
	Skipped       int // files left alone: unreadable, changed on disk, binary not copied
	Bytes         int64
	Hosts         []string
	Rows, Ready   int // report rows read, READY rows mapped
	Conflicts     int
	NoURIForm     int // with To TargetWixURI: READY rows given their wix_url, having no Wix media URI
	Unmapped      []UnmappedURL
}

// Run rewrites the content files cfg names. Reports are read, and
// every option checked, before anything is written. With InPlace, every
// changed file is first written beside its original and only then are the
// originals replaced (atomically, mode kept), so a failed run leaves every
// input as it was; a file changed on disk since it was read is not
// replaced.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	if err := checkConfig(cfg); err != nil {
		return nil, err
	}
	m := NewMapping(cfg.To)
	for _, path := range cfg.Reports {
		if err := m.LoadReport(path); err != nil {
			return nil, err
		}
	}
	hosts := cfg.Hosts
	if len(hosts) == 0 {
		hosts = m.Hosts()
		if b := cfg.BaseURL; b != nil && !slices.Contains(hosts, strings.ToLower(b.Hostname())) {
			hosts = append(hosts, strings.ToLower(b.Hostname())) // the old site's own address
		}
	}
	r := &rewriter{cfg: cfg, mapping: m, hosts: newHostSet(hosts), unmapped: map[string]int{},
		seen: map[string]bool{}, written: map[string]string{}, progress: content.NewProgress(cfg.Progress, cfg.Paths)}
	r.res.Hosts, r.res.Rows, r.res.Ready, r.res.Conflicts, r.res.NoURIForm = hosts, m.Rows, m.Ready, m.Conflicts, m.NoURIForm
	err := content.Walk(cfg.Paths, func(f content.File) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		return r.file(f)
	})
	if err != nil {
		r.discard()
		var oe *OutputError
		if errors.As(err, &oe) || errors.Is(err, context.Canceled) {
			return &r.res, err
		}
		return &r.res, &InputError{Path: strings.Join(cfg.Paths, ", "), Err: err}
	}
	if err := r.commit(); err != nil {
		return &r.res, err
	}
	if cfg.Unmapped != "" && !cfg.DryRun {
		if err := writeUnmapped(cfg.Unmapped, r.res.Unmapped); err != nil {
			return &r.res, err
		}
	}
	return &r.res, nil
}

func checkConfig(cfg Config) error {
	switch {
	case len(cfg.Reports) == 0:
		return ErrNoReports
	case cfg.Out == "" && !cfg.InPlace:
		return ErrNoDestination
	case cfg.Out != "" && cfg.InPlace:
		return ErrOutAndInPlace
	case len(cfg.Paths) == 0:
		return ErrNoPaths
	}
	if b := cfg.BaseURL; b != nil && (b.Host == "" || (b.Scheme != "http" && b.Scheme != "https")) {
		return &BaseURLError{URL: b.String()}
	}
	for _, p := range cfg.Paths {
		if _, err := os.Stat(p); err != nil {
			return &InputError{Path: p, Err: err}
		}
	}
	if cfg.Out != "" {
		return CheckOutDir(cfg.Out, cfg.Paths)
	}
	return nil
}

// hostSet matches host names against --host patterns.
type hostSet struct {
	exact    map[string]bool
	suffixes []string // "*.example.com" patterns
}

func newHostSet(patterns []string) *hostSet {
	h := &hostSet{exact: map[string]bool{}}
	for _, p := range patterns {
		p = strings.ToLower(strings.TrimSpace(p))
		if i := strings.LastIndexByte(p, ':'); i >= 0 && !strings.HasSuffix(p, "]") {
			p = p[:i]
		}
		if strings.HasPrefix(p, "*.") {
			h.suffixes = append(h.suffixes, p)
		} else {
			h.exact[p] = true
		}
	}
	return h
}

func (h *hostSet) match(host []byte) bool {
	if h.exact[string(host)] {
		return true
	}
	for _, p := range h.suffixes {
		if content.MatchHost(p, string(host)) {
			return true
		}
	}
	return false
}

// rewriter carries a run's state.
type rewriter struct {
	cfg      Config
	mapping  *Mapping
	hosts    *hostSet
	res      Result
	unmapped map[string]int    // key → index in res.Unmapped
	pending  []pendingFile     // in-place files written beside their originals
	seen     map[string]bool   // inputs read, by absolute path: overlapping arguments read a file once
	written  map[string]string // --out destinations → the input written there
	progress *content.Progress // nil without Config.Progress
}

// options are the content options for file f.
func (r *rewriter) options(f content.File) content.Options {
	opts := content.Options{BaseURL: content.FileBase(r.cfg.BaseURL, f), SiteURL: r.cfg.BaseURL}
	if r.progress != nil {
		opts.Progress = r.progress.Add
	}
	return opts
}

// pendingFile is a rewritten copy waiting to replace its original.
type pendingFile struct {
	path   string
	copy   *atomicfile.Pending
	sum    [sha256.Size]byte // of the original as read
	result int               // index in res.Files
}

// file rewrites one file.
func (r *rewriter) file(f content.File) error {
	if abs, err := filepath.Abs(f.Path); err == nil {
		if r.seen[abs] {
			return nil // named twice (a folder and a file in it): once is enough
		}
		r.seen[abs] = true
	}
	fr := FileResult{Path: f.Path}
	defer func() {
		r.res.Files = append(r.res.Files, fr)
		for _, k := range MatchKinds {
			r.res.Totals[k] += fr.Counts[k]
		}
		r.res.Unresolved += fr.Unresolved
		if fr.Changed {
			r.res.FilesChanged++
		}
		if r.cfg.OnFile != nil {
			r.cfg.OnFile(fr)
		}
	}()
	if f.Err != nil {
		fr.Skipped = "unreadable: " + f.Err.Error()
		r.res.Skipped++
		return nil
	}
	in, err := os.Open(f.Path)
	if err != nil {
		fr.Skipped = "unreadable: " + err.Error()
		r.res.Skipped++
		return nil
	}
	defer in.Close()
	info, err := in.Stat()
	if err != nil {
		fr.Skipped = "unreadable: " + err.Error()
		r.res.Skipped++
		return nil
	}
	head := make([]byte, content.SniffLen)
	n, err := io.ReadFull(in, head)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		fr.Skipped = "unreadable: " + err.Error()
		r.res.Skipped++
		return nil
	}
	head = head[:n]
	format, ok := content.DetectFormat(f.Path, head)
	fr.Format = format
	body := io.MultiReader(bytes.NewReader(head), in)
	if !ok {
		r.progress.Add(info.Size())
		fr.Binary = true
		fr.Skipped = "binary"
		if bytes.HasPrefix(head, []byte{0xFF, 0xFE}) || bytes.HasPrefix(head, []byte{0xFE, 0xFF}) {
			// Text, but URLs in UTF-16 are not byte-wise ASCII: say so.
			fr.Binary = false
			fr.Skipped = "UTF-16 text: its URLs cannot be rewritten byte-wise; convert it to UTF-8 and run again"
			r.res.Skipped++
		}
		if r.cfg.Out == "" || r.cfg.DryRun {
			return nil
		}
		// --out makes a complete tree: binary files are copied as they are,
		// with the text files' rule: a read error skips the file, a write
		// error stops the run as an OutputError.
		var readErr error
		err := r.writeOut(f, info.Mode(), func(w io.Writer) error {
			_, err := io.Copy(errWriter{w}, body)
			if we := (*writeError)(nil); err != nil && !errors.As(err, &we) {
				readErr = err
			}
			return err
		})
		switch {
		case readErr != nil:
			fr.Binary = false // listed as skipped, not as a binary copy
			fr.Skipped = "unreadable: " + readErr.Error()
			r.res.Skipped++
		case err != nil:
			return &OutputError{Path: f.Path, Err: err}
		}
		return nil
	}

	hash := sha256.New()
	body = io.TeeReader(body, hash)
	var stats content.Stats
	var readErr error
	// rewrite writes the file's new content to w. A read error fails it
	// too, so that no partial copy is kept, but is remembered apart: it
	// skips this file, where a write error stops the run.
	rewrite := func(w io.Writer) error {
		var err error
		stats, err = content.Rewrite(body, errWriter{w}, format, r.options(f), func(ref content.Ref) (string, bool) {
			return r.replace(f, &fr, ref)
		})
		var we *writeError
		if err != nil && !errors.As(err, &we) {
			readErr = err
		}
		return err
	}
	switch {
	case r.cfg.DryRun:
		err = rewrite(io.Discard)
	case r.cfg.InPlace:
		var c *atomicfile.Pending
		c, err = atomicfile.Prepare(f.Path, info.Mode(), rewrite)
		if err == nil && fr.Changed {
			p := pendingFile{path: f.Path, copy: c, result: len(r.res.Files)}
			copy(p.sum[:], hash.Sum(nil))
			r.pending = append(r.pending, p)
		} else if err == nil {
			c.Discard()
		}
	default:
		err = r.writeOut(f, info.Mode(), rewrite)
	}
	fr.Warnings = stats.Warnings
	r.res.Bytes += stats.Bytes
	switch {
	case readErr != nil:
		fr.Skipped = "unreadable: " + readErr.Error()
		fr.Changed = false
		r.res.Skipped++
	case err != nil:
		return &OutputError{Path: f.Path, Err: err}
	}
	return nil
}

// replace decides what one found URL becomes.
func (r *rewriter) replace(f content.File, fr *FileResult, ref content.Ref) (string, bool) {
	if ref.URL == "" {
		// Relative, and no --base-url to say where: likely old-host media
		// left as it was, which the run must not call done.
		if ref.IsMedia() {
			fr.Unresolved++
			if fr.FirstUnresolved == "" {
				fr.FirstUnresolved = ref.Raw + " (line " + strconv.Itoa(ref.Line) + ")"
			}
		}
		return "", false
	}
	var buf [512]byte
	key, ok := content.AppendKey(buf[:0], ref.URL)
	// A path written relative is the old site's, whatever --host says.
	pathRelative := ref.Relative && !strings.HasPrefix(ref.Text, "//")
	if !ok || !(pathRelative || r.hosts.match(content.KeyHost(key))) {
		return "", false
	}
	m, ok := r.mapping.match(ref, key)
	if !ok {
		return "", false
	}
	fr.Counts[m.Kind]++
	if m.Kind == MatchUnmapped {
		r.noteUnmapped(f, ref, m.Status)
		return "", false
	}
	fr.Changed = true
	if r.cfg.OnChange != nil {
		r.cfg.OnChange(Change{Path: f.Path, Line: ref.Line, Kind: m.Kind, Old: ref.Raw, New: m.NewURL})
	}
	return m.NewURL, true
}

// noteUnmapped records an unmapped media URL for the --unmapped manifest.
func (r *rewriter) noteUnmapped(f content.File, ref content.Ref, status string) {
	if !utf8.ValidString(ref.URL) {
		return // not UTF-8: a file in another encoding; no manifest row can name it
	}
	key := content.Key(ref.URL)
	if i, ok := r.unmapped[key]; ok {
		r.res.Unmapped[i].Occurrences++
		return
	}
	r.unmapped[key] = len(r.res.Unmapped)
	r.res.Unmapped = append(r.res.Unmapped, UnmappedURL{URL: stripFragment(ref.URL),
		FoundIn: f.Path + ":" + strconv.Itoa(ref.Line), Occurrences: 1, Status: status})
}

func stripFragment(u string) string {
	if i := strings.IndexByte(u, '#'); i >= 0 {
		return u[:i]
	}
	return u
}

// writeError marks an error of the output writer, to tell it from a read
// error of the input (which skips the file, where a write error stops the
// run).
type writeError struct{ err error }

func (e *writeError) Error() string { return e.err.Error() }

// errWriter wraps an output so its errors are told apart.
type errWriter struct{ w io.Writer }

func (e errWriter) Write(p []byte) (int, error) {
	n, err := e.w.Write(p)
	if err != nil {
		err = &writeError{err}
	}
	return n, err
}

// writeOut writes f's output under --out, atomically.
func (r *rewriter) writeOut(f content.File, mode os.FileMode, write func(io.Writer) error) error {
	dst := filepath.Join(r.cfg.Out, filepath.FromSlash(f.Rel))
	if other, ok := r.written[dst]; ok {
		return fmt.Errorf("%s and %s both land at %s (give their folders instead, or rewrite them apart)", other, f.Path, dst)
	}
	r.written[dst] = f.Path
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	return atomicfile.Write(dst, mode.Perm(), write)
}

// discard removes the copies of a run that failed.
func (r *rewriter) discard() {
	for _, p := range r.pending {
		p.copy.Discard()
	}
	r.pending = nil
}

// commit replaces each changed original with its rewritten copy, unless
// the original changed since it was read.
func (r *rewriter) commit() error {
	for i, p := range r.pending {
		if !unchangedSince(p.path, p.sum) {
			p.copy.Discard()
			fr := &r.res.Files[p.result]
			fr.Skipped = "changed on disk since it was read; not overwritten"
			fr.Changed = false
			r.res.FilesChanged--
			r.res.Skipped++
			continue
		}
		if err := p.copy.Commit(); err != nil {
			if !errors.As(err, new(*os.LinkError)) {
				r.res.FilesReplaced++ // renamed; only the folder's fsync failed
			}
			r.pending = r.pending[i+1:]
			r.discard()
			return &OutputError{Path: p.path, Err: err}
		}
		r.res.FilesReplaced++
	}
	r.pending = nil
	return nil
}

// unchangedSince reports whether the file at path still has the content
// whose SHA-256 is sum.
func unchangedSince(path string, sum [sha256.Size]byte) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return false
	}
	return bytes.Equal(h.Sum(nil), sum[:])
}

// UnmappedColumns are the columns of the --unmapped manifest; migrate
// reads source_url and passes the others through to its report.
var UnmappedColumns = []string{"source_url", "found_in", "occurrences", "report_status"}

// writeUnmapped writes the unmapped URLs as a manifest, atomically.
func writeUnmapped(path string, urls []UnmappedURL) error {
	err := atomicfile.Write(path, 0o644, func(w io.Writer) error {
		cw := csv.NewWriter(w)
		cw.Write(UnmappedColumns)
		for _, u := range urls {
			cw.Write([]string{u.URL, u.FoundIn, strconv.Itoa(u.Occurrences), u.Status})
		}
		cw.Flush()
		return cw.Error()
	})
	if err != nil {
		return &OutputError{Path: path, Err: err}
	}
	return nil
}
