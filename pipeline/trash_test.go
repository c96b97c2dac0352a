package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wixmigrate/wixmigrate/internal/testenv"
	"github.com/wixmigrate/wixmigrate/manifest"
	"github.com/wixmigrate/wixmigrate/report"
	"github.com/wixmigrate/wixmigrate/wix"
	"github.com/wixmigrate/wixmigrate/wixsim"
)

// fakeTrash answers Bulk Delete Files like Wix might: 404 for a call naming
// an unknown file, or a fixed error.
type fakeTrash struct {
	mu      sync.Mutex
	unknown map[string]bool
	named   bool // the 404 names the unknown files (data.fileIds)
	err     error
	calls   [][]string
}

func (f *fakeTrash) BulkDeleteFiles(_ context.Context, ids []string, permanent bool) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if permanent {
		return errors.New("the trasher deleted files for good")
	}
	f.calls = append(f.calls, slices.Clone(ids))
	if f.err != nil {
		return f.err
	}
	var missing []string
	for _, id := range ids {
		if f.unknown[id] {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		e := &wix.Error{Op: "BulkDeleteFiles", StatusCode: http.StatusNotFound}
		if f.named {
			e.MissingFileIDs = missing
		}
		return e
	}
	return nil
}

func TestTrasher(t *testing.T) {
	ids := []string{"a", "b", "c", "d", "e"}
	cases := []struct {
		name    string
		api     *fakeTrash
		out     []bool
		calls   int
		stopped bool
	}{
		{"all trashed in one call", &fakeTrash{}, []bool{true, true, true, true, true}, 1, false},
		// A file deleted since is out of the way too; halving finds it.
		{"one gone already", &fakeTrash{unknown: map[string]bool{"d": true}}, []bool{true, true, true, true, true}, 7, false},
		// When the 404 names them, one more call without them.
		{"two gone, named", &fakeTrash{unknown: map[string]bool{"b": true, "d": true}, named: true}, []bool{true, true, true, true, true}, 2, false},
		{"Wix trouble leaves them all", &fakeTrash{err: &wix.Error{StatusCode: http.StatusBadRequest}}, []bool{false, false, false, false, false}, 1, false},
		{"a refused key stops the run", &fakeTrash{err: &wix.Error{StatusCode: http.StatusUnauthorized}}, []bool{false, false, false, false, false}, 1, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var stopped error
			s := Settings{Rate: NoRateLimit, Retries: 0}.WithDefaults()
			s.Retries = 0
			tr := &trasher{client: tc.api, calls: NewCaller(s, &Stats{}, slog.New(slog.DiscardHandler)),
				log: slog.New(slog.DiscardHandler), stop: func(err error) { stopped = err }}
			out := tr.trash(context.Background(), ids)
			if !slices.Equal(out, tc.out) {
				t.Errorf("out = %v, want %v", out, tc.out)
			}
			if len(tc.api.calls) != tc.calls {
				t.Errorf("%d calls, want %d: %v", len(tc.api.calls), tc.calls, tc.api.calls)
			}
			if (stopped != nil) != tc.stopped || (stopped != nil && !errors.Is(stopped, ErrAuth)) {
				t.Errorf("stopped = %v, want stopped %v", stopped, tc.stopped)
			}
		})
	}
	// Interrupted before the call: nothing is trashed, nothing sent.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	api := &fakeTrash{}
	tr := &trasher{client: api, calls: NewCaller(Settings{Rate: 1}.WithDefaults(), &Stats{}, slog.New(slog.DiscardHandler)),
		log: slog.New(slog.DiscardHandler), stop: func(error) {}}
	tr.calls.limiter.wait(context.Background()) // spend the burst, so the next call waits
	if out := tr.trash(ctx, ids); slices.Contains(out, true) || len(api.calls) != 0 {
		t.Errorf("interrupted: out %v, calls %v", out, api.calls)
	}
}

// recordingJournal records the journal's events in order.
type recordingJournal struct {
	mu     sync.Mutex
	events []string
}

func (j *recordingJournal) Intent(keys []manifest.Key, at time.Time) (uint64, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.events = append(j.events, fmt.Sprintf("intent %d", len(keys)))
	return uint64(len(j.events)), nil
}

func (j *recordingJournal) Outcome(key manifest.Key, o report.Outcome) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.events = append(j.events, fmt.Sprintf("outcome %s file=%q", o.Status, o.FileID))
	return nil
}

func (j *recordingJournal) Answered(uint64) error { return nil }

// TestTrashIsJournaledBeforeTheRetry: a FAILED row's file goes to the trash
// before the row's import intent, and the journal says so first (FAILED
// without a file), so a crash in between imports it again without trashing.
func TestTrashIsJournaledBeforeTheRetry(t *testing.T) {
	t.Parallel()
	sim := testenv.NewSim(t, wixsim.Options{})
	origin := testenv.Origin(t, nil)
	failed, err := sim.Client.ImportFile(context.Background(), &wix.ImportFileRequest{URL: origin.URL + "/missing.png"})
	if err != nil {
		t.Fatal(err)
	}
	text := "source_url\n" + origin.URL + "/img/1.png\n"
	open := func() (*manifest.Reader, io.Closer, error) {
		r, err := manifest.NewReader(strings.NewReader(text), manifest.Options{})
		return r, io.NopCloser(nil), err
	}
	rows, _, _ := open()
	row, _ := rows.Next()
	state := report.NewState()
	prev := report.Outcome{Status: report.Failed, FileID: failed.ID, Attempts: 1, Method: report.MethodImport}
	state.Add(row.Key, prev)
	journal := &recordingJournal{}
	cfg := Config{Settings: Settings{Rate: NoRateLimit, PollInterval: time.Millisecond}, Client: sim.Client, Journal: journal}
	if _, err := Run(context.Background(), cfg, open, state, &Stats{}); err != nil {
		t.Fatal(err)
	}
	if len(journal.events) < 2 || journal.events[0] != `outcome FAILED file=""` || journal.events[1] != "intent 1" {
		t.Fatalf("journal: %q; want the trashed outcome, then the intent", journal.events)
	}
	got, _ := sim.Client.GetFile(context.Background(), failed.ID)
	if got == nil || got.State != "DELETED" {
		t.Errorf("the failed file: %+v, want it in the trash", got)
	}
	if o, _ := state.Get(row.Key); o.Status != report.Ready || o.Attempts != 2 {
		t.Errorf("the row after its retry: %+v", o)
	}
}

// TestBulkFilesVerdicts: per file, done or unknown to Wix, in the order of
// the IDs, whichever way the unknown ones were pinned.
func TestBulkFilesVerdicts(t *testing.T) {
	t.Parallel()
	ids := []string{"a", "b", "c", "d", "e"}
	want := []FileVerdict{FileDone, FileUnknown, FileDone, FileUnknown, FileDone}
	for _, named := range []bool{false, true} {
		api := &fakeTrash{unknown: map[string]bool{"b": true, "d": true}, named: named}
		calls := NewCaller(Settings{Rate: NoRateLimit}, &Stats{}, nil)
		got, err := BulkFiles(context.Background(), calls, wix.EndpointBulkDeleteFiles, ids, func(ctx context.Context, ids []string) error {
			return api.BulkDeleteFiles(ctx, ids, false)
		})
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("named %v: %v, %v; want %v", named, got, err, want)
		}
	}
}
