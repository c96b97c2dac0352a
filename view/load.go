package view

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/wixmigrate/wixmigrate/manifest"
	"github.com/wixmigrate/wixmigrate/report"
	"github.com/wixmigrate/wixmigrate/wix"
)

// Thumbnail size: the page shows thumbnails at 160×120 CSS pixels and asks
// Wix for 1.5 times that, sharp on most screens and still small.
const (
	ThumbWidth  = 240
	ThumbHeight = 180
)

// Statuses a page knows how to place; any other status (a newer report's)
// gets a section of its own, named as the report writes it.
const (
	statusReady   = "READY"
	statusFailed  = "FAILED"
	statusPending = "PENDING"
	// statusUnreadable stands for a row whose report columns could not be
	// read (a torn or hand-edited line).
	statusUnreadable = "UNREADABLE"
)

// Options say how to make a page.
type Options struct {
	// SiteID is shown in the header when known (migrate knows it).
	SiteID string
	// MediaBase replaces https://static.wixstatic.com in the URLs the page
	// loads and links for Wix files: a simulator's address, a mirror. ""
	// keeps Wix's.
	MediaBase string
	// MaxRows, when above 0, limits the page: a report with more rows gets
	// a page of its rows that are not READY only (its counts still cover
	// every row). 0 shows every row.
	MaxRows int
	// BaseDir is the folder relative local sources start at, as migrate's
	// (migrate.Config.BaseDir); "" is the report's folder, where the
	// manifest usually is.
	BaseDir string
	// Delimiter separates the report's fields; 0 detects it.
	Delimiter rune
	// Now is when the page is made; zero means time.Now.
	Now time.Time
}

// Report is a report read for its page.
type Report struct {
	Path     string    // as given
	Written  time.Time // the report file's modification time
	Rows     int       // data rows
	ByStatus map[string]int
	ByMethod map[string]int
	ByType   map[string]int
	Bytes    int64 // total size_bytes of READY rows
	// Partial is set when Options.MaxRows left the READY rows out.
	Partial bool

	columns  []string // the manifest's own columns
	folderAt []int    // where file_path and parent_folder_id are, -1 when absent
	rows     []row    // the rows on the page
	opts     Options
	// chunkRows is how many rows make a chunk of the page's data
	// (defaultChunkRows when 0); tests make chunks small.
	chunkRows int
}

// row is one report row as the page needs it.
type row struct {
	line      int
	status    string
	method    string
	mediaType string
	folder    string
	cause     string // report.Cause key, "" when the reason has no known kind
	reason    string
	fileID    string
	wixURL    string // "" when the row has no usable file
	wixURI    string // the wix: media URI, "" when none
	thumb     string // the scaled-to-fill URL, "" when none
	size      int64
	width     int
	height    int
	attempts  int
	updated   string
	localSrc  string // a file:// URL for a local source, else ""
	cells     []string
}

// Load reads the report at path with the report package's reader.
func Load(path string, opts Options) (*Report, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if opts.MediaBase != "" {
		u, err := url.Parse(opts.MediaBase)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, &MediaBaseError{Value: opts.MediaBase}
		}
		opts.MediaBase = strings.TrimRight(opts.MediaBase, "/")
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rows, err := manifest.NewReader(f, report.ReadOptions(manifest.Options{
		Delimiter: opts.Delimiter, BaseDir: cmp.Or(opts.BaseDir, filepath.Dir(path)),
	}))
	if err != nil {
		return nil, fmt.Errorf("%s is not a migrate report: %w", path, err)
	}
	r := &Report{
		Path: path, Written: info.ModTime(), columns: rows.Header(), opts: opts,
		ByStatus: map[string]int{}, ByMethod: map[string]int{}, ByType: map[string]int{},
		folderAt: []int{-1, -1},
	}
	for i, c := range r.columns {
		switch manifest.CanonicalColumn(c) {
		case "file_path":
			r.folderAt[0] = i
		case "parent_folder_id":
			r.folderAt[1] = i
		}
	}
	if err := r.read(rows); err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	return r, nil
}

// MediaBaseError is a --media-base that is not an http(s) URL.
type MediaBaseError struct{ Value string }

func (e *MediaBaseError) Error() string {
	return fmt.Sprintf("media base %q: want an http(s) URL such as https://static.wixstatic.com", e.Value)
}

func (r *Report) read(rows *manifest.Reader) error {
	for {
		mr, err := rows.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		r.Rows++
		rw := r.rowOf(mr)
		r.ByStatus[rw.status]++
		if rw.method != "" {
			r.ByMethod[rw.method]++
		}
		r.ByType[cmp.Or(rw.mediaType, "unknown")]++
		if rw.status == statusReady {
			r.Bytes += rw.size
		}
		if r.opts.MaxRows > 0 && r.Rows > r.opts.MaxRows && !r.Partial {
			r.Partial = true
			r.rows = slices.DeleteFunc(r.rows, func(x row) bool { return x.status == statusReady })
		}
		if r.Partial && rw.status == statusReady {
			continue
		}
		r.rows = append(r.rows, rw)
	}
}

// rowOf turns a report row into the page's.
func (r *Report) rowOf(mr *manifest.Row) row {
	rw := row{line: mr.Line, cells: slices.Clone(mr.Fields())}
	im := mr.Import
	for _, i := range r.folderAt {
		if i >= 0 && rw.folder == "" {
			rw.folder = strings.TrimSpace(rw.cells[i])
		}
	}
	if im.Local {
		rw.localSrc = (&url.URL{Scheme: "file", Path: filepath.ToSlash(im.LocalPath)}).String()
	}
	fields, err := report.DecodeFields(mr)
	if err != nil {
		rw.status, rw.reason = statusUnreadable, err.Error()
		return rw
	}
	rw.status = strings.ToUpper(strings.TrimSpace(fields.Status))
	if rw.status == "" {
		rw.status = statusPending // a report writes nothing known as PENDING
	}
	rw.method = fields.Method
	rw.mediaType = string(cmp.Or(fields.MediaType, im.MediaType))
	rw.reason = fields.FailureReason
	rw.fileID = fields.FileID
	rw.size, rw.width, rw.height, rw.attempts = fields.SizeBytes, fields.Width, fields.Height, fields.Attempts
	if fields.UpdatedAt != nil {
		rw.updated = fields.UpdatedAt.UTC().Format(time.RFC3339)
	}
	switch {
	case mr.Err != nil:
		rw.cause = report.CauseInvalidRow
	case rw.status != statusReady:
		if c, ok := report.CauseOf(rw.reason); ok {
			rw.cause = c.Key
		}
	}
	if rw.status == statusReady && fields.WixURL != "" {
		rw.wixURL, rw.wixURI = r.media(fields.WixURL), fields.WixURI
		switch fields.MediaType {
		case wix.MediaImage, wix.MediaVector:
			if fields.FileID != "" {
				rw.thumb = r.media(wix.ScaledToFillURL(fields.FileID, fields.Width, fields.Height, ThumbWidth, ThumbHeight))
			}
		case wix.MediaVideo:
			if id, w, h, ok := wix.VideoPoster(fields.WixURI); ok {
				rw.thumb = r.media(wix.ScaledToFillURL(id, w, h, ThumbWidth, ThumbHeight))
			}
		}
	}
	return rw
}

// wixOrigin is what Options.MediaBase replaces.
const wixOrigin = "https://static.wixstatic.com"

// media rebases a Wix media URL on Options.MediaBase.
func (r *Report) media(u string) string {
	if r.opts.MediaBase == "" || !strings.HasPrefix(u, wixOrigin+"/") {
		return u
	}
	return r.opts.MediaBase + u[len(wixOrigin):]
}

// fileName is the last element of a URL or path, for names.
func fileName(s string) string {
	s = strings.TrimRight(s, "/")
	if i := strings.IndexAny(s, "?#"); i >= 0 {
		s = s[:i]
	}
	return path.Base(s)
}

// DefaultPath is where a report's page goes unless told: beside the
// report, named like it, .html instead of .csv.
func DefaultPath(reportPath string) string {
	return strings.TrimSuffix(reportPath, filepath.Ext(reportPath)) + ".html"
}

// Make reads the report at reportPath and writes its page to out
// atomically ("" is DefaultPath).
func Make(reportPath, out string, opts Options) (*Report, error) {
	r, err := Load(reportPath, opts)
	if err != nil {
		return nil, err
	}
	if out == "" {
		out = DefaultPath(reportPath)
	}
	if err := r.WriteFile(out); err != nil {
		return nil, fmt.Errorf("writing the page %s: %w", out, err)
	}
	return r, nil
}
