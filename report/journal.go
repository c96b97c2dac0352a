package report

import (
	"bufio"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/wixmigrate/wixmigrate/internal/atomicfile"
	"github.com/wixmigrate/wixmigrate/manifest"
	"github.com/wixmigrate/wixmigrate/wix"
)

// The journal is the run's write-ahead log. The report CSV is rewritten
// only every few seconds; between two writes, what the run learns lives in
// memory, and a crash (Ctrl-C, kill -9, OOM, power loss) would lose it. The
// journal, kept beside the report, records it as it happens:
//
//   - an intent, fsynced before an import batch is sent, so the next run
//     knows that files may exist in Wix for rows without an outcome and
//     reconciles them instead of importing twice;
//   - every outcome, buffered and fsynced about every second (group commit);
//   - that a batch was answered, closing its intent.
//
// Format: one record per line, "<crc32c of the payload, 8 hex digits>
// <payload JSON>\n". The checksum and the newline let a reader tell a whole
// record from one torn by a crash mid-write. Field names are short on
// purpose: a million-row run appends a million outcome records.
//
// On-disk payloads (fields omitted when zero):
//
//	{"t":"i","b":7,"at":1700000000000000000,"ks":["<32 hex>",...]}
//	{"t":"o","k":"<32 hex>","s":2,"p":0,"id":"…","u":"…","f":"…","z":1234,"up":1700000000000000000,
//	 "w":640,"h":480,"r":"…","m":"IMAGE","me":1,"n":1,"wu":"wix:image://v1/…"}
//	{"t":"a","b":7}
//	{"t":"u","b":8,"at":1700000000000000000,"ids":["<file ID>",...]}
//	{"t":"r","b":9,"at":1700000000000000000,"ids":["<file ID>",...]}
//	{"t":"f","s":4,"p":0,"id":"<file ID>",…,"bs":2}
//
// u and r are the intents of undo and restore: a Bulk Delete Files (or
// Bulk Restore) call naming those files is about to be sent; a closes them
// too. f is what undo or restore made of a file: the whole outcome of the
// imports whose file it is (keyed by file ID, not import key: undo reads
// the report without the manifest's options that keys depend on). bs is
// an Undone outcome's Before. Journals written before these kinds existed
// hold none of them and replay as they did.
//
// s (Status), p (Phase) and me (Method) are the numeric values of those
// constants: they are part of the format and must not be renumbered. p is
// always written; a record without it was written by an earlier version,
// and its phase is inferred as a report's is (Outcome.inferPhase). The media type is
// stored as Wix spells it, so reordering wix.MediaTypes is harmless.

// RecordKind says what a journal record is.
type RecordKind uint8

// Record kinds. The zero value is no kind, so a forgotten Kind is an error
// rather than a silent intent.
const (
	KindIntent        RecordKind = iota + 1 // an import batch is about to be sent
	KindOutcome                             // what the run learned of one import
	KindAnswered                            // the batch's answers are all recorded
	KindUndoIntent                          // a Bulk Delete Files call of undo is about to be sent
	KindRestoreIntent                       // a Bulk Restore call of restore is about to be sent
	KindFileOutcome                         // what undo or restore made of one file
)

func (k RecordKind) String() string {
	switch k {
	case KindIntent:
		return "intent"
	case KindOutcome:
		return "outcome"
	case KindAnswered:
		return "answered"
	case KindUndoIntent:
		return "undo intent"
	case KindRestoreIntent:
		return "restore intent"
	case KindFileOutcome:
		return "file outcome"
	}
	return "RecordKind(" + strconv.Itoa(int(k)) + ")"
}

// Record is one journal entry.
type Record struct {
	Kind RecordKind
	// Batch identifies an intent and the Answered record closing it. IDs
	// start at 1 and increase within the journal file, across runs
	// appending to it too.
	Batch uint64
	// At is when the intent was recorded: files Wix created after it may
	// belong to the batch. It survives to the nanosecond, as an instant
	// (its location and monotonic reading are not kept).
	At      time.Time
	Keys    []manifest.Key // KindIntent: the batch's imports
	FileIDs []string       // KindUndoIntent, KindRestoreIntent: the call's files
	Key     manifest.Key   // KindOutcome
	// Outcome is KindOutcome's and KindFileOutcome's: every field, url and
	// reason included; a KindFileOutcome's is keyed by its FileID.
	Outcome Outcome
}

// ReplayStats says what OpenJournal read.
type ReplayStats struct {
	Records int // whole records replayed
	// Torn says the journal ended in a record that could not be read (a
	// crash mid-write, or damage): it and everything after it were
	// ignored and truncated away, TornBytes in all.
	Torn      bool
	TornBytes int64
}

// ErrJournalClosed is returned by a journal's methods after Close.
var ErrJournalClosed = errors.New("journal closed")

// Journal appends records to a journal file. It is safe for concurrent use.
//
// Any failed write, flush or fsync is sticky: every later call returns the
// first error, since a journal that silently stops recording would make a
// crashed run's successor trust it wrongly.
type Journal struct {
	path string

	mu      sync.Mutex // guards everything below except synced
	f       *os.File
	w       *bufio.Writer
	buf     []byte // encoding scratch
	next    uint64 // next batch ID
	written uint64 // records appended since open
	err     error  // sticky
	closed  bool

	syncMu sync.Mutex // serializes fsyncs; also held to swap f
	synced uint64     // records known durable; guarded by syncMu
}

// OpenJournal opens the journal at path for appending, creating it with
// mode 0600 (or fixing the mode of an existing one: it names what was
// imported), after calling replay (if not nil) with every record it holds,
// in order.
//
// A record that cannot be read (no newline, bad checksum, bad JSON, or
// values no writer produces) ends the replay: it is normally the last one,
// torn by a crash mid-write. It and whatever follows are reported in the
// stats and truncated away, so appending continues after the last whole
// record; this is never an error. Only I/O errors are.
//
// Batch IDs continue after the highest one replayed.
func OpenJournal(path string, replay func(Record)) (*Journal, ReplayStats, error) {
	var st ReplayStats
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, st, fmt.Errorf("opening journal: %w", err)
	}
	fail := func(err error) (*Journal, ReplayStats, error) {
		f.Close()
		return nil, st, fmt.Errorf("opening journal %s: %w", path, err)
	}
	fi, err := f.Stat()
	if err != nil {
		return fail(err)
	}
	if !fi.Mode().IsRegular() {
		return fail(errors.New("not a regular file"))
	}
	if fi.Mode().Perm() != 0o600 {
		if err := f.Chmod(0o600); err != nil {
			return fail(err)
		}
	}
	good, maxBatch, err := readJournal(io.NewSectionReader(f, 0, fi.Size()), &st, replay)
	if err != nil {
		return fail(err)
	}
	if good < fi.Size() {
		st.Torn, st.TornBytes = true, fi.Size()-good
		if err := f.Truncate(good); err != nil {
			return fail(err)
		}
		if err := f.Sync(); err != nil {
			return fail(err)
		}
	}
	// Make the file's name durable, should it have just been created.
	if err := atomicfile.SyncDir(filepath.Dir(path)); err != nil {
		return fail(err)
	}
	j := &Journal{path: path, f: f, w: bufio.NewWriterSize(f, 64<<10), next: maxBatch + 1}
	return j, st, nil
}

// readJournal replays the records of r up to the first unreadable one and
// returns the offset just past the last whole record and the highest batch ID.
func readJournal(r io.Reader, st *ReplayStats, replay func(Record)) (good int64, maxBatch uint64, err error) {
	br := bufio.NewReaderSize(r, 256<<10)
	var long []byte
	for {
		line, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull { // a long intent: gather it
			long = append(long[:0], line...)
			for err == bufio.ErrBufferFull {
				line, err = br.ReadSlice('\n')
				long = append(long, line...)
			}
			line = long
		}
		if err == io.EOF {
			return good, maxBatch, nil // a last line without newline is torn
		}
		if err != nil {
			return good, maxBatch, err
		}
		rec, ok := decodeLine(line[:len(line)-1])
		if !ok {
			return good, maxBatch, nil
		}
		good += int64(len(line))
		st.Records++
		maxBatch = max(maxBatch, rec.Batch)
		if replay != nil {
			replay(rec)
		}
	}
}

// Intent records that the import of keys is about to be sent, and returns
// the batch's ID. The record is on disk (fsynced, with every record
// appended before it) when Intent returns: the import must be sent only
// after, so a crash can never leave files in Wix the journal does not hint
// at. Concurrent intents share fsyncs.
func (j *Journal) Intent(keys []manifest.Key, at time.Time) (batch uint64, err error) {
	return j.intent(&Record{Kind: KindIntent, At: at, Keys: keys})
}

// UndoIntent records that a Bulk Delete Files call naming fileIDs is about
// to be sent, durably, as Intent does, and returns its batch ID.
func (j *Journal) UndoIntent(fileIDs []string, at time.Time) (batch uint64, err error) {
	return j.intent(&Record{Kind: KindUndoIntent, At: at, FileIDs: fileIDs})
}

// RestoreIntent records that a Bulk Restore Files From Trash Bin call
// naming fileIDs is about to be sent, durably, and returns its batch ID.
func (j *Journal) RestoreIntent(fileIDs []string, at time.Time) (batch uint64, err error) {
	return j.intent(&Record{Kind: KindRestoreIntent, At: at, FileIDs: fileIDs})
}

// FileOutcome records what undo or restore made of the file o.FileID: o
// becomes the outcome of every import whose file it is. It is buffered
// like Outcome.
func (j *Journal) FileOutcome(o Outcome) error {
	if o.FileID == "" {
		return errors.New("journal: a file outcome without a file ID")
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.err != nil {
		return j.err
	}
	return j.appendLocked(&Record{Kind: KindFileOutcome, Outcome: o})
}

// intent appends r, an intent, with the next batch ID and waits until it
// is durable.
func (j *Journal) intent(r *Record) (batch uint64, err error) {
	j.mu.Lock()
	if j.err != nil {
		defer j.mu.Unlock()
		return 0, j.err
	}
	batch = j.next
	j.next++
	r.Batch = batch
	err = j.appendLocked(r)
	seq := j.written
	j.mu.Unlock()
	if err != nil {
		return 0, err
	}
	if err := j.syncTo(seq); err != nil {
		return 0, err
	}
	return batch, nil
}

// Outcome records what the run learned of key. It is buffered: it is
// durable after the next Sync (or Intent, or Close).
func (j *Journal) Outcome(key manifest.Key, o Outcome) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.err != nil {
		return j.err
	}
	return j.appendLocked(&Record{Kind: KindOutcome, Key: key, Outcome: o})
}

// Answered records that every outcome of batch was recorded before it, which
// closes the batch's intent. It is buffered like Outcome.
func (j *Journal) Answered(batch uint64) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.err != nil {
		return j.err
	}
	return j.appendLocked(&Record{Kind: KindAnswered, Batch: batch})
}

// Sync writes the buffered records and fsyncs the file. The pipeline calls
// it about every second and before each report checkpoint, so a crash loses
// at most that much of what was learned.
func (j *Journal) Sync() error {
	j.mu.Lock()
	seq, err := j.written, j.err
	j.mu.Unlock()
	if err != nil {
		return err
	}
	return j.syncTo(seq)
}

// Close syncs and closes the journal. Later calls of its methods return
// ErrJournalClosed; closing again returns nil.
func (j *Journal) Close() error {
	j.syncMu.Lock()
	defer j.syncMu.Unlock()
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		if j.err == ErrJournalClosed {
			return nil
		}
		return j.err
	}
	j.closed = true
	if j.err == nil && j.synced < j.written {
		if err := j.w.Flush(); err != nil {
			j.failLocked(err)
		} else if err := j.f.Sync(); err != nil {
			j.failLocked(err)
		}
	}
	if err := j.f.Close(); err != nil {
		j.failLocked(err)
	}
	if j.err != nil {
		return j.err
	}
	j.err = ErrJournalClosed
	return nil
}

// Remove closes the journal and deletes its file: a run that ended cleanly
// folded everything it recorded into the report. The file is deleted even if
// closing fails; both errors are returned.
func (j *Journal) Remove() error {
	cerr := j.Close()
	rerr := os.Remove(j.path)
	if errors.Is(rerr, os.ErrNotExist) {
		rerr = nil
	}
	if rerr == nil {
		rerr = atomicfile.SyncDir(filepath.Dir(j.path))
	}
	return errors.Join(cerr, rerr)
}

// appendLocked encodes r into the buffer; j.mu is held and j.err is nil.
func (j *Journal) appendLocked(r *Record) error {
	j.buf = appendLine(j.buf[:0], r)
	if _, err := j.w.Write(j.buf); err != nil {
		return j.failLocked(err)
	}
	j.written++
	return nil
}

// failLocked makes err sticky unless an earlier error is; j.mu is held.
func (j *Journal) failLocked(err error) error {
	if j.err == nil || j.err == ErrJournalClosed {
		j.err = fmt.Errorf("journal %s: %w", j.path, err)
	}
	return j.err
}

// syncTo makes the first seq records durable. The fsync runs outside j.mu so
// appenders keep buffering meanwhile, and a waiting caller whose records a
// concurrent fsync covered returns without one of its own (group commit).
func (j *Journal) syncTo(seq uint64) error {
	j.syncMu.Lock()
	defer j.syncMu.Unlock()
	j.mu.Lock()
	if j.err != nil {
		defer j.mu.Unlock()
		return j.err
	}
	if j.synced >= seq {
		j.mu.Unlock()
		return nil
	}
	err := j.w.Flush()
	upto, f := j.written, j.f
	j.mu.Unlock()
	if err == nil {
		err = f.Sync()
	}
	if err != nil {
		j.mu.Lock()
		defer j.mu.Unlock()
		return j.failLocked(err)
	}
	j.synced = upto
	return nil
}

// Encoding. It is hand-written: a run appends a record per import, and
// encoding/json's reflection would dominate the cost of buffered appends.
// Decoding, done once per run, uses encoding/json.

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// appendLine appends r as one journal line.
func appendLine(b []byte, r *Record) []byte {
	start := len(b)
	b = append(b, "00000000 "...)
	b = appendPayload(b, r)
	sum := crc32.Checksum(b[start+9:], castagnoli)
	const digits = "0123456789abcdef"
	for i := 7; i >= 0; i-- {
		b[start+i] = digits[sum&0xf]
		sum >>= 4
	}
	return append(b, '\n')
}

func appendPayload(b []byte, r *Record) []byte {
	switch r.Kind {
	case KindIntent:
		b = append(b, `{"t":"i","b":`...)
		b = strconv.AppendUint(b, r.Batch, 10)
		if !r.At.IsZero() {
			b = append(b, `,"at":`...)
			b = strconv.AppendInt(b, r.At.UnixNano(), 10)
		}
		b = append(b, `,"ks":[`...)
		for i := range r.Keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendKey(b, r.Keys[i])
		}
		return append(b, "]}"...)
	case KindAnswered:
		b = append(b, `{"t":"a","b":`...)
		b = strconv.AppendUint(b, r.Batch, 10)
		return append(b, '}')
	case KindUndoIntent, KindRestoreIntent:
		if r.Kind == KindUndoIntent {
			b = append(b, `{"t":"u","b":`...)
		} else {
			b = append(b, `{"t":"r","b":`...)
		}
		b = strconv.AppendUint(b, r.Batch, 10)
		if !r.At.IsZero() {
			b = append(b, `,"at":`...)
			b = strconv.AppendInt(b, r.At.UnixNano(), 10)
		}
		b = append(b, `,"ids":[`...)
		for i, id := range r.FileIDs {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, id)
		}
		return append(b, "]}"...)
	case KindOutcome, KindFileOutcome:
		o := &r.Outcome
		if r.Kind == KindFileOutcome {
			b = append(b, `{"t":"f"`...)
		} else {
			b = append(b, `{"t":"o","k":`...)
			b = appendKey(b, r.Key)
		}
		b = appendUintField(b, `,"s":`, uint64(o.Status))
		b = strconv.AppendUint(append(b, `,"p":`...), uint64(o.Phase), 10)
		b = appendStringField(b, `,"id":`, o.FileID)
		b = appendStringField(b, `,"u":`, o.url)
		b = appendStringField(b, `,"f":`, o.Folder)
		b = appendIntField(b, `,"z":`, o.Size)
		b = appendIntField(b, `,"up":`, o.Updated)
		b = appendIntField(b, `,"w":`, int64(o.Width))
		b = appendIntField(b, `,"h":`, int64(o.Height))
		if o.reason != 0 {
			b = appendStringField(b, `,"r":`, o.Reason())
		}
		b = appendStringField(b, `,"m":`, string(o.Media.wix()))
		b = appendUintField(b, `,"me":`, uint64(o.Method))
		b = appendUintField(b, `,"n":`, uint64(o.Attempts))
		b = appendStringField(b, `,"wu":`, o.WixURI())
		b = appendUintField(b, `,"bs":`, uint64(o.Before))
		return append(b, '}')
	}
	panic("report: journal record of unknown kind " + r.Kind.String())
}

func appendKey(b []byte, k manifest.Key) []byte {
	b = append(b, '"')
	b = hex.AppendEncode(b, k[:])
	return append(b, '"')
}

func appendUintField(b []byte, name string, v uint64) []byte {
	if v == 0 {
		return b
	}
	return strconv.AppendUint(append(b, name...), v, 10)
}

func appendIntField(b []byte, name string, v int64) []byte {
	if v == 0 {
		return b
	}
	return strconv.AppendInt(append(b, name...), v, 10)
}

func appendStringField(b []byte, name, s string) []byte {
	if s == "" {
		return b
	}
	return appendJSONString(append(b, name...), s)
}

// appendJSONString appends s as a JSON string. Invalid UTF-8 becomes
// U+FFFD, as encoding/json would make it.
func appendJSONString(b []byte, s string) []byte {
	const digits = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, `\n`...)
			case '\r':
				b = append(b, `\r`...)
			case '\t':
				b = append(b, `\t`...)
			default:
				b = append(b, '\\', 'u', '0', '0', digits[c>>4], digits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i++
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// wireRecord is a payload as encoding/json reads it.
type wireRecord struct {
	T  string   `json:"t"`
	B  uint64   `json:"b"`
	At int64    `json:"at"`
	Ks []string `json:"ks"`
	Is []string `json:"ids"`
	K  string   `json:"k"`
	S  uint8    `json:"s"`
	P  *uint8   `json:"p"`
	ID string   `json:"id"`
	U  string   `json:"u"`
	F  string   `json:"f"`
	Z  int64    `json:"z"`
	Up int64    `json:"up"`
	W  int32    `json:"w"`
	H  int32    `json:"h"`
	R  string   `json:"r"`
	M  string   `json:"m"`
	Me uint8    `json:"me"`
	N  uint8    `json:"n"`
	WU string   `json:"wu"`
	Bs uint8    `json:"bs"`
}

// decodeLine reads one line without its newline; ok is false for anything
// a journal writer could not have written whole.
func decodeLine(line []byte) (Record, bool) {
	var r Record
	if len(line) < 10 || line[8] != ' ' {
		return r, false
	}
	var sum [4]byte
	if _, err := hex.Decode(sum[:], line[:8]); err != nil {
		return r, false
	}
	payload := line[9:]
	want := uint32(sum[0])<<24 | uint32(sum[1])<<16 | uint32(sum[2])<<8 | uint32(sum[3])
	if crc32.Checksum(payload, castagnoli) != want {
		return r, false
	}
	var w wireRecord
	if err := json.Unmarshal(payload, &w); err != nil {
		return r, false
	}
	switch w.T {
	case "i":
		r.Kind, r.Batch = KindIntent, w.B
		if w.At != 0 {
			r.At = time.Unix(0, w.At)
		}
		r.Keys = make([]manifest.Key, len(w.Ks))
		for i, k := range w.Ks {
			if !decodeKey(&r.Keys[i], k) {
				return r, false
			}
		}
		return r, r.Batch != 0
	case "a":
		r.Kind, r.Batch = KindAnswered, w.B
		return r, r.Batch != 0
	case "u", "r":
		r.Kind, r.Batch, r.FileIDs = KindUndoIntent, w.B, w.Is
		if w.T == "r" {
			r.Kind = KindRestoreIntent
		}
		if w.At != 0 {
			r.At = time.Unix(0, w.At)
		}
		return r, r.Batch != 0 && len(r.FileIDs) > 0
	case "o", "f":
		r.Kind = KindOutcome
		if w.T == "f" {
			r.Kind = KindFileOutcome
		} else if !decodeKey(&r.Key, w.K) {
			return r, false
		}
		if w.S > uint8(Undone) || w.Bs > uint8(Failed) || w.Me > uint8(MethodFallbackUpload) ||
			(w.P != nil && *w.P > uint8(PhaseUnchecked)) || (r.Kind == KindFileOutcome && w.ID == "") {
			return r, false
		}
		o := &r.Outcome
		o.Status, o.FileID, o.url, o.Folder = Status(w.S), w.ID, w.U, w.F
		o.Size, o.Updated, o.Width, o.Height = w.Z, w.Up, w.W, w.H
		o.SetReason(w.R)
		o.Media = mediaTypeOf(wix.MediaType(w.M))
		if w.M != "" && o.Media == 0 {
			return r, false
		}
		o.Method, o.Attempts, o.Before = Method(w.Me), w.N, Status(w.Bs)
		o.SetWixURI(w.WU)
		if w.P != nil {
			o.Phase = Phase(*w.P)
		} else {
			o.inferPhase()
		}
		return r, true
	}
	return r, false
}

func decodeKey(k *manifest.Key, s string) bool {
	if len(s) != 2*len(k) {
		return false
	}
	_, err := hex.Decode(k[:], []byte(s))
	return err == nil
}
