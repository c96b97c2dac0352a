// Package report owns what a run leaves behind: the output CSV (one row per
// manifest row, the manifest's columns followed by manifest.ReportColumns),
// the per-import outcomes a run keeps in memory, and reading a previous
// report back to resume.
//
// Outcomes are kept per import (manifest.Key), not per row: rows asking for
// the identical import share one outcome. The report is written by
// streaming the manifest again and joining each row to its outcome, so no
// row's text is held in memory.
package report

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/wixmigrate/wixmigrate/wix"
)

// Status is a row's state in the report.
type Status uint8

// Row states. Unknown is the zero value: an import not tried yet.
const (
	Unknown Status = iota
	Pending
	Ready
	Failed
)

func (s Status) String() string {
	switch s {
	case Pending:
		return "PENDING"
	case Ready:
		return "READY"
	case Failed:
		return "FAILED"
	}
	return ""
}

// ParseStatus reads a status column.
func ParseStatus(s string) (Status, error) {
	switch s {
	case "PENDING":
		return Pending, nil
	case "READY":
		return Ready, nil
	case "FAILED":
		return Failed, nil
	}
	return Unknown, fmt.Errorf("unknown status %q", s)
}

// Method says how a file reached the Media Manager.
type Method uint8

// Methods, as written in the `method` column.
const (
	MethodNone           Method = iota
	MethodImport                // Wix fetched the URL (Import File)
	MethodUpload                // a local file, uploaded
	MethodFallbackUpload        // Wix could not fetch it; we downloaded and uploaded it
)

var methodNames = [...]string{"", "import", "upload", "fallback-upload"}

func (m Method) String() string { return methodNames[m] }

// ParseMethod reads a method column; "" is MethodNone.
func ParseMethod(s string) (Method, error) {
	for i, n := range methodNames {
		if n == s {
			return Method(i), nil
		}
	}
	return MethodNone, fmt.Errorf("unknown method %q", s)
}

// Outcome is what a run knows of one import. It is compact on purpose: a
// million-row run holds one per distinct import.
type Outcome struct {
	FileID   string
	url      string // only when it differs from wix.MediaURLPrefix+FileID
	Folder   string // parent folder the file landed in, for polling
	Size     int64
	Updated  int64 // Unix nanoseconds of the file's updatedDate (or of our verdict)
	Width    int32
	Height   int32
	reason   uint32 // index into the reason table
	Status   Status
	Media    mediaType
	Method   Method
	Attempts uint8
}

// URL is the file's wixstatic.com address.
func (o *Outcome) URL() string {
	if o.url != "" || o.FileID == "" {
		return o.url
	}
	return wix.MediaURLPrefix + o.FileID
}

// SetURL records the file's address, storing it only when it is not the
// usual one derived from the ID.
func (o *Outcome) SetURL(u string) {
	if u == wix.MediaURLPrefix+o.FileID {
		u = ""
	}
	o.url = u
}

// Reason is the failure reason, or why a row is still pending.
func (o *Outcome) Reason() string { return reasons.get(o.reason) }

// SetReason records a reason. Reasons repeat across rows, so they are interned.
func (o *Outcome) SetReason(r string) { o.reason = reasons.intern(r) }

// MediaType is the media type Wix reported.
func (o *Outcome) MediaType() wix.MediaType { return o.Media.wix() }

// SetFile copies what the report needs from a file descriptor.
func (o *Outcome) SetFile(f *wix.File) {
	o.FileID = f.ID
	o.SetURL(f.URL)
	if f.ParentFolderID != "" {
		o.Folder = f.ParentFolderID
	}
	o.Media = mediaTypeOf(f.MediaType)
	if n, err := strconv.ParseInt(f.SizeInBytes, 10, 64); err == nil {
		o.Size = n
	}
	if w, h := dimensions(f); w > 0 {
		o.Width, o.Height = int32(w), int32(h)
	}
	if f.UpdatedDate != nil {
		o.Updated = f.UpdatedDate.UnixNano()
	}
	switch f.OperationStatus {
	case wix.StatusReady:
		o.Status = Ready
		o.SetReason("")
	case wix.StatusFailed:
		o.Status = Failed
	default:
		o.Status = Pending
	}
}

func dimensions(f *wix.File) (int, int) {
	if f.Media == nil {
		return 0, 0
	}
	for _, m := range []*wix.ImageMedia{f.Media.Image, f.Media.Vector} {
		if m != nil && m.Image != nil {
			return m.Image.Width, m.Image.Height
		}
	}
	if v := f.Media.Video; v != nil && len(v.Resolutions) > 0 {
		return v.Resolutions[0].Width, v.Resolutions[0].Height
	}
	return 0, 0
}

// UpdatedAt is Updated as a time, zero when unknown.
func (o *Outcome) UpdatedAt() time.Time {
	if o.Updated == 0 {
		return time.Time{}
	}
	return time.Unix(0, o.Updated).UTC()
}

// AppendFields appends the report columns' values, in manifest.ReportColumns order.
func (o *Outcome) AppendFields(dst []string) []string {
	num := func(n int64) string {
		if n == 0 {
			return ""
		}
		return strconv.FormatInt(n, 10)
	}
	updated := ""
	if o.Updated != 0 {
		updated = o.UpdatedAt().Format(time.RFC3339)
	}
	attempts := ""
	if o.Attempts > 0 || o.Status != Unknown {
		attempts = strconv.Itoa(int(o.Attempts))
	}
	return append(dst,
		o.Status.String(), o.FileID, o.URL(), string(o.MediaType()),
		num(o.Size), num(int64(o.Width)), num(int64(o.Height)),
		o.Reason(), attempts, updated, o.Method.String())
}

// ParseFields reads report columns written by AppendFields.
func ParseFields(f []string) (Outcome, error) {
	var o Outcome
	if len(f) < 10 {
		return o, fmt.Errorf("%d report fields, want at least 10", len(f))
	}
	var err error
	if o.Status, err = ParseStatus(f[0]); err != nil {
		return o, fmt.Errorf("column \"status\": %w", err)
	}
	o.FileID = f[1]
	o.SetURL(f[2])
	if f[3] != "" {
		if !wix.MediaType(f[3]).Valid() {
			return o, fmt.Errorf("column \"media_type\": unknown media type %q", f[3])
		}
		o.Media = mediaTypeOf(wix.MediaType(f[3]))
	}
	ints := []struct {
		name string
		s    string
		bits int
		set  func(int64)
	}{
		{"size_bytes", f[4], 64, func(n int64) { o.Size = n }},
		{"width", f[5], 32, func(n int64) { o.Width = int32(n) }},
		{"height", f[6], 32, func(n int64) { o.Height = int32(n) }},
		{"attempts", f[8], 8, func(n int64) { o.Attempts = uint8(n) }},
	}
	for _, c := range ints {
		if c.s == "" {
			continue
		}
		n, err := strconv.ParseInt(c.s, 10, c.bits)
		if err != nil || n < 0 {
			return o, fmt.Errorf("column %q: %q is not a count", c.name, c.s)
		}
		c.set(n)
	}
	o.SetReason(f[7])
	if f[9] != "" {
		t, err := time.Parse(time.RFC3339, f[9])
		if err != nil {
			return o, fmt.Errorf("column \"updated_at\": %q is not an RFC 3339 time", f[9])
		}
		o.Updated = t.UnixNano()
	}
	if len(f) > 10 {
		if o.Method, err = ParseMethod(f[10]); err != nil {
			return o, fmt.Errorf("column \"method\": %w", err)
		}
	}
	return o, nil
}

// mediaType stores a wix.MediaType in one byte.
type mediaType uint8

func mediaTypeOf(t wix.MediaType) mediaType {
	for i, m := range wix.MediaTypes {
		if m == t {
			return mediaType(i + 1)
		}
	}
	return 0
}

func (m mediaType) wix() wix.MediaType {
	if m == 0 {
		return ""
	}
	return wix.MediaTypes[m-1]
}

// reasonTable interns failure reasons: a large run has few distinct ones.
type reasonTable struct {
	mu    sync.Mutex
	index map[string]uint32
	list  []string
}

var reasons = &reasonTable{index: map[string]uint32{"": 0}, list: []string{""}}

func (t *reasonTable) intern(r string) uint32 {
	r = strings.TrimSpace(r)
	t.mu.Lock()
	defer t.mu.Unlock()
	if i, ok := t.index[r]; ok {
		return i
	}
	i := uint32(len(t.list))
	t.list = append(t.list, r)
	t.index[r] = i
	return i
}

func (t *reasonTable) get(i uint32) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.list[i]
}
