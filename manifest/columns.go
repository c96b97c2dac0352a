package manifest

import (
	"fmt"
	"slices"
	"strings"
)

// ReservedColumns are the names a manifest may not give its own columns:
// the report's columns (package report owns them and their order), but for
// media_type. In a manifest media_type is the expected media type, and a
// report tells its two media_type columns apart by position. Read-only.
var ReservedColumns = []string{
	"status", "file_id", "wix_url", "wix_uri", "size_bytes", "width",
	"height", "failure_reason", "attempts", "updated_at", "method",
	"status_before_undo",
}

// field is a manifest column the importer understands.
type field int

const (
	fieldSourceURL field = iota
	fieldDisplayName
	fieldMimeType
	fieldMediaType
	fieldParentFolderID
	fieldFilePath
	fieldLabels
	fieldPrivate
	numFields

	passthrough field = -1
)

// canonicalNames are the names the documentation and error messages use.
var canonicalNames = [numFields]string{
	"source_url", "display_name", "mime_type", "media_type",
	"parent_folder_id", "file_path", "labels", "private",
}

// fieldByName maps every accepted name, normalized, to its field.
var fieldByName = func() map[string]field {
	m := map[string]field{"url": fieldSourceURL}
	for f, name := range canonicalNames {
		m[normalizeName(name)] = field(f)
	}
	return m
}()

// CanonicalColumn returns the canonical name of a column the importer
// understands, however it is spelled (sourceUrl, "Source URL", url), and
// "" for the user's own columns.
func CanonicalColumn(name string) string {
	if f, ok := fieldByName[normalizeName(name)]; ok {
		return canonicalNames[f]
	}
	return ""
}

// reservedNames are ReservedColumns, normalized.
var reservedNames = func() map[string]bool {
	m := map[string]bool{}
	for _, name := range ReservedColumns {
		m[normalizeName(name)] = true
	}
	return m
}()

// normalizeName folds the spellings of a column name into one key: lower
// case without '_', '-' or spaces, so source_url, sourceUrl and "Source URL"
// are the same name.
func normalizeName(name string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(name) {
		switch c {
		case '_', '-', ' ', '\t':
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}

// HeaderError is a problem with the header line; the run stops before any
// API call.
type HeaderError struct {
	// Column is the column's name as written, or for a missing column its
	// canonical name.
	Column string
	// Position is the column's 1-based position, or 0 when the problem is
	// not at one position (a missing column, an empty file).
	Position int
	Msg      string
}

func (e *HeaderError) Error() string {
	switch {
	case e.Position > 0:
		return fmt.Sprintf("manifest header, column %d %q: %s", e.Position, e.Column, e.Msg)
	case e.Column != "":
		return fmt.Sprintf("manifest header, column %q: %s", e.Column, e.Msg)
	default:
		return "manifest header: " + e.Msg
	}
}

// layout says where each part of a record is.
type layout struct {
	header  []string       // the manifest's columns, as written
	columns [numFields]int // index of each known field in a record, -1 if absent
	total   int            // fields per record, report columns included
	// reportFrom, for a report of an earlier layout, gives for each
	// current report column its index in the record's report part, or -1.
	reportFrom []int
}

// reportLayouts are the report columns a header may end with: the
// current ones, then earlier ones. A nil current means not a report.
type reportLayouts struct {
	current []string
	earlier [][]string
}

func layoutsOf(opts Options) reportLayouts {
	return reportLayouts{current: opts.ReportColumns, earlier: opts.EarlierReportColumns}
}

// parseHeader checks a header line. With report columns given, the line
// must end with them, and they are split off.
func parseHeader(names []string, report reportLayouts) (*layout, error) {
	l := &layout{header: names, total: len(names)}
	if report.current != nil {
		found, err := report.match(names)
		if err != nil {
			return nil, err
		}
		l.header = names[: len(names)-len(found) : len(names)-len(found)]
		if len(found) != len(report.current) || !slices.Equal(found, report.current) {
			l.reportFrom = make([]int, len(report.current))
			for i, name := range report.current {
				l.reportFrom[i] = slices.Index(found, name)
			}
		}
	}
	for f := range l.columns {
		l.columns[f] = -1
	}
	seen := make(map[string]int, len(l.header))
	for i, name := range l.header {
		key := normalizeName(name)
		if key == "" {
			return nil, &HeaderError{Column: name, Position: i + 1,
				Msg: "has no name; every column needs one, the user's own columns too"}
		}
		if j, dup := seen[key]; dup {
			msg := fmt.Sprintf("repeats column %d %q", j+1, l.header[j])
			if !strings.EqualFold(name, l.header[j]) {
				if f, known := fieldByName[key]; known {
					msg = fmt.Sprintf("is another name for column %d %q (both mean %s)", j+1, l.header[j], canonicalNames[f])
				} else {
					msg = fmt.Sprintf("is the same name as column %d %q (names are compared ignoring case, '_', '-' and spaces)", j+1, l.header[j])
				}
			}
			return nil, &HeaderError{Column: name, Position: i + 1, Msg: msg}
		}
		seen[key] = i
		if f, known := fieldByName[key]; known {
			if j := l.columns[f]; j >= 0 {
				return nil, &HeaderError{Column: name, Position: i + 1,
					Msg: fmt.Sprintf("is another name for column %d %q (both mean %s)", j+1, l.header[j], canonicalNames[f])}
			}
			l.columns[f] = i
			continue
		}
		if reservedNames[key] {
			return nil, &HeaderError{Column: name, Position: i + 1,
				Msg: "is the name of a report column; rename it (reserved: " + strings.Join(ReservedColumns, ", ") + ")"}
		}
	}
	if l.columns[fieldSourceURL] < 0 {
		return nil, &HeaderError{Column: canonicalNames[fieldSourceURL],
			Msg: "is missing; every manifest needs one (also accepted: url, sourceUrl)"}
	}
	return l, nil
}

// match returns the report columns names ends with: the current ones, or
// else the first earlier layout that fits. When none does, the error is
// the current layout's.
func (r reportLayouts) match(names []string) ([]string, error) {
	err := checkReportTail(names, r.current)
	if err == nil {
		return r.current, nil
	}
	for _, e := range r.earlier {
		if checkReportTail(names, e) == nil {
			return e, nil
		}
	}
	return nil, err
}

// checkReportTail checks that a report's header ends with the report columns.
func checkReportTail(names, report []string) error {
	first := len(names) - len(report)
	if first < 1 {
		return &HeaderError{Msg: fmt.Sprintf("%d columns; a report has the manifest's columns and then the %d report columns (%s)",
			len(names), len(report), strings.Join(report, ", "))}
	}
	for i, want := range report {
		if got := names[first+i]; normalizeName(got) != normalizeName(want) {
			return &HeaderError{Column: got, Position: first + i + 1,
				Msg: fmt.Sprintf("should be the report column %q; a report ends with the columns %s", want, strings.Join(report, ", "))}
		}
	}
	return nil
}
