package content

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/wixmigrate/wixmigrate/manifest"
	"github.com/wixmigrate/wixmigrate/report"
	"github.com/wixmigrate/wixmigrate/wix"
)

// VariantsColumn is the manifest column (written by scan, or by users)
// listing, ';'-separated, the URLs of a file's size variants.
const VariantsColumn = "variants"

// Target is the file a READY report row imported.
type Target struct {
	SourceURL string // the row's source_url, as migrate normalized it
	WixURL    string
	FileID    string
	MediaType wix.MediaType
	Width     int
	Height    int
}

// Match is how a found URL relates to the reports.
type Match struct {
	Kind   MatchKind
	Target *Target
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
// map lookups however many rows there are.
type Mapping struct {
	exact    map[string]*Target
	variants map[string]variantTarget
	status   map[string]string // keys of rows that are not READY → their status
	hosts    map[string]bool   // hosts of the source URLs

	Rows      int // report rows read
	Ready     int // READY rows mapped
	Conflicts int // URLs two rows mapped to different files (the later row wins)
}

type variantTarget struct {
	target        *Target
	width, height int // 0 when the listed variant's name has no size
}

// NewMapping returns an empty Mapping.
func NewMapping() *Mapping {
	return &Mapping{exact: map[string]*Target{}, variants: map[string]variantTarget{},
		status: map[string]string{}, hosts: map[string]bool{}}
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
	if err := m.readReport(f); err != nil {
		re := &ReportError{Path: path, Err: fmt.Errorf("not a migrate report: %w", err)}
		var he *manifest.HeaderError
		if errors.As(err, &he) {
			re.Column = he.Column
			if missing := missingReportColumn(path); missing != "" {
				re.Column = missing
				re.Err = fmt.Errorf("not a migrate report: it has no %s column (%v)", missing, err)
			}
		}
		return re
	}
	return nil
}

// readReport reads one report: the manifest package owns the format (its
// columns, delimiter, quoting), this only picks the fields it needs.
func (m *Mapping) readReport(r io.Reader) error {
	rows, err := manifest.NewReader(r, manifest.Options{ReportColumns: true})
	if err != nil {
		return err
	}
	variantsAt := -1
	for i, name := range rows.Header() {
		if strings.EqualFold(strings.TrimSpace(name), VariantsColumn) {
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
		fields, err := row.ReportFields()
		if err != nil {
			continue // a damaged row maps nothing
		}
		key := Key(row.Import.SourceURL)
		m.hosts[Host(row.Import.SourceURL)] = true
		status, _ := report.ParseStatus(fields.Status)
		if status != report.Ready || fields.WixURL == "" {
			if _, mapped := m.exact[key]; !mapped {
				m.status[key] = fields.Status
			}
			continue
		}
		t := &Target{SourceURL: row.Import.SourceURL, WixURL: fields.WixURL, FileID: fields.FileID,
			MediaType: fields.MediaType, Width: fields.Width, Height: fields.Height}
		if old, ok := m.exact[key]; ok && old.WixURL != t.WixURL {
			m.Conflicts++
		}
		if _, ok := m.exact[key]; !ok {
			m.Ready++
		}
		m.exact[key] = t
		delete(m.status, key)
		if variantsAt >= 0 && variantsAt < len(row.Record) {
			for _, v := range strings.Split(row.Record[variantsAt], ";") {
				if v = strings.TrimSpace(v); v != "" {
					vt := variantTarget{target: t}
					if sv, ok := ParseVariant(v); ok {
						vt.width, vt.height = sv.Width, sv.Height
					}
					m.variants[Key(v)] = vt
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
	header, err := csv.NewReader(f).Read()
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
	return hosts
}

// Match finds what ref's URL becomes. ok is false for a URL the mapping
// has nothing to say about: not media and unmapped.
func (m *Mapping) Match(ref Ref) (Match, bool) {
	key, _ := appendKey(nil, ref.URL)
	return m.match(ref, key)
}

// match is Match with ref.URL's key, which it does not keep.
func (m *Mapping) match(ref Ref, key []byte) (Match, bool) {
	if t, ok := m.exact[string(key)]; ok {
		return Match{Kind: spellingKind(ref, t.SourceURL), Target: t, NewURL: t.WixURL + fragment(ref.Text)}, true
	}
	if len(m.variants) == 0 {
	} else if v, ok := m.variants[string(key)]; ok {
		return m.variantMatch(ref, v.target, v.width, v.height), true
	}
	// A key is a URL without its scheme, and the variant's name is in its
	// path, so the originals' keys come straight from the variant's key.
	if before, after, w, h, ok := splitVariant(string(key)); ok {
		var buf [256]byte
		for _, suffix := range originalSuffixes {
			original := append(append(append(buf[:0], before...), suffix...), after...)
			if t, ok := m.exact[string(original)]; ok {
				return m.variantMatch(ref, t, w, h), true
			}
		}
	}
	if !ref.IsMedia() {
		return Match{}, false
	}
	return Match{Kind: MatchUnmapped, Status: m.status[string(key)]}, true
}

// variantMatch is the match of a size variant of t's file.
func (m *Mapping) variantMatch(ref Ref, t *Target, width, height int) Match {
	u := t.WixURL
	if width > 0 && height > 0 && t.FileID != "" {
		u = ScaledToFillURL(t.FileID, t.Width, t.Height, width, height)
	}
	return Match{Kind: MatchVariant, Target: t, NewURL: u + fragment(ref.Text)}
}

// fragment is u's "#..." part, kept on the replacement.
func fragment(u string) string {
	if i := strings.IndexByte(u, '#'); i >= 0 {
		return u[i:]
	}
	return ""
}

// spellingKind says how ref wrote a URL equal (by key) to source.
func spellingKind(ref Ref, source string) MatchKind {
	text := ref.Text
	if i := strings.IndexByte(text, '#'); i >= 0 {
		text = text[:i]
	}
	switch {
	case text == source:
		return MatchExact
	case ref.Relative && !strings.HasPrefix(text, "//"):
		return MatchRelative
	case ref.Escaped || !utf8.ValidString(text):
		return MatchEscaped
	}
	// Same key, different bytes: either the path's percent-encoding or the
	// scheme and host are spelled differently.
	if URLPath(text) != URLPath(source) || queryOf(text) != queryOf(source) {
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
