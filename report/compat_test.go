package report

import (
	"os"
	"path/filepath"
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
