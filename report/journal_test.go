package report

import (
	"bytes"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wixmigrate/wixmigrate/manifest"
	"github.com/wixmigrate/wixmigrate/wix"
)

func journalKey(i int) manifest.Key {
	var k manifest.Key
	copy(k[:], fmt.Sprintf("key-%011d", i))
	k[15] = byte(i * 7)
	return k
}

// fullOutcome sets every field, the unexported ones included.
func fullOutcome(i int) Outcome {
	o := Outcome{
		Status: Ready, FileID: fmt.Sprintf("a1b2c3_%08x~mv2.jpg", i), Folder: "folder-\"quoted\"\\",
		Size: 1<<40 + int64(i), Updated: 1_700_000_000_123_456_789 + int64(i), Width: 1920, Height: -1,
		Media: mediaTypeOf(wix.MediaVector), Method: MethodFallbackUpload, Attempts: 255,
	}
	o.SetURL("https://example.com/odd?x=1&y=\"2\"\u2028é😀")
	o.SetWixURI(wix.MediaURIBase(wix.MediaVector, o.FileID) + "/n%C3%A9%20%22q%22.svg#originWidth=1920&originHeight=undefined")
	o.SetReason(fmt.Sprintf("HTTP 500:\n\t\x01 \"bad\" é\x7f #%d", i%3))
	return o
}

func openJournal(t *testing.T, path string) (*Journal, []Record, ReplayStats) {
	t.Helper()
	var recs []Record
	j, st, err := OpenJournal(path, func(r Record) { recs = append(recs, r) })
	if err != nil {
		t.Fatal(err)
	}
	return j, recs, st
}

func replayJournal(t *testing.T, path string) ([]Record, ReplayStats) {
	t.Helper()
	j, recs, st := openJournal(t, path)
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	return recs, st
}

func sameRecord(a, b Record) bool {
	return a.Kind == b.Kind && a.Batch == b.Batch && a.At.Equal(b.At) && slices.Equal(a.Keys, b.Keys) &&
		a.Key == b.Key && a.Outcome == b.Outcome
}

func checkRecords(t *testing.T, got, want []Record) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d records, want %d:\n%+v", len(got), len(want), got)
	}
	for i := range want {
		if !sameRecord(got[i], want[i]) {
			t.Fatalf("record %d = %+v\nwant %+v", i, got[i], want[i])
		}
	}
}

func TestJournalRoundTrip(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "r.csv.journal")
	j, recs, st := openJournal(t, path)
	if len(recs) != 0 || st != (ReplayStats{}) {
		t.Fatalf("new journal replayed %v, %+v", recs, st)
	}
	at := time.Date(2024, 5, 6, 7, 8, 9, 123456789, time.FixedZone("X", 3600))
	keys := []manifest.Key{journalKey(1), journalKey(2), {}}
	b1, err := j.Intent(keys, at)
	if err != nil || b1 != 1 {
		t.Fatalf("Intent = %d, %v", b1, err)
	}
	b2, err := j.Intent(nil, time.Time{})
	if err != nil || b2 != 2 {
		t.Fatalf("Intent = %d, %v", b2, err)
	}
	full := fullOutcome(1)
	var plain Outcome // all zero
	usual := Outcome{Status: Pending, FileID: "x.png", Media: mediaTypeOf(wix.MediaUnknown)}
	usual.SetURL(wix.MediaURLPrefix + "x.png")
	usual.SetWixURI("wix:image://elsewhere/x.png")
	invalid := Outcome{Status: Failed, FileID: "bad\xffutf8"}
	want := []Record{
		{Kind: KindIntent, Batch: 1, At: at, Keys: keys},
		{Kind: KindIntent, Batch: 2, Keys: []manifest.Key{}},
		{Kind: KindOutcome, Key: journalKey(1), Outcome: full},
		{Kind: KindOutcome, Key: journalKey(2), Outcome: plain},
		{Kind: KindOutcome, Key: journalKey(3), Outcome: usual},
		{Kind: KindAnswered, Batch: 1},
	}
	for _, r := range want[2:5] {
		if err := j.Outcome(r.Key, r.Outcome); err != nil {
			t.Fatal(err)
		}
	}
	if err := j.Answered(1); err != nil {
		t.Fatal(err)
	}
	if err := j.Outcome(journalKey(4), invalid); err != nil {
		t.Fatal(err)
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	got, st := replayJournal(t, path)
	if st != (ReplayStats{Records: 7}) {
		t.Fatalf("stats %+v", st)
	}
	checkRecords(t, got[:6], want)
	// Invalid UTF-8 cannot be JSON: it is replaced, like encoding/json does.
	if o := got[6].Outcome; o.FileID != "bad\uFFFDutf8" || o.Status != Failed {
		t.Errorf("invalid UTF-8 outcome = %+v", o)
	}
	if u := got[2].Outcome.URL(); u != full.URL() || got[2].Outcome.Reason() != full.Reason() {
		t.Errorf("url/reason = %q %q", u, got[2].Outcome.Reason())
	}
	if got[4].Outcome.url != "" {
		t.Errorf("a derived URL was stored: %q", got[4].Outcome.url)
	}
	if u := got[2].Outcome.WixURI(); u != full.WixURI() || !strings.HasPrefix(u, "wix:image://v1/a1b2c3_") || !got[2].Outcome.uriTail {
		t.Errorf("wix uri = %q (stored as a tail: %v), want %q", u, got[2].Outcome.uriTail, full.WixURI())
	}
	if u := got[4].Outcome.WixURI(); u != "wix:image://elsewhere/x.png" {
		t.Errorf("a URI that is not the usual form = %q", u)
	}
}

func TestJournalReopenContinues(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "j")
	var want []Record
	for run := range 3 {
		j, got, st := openJournal(t, path)
		if st.Torn || st.Records != len(want) {
			t.Fatalf("run %d: stats %+v", run, st)
		}
		checkRecords(t, got, want)
		for i := range 2 {
			k := journalKey(run*10 + i)
			b, err := j.Intent([]manifest.Key{k}, time.Unix(0, int64(run*10+i+1)))
			if err != nil {
				t.Fatal(err)
			}
			if wantB := uint64(run*2 + i + 1); b != wantB {
				t.Fatalf("run %d: batch %d, want %d", run, b, wantB)
			}
			o := fullOutcome(run*10 + i)
			if err := j.Outcome(k, o); err != nil {
				t.Fatal(err)
			}
			want = append(want, Record{Kind: KindIntent, Batch: b, At: time.Unix(0, int64(run*10+i+1)), Keys: []manifest.Key{k}},
				Record{Kind: KindOutcome, Key: k, Outcome: o})
		}
		if err := j.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// writeSample writes a journal and returns its bytes, its records and the
// offset at which each record starts.
func writeSample(t *testing.T, path string) ([]byte, []Record, []int) {
	t.Helper()
	j, _, _ := openJournal(t, path)
	var want []Record
	b, err := j.Intent([]manifest.Key{journalKey(1), journalKey(2)}, time.Unix(100, 5))
	if err != nil {
		t.Fatal(err)
	}
	want = append(want, Record{Kind: KindIntent, Batch: b, At: time.Unix(100, 5), Keys: []manifest.Key{journalKey(1), journalKey(2)}})
	for i := 1; i <= 2; i++ {
		o := fullOutcome(i)
		if err := j.Outcome(journalKey(i), o); err != nil {
			t.Fatal(err)
		}
		want = append(want, Record{Kind: KindOutcome, Key: journalKey(i), Outcome: o})
	}
	if err := j.Answered(b); err != nil {
		t.Fatal(err)
	}
	want = append(want, Record{Kind: KindAnswered, Batch: b})
	o := fullOutcome(9)
	if err := j.Outcome(journalKey(9), o); err != nil {
		t.Fatal(err)
	}
	want = append(want, Record{Kind: KindOutcome, Key: journalKey(9), Outcome: o})
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var starts []int
	for off := 0; off < len(data); {
		starts = append(starts, off)
		off += bytes.IndexByte(data[off:], '\n') + 1
	}
	if len(starts) != len(want) {
		t.Fatalf("%d lines for %d records", len(starts), len(want))
	}
	return data, want, starts
}

func TestJournalTornLastRecord(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "j")
	data, want, starts := writeSample(t, path)
	last := starts[len(starts)-1]
	// Every cut of the last record ends the replay just before it. That is
	// decided by the reading alone, so every cut is read from memory; what
	// the file goes through on opening (truncation, fsync, an append after
	// it, a second replay) is the same for any tail and is checked on disk
	// for the first, a middle and the last cut and for each odd tail below.
	for cut := last + 1; cut < len(data); cut++ {
		var got []Record
		var st ReplayStats
		good, _, err := readJournal(bytes.NewReader(data[:cut]), &st, func(r Record) { got = append(got, r) })
		if err != nil || good != int64(last) || st.Records != len(want)-1 {
			t.Fatalf("cut at %d: read up to %d (want %d), %d records, %v", cut, good, last, st.Records, err)
		}
		checkRecords(t, got, want[:len(want)-1])
	}
	tails := map[string][]byte{}
	for _, cut := range []int{last + 1, (last + len(data)) / 2, len(data) - 1} {
		tails[fmt.Sprintf("cut at %d", cut)] = data[last:cut]
	}
	tails["zero-filled tail"] = make([]byte, 4096) // what a power loss may leave
	badSum := slices.Clone(data[last:])
	badSum[0] = "01"[boolInt(badSum[0] == '0')]
	tails["whole line, bad checksum"] = badSum
	tails["bad JSON, good checksum"] = appendFramed(nil, `{"t":"o","k":`)
	tails["unknown kind"] = appendFramed(nil, `{"t":"x"}`)
	tails["bad key"] = appendFramed(nil, `{"t":"o","k":"zz"}`)
	tails["answer of batch 0"] = appendFramed(nil, `{"t":"a"}`)
	tails["unknown media type"] = appendFramed(nil, `{"t":"o","k":"00000000000000000000000000000000","m":"HOLOGRAM"}`)
	for name, tail := range tails {
		torn := append(slices.Clip(data[:last]), tail...)
		if err := os.WriteFile(path, torn, 0o600); err != nil {
			t.Fatal(err)
		}
		j, got, st := openJournal(t, path)
		if !st.Torn || st.Records != len(want)-1 || st.TornBytes != int64(len(tail)) {
			t.Fatalf("%s: stats %+v", name, st)
		}
		checkRecords(t, got, want[:len(want)-1])
		if fi, err := os.Stat(path); err != nil || fi.Size() != int64(last) {
			t.Fatalf("%s: not truncated: %v %v", name, fi.Size(), err)
		}
		// Appending continues cleanly after the last whole record.
		b, err := j.Intent(nil, time.Time{})
		if err != nil || b != 2 {
			t.Fatalf("%s: Intent = %d, %v", name, b, err)
		}
		if err := j.Close(); err != nil {
			t.Fatal(err)
		}
		got, st = replayJournal(t, path)
		if st.Torn || st.Records != len(want) {
			t.Fatalf("%s: second replay %+v", name, st)
		}
		checkRecords(t, got, append(slices.Clip(want[:len(want)-1]), Record{Kind: KindIntent, Batch: 2, Keys: []manifest.Key{}}))
	}
}

func appendFramed(b []byte, payload string) []byte {
	return fmt.Appendf(b, "%08x %s\n", crc32Castagnoli([]byte(payload)), payload)
}

func crc32Castagnoli(p []byte) uint32 { return crc32.Checksum(p, castagnoli) }

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestJournalCorruptMiddle(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "j")
	data, want, starts := writeSample(t, path)
	for rec := range starts {
		for _, at := range []int{starts[rec] + 3, starts[rec] + 20} {
			bad := slices.Clone(data)
			bad[at] ^= 0x04
			if err := os.WriteFile(path, bad, 0o644); err != nil {
				t.Fatal(err)
			}
			got, st := replayJournal(t, path)
			if !st.Torn || st.Records != rec || st.TornBytes != int64(len(data)-starts[rec]) {
				t.Fatalf("flip in record %d at %d: stats %+v", rec, at, st)
			}
			checkRecords(t, got, want[:rec])
		}
	}
}

func TestJournalMode(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	check := func(path string) {
		t.Helper()
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v", filepath.Base(path), fi.Mode())
		}
	}
	fresh := filepath.Join(dir, "fresh")
	j, _, _ := openJournal(t, fresh)
	check(fresh)
	j.Close()

	old := filepath.Join(dir, "old")
	if err := os.WriteFile(old, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(old, 0o644); err != nil {
		t.Fatal(err)
	}
	j, _, _ = openJournal(t, old)
	check(old)
	j.Close()
}

func TestJournalIntentIsDurableBeforeReturn(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "j")
	j, _, _ := openJournal(t, path)
	defer j.Close()
	if err := j.Outcome(journalKey(1), fullOutcome(1)); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(path); fi.Size() != 0 {
		t.Fatalf("an outcome was not buffered (%d bytes)", fi.Size())
	}
	b, err := j.Intent([]manifest.Key{journalKey(2)}, time.Unix(1, 0))
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path) // another handle, no Sync
	if err != nil {
		t.Fatal(err)
	}
	var got []Record
	if _, _, err := readJournal(bytes.NewReader(data), &ReplayStats{}, func(r Record) { got = append(got, r) }); err != nil {
		t.Fatal(err)
	}
	checkRecords(t, got, []Record{
		{Kind: KindOutcome, Key: journalKey(1), Outcome: fullOutcome(1)},
		{Kind: KindIntent, Batch: b, At: time.Unix(1, 0), Keys: []manifest.Key{journalKey(2)}},
	})
}

func TestJournalStickyErrors(t *testing.T) {
	t.Parallel()
	for _, force := range []string{"Intent", "Sync", "Close"} {
		t.Run(force, func(t *testing.T) {
			j, _, _ := openJournal(t, filepath.Join(t.TempDir(), "j"))
			if err := j.Outcome(journalKey(1), fullOutcome(1)); err != nil {
				t.Fatal(err)
			}
			j.f.Close() // every later write fails
			var first error
			switch force {
			case "Intent":
				_, first = j.Intent(nil, time.Now())
			case "Sync":
				first = j.Sync()
			case "Close":
				first = j.Close()
			}
			if first == nil {
				t.Fatal("no error from a closed file")
			}
			if errors.Is(first, ErrJournalClosed) {
				t.Fatalf("error %v hides the write error", first)
			}
			_, err := j.Intent(nil, time.Now())
			for i, e := range []error{err, j.Outcome(journalKey(2), Outcome{}), j.Answered(1), j.Sync(),
				j.Close(), j.Close()} {
				if e != first {
					t.Errorf("call %d after the failure: %v, want %v", i, e, first)
				}
			}
		})
	}
}

func TestJournalClosedAndRemove(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "j")
	j, _, _ := openJournal(t, path)
	if err := j.Outcome(journalKey(1), Outcome{Status: Ready}); err != nil {
		t.Fatal(err)
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	if err := j.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if err := j.Answered(1); !errors.Is(err, ErrJournalClosed) {
		t.Errorf("Answered after Close: %v", err)
	}
	if got, _ := replayJournal(t, path); len(got) != 1 {
		t.Fatalf("Close did not flush: %d records", len(got))
	}
	j, _, _ = openJournal(t, path)
	if err := j.Outcome(journalKey(2), Outcome{}); err != nil {
		t.Fatal(err)
	}
	if err := j.Remove(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("journal still there: %v", err)
	}
}

func TestJournalConcurrentAppenders(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "j")
	j, _, _ := openJournal(t, path)
	const workers, batches, per = 6, 20, 5
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for b := range batches {
				keys := make([]manifest.Key, per)
				for i := range keys {
					keys[i] = journalKey((w*batches+b)*per + i)
				}
				id, err := j.Intent(keys, time.Now())
				if err != nil {
					t.Error(err)
					return
				}
				for _, k := range keys {
					if err := j.Outcome(k, fullOutcome(int(k[15]))); err != nil {
						t.Error(err)
						return
					}
				}
				if err := j.Answered(id); err != nil {
					t.Error(err)
				}
				if b%5 == 0 {
					if err := j.Sync(); err != nil {
						t.Error(err)
					}
				}
			}
		})
	}
	wg.Wait()
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	got, st := replayJournal(t, path)
	if st.Torn || st.Records != workers*batches*(per+2) {
		t.Fatalf("stats %+v", st)
	}
	open := map[uint64]bool{}
	ids := map[uint64]bool{}
	outcomes := map[manifest.Key]bool{}
	for _, r := range got {
		switch r.Kind {
		case KindAnswered:
			delete(open, r.Batch)
		case KindIntent:
			open[r.Batch] = true
			if ids[r.Batch] {
				t.Fatalf("batch %d twice", r.Batch)
			}
			ids[r.Batch] = true
			for _, k := range r.Keys {
				if outcomes[k] {
					t.Fatalf("outcome of %v before its intent", k)
				}
			}
		case KindOutcome:
			outcomes[r.Key] = true
		}
	}
	if len(open) != 0 || len(ids) != workers*batches || len(outcomes) != workers*batches*per {
		t.Errorf("open %d, batches %d, outcomes %d", len(open), len(ids), len(outcomes))
	}
}

func BenchmarkJournalOutcome(b *testing.B) {
	o := Outcome{Status: Ready, FileID: "a1b2c3_0f1e2d3c4b5a69788796a5b4c3d2e1f0~mv2.jpg",
		Folder: "3c1f6a0b2d9e4f8a7b6c5d4e3f2a1b0c", Size: 2_345_678, Updated: time.Now().UnixNano(),
		Width: 4032, Height: 3024, Media: mediaTypeOf(wix.MediaImage), Method: MethodImport, Attempts: 1}
	for _, mode := range []string{"serial", "parallel"} {
		b.Run(mode, func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "j")
			j, _, err := OpenJournal(path, nil)
			if err != nil {
				b.Fatal(err)
			}
			n := 0
			keys := make([]manifest.Key, 1<<16)
			for i := range keys {
				keys[i] = journalKey(i)
			}
			if mode == "serial" {
				for b.Loop() {
					if err := j.Outcome(keys[n&(len(keys)-1)], o); err != nil {
						b.Fatal(err)
					}
					if n++; n%100_000 == 0 { // the pipeline syncs about every second
						j.Sync()
					}
				}
			} else {
				n = b.N
				b.RunParallel(func(pb *testing.PB) {
					k := journalKey(1)
					for pb.Next() {
						if err := j.Outcome(k, o); err != nil {
							b.Error(err)
							return
						}
					}
				})
			}
			if err := j.Close(); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			fi, err := os.Stat(path)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(fi.Size())/float64(n), "bytes/record")
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "records/s")
		})
	}
}

func BenchmarkJournalReplay(b *testing.B) {
	path := filepath.Join(b.TempDir(), "j")
	j, _, err := OpenJournal(path, nil)
	if err != nil {
		b.Fatal(err)
	}
	const n = 10_000
	for i := range n {
		j.Outcome(journalKey(i), fullOutcome(i))
	}
	if err := j.Close(); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		j, st, err := OpenJournal(path, func(Record) {})
		if err != nil || st.Records != n {
			b.Fatal(err, st)
		}
		j.Close()
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "records/s")
}

// TestJournalUndoRecords: undo's and restore's records round-trip, replay
// over a state by file ID (whatever the imports' keys), and their intents
// without an answer are counted open; a migration's records are counted
// apart.
func TestJournalUndoRecords(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "r.journal")
	j, _, _ := openJournal(t, path)
	at := time.Unix(0, 1_700_000_000_000_000_001)
	undone := fullOutcome(1)
	undone.Status, undone.Before, undone.Phase = Undone, Ready, PhaseNone
	b1, err := j.UndoIntent([]string{fullOutcome(1).FileID, "x\"y"}, at)
	if err != nil {
		t.Fatal(err)
	}
	if err := j.FileOutcome(undone); err != nil {
		t.Fatal(err)
	}
	if err := j.Answered(b1); err != nil {
		t.Fatal(err)
	}
	b2, err := j.RestoreIntent([]string{fullOutcome(2).FileID}, at)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := j.UndoIntent([]string{"open-1", "open-2"}, at); err != nil {
		t.Fatal(err)
	}
	if err := j.FileOutcome(Outcome{Status: Ready}); err == nil {
		t.Error("a file outcome without a file ID was accepted")
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	recs, st := replayJournal(t, path)
	if st.Torn || len(recs) != 5 {
		t.Fatalf("replayed %d records (torn %v), want 5", len(recs), st.Torn)
	}
	if r := recs[0]; r.Kind != KindUndoIntent || r.Batch != b1 || !r.At.Equal(at) || !slices.Equal(r.FileIDs, []string{fullOutcome(1).FileID, "x\"y"}) {
		t.Errorf("undo intent read back as %+v", r)
	}
	if r := recs[1]; r.Kind != KindFileOutcome || r.Outcome != undone {
		t.Errorf("file outcome read back as %+v\nwant %+v", r.Outcome, undone)
	}
	if r := recs[3]; r.Kind != KindRestoreIntent || r.Batch != b2 {
		t.Errorf("restore intent read back as %+v", r)
	}

	// Replayed over a state whose keys know the files.
	state := NewState()
	state.Add(journalKey(10), fullOutcome(1))
	state.Add(journalKey(11), fullOutcome(2))
	j2, res, err := OpenJournalInto(path, state)
	if err != nil {
		t.Fatal(err)
	}
	j2.Close()
	if got, _ := state.Get(journalKey(10)); got != undone {
		t.Errorf("the undone file's import: %+v, want %+v", got, undone)
	}
	if got, _ := state.Get(journalKey(11)); got != fullOutcome(2) {
		t.Errorf("another file's import changed: %+v", got)
	}
	if !res.Unanswered["open-1"] || !res.Unanswered["open-2"] || !res.Unanswered[fullOutcome(2).FileID] || len(res.Unanswered) != 3 {
		t.Errorf("unanswered files %v, want those of the two open intents", res.Unanswered)
	}
	if res.OpenUndo != 2 || res.OpenRestore != 1 || res.Imports != 0 || res.Outcomes != 1 {
		t.Errorf("resumed %+v, want 2 files of open undo calls, 1 of restore, no import records, 1 outcome", res)
	}
}
