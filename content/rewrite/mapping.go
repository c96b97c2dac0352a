package rewrite

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/wixmigrate/wixmigrate/content"
	"github.com/wixmigrate/wixmigrate/manifest"
	"github.com/wixmigrate/wixmigrate/report"
	"github.com/wixmigrate/wixmigrate/wix"
)

// target is the file a READY report row imported; its strings are in the
// mapping's arena. newURL is what its URLs become: the row's wix_url, or
// with TargetWixURI its wix_uri.
type target struct {
	source, fileID, newURL span32
	width, height          int32
}

// Target is the report column found URLs are replaced with.
type Target int

// Targets.
const (
	TargetWixURL Target = iota // wix_url: the file's address, for pages
	TargetWixURI               // wix_uri: the file's Wix media URI, for Wix's APIs
)

var targetNames = []string{"wix-url", "wix-uri"}

func (t Target) String() string { return targetNames[t] }

// Targets are the names ParseTarget reads, in order.
func Targets() []string { return slices.Clone(targetNames) }

// ParseTarget reads a target's name (wix-url, wix-uri).
func ParseTarget(name string) (Target, error) {
	if i := slices.Index(targetNames, name); i >= 0 {
		return Target(i), nil
	}
	return 0, fmt.Errorf("%q is not one of %s", name, strings.Join(targetNames, ", "))
}

// Match is how a found URL relates to the reports.
type Match struct {
	Kind MatchKind
	// NewURL is what the URL becomes: the Wix URL, or for a size variant
	// the Wix URL scaled to fill its size. "" when Kind is Unmapped.
	NewURL string
	// Status is the report status of an unmapped URL's row ("FAILED",
	// "PENDING"), "" when no report has a row for it.
	Status string
}

// MatchKind says how a URL matched, for the totals `rewrite` prints.
type MatchKind int

// The kinds, in the order they are printed.
const (
	MatchExact    MatchKind = iota // written as the row's source_url
	MatchEscaped                   // with entities, JSON escapes or other percent-encoding
	MatchRelative                  // relative or root-relative, resolved
	MatchSpelling                  // another spelling of scheme or host (http/https, //host, case, port)
	MatchVariant                   // a WordPress size variant of the row's file
	MatchUnmapped                  // media on an old host that no READY row maps
	numMatchKinds
)

var matchKindNames = [numMatchKinds]string{"exact", "escaped", "relative", "scheme/host", "size variant", "unmapped"}

func (k MatchKind) String() string { return matchKindNames[k] }

// MatchKinds lists every kind, in print order.
var MatchKinds = []MatchKind{MatchExact, MatchEscaped, MatchRelative, MatchSpelling, MatchVariant, MatchUnmapped}

// Mapping indexes reports by URL key, so that matching a URL costs a few
// lookups however many rows there are. It holds its strings in an arena
// and its indexes as integers (see keyIndex), so a large mapping costs the
// garbage collector next to nothing while files stream through.
type Mapping struct {
	strs     arena
	targets  []target
	exact    *keyIndex // key → index in targets
	variants *keyIndex // key of a listed variant → index in listed
	listed   []listedVariant
	status   map[string]string // keys of rows that are not READY → their status
	hosts    map[string]bool   // hosts of the source URLs

	Rows      int // report rows read
	Ready     int // READY rows mapped
	Conflicts int // URLs two rows mapped to different files (the later row wins)
	// NoURIForm counts READY rows mapped to their wix_url under
	// TargetWixURI: files of a type Wix has no media URI for.
	NoURIForm int

	to         Target
	missingURI MissingURIError // READY rows without a wix_uri, under TargetWixURI
}

// listedVariant is a URL a row's variants column lists.
type listedVariant struct {
	target        int32
	width, height int32 // 0 when the variant's name has no size
}

// NewMapping returns an empty Mapping whose URLs become what to says.
func NewMapping(to Target) *Mapping {
	return &Mapping{to: to, exact: newKeyIndex(), variants: newKeyIndex(), status: map[string]string{}, hosts: map[string]bool{}}
}

// MissingURIError is a report with READY rows that have no wix_uri, read
// for TargetWixURI: a report written before the column, not resumed since.
// Nothing is written: rewriting their URLs to anything else would put
// what Wix's APIs do not take where they expect a Wix media URI.
type MissingURIError struct {
	Path      string
	Rows      int    // READY rows without a wix_uri
	Line      int    // the first one's line
	SourceURL string // the first one's source_url
}

func (e *MissingURIError) Error() string {
	return fmt.Sprintf("report %s: %d READY rows have no wix_uri, the first on line %d (%s): "+
		"it was written before the column; run migrate again on it to fill them in (nothing is imported again)",
		e.Path, e.Rows, e.Line, e.SourceURL)
}

// ReportError is a report that cannot be used: unreadable, or not a
// migrate report.
type ReportError struct {
	Path   string
	Column string // the missing or misplaced column, when that is the problem
	Err    error
}

func (e *ReportError) Error() string { return fmt.Sprintf("report %s: %v", e.Path, e.Err) }
func (e *ReportError) Unwrap() error { return e.Err }

// LoadReport adds the report at path; a later report's rows win over an
// earlier one's.
func (m *Mapping) LoadReport(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return &ReportError{Path: path, Err: err}
	}
	defer f.Close()
	missing := m.missingURI
	if err := m.readReport(f); err != nil {
		re := &ReportError{Path: path, Err: fmt.Errorf("not a migrate report: %w", err)}
		var he *manifest.HeaderError
		if errors.As(err, &he) {
			re.Column = he.Column
			if missing := missingReportColumn(path); missing != "" {
				re.Column = missing
				re.Err = fmt.Errorf("not a migrate report: it has no %s column (%w)", missing, err)
			}
		}
		return re
	}
	if m.missingURI.Rows > missing.Rows {
		e := m.missingURI
		e.Path, e.Rows = path, m.missingURI.Rows-missing.Rows
		return &e
	}
	return nil
}

// readReport reads one report: the manifest package owns the format (its
// columns, delimiter, quoting), this only picks the fields it needs.
func (m *Mapping) readReport(r io.Reader) error {
	rows, err := manifest.NewReader(r, report.ReadOptions(manifest.Options{}))
	if err != nil {
		return err
	}
	variantsAt := -1
	for i, name := range rows.Header() {
		if strings.EqualFold(strings.TrimSpace(name), content.VariantsColumn) {
			variantsAt = i
		}
	}
	for {
		row, err := rows.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		m.Rows++
		if row.Err != nil || row.Import.Local {
			continue
		}
		fields, err := report.DecodeFields(row)
		if err != nil {
			continue // a damaged row maps nothing
		}
		key := content.Key(row.Import.SourceURL)
		m.hosts[content.Host(row.Import.SourceURL)] = true
		status, _ := report.ParseStatus(fields.Status)
		if status != report.Ready || fields.WixURL == "" {
			if _, mapped := m.exact.get([]byte(key)); !mapped {
				m.status[key] = fields.Status
			}
			continue
		}
		newURL := fields.WixURL
		if m.to == TargetWixURI {
			switch {
			case fields.WixURI != "":
				newURL = fields.WixURI
			case wix.MediaURIBase(fields.MediaType, fields.FileID) == "":
				m.NoURIForm++ // an archive, a 3D model: its address is all Wix gives
			default:
				if m.missingURI.Rows == 0 {
					m.missingURI.Line, m.missingURI.SourceURL = row.Line, row.Import.SourceURL
				}
				m.missingURI.Rows++
				continue
			}
		}
		t := target{source: m.strs.add(row.Import.SourceURL), fileID: m.strs.add(fields.FileID),
			newURL: m.strs.add(newURL), width: int32(fields.Width), height: int32(fields.Height)}
		m.targets = append(m.targets, t)
		n := int32(len(m.targets) - 1)
		if old, replaced := m.exact.put([]byte(key), n); replaced {
			if !bytes.Equal(m.strs.bytes(m.targets[old].newURL), m.strs.bytes(t.newURL)) {
				m.Conflicts++
			}
		} else {
			m.Ready++
		}
		delete(m.status, key)
		if variantsAt >= 0 && variantsAt < len(row.Record) {
			for _, v := range strings.Split(row.Record[variantsAt], content.VariantSeparator) {
				if v = strings.TrimSpace(v); v != "" {
					lv := listedVariant{target: n}
					if sv, ok := content.ParseVariant(v); ok {
						lv.width, lv.height = int32(sv.Width), int32(sv.Height)
					}
					m.listed = append(m.listed, lv)
					m.variants.put([]byte(content.Key(v)), int32(len(m.listed)-1))
				}
			}
		}
	}
}

// missingReportColumn names the first column rewrite needs that the CSV at
// path lacks, "" when it has them all (or cannot be read).
func missingReportColumn(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	in := bufio.NewReaderSize(f, 64<<10)
	head, _ := in.Peek(in.Size())
	c := csv.NewReader(in)
	// The report's delimiter, as manifest's reader detects it (a report
	// saved from a spreadsheet may use ';' or tabs).
	if d, err := manifest.DetectDelimiter(head, nil); err == nil {
		c.Comma = d
	}
	header, err := c.Read()
	if err != nil {
		return ""
	}
	have := map[string]bool{}
	for _, name := range header {
		have[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(name, "\ufeff")))] = true
	}
	for _, name := range []string{"source_url", "status", "wix_url"} {
		if !have[name] {
			return name
		}
	}
	return ""
}

// Hosts are the hosts of the reports' source URLs, the default old hosts.
func (m *Mapping) Hosts() []string {
	hosts := make([]string, 0, len(m.hosts))
	for h := range m.hosts {
		if h != "" {
			hosts = append(hosts, h)
		}
	}
	slices.Sort(hosts)
	return hosts
}

// Match finds what ref's URL becomes. ok is false for a URL the mapping
// has nothing to say about: not media and unmapped.
func (m *Mapping) Match(ref content.Ref) (Match, bool) {
	key, _ := content.AppendKey(nil, ref.URL)
	return m.match(ref, key)
}

// match is Match with ref.URL's key, which it does not keep.
func (m *Mapping) match(ref content.Ref, key []byte) (Match, bool) {
	if n, ok := m.exact.get(key); ok {
		t := &m.targets[n]
		return Match{Kind: spellingKind(ref, m.strs.bytes(t.source)), NewURL: string(m.strs.bytes(t.newURL)) + m.fragment(ref.Text)}, true
	}
	if m.variants.len() > 0 {
		if n, ok := m.variants.get(key); ok {
			v := m.listed[n]
			return m.variantMatch(ref, &m.targets[v.target], v.width, v.height), true
		}
	}
	// A key is a URL without its scheme, and the variant's name is in its
	// path, so the originals' keys come straight from the variant's key.
	if before, after, w, h, ok := content.SplitVariant(string(key)); ok {
		var buf [256]byte
		for _, suffix := range content.OriginalSuffixes {
			original := append(append(append(buf[:0], before...), suffix...), after...)
			if n, ok := m.exact.get(original); ok {
				return m.variantMatch(ref, &m.targets[n], int32(w), int32(h)), true
			}
		}
	}
	if !ref.IsMedia() {
		return Match{}, false
	}
	return Match{Kind: MatchUnmapped, Status: m.status[string(key)]}, true
}

// variantMatch is the match of a size variant of t's file: the Wix image
// scaled to fill its size, or with TargetWixURI the file's URI (a URI
// names a file, not a rendition of it).
func (m *Mapping) variantMatch(ref content.Ref, t *target, width, height int32) Match {
	var u string
	if m.to == TargetWixURL && width > 0 && height > 0 && t.fileID.n > 0 {
		u = wix.ScaledToFillURL(string(m.strs.bytes(t.fileID)), int(t.width), int(t.height), int(width), int(height))
	} else {
		u = string(m.strs.bytes(t.newURL))
	}
	return Match{Kind: MatchVariant, NewURL: u + m.fragment(ref.Text)}
}

// fragment is u's "#..." part, kept on a Wix URL; a Wix media URI has its
// own, so it gets none.
func (m *Mapping) fragment(u string) string {
	if i := strings.IndexByte(u, '#'); i >= 0 && m.to == TargetWixURL {
		return u[i:]
	}
	return ""
}

// spellingKind says how ref wrote a URL equal (by key) to source.
func spellingKind(ref content.Ref, source []byte) MatchKind {
	text := ref.Text
	if i := strings.IndexByte(text, '#'); i >= 0 {
		text = text[:i]
	}
	switch {
	case text == string(source):
		return MatchExact
	case ref.Relative && !strings.HasPrefix(text, "//"):
		return MatchRelative
	case ref.Escaped || !utf8.ValidString(text):
		return MatchEscaped
	}
	// Same key, different bytes: either the path's percent-encoding or the
	// scheme and host are spelled differently.
	if s := string(source); content.URLPath(text) != content.URLPath(s) || queryOf(text) != queryOf(s) {
		return MatchEscaped
	}
	return MatchSpelling
}

func queryOf(u string) string {
	if i := strings.IndexByte(u, '?'); i >= 0 {
		return u[i:]
	}
	return ""
}
