package pipeline

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/wixmigrate/wixmigrate/manifest"
	"github.com/wixmigrate/wixmigrate/report"
	"github.com/wixmigrate/wixmigrate/wix"
)

// fakeStatus is a Media Manager whose one file turns READY at its
// readyAfter-th listing; it records when each listing came.
type fakeStatus struct {
	mu         sync.Mutex
	readyAfter int
	calls      []time.Duration
	start      time.Time
}

// read answers one status call: the file as of the call's count.
func (f *fakeStatus) read() wix.File {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, time.Since(f.start))
	status := wix.StatusPending
	if len(f.calls) >= f.readyAfter {
		status = wix.StatusReady
	}
	now := time.Now()
	return wix.File{ID: "f1", ParentFolderID: wix.RootFolderMedia, OperationStatus: status, CreatedDate: &f.start, UpdatedDate: &now}
}

func (f *fakeStatus) ListFiles(context.Context, *wix.ListFilesRequest) (*wix.ListFilesResponse, error) {
	return &wix.ListFilesResponse{Files: []wix.File{f.read()}}, nil
}

func (f *fakeStatus) SearchFiles(context.Context, *wix.SearchFilesRequest) (*wix.SearchFilesResponse, error) {
	return &wix.SearchFilesResponse{Files: []wix.File{f.read()}}, nil
}

func (f *fakeStatus) GetFiles(context.Context, []string) ([]wix.File, error) {
	return []wix.File{f.read()}, nil
}

func (f *fakeStatus) GetFile(context.Context, string) (*wix.File, error) {
	file := f.read()
	return &file, nil
}

// TestPollerBacksOff runs the poller in virtual time against a file that
// takes long to process, and no other to learn processing times from:
// rounds come the poll interval apart until the file's age makes a quarter
// of it longer, then ever further apart (a quarter of its age: 1.25 times
// the gap before), and the loop ends once the file is READY, with the
// outcome recorded.
func TestPollerBacksOff(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		fake := &fakeStatus{readyAfter: 8, start: time.Now()}
		s := Settings{Poll: PollList, PollInterval: time.Second, PendingTimeout: time.Hour, Rate: NoRateLimit}.WithDefaults()
		stats := &Stats{}
		log := slog.New(slog.DiscardHandler)
		l := &ledger{state: report.NewState(), stats: stats, stop: func(err error) { t.Error(err) }}
		key := manifest.Key{7}
		l.state.Add(key, report.Outcome{Status: report.Pending, FileID: "f1", Method: report.MethodImport, Attempts: 1})
		p := newPoller(s, fake, newCaller(s, stats, log), l, log, l.stop)
		p.track("f1", wix.RootFolderMedia, key, 0)
		importsDone := make(chan struct{})
		close(importsDone)
		p.loop(context.Background(), importsDone)

		want := []time.Duration{1000, 2000, 3000, 4000, 5000, 6250, 7812, 9765} // ms: gaps 1s until the age is 4s, then a quarter of the age
		if len(fake.calls) != len(want) {
			t.Fatalf("%d status calls at %v, want %d", len(fake.calls), fake.calls, len(want))
		}
		for i, at := range fake.calls {
			if at.Truncate(time.Millisecond) != want[i]*time.Millisecond {
				t.Errorf("status call %d at %v, want %v", i+1, at, want[i]*time.Millisecond)
			}
		}
		if o, _ := l.state.Get(key); o.Status != report.Ready {
			t.Errorf("outcome %v, want READY", o.Status)
		}
		if stats.Pending.Load() != 0 || stats.Ready.Load() != 1 {
			t.Errorf("pending %d ready %d, want 0 and 1", stats.Pending.Load(), stats.Ready.Load())
		}
	})
}
