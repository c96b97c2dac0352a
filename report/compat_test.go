package report

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wixmigrate/wixmigrate/manifest"
)

// The fixtures in testdata were written by the version before outcomes
// carried an explicit phase (commit ee10ffb, by a small program using its
// report package): a manifest of 7 rows, its report, and a journal. Row n
// is: 1 READY; 2 FAILED by Wix with its fallback due; 3 in doubt (answer
// lost); 4 PENDING with a file; 5 FAILED by Wix and diagnosed; 6 a planned
// retry never sent; 7 not imported. The journal records 1-5 and an intent
// for 7 never answered.

// fixtureKeys returns the keys of the fixture manifest's rows, in order.
func fixtureKeys(t *testing.T) []manifest.Key {
	t.Helper()
	rows, closer, err := manifest.Open(filepath.Join("testdata", "v1.csv"), manifest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer closer.Close()
	var keys []manifest.Key
	for {
		row, err := rows.Next()
		if err != nil {
			return keys
		}
		keys = append(keys, row.Key)
	}
}

// want is what a row of the fixtures must read back as.
type want struct {
	status   Status
	phase    Phase
	attempts uint8
	fileID   string
}

func checkOutcomes(t *testing.T, state *State, keys []manifest.Key, wants map[int]want) {
	t.Helper()
	for row, w := range wants {
		o, ok := state.Get(keys[row-1])
		if !ok {
			t.Errorf("row %d: not in the state", row)
			continue
		}
		if o.Status != w.status || o.Phase != w.phase || o.Attempts != w.attempts || o.FileID != w.fileID {
			t.Errorf("row %d: status %v phase %v attempts %d file %q; want %v %v %d %q",
				row, o.Status, o.Phase, o.Attempts, o.FileID, w.status, w.phase, w.attempts, w.fileID)
		}
	}
}

func TestReadsReportOfEarlierVersion(t *testing.T) {
	t.Parallel()
	keys := fixtureKeys(t)
	state := NewState()
	header := []string{"source_url", "sku"}
	loaded, err := Load(filepath.Join("testdata", "v1.report.csv"), manifest.Options{BaseDir: "testdata"}, header, state)
	if err != nil {
		t.Fatal(err)
	}
	if loaded.Rows != 7 || loaded.Damaged != 0 || loaded.Kept != 6 {
		t.Errorf("loaded %+v, want 7 rows, none damaged, 6 imports kept", loaded)
	}
	if want := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC); !loaded.Earliest.Equal(want) {
		t.Errorf("earliest %v, want %v", loaded.Earliest, want)
	}
	checkOutcomes(t, state, keys, map[int]want{
		1: {Ready, PhaseNone, 1, "f1.png"},
		2: {Failed, PhaseWixFailed, 3, "f2.png"},
		3: {Unknown, PhaseInDoubt, 1, ""},
		4: {Pending, PhaseNone, 1, "f4.png"},
		5: {Failed, PhaseNone, 3, "f5.png"},
		6: {Unknown, PhaseNone, 1, ""},
	})
	if _, ok := state.Get(keys[6]); ok {
		t.Error("row 7, never imported, was kept")
	}
	if o, _ := state.Get(keys[0]); !o.NeedsWixURI() || loaded.FilledURIs != 0 {
		t.Error("row 1, READY, imported without a display name: its wix_uri is not due from status calls")
	}
}

func TestReadsJournalOfEarlierVersion(t *testing.T) {
	t.Parallel()
	keys := fixtureKeys(t)
	data, err := os.ReadFile(filepath.Join("testdata", "v1.journal"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "v1.journal")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	state := NewState()
	j, res, err := OpenJournalInto(path, state)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	if res.Records != 8 || res.Torn || res.InDoubt != 1 {
		t.Errorf("replay %+v, want 8 whole records and 1 import in doubt", res)
	}
	checkOutcomes(t, state, keys, map[int]want{
		1: {Ready, PhaseNone, 1, "f1.png"},
		2: {Failed, PhaseWixFailed, 3, "f2.png"},
		3: {Unknown, PhaseInDoubt, 1, ""},
		4: {Pending, PhaseNone, 1, "f4.png"},
		5: {Failed, PhaseNone, 3, "f5.png"},
		7: {Unknown, PhaseInDoubt, 1, ""},
	})
	if o, _ := state.Get(keys[6]); o.UpdatedAt() != time.Date(2026, 11, 1, 11, 0, 0, 0, time.UTC) {
		t.Errorf("row 7 in doubt since %v, want its intent's time", o.UpdatedAt())
	}
}

// TestEarlierReportGetsWixURIs: a report written before the wix_uri column
// resumes, and its READY rows get the URI the SDK gives when the report
// holds all it reads (the file ID, the name the file was imported with, an
// image's size); the others are left for status calls.
func TestEarlierReportGetsWixURIs(t *testing.T) {
	t.Parallel()
	old := strings.Join(earlierColumns[len(earlierColumns)-1], ",") // the first layout, before wix_uri
	text := "source_url,display_name," + old + "\n" +
		"https://a.test/1.jpg,Red shirt #1 100%.jpg,READY,i1~mv2.jpg,https://static.wixstatic.com/media/i1~mv2.jpg,IMAGE,10,640,480,,1,2026-11-01T10:00:00Z,import\n" +
		"https://a.test/2.jpg,,READY,i2~mv2.jpg,https://static.wixstatic.com/media/i2~mv2.jpg,IMAGE,10,640,480,,1,2026-11-01T10:00:00Z,import\n" +
		"https://a.test/3.pdf,Size guide.pdf,READY,d3.pdf,https://static.wixstatic.com/media/d3.pdf,DOCUMENT,10,,,,1,2026-11-01T10:00:00Z,import\n" +
		"https://a.test/4.mp4,Promo.mp4,READY,v4.mp4,https://static.wixstatic.com/media/v4.mp4,VIDEO,10,64,48,,1,2026-11-01T10:00:00Z,import\n" +
		"https://a.test/5.svg,Logo.svg,READY,g5.svg,https://static.wixstatic.com/media/g5.svg,VECTOR,10,,,,1,2026-11-01T10:00:00Z,import\n" +
		"https://a.test/6.jpg,Six.jpg,PENDING,i6~mv2.jpg,https://static.wixstatic.com/media/i6~mv2.jpg,IMAGE,10,,,,1,2026-11-01T10:00:00Z,import\n" +
		"https://a.test/7.zip,Seven.zip,READY,z7.zip,https://static.wixstatic.com/media/z7.zip,ARCHIVE,10,,,,1,2026-11-01T10:00:00Z,import\n"
	path := filepath.Join(t.TempDir(), "m.report.csv")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	state := NewState()
	loaded, err := Load(path, manifest.Options{}, []string{"source_url", "display_name"}, state)
	if err != nil {
		t.Fatal(err)
	}
	if loaded.Kept != 7 || loaded.Damaged != 0 || loaded.FilledURIs != 2 {
		t.Errorf("loaded %+v, want 7 kept, none damaged, 2 URIs filled in", loaded)
	}
	rows, closer, err := manifest.Open(path, ReadOptions(manifest.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	defer closer.Close()
	want := []struct {
		uri   string
		needs bool // status calls are due for it
	}{
		{"wix:image://v1/i1~mv2.jpg/Red%20shirt%20%231%20100%25.jpg#originWidth=640&originHeight=480", false},
		{"", true}, // imported without a name: Wix named it
		{"wix:document://v1/d3.pdf/Size%20guide.pdf", false},
		{"", true},  // a video's poster is not in a report
		{"", true},  // a vector without its size
		{"", false}, // PENDING: polled anyway
		{"", false}, // an archive has no wix: URI
	}
	for i, w := range want {
		row, err := rows.Next()
		if err != nil {
			t.Fatal(err)
		}
		o, _ := state.Get(row.Key)
		if o.WixURI() != w.uri || o.NeedsWixURI() != w.needs {
			t.Errorf("row %d: wix_uri %q (needs one: %v), want %q (%v)", i+1, o.WixURI(), o.NeedsWixURI(), w.uri, w.needs)
		}
	}
}
