package pipeline

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/wixmigrate/wixmigrate/manifest"
	"github.com/wixmigrate/wixmigrate/report"
	"github.com/wixmigrate/wixmigrate/wix"
)

// fakeMedia is a Media Manager in virtual time for the poller alone: each
// file turns READY at its readyAt; listings show that change lag later
// (the descriptor by ID at once). It records when each file was first
// reported READY to the poller.
type fakeMedia struct {
	mu      sync.Mutex
	created time.Time
	files   map[string]*fakeFile
	calls   map[string]int
	at      []time.Duration // when each status call came, since created
	lag     time.Duration
}

type fakeFile struct {
	id, folder string
	createdAt  time.Time // when its import answers
	readyAt    time.Time
	foundAt    time.Time // when a read first showed it READY
}

func newFakeMedia(lag time.Duration) *fakeMedia {
	return &fakeMedia{created: time.Now(), files: map[string]*fakeFile{}, calls: map[string]int{}, lag: lag}
}

// add creates a file whose import answers arrival after the start and
// which turns READY processing later.
func (m *fakeMedia) add(id, folder string, arrival, processing time.Duration) {
	created := m.created.Add(arrival)
	m.files[id] = &fakeFile{id: id, folder: folder, createdAt: created, readyAt: created.Add(processing)}
}

// view renders f as of now, as a listing (lagging) or by ID shows it.
func (m *fakeMedia) view(f *fakeFile, listing bool) wix.File {
	created := f.createdAt
	out := wix.File{ID: f.id, ParentFolderID: f.folder, OperationStatus: wix.StatusPending, CreatedDate: &created, UpdatedDate: &created}
	if m.showsReady(f, listing) {
		ready := f.readyAt
		out.OperationStatus, out.UpdatedDate = wix.StatusReady, &ready
		if f.foundAt.IsZero() {
			f.foundAt = time.Now()
		}
	}
	return out
}

// showsReady reports whether a listing (lagging) or a read by ID shows f
// READY now.
func (m *fakeMedia) showsReady(f *fakeFile, listing bool) bool {
	seen := time.Now()
	if listing {
		seen = seen.Add(-m.lag)
	}
	return !seen.Before(f.readyAt)
}

// listed is f's updatedDate as a listing shows it now.
func (m *fakeMedia) listed(f *fakeFile) time.Time {
	if m.showsReady(f, true) {
		return f.readyAt
	}
	return f.createdAt
}

func (m *fakeMedia) GetFiles(_ context.Context, ids []string) ([]wix.File, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.calls["GetFiles"]++
	m.at = append(m.at, time.Since(m.created))
	out := make([]wix.File, len(ids))
	for i, id := range ids {
		out[i] = m.view(m.files[id], false)
	}
	return out, nil
}

func (m *fakeMedia) GetFile(_ context.Context, id string) (*wix.File, error) {
	files, err := m.GetFiles(context.Background(), []string{id})
	return &files[0], err
}

// now reports whether t is still to come.
func now(t time.Time) bool { return time.Now().Before(t) }

// page lists the files of folder ("" for all) newest updated first, 100
// from the offset the cursor holds.
func (m *fakeMedia) page(kind, folder, cursor string) ([]wix.File, *wix.PagingMetadata) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.calls[kind]++
	m.at = append(m.at, time.Since(m.created))
	// Sorted by the listing's dates, then rendered: only the files of the
	// page are shown to the poller (and may be found READY).
	var all []*fakeFile
	for _, f := range m.files {
		if (folder == "" || f.folder == folder) && !now(f.createdAt) {
			all = append(all, f)
		}
	}
	slices.SortFunc(all, func(a, b *fakeFile) int {
		if c := m.listed(b).Compare(m.listed(a)); c != 0 {
			return c
		}
		return cmp.Compare(a.id, b.id)
	})
	from, _ := strconv.Atoi(cursor)
	to := min(from+wix.MaxPageLimit, len(all))
	next := &wix.PagingMetadata{}
	if to < len(all) {
		next.Cursors.Next = strconv.Itoa(to)
	}
	files := make([]wix.File, 0, to-from)
	for _, f := range all[from:to] {
		files = append(files, m.view(f, true))
	}
	return files, next
}

func (m *fakeMedia) ListFiles(_ context.Context, req *wix.ListFilesRequest) (*wix.ListFilesResponse, error) {
	files, next := m.page("ListFiles", req.ParentFolderID, req.Paging.Cursor)
	return &wix.ListFilesResponse{Files: files, NextCursor: next}, nil
}

func (m *fakeMedia) SearchFiles(_ context.Context, req *wix.SearchFilesRequest) (*wix.SearchFilesResponse, error) {
	files, next := m.page("SearchFiles", "", req.Paging.Cursor)
	return &wix.SearchFilesResponse{Files: files, NextCursor: next}, nil
}

// pollAll tracks the fake's files as their imports answer and runs the
// poller until it is done, in virtual time. It returns the state the
// poller recorded outcomes in, and its counters.
func pollAll(t *testing.T, m *fakeMedia, s Settings) (*report.State, *Stats) {
	t.Helper()
	s = s.WithDefaults()
	state := report.NewState()
	stats := &Stats{}
	l := &ledger{state: state, stats: stats, stop: func(err error) { t.Errorf("stopped: %v", err) }}
	log := slog.New(slog.DiscardHandler)
	p := newPoller(s, m, NewCaller(s, stats, log), l, log, l.stop)
	importsDone := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		p.loop(context.Background(), importsDone)
	}()
	files := slices.SortedFunc(maps.Values(m.files), func(a, b *fakeFile) int { return a.createdAt.Compare(b.createdAt) })
	for _, f := range files {
		time.Sleep(time.Until(f.createdAt))
		var key manifest.Key
		copy(key[:], f.id)
		state.Add(key, report.Outcome{Status: report.Pending, FileID: f.id, Folder: f.folder})
		p.track(f.id, f.folder, key, f.createdAt.UnixNano())
	}
	close(importsDone)
	<-done
	return state, stats
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
		m := newFakeMedia(0)
		m.add("f1", wix.RootFolderMedia, 0, 9700*time.Millisecond)
		s := Settings{Poll: PollList, PollInterval: time.Second, PendingTimeout: time.Hour, Rate: NoRateLimit}
		state, stats := pollAll(t, m, s)

		want := []time.Duration{1000, 2000, 3000, 4000, 5000, 6250, 7812, 9765} // ms: gaps 1s until the age is 4s, then a quarter of the age
		if len(m.at) != len(want) {
			t.Fatalf("%d status calls at %v, want %d", len(m.at), m.at, len(want))
		}
		for i, at := range m.at {
			if at.Truncate(time.Millisecond) != want[i]*time.Millisecond {
				t.Errorf("status call %d at %v, want %v", i+1, at, want[i]*time.Millisecond)
			}
		}
		var key manifest.Key
		copy(key[:], "f1")
		if o, _ := state.Get(key); o.Status != report.Ready {
			t.Errorf("outcome %v, want READY", o.Status)
		}
		if stats.Pending.Load() != 0 || stats.Ready.Load() != 1 {
			t.Errorf("pending %d ready %d, want 0 and 1", stats.Pending.Load(), stats.Ready.Load())
		}
	})
}

// The tail: once imports are done, the last files are found soon after
// they turn READY (tied to the processing time, not a doubling back-off),
// in few calls. 5,000 files imported 100 at a time over 2.5s (1,200
// calls/min), each READY 200ms-2s after its import.
func TestTailFindsTheLastFilesPromptly(t *testing.T) {
	t.Parallel()
	for _, poll := range []string{PollList, PollGetFiles} {
		t.Run(poll, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				const n = 5000
				m := newFakeMedia(0)
				var lastReady time.Time
				for i := range n {
					arrival := time.Duration(i/100) * 50 * time.Millisecond
					processing := 200*time.Millisecond + time.Duration((i*7919)%n)*1800*time.Millisecond/n
					m.add(fmt.Sprintf("file-%04d", i), "media-root", arrival, processing)
					if r := m.files[fmt.Sprintf("file-%04d", i)].readyAt; r.After(lastReady) {
						lastReady = r
					}
				}
				state, _ := pollAll(t, m, Settings{Poll: poll, Rate: 1200, PendingTimeout: time.Minute})
				if late := time.Since(lastReady); late > 600*time.Millisecond {
					t.Errorf("the poller ended %v after the last file turned READY; want at most 600ms", late)
				}
				for _, f := range m.files {
					if f.foundAt.IsZero() {
						t.Fatalf("%s never found READY", f.id)
					}
				}
				calls := 0
				for _, c := range m.calls {
					calls += c
				}
				t.Logf("ended %v after the last file turned READY; calls %v", time.Since(lastReady), m.calls)
				if floor := n / wix.MaxGetFiles; calls > floor*13/10 {
					t.Errorf("%d status calls (%v) for %d files; want at most 1.3 times the floor of %d", calls, m.calls, n, floor)
				}
				if ready := countReady(state); ready != n {
					t.Errorf("%d of %d READY", ready, n)
				}
			})
		})
	}
}

// Listings that show a change seconds late (3s here, against the poller's
// 1s clock margin) hold no file back: files they vouch for are read by ID
// after two rounds. 3,000 files in 30 folders, READY 0.2-20s after their
// import, so that listings are the cheaper way for most rounds.
func TestLaggingListingsHoldNoFileBack(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		const lag = 3 * time.Second
		m := newFakeMedia(lag)
		var lastReady time.Time
		for i := range 3000 {
			id := fmt.Sprintf("file-%04d", i)
			m.add(id, fmt.Sprintf("folder-%d", i%30), 0, 200*time.Millisecond+time.Duration((i*7919)%3000)*20*time.Second/3000)
			if r := m.files[id].readyAt; r.After(lastReady) {
				lastReady = r
			}
		}
		pollAll(t, m, Settings{Poll: PollList, Rate: 1200, PendingTimeout: 10 * time.Minute})
		var worst time.Duration
		for _, f := range m.files {
			if f.foundAt.IsZero() {
				t.Fatalf("%s never found READY", f.id)
			}
			worst = max(worst, f.foundAt.Sub(f.readyAt))
		}
		// A listing alone would show a change after the lag; reads by ID
		// need at most a few rounds more, never the pending timeout.
		if worst > 3*lag {
			t.Errorf("a file was found %v after it turned READY (listings lag %v)", worst, lag)
		}
		if m.calls["ListFiles"]+m.calls["SearchFiles"] == 0 {
			t.Errorf("no listing used (%v): the test needs them", m.calls)
		}
		t.Logf("worst %v after READY; ended %v after the last; calls %v", worst, time.Since(lastReady), m.calls)
	})
}

// With no rate limit, before any file turned final, a round while imports
// go on reads only the oldest files, a call's worth, to learn how long
// processing takes, rather than every pending file while most are surely
// still processing. 1,000 files imported over 3s, READY 1.5-3s later, read
// by ID: the first round makes one call; every file ends READY.
func TestFirstRoundReadsTheOldestOnly(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		m := newFakeMedia(0)
		for i := range 1000 {
			m.add(fmt.Sprintf("file-%04d", i), "media-root", time.Duration(i)*3*time.Millisecond, 1500*time.Millisecond+time.Duration(i)*1500*time.Microsecond)
		}
		state, stats := pollAll(t, m, Settings{Poll: PollGetFiles, PollInterval: time.Second, PendingTimeout: time.Minute, Rate: NoRateLimit})
		if len(m.at) == 0 {
			t.Fatal("no status call")
		}
		first := 0
		for _, at := range m.at {
			if at == m.at[0] {
				first++
			}
		}
		if first != 1 {
			t.Errorf("the first round (at %v) made %d calls, want 1 (the oldest 100 files); calls at %v", m.at[0], first, m.at)
		}
		if stats.Ready.Load() != 1000 || stats.Pending.Load() != 0 {
			t.Errorf("%d READY, %d pending, want 1000 and 0", stats.Ready.Load(), stats.Pending.Load())
		}
		if ready := countReady(state); ready != 1000 {
			t.Errorf("%d of 1000 outcomes READY", ready)
		}
		t.Logf("%d calls at %v", len(m.at), m.at)
	})
}

// countReady counts the READY outcomes in state.
func countReady(state *report.State) int {
	ready := 0
	state.Each(func(_ manifest.Key, o *report.Outcome) {
		if o.Status == report.Ready {
			ready++
		}
	})
	return ready
}
