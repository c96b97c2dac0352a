// Package report owns what a run leaves behind: the output CSV (one row per
// manifest row, the manifest's columns followed by Columns, typed as
// Fields), the per-import outcomes a run keeps in memory, the journal, and
// reading a previous report back to resume.
//
// Outcomes are kept per import (manifest.Key), not per row: rows asking for
// the identical import share one outcome. The report is written by
// streaming the manifest again and joining each row to its outcome, so no
// row's text is held in memory.
package report

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/wixmigrate/wixmigrate/wix"
)

// Status is a row's state in the report.
type Status uint8

// Row states. Unknown is the zero value: nothing known from Wix, because
// the import was not sent yet (or was sent and its answer is in doubt, see
// PhaseInDoubt). The report writes it as PENDING. Their numbers are part
// of the journal format: do not renumber.
const (
	Unknown Status = iota
	Pending
	Ready
	Failed
	// Undone: undo moved the file this run created to the trash bin (or
	// deleted it for good); Outcome.Before is the status it had. A later
	// migration imports the row again as new.
	Undone
)

func (s Status) String() string {
	switch s {
	case Pending:
		return "PENDING"
	case Ready:
		return "READY"
	case Failed:
		return "FAILED"
	case Undone:
		return "UNDONE"
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
	case "UNDONE":
		return Undone, nil
	}
	return Unknown, fmt.Errorf("unknown status %q", s)
}

// Phase is what a run still has to do for an import beyond what its Status
// says, as data: the run decides by it, and failure_reason only presents it.
type Phase uint8

// Phases. Their numbers are part of the journal format: do not renumber.
const (
	// PhaseNone: nothing beyond Status. Never sent when Status is Unknown.
	PhaseNone Phase = iota
	// PhaseInDoubt: sent, but no answer was recorded (lost, or the run
	// stopped first); Updated is when it was sent. Before it is sent again,
	// the Media Manager is searched for files it created since.
	PhaseInDoubt
	// PhaseWixFailed: Wix could not fetch or process a URL import (Status
	// FAILED). A fallback upload, or a diagnosis of the source, is due.
	PhaseWixFailed
	// PhaseUnchecked: created, and PENDING as the import answered; the run
	// did not wait for processing (Settings.NoWait), so its status was
	// never checked. A later run checks it (status pages only).
	PhaseUnchecked
)

func (p Phase) String() string {
	switch p {
	case PhaseNone:
		return "none"
	case PhaseInDoubt:
		return "in doubt"
	case PhaseWixFailed:
		return "Wix failed"
	case PhaseUnchecked:
		return "unchecked"
	}
	return "Phase(" + strconv.Itoa(int(p)) + ")"
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
	FileID string
	url    string // only when it differs from wix.MediaURLPrefix+FileID
	// uri is the wix: media URI, or with uriTail only what follows
	// wix.MediaURIBase(media type, FileID): a million URIs would
	// otherwise hold a million file IDs twice.
	uri      string
	Folder   string // parent folder the file landed in, for polling
	Size     int64
	Updated  int64 // Unix nanoseconds of the file's updatedDate (or of our verdict)
	Width    int32
	Height   int32
	reason   uint32 // index into the reason table
	Status   Status
	Phase    Phase
	Media    mediaType
	Method   Method
	Attempts uint8
	// Before is the status an Undone outcome had before undo (restore
	// brings it back); Unknown otherwise.
	Before Status
	// Planned marks an import this run has queued: later rows asking for
	// it share its outcome. It lives in memory only.
	Planned bool
	uriTail bool
}

// InDoubt returns the outcome of an import sent at since whose answer is
// unknown, keeping what o knew of attempts; reason says why, for the report.
func (o Outcome) InDoubt(since time.Time, reason string) Outcome {
	d := Outcome{Status: Unknown, Phase: PhaseInDoubt, Updated: since.UnixNano(), Attempts: max(o.Attempts, 1), Planned: o.Planned}
	d.SetReason(reason)
	return d
}

func isWixFailedWording(reason string) bool {
	return reason == Reasons.WixFailed || slices.Contains(wixFailedWordings, reason)
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

// WixURI is the file's wix: media URI (see wix.MediaURI), "" when not
// known.
func (o *Outcome) WixURI() string {
	if o.uriTail {
		return wix.MediaURIBase(o.MediaType(), o.FileID) + o.uri
	}
	return o.uri
}

// SetWixURI records the file's wix: media URI; set FileID and the media
// type first.
func (o *Outcome) SetWixURI(u string) {
	o.uri, o.uriTail = u, false
	if base := wix.MediaURIBase(o.MediaType(), o.FileID); base != "" && strings.HasPrefix(u, base) {
		// a copy: the tail alone, not the whole URI's bytes, stays in memory
		o.uri, o.uriTail = strings.Clone(u[len(base):]), true
	}
}

// NeedsWixURI reports whether o is a READY file of a type the SDK names
// with a wix: media URI, whose URI o does not know: one read from a report
// written before the wix_uri column.
func (o *Outcome) NeedsWixURI() bool {
	return o.Status == Ready && o.FileID != "" && o.WixURI() == "" &&
		wix.MediaURIBase(o.MediaType(), o.FileID) != ""
}

// fillWixURI gives o the URI the SDK gives its file when what o holds and
// the display name it was imported with are all that URI needs (see
// wix.MediaURIFromReport): Wix stores the display name as the media's
// file name. An import without a display name was named by Wix, which a
// report does not say. It reports whether it did.
func (o *Outcome) fillWixURI(displayName string) bool {
	if displayName == "" {
		return false
	}
	u, ok := wix.MediaURIFromReport(o.MediaType(), o.FileID, wix.StoredName(displayName), int(o.Width), int(o.Height))
	if ok {
		o.SetWixURI(u)
	}
	return ok
}

// Reason is the failure reason, or why a row is still pending.
func (o *Outcome) Reason() string { return reasons.get(o.reason) }

// SetReason records a reason. Reasons repeat across rows, so they are interned.
func (o *Outcome) SetReason(r string) { o.reason = reasons.intern(r) }

// MediaType is the media type Wix reported.
func (o *Outcome) MediaType() wix.MediaType { return o.Media.wix() }

// SetFile copies what the report needs from a file descriptor.
func (o *Outcome) SetFile(f *wix.File) {
	sameFile := o.FileID == f.ID
	o.FileID = f.ID
	o.SetURL(f.URL)
	if f.ParentFolderID != "" {
		o.Folder = folderIDs.intern(f.ParentFolderID)
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
	// A descriptor without media (a bulk import's answer, a file still
	// processing) says nothing of the URI.
	if u := wix.MediaURI(f); u != "" || f.Media != nil || !sameFile {
		o.SetWixURI(u)
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

// Fields returns the outcome as the report's typed columns. An import with
// nothing known from Wix yet is PENDING, with why: not imported yet, or in
// doubt since it was sent; so is a file whose processing was not checked.
func (o *Outcome) Fields() Fields {
	status, reason := o.Status, o.Reason()
	if status == Pending && o.Phase == PhaseUnchecked {
		reason = Reasons.NotChecked
	}
	if status == Unknown {
		status = Pending
		if o.Phase != PhaseInDoubt {
			reason = Reasons.NotImported
		} else if reason == "" {
			reason = Reasons.Crashed
		}
	}
	url, uri := o.URL(), o.WixURI()
	if o.Status == Failed || o.Status == Undone && o.Before == Failed {
		url, uri = "", "" // a failed file's address serves nothing; scripts must not use it
	}
	f := Fields{
		Status: status.String(), FileID: o.FileID, WixURL: url, WixURI: uri, MediaType: o.MediaType(),
		SizeBytes: o.Size, Width: int(o.Width), Height: int(o.Height),
		FailureReason: reason, Attempts: int(o.Attempts), Method: o.Method.String(),
	}
	if o.Status == Undone {
		f.StatusBeforeUndo = o.Before.String()
	}
	if o.Updated != 0 {
		t := o.UpdatedAt()
		f.UpdatedAt = &t
	}
	return f
}

// FromFields reads an outcome back from a report's typed columns.
func FromFields(f Fields) (Outcome, error) {
	var o Outcome
	var err error
	if o.Status, err = ParseStatus(f.Status); err != nil {
		return o, fmt.Errorf("column \"status\": %w", err)
	}
	if f.MediaType != "" && !f.MediaType.Valid() {
		return o, fmt.Errorf("column \"media_type\": unknown media type %q", f.MediaType)
	}
	if f.SizeBytes < 0 || f.Width < 0 || f.Height < 0 || f.Attempts < 0 || f.Attempts > 255 {
		return o, fmt.Errorf("a negative or impossible count in size_bytes, width, height or attempts")
	}
	if o.Method, err = ParseMethod(f.Method); err != nil {
		return o, fmt.Errorf("column \"method\": %w", err)
	}
	if f.WixURI != "" && !strings.HasPrefix(f.WixURI, "wix:") {
		return o, fmt.Errorf("column \"wix_uri\": %q is not a wix: media URI", f.WixURI)
	}
	if o.Status == Undone && f.StatusBeforeUndo != "" {
		if o.Before, err = ParseStatus(f.StatusBeforeUndo); err != nil || o.Before == Undone {
			return o, fmt.Errorf("column \"status_before_undo\": want READY, PENDING or FAILED, not %q", f.StatusBeforeUndo)
		}
	}
	o.FileID = f.FileID
	o.SetURL(f.WixURL)
	o.Media = mediaTypeOf(f.MediaType)
	o.SetWixURI(f.WixURI)
	o.Size, o.Width, o.Height, o.Attempts = f.SizeBytes, int32(f.Width), int32(f.Height), uint8(f.Attempts)
	o.SetReason(f.FailureReason)
	if f.UpdatedAt != nil {
		o.Updated = f.UpdatedAt.UnixNano()
	}
	o.inferPhase()
	return o, nil
}

// inferPhase sets the phase of an outcome read from a report (which has no
// column for it), or from a journal written before records carried it, and
// makes an import nothing is known of from Wix Unknown (both write it as
// PENDING without a file). An import in doubt is one with the time it was
// sent (a row never sent has none); a URL import Wix failed and whose
// fallback is still due carries Wix's verdict as its reason, the one state
// a report shows only in words (see wixFailedWordings).
func (o *Outcome) inferPhase() {
	if o.Status == Pending && o.FileID == "" {
		o.Status = Unknown
	}
	switch {
	case o.Status == Unknown && o.Updated != 0:
		o.Phase = PhaseInDoubt
	case o.Status == Failed && o.Method == MethodImport && o.FileID != "" && isWixFailedWording(o.Reason()):
		o.Phase = PhaseWixFailed
	default:
		o.Phase = PhaseNone
	}
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

// folderIDs interns folder IDs: every decoded descriptor brings its own copy
// of its folder's ID, and a large run has few folders.
var folderIDs = &stringTable{m: map[string]string{}}

type stringTable struct {
	mu sync.Mutex
	m  map[string]string
}

func (t *stringTable) intern(s string) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if v, ok := t.m[s]; ok {
		return v
	}
	t.m[s] = s
	return s
}
