package pipeline

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"testing"

	"github.com/wixmigrate/wixmigrate/wix"
)

// fakeTrash answers Bulk Delete Files like Wix might: 404 for a call naming
// an unknown file, or a fixed error.
type fakeTrash struct {
	mu      sync.Mutex
	unknown map[string]bool
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
	for _, id := range ids {
		if f.unknown[id] {
			return &wix.Error{Op: "BulkDeleteFiles", StatusCode: http.StatusNotFound}
		}
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
		{"Wix trouble leaves them all", &fakeTrash{err: &wix.Error{StatusCode: http.StatusBadRequest}}, []bool{false, false, false, false, false}, 1, false},
		{"a refused key stops the run", &fakeTrash{err: &wix.Error{StatusCode: http.StatusUnauthorized}}, []bool{false, false, false, false, false}, 1, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var stopped error
			s := Settings{Rate: NoRateLimit, Retries: 0}.WithDefaults()
			s.Retries = 0
			tr := &trasher{client: tc.api, calls: newCaller(s, &Stats{}, slog.New(slog.DiscardHandler)),
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
	tr := &trasher{client: api, calls: newCaller(Settings{Rate: 1}.WithDefaults(), &Stats{}, slog.New(slog.DiscardHandler)),
		log: slog.New(slog.DiscardHandler), stop: func(error) {}}
	tr.calls.limiter.wait(context.Background()) // spend the burst, so the next call waits
	if out := tr.trash(ctx, ids); slices.Contains(out, true) || len(api.calls) != 0 {
		t.Errorf("interrupted: out %v, calls %v", out, api.calls)
	}
}
