package pipeline

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/wixmigrate/wixmigrate/manifest"
	"github.com/wixmigrate/wixmigrate/wix"
)

// Poll tuning. Variables only so benchmarks can scale time.
var (
	// clockMargin allows for files whose updatedDate is a little older than
	// the moment they became visible in a listing.
	clockMargin = time.Second
	// maxPollPause caps the back-off between rounds.
	maxPollPause = 30 * time.Second
)

// pendingFile is a file the run waits on.
type pendingFile struct {
	key manifest.Key
	// checked is a server time at which the file was known to be unchanged:
	// any later status change carries a newer updatedDate.
	checked int64
	since   time.Time // when this run started waiting, for the pending timeout
	seq     uint64    // order of tracking: rounds begun before it must not vouch for it
}

// folder is the set of pending files with one parent folder.
type folder struct {
	id    string
	files map[string]*pendingFile // by file ID
}

// statusAPI is what the poller calls.
type statusAPI interface {
	ListFiles(ctx context.Context, req *wix.ListFilesRequest) (*wix.ListFilesResponse, error)
	GetFiles(ctx context.Context, fileIDs []string) ([]wix.File, error)
	GetFile(ctx context.Context, fileID string) (*wix.File, error)
}

// poller checks pending files until they are final. Imports add files with
// track while a round may be running.
type poller struct {
	client   statusAPI
	calls    *caller
	ledger   *ledger
	log      *slog.Logger
	stop     func(error)
	strategy string        // PollList or PollGetFiles
	interval time.Duration // shortest pause between rounds
	timeout  time.Duration // give up waiting for a file after this
	max      int           // files waited on at once (Settings.MaxPending)

	mu      sync.Mutex
	folders map[string]*folder
	count   int
	seq     uint64        // files tracked so far
	wake    chan struct{} // signalled when files are added
	room    sync.Cond     // signalled when count drops or the loop stops
	running bool          // a loop is draining the pending files
	blocked int           // track calls waiting for room
}

func newPoller(s Settings, client statusAPI, calls *caller, l *ledger, log *slog.Logger, stop func(error)) *poller {
	p := &poller{client: client, calls: calls, ledger: l, log: log, stop: stop,
		strategy: s.Poll, interval: s.PollInterval, timeout: s.PendingTimeout, max: s.MaxPending,
		folders: map[string]*folder{}, wake: make(chan struct{}, 1)}
	p.room.L = &p.mu
	return p
}

// track starts waiting for a file, unless it already does. updated is its
// last known updatedDate; folderID may be "" when unknown. While p.max
// files are pending it blocks until one is final (or the loop stops).
func (p *poller) track(fileID, folderID string, key manifest.Key, updated int64) {
	p.mu.Lock()
	for p.count >= p.max && p.running {
		p.blocked++
		p.room.Wait()
		p.blocked--
	}
	f := p.folders[folderID]
	if f == nil {
		f = &folder{id: folderID, files: map[string]*pendingFile{}}
		p.folders[folderID] = f
	}
	_, dup := f.files[fileID]
	if !dup {
		p.seq++
		f.files[fileID] = &pendingFile{key: key, checked: updated, since: time.Now(), seq: p.seq}
		p.count++
	}
	p.mu.Unlock()
	if !dup {
		p.ledger.waiting()
	}
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

func (p *poller) pending() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.count
}

// loop runs poll rounds until nothing is pending after importsDone closes,
// or ctx ends, pausing between rounds as nextPause says.
func (p *poller) loop(ctx context.Context, importsDone <-chan struct{}) {
	p.mu.Lock()
	p.running = true
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		p.running = false
		p.room.Broadcast()
		p.mu.Unlock()
	}()
	base := p.interval
	pause := base
	importing := true
	for {
		if p.pending() == 0 {
			if !importing {
				return
			}
			select {
			case <-p.wake:
			case <-importsDone:
				importing, importsDone = false, nil
			case <-ctx.Done():
				return
			}
			continue
		}
		timer := time.NewTimer(pause)
		select {
		case <-timer.C:
		case <-importsDone:
			importing, importsDone = false, nil
			// The last imports are in: poll soon, the tail is what the user waits for.
			timer.Stop()
			pause = base
			continue
		case <-ctx.Done():
			timer.Stop()
			return
		}
		final, stillPending, err := p.round(ctx)
		p.log.Debug("poll round", "final", final, "still_pending", stillPending, "pending", p.pending(), "pause", pause, "err", err)
		if err != nil {
			if ctx.Err() == nil && errors.Is(err, ErrAuth) {
				p.stop(err)
			}
			if ctx.Err() != nil {
				return
			}
			p.log.Warn("status check failed; will try again", "err", err)
		}
		p.mu.Lock()
		stalled := p.blocked > 0
		p.mu.Unlock()
		pause = nextPause(pause, base, roundResult{final: final, stillPending: stillPending, importing: importing, stalled: stalled})
		p.expire()
	}
}

// roundResult is what the pause after a poll round depends on.
type roundResult struct {
	final        int  // files the round found READY or FAILED
	stillPending int  // files it saw still processing
	importing    bool // imports are still being sent
	stalled      bool // imports wait for room among the pending files
}

// nextPause is the pause after a round, given the one before it and the
// shortest, base. It grows while rounds find nothing new or mostly find
// files still processing (each such sighting is a wasted slot of a page),
// up to maxPollPause, and shrinks back to base when rounds find mostly
// finished files, or at once when imports wait for room (the call budget
// is unused).
func nextPause(pause, base time.Duration, r roundResult) time.Duration {
	switch {
	case r.stalled:
		return base
	case r.final == 0:
		return min(pause*2, maxPollPause)
	case r.stillPending*10 > r.final && r.importing:
		return min(pause*3/2, maxPollPause)
	}
	return max(base, pause*4/5)
}

// round checks every pending file once and returns how many it found final
// and how many still processing.
func (p *poller) round(ctx context.Context) (final, stillPending int, err error) {
	p.mu.Lock()
	ids := make([]string, 0, len(p.folders))
	for id := range p.folders {
		ids = append(ids, id)
	}
	p.mu.Unlock()
	slices.Sort(ids)
	for _, id := range ids {
		var f, s int
		var err error
		// Files whose folder is unknown (resumed from a report) are read by ID.
		if p.strategy == PollGetFiles || id == "" {
			f, s, err = p.roundGetFiles(ctx, id)
		} else {
			f, s, err = p.roundList(ctx, id)
		}
		final += f
		stillPending += s
		if err != nil {
			return final, stillPending, err
		}
	}
	return final, stillPending, nil
}

// roundList pages the folder newest-updated first and stops as soon as every
// pending file of it has been seen, or the listing reaches files older than
// the last moment each unseen file was known unchanged (nothing below can
// have changed since).
func (p *poller) roundList(ctx context.Context, folderID string) (final, stillPending int, err error) {
	p.mu.Lock()
	fold := p.folders[folderID]
	if fold == nil {
		p.mu.Unlock()
		return 0, 0, nil
	}
	want := len(fold.files)
	upTo := p.seq
	stopAt := int64(1<<63 - 1)
	for _, pf := range fold.files {
		stopAt = min(stopAt, pf.checked)
	}
	p.mu.Unlock()
	stopAt -= int64(clockMargin)

	seen := 0
	var top int64 // newest updatedDate seen: a server time this round covers
	req := &wix.ListFilesRequest{
		ParentFolderID: folderID,
		Sort:           &wix.Sorting{FieldName: "updatedDate", Order: wix.SortDesc},
		Paging:         wix.CursorPaging{Limit: wix.MaxPageLimit},
	}
	for {
		page, err := call(ctx, p.calls, wix.EndpointListFiles, func(ctx context.Context) (*wix.ListFilesResponse, error) {
			return p.client.ListFiles(ctx, req)
		})
		if err != nil {
			return final, stillPending, err
		}
		oldest := int64(1<<63 - 1)
		for i := range page.Files {
			file := &page.Files[i]
			var updated int64
			if file.UpdatedDate != nil {
				updated = file.UpdatedDate.UnixNano()
			}
			top = max(top, updated)
			oldest = min(oldest, updated)
			obs, seq := p.observe(folderID, file)
			if obs != observedOther && seq <= upTo {
				// Only files waited for when the round began count towards
				// want: stopping early on a newer one would leave one of
				// those unseen, and vouched for below.
				seen++
			}
			switch obs {
			case observedFinal:
				final++
			case observedPending:
				stillPending++
			}
		}
		req.Paging.Cursor = page.Next()
		if seen >= want || req.Paging.Cursor == "" || len(page.Files) == 0 || oldest < stopAt {
			break
		}
	}
	// Files not seen did not change before this round's first page. That
	// holds only for files tracked when the round began: one whose import
	// answer came in during the round may have changed below the pages read.
	if top > 0 {
		p.mu.Lock()
		if fold := p.folders[folderID]; fold != nil {
			for _, pf := range fold.files {
				if pf.seq <= upTo {
					pf.checked = max(pf.checked, top)
				}
			}
		}
		p.mu.Unlock()
	}
	return final, stillPending, nil
}

// roundGetFiles asks for the folder's pending files by ID, 100 a call,
// longest-waiting first.
func (p *poller) roundGetFiles(ctx context.Context, folderID string) (final, stillPending int, err error) {
	p.mu.Lock()
	fold := p.folders[folderID]
	ids := make([]string, 0, len(fold.files))
	for id := range fold.files {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b string) int { return fold.files[a].since.Compare(fold.files[b].since) })
	p.mu.Unlock()
	for chunk := range slices.Chunk(ids, wix.MaxGetFiles) {
		files, err := call(ctx, p.calls, wix.EndpointGetFileDescriptors, func(ctx context.Context) ([]wix.File, error) {
			return p.client.GetFiles(ctx, chunk)
		})
		if wix.IsNotFound(err) {
			files, err = p.getEach(ctx, chunk)
		}
		if err != nil {
			return final, stillPending, err
		}
		for i := range files {
			switch obs, _ := p.observe(folderID, &files[i]); obs {
			case observedFinal:
				final++
			case observedPending:
				stillPending++
			}
		}
	}
	return final, stillPending, nil
}

// getEach reads files one by one after a batch read hit a missing file,
// failing the rows whose file no longer exists.
func (p *poller) getEach(ctx context.Context, ids []string) ([]wix.File, error) {
	var files []wix.File
	for _, id := range ids {
		f, err := call(ctx, p.calls, wix.EndpointGetFileDescriptor, func(ctx context.Context) (*wix.File, error) {
			return p.client.GetFile(ctx, id)
		})
		switch {
		case wix.IsNotFound(err):
			p.drop(id)
		case err != nil:
			return files, err
		default:
			files = append(files, *f)
		}
	}
	return files, nil
}

type observation int

const (
	observedOther observation = iota // not a file this run waits for
	observedPending
	observedFinal
)

// observe applies a descriptor to the file's outcome if the run waits for
// it, and returns the file's tracking order.
func (p *poller) observe(folderID string, f *wix.File) (observation, uint64) {
	p.mu.Lock()
	fold := p.folders[folderID]
	var pf *pendingFile
	if fold != nil {
		pf = fold.files[f.ID]
	}
	if pf == nil {
		p.mu.Unlock()
		return observedOther, 0
	}
	if f.OperationStatus != wix.StatusReady && f.OperationStatus != wix.StatusFailed {
		if f.UpdatedDate != nil {
			pf.checked = max(pf.checked, f.UpdatedDate.UnixNano())
		}
		p.mu.Unlock()
		return observedPending, pf.seq
	}
	delete(fold.files, f.ID)
	if len(fold.files) == 0 {
		delete(p.folders, folderID)
	}
	p.count--
	p.room.Broadcast()
	p.mu.Unlock()

	p.ledger.processed(pf.key, f)
	return observedFinal, pf.seq
}

// drop stops waiting for a file that is no longer in the Media Manager.
func (p *poller) drop(fileID string) {
	p.mu.Lock()
	var key manifest.Key
	found := false
	for fid, fold := range p.folders {
		if pf, ok := fold.files[fileID]; ok {
			key, found = pf.key, true
			delete(fold.files, fileID)
			if len(fold.files) == 0 {
				delete(p.folders, fid)
			}
			p.count--
			p.room.Broadcast()
			break
		}
	}
	p.mu.Unlock()
	if found {
		p.ledger.gone(key)
	}
}

// expire gives up on files pending longer than the pending timeout: they
// stay PENDING in the report, with the reason, and a re-run polls them again.
func (p *poller) expire() {
	limit := p.timeout
	p.mu.Lock()
	var expired []manifest.Key
	for fid, fold := range p.folders {
		for id, pf := range fold.files {
			if time.Since(pf.since) >= limit {
				expired = append(expired, pf.key)
				delete(fold.files, id)
				p.count--
			}
		}
		if len(fold.files) == 0 {
			delete(p.folders, fid)
		}
	}
	if len(expired) > 0 {
		p.room.Broadcast()
	}
	p.mu.Unlock()
	for _, key := range expired {
		p.ledger.expired(key, limit)
	}
}
