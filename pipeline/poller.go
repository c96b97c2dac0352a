package pipeline

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/wixmigrate/wixmigrate/manifest"
	"github.com/wixmigrate/wixmigrate/report"
	"github.com/wixmigrate/wixmigrate/wix"
)

// Poll tuning. Variables only so benchmarks can scale time.
var (
	// clockMargin allows for files whose updatedDate is a little older than
	// the moment they became visible in a listing.
	clockMargin = time.Second
	// maxPollPause caps the back-off between rounds.
	maxPollPause = 30 * time.Second
	// maxPending bounds the files waited on at once. When Wix's processing
	// falls behind the imports, further imports wait (track blocks) rather
	// than the pending set, and the memory it takes, growing with the
	// manifest.
	maxPending = 50000
)

// pendingFile is a file the run waits on.
type pendingFile struct {
	key manifest.Key
	// checked is a server time at which the file was known to be unchanged:
	// any later status change carries a newer updatedDate.
	checked int64
	since   time.Time // when this run started waiting, for --pending-timeout
	seq     uint64    // order of tracking: rounds begun before it must not vouch for it
}

// folder is the set of pending files with one parent folder.
type folder struct {
	id    string
	files map[string]*pendingFile // by file ID
}

// poller checks pending files until they are final. Imports add files with
// track while a round may be running.
type poller struct {
	r *run

	mu      sync.Mutex
	folders map[string]*folder
	count   int
	seq     uint64        // files tracked so far
	wake    chan struct{} // signalled when files are added
	room    sync.Cond     // signalled when count drops or the loop stops
	running bool          // a loop is draining the pending files
	blocked int           // track calls waiting for room
}

func newPoller(r *run) *poller {
	p := &poller{r: r, folders: map[string]*folder{}, wake: make(chan struct{}, 1)}
	p.room.L = &p.mu
	return p
}

// track starts waiting for a file and reports whether it was new. updated
// is its last known updatedDate; folderID may be "" when unknown. While maxPending files are pending it
// blocks until one is final (or the loop stops).
func (p *poller) track(fileID, folderID string, key manifest.Key, updated int64) bool {
	p.mu.Lock()
	for p.count >= maxPending && p.running {
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
	select {
	case p.wake <- struct{}{}:
	default:
	}
	return !dup
}

func (p *poller) pending() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.count
}

// loop runs poll rounds until nothing is pending after importsDone closes,
// or ctx ends. The pause between rounds adapts: it grows while rounds find
// nothing new or mostly find files still processing (each such sighting is a
// wasted slot of a page), and shrinks back to Config.PollInterval when
// rounds find mostly finished files.
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
	base := p.r.cfg.PollInterval
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
		p.r.log.Debug("poll round", "final", final, "still_pending", stillPending, "pending", p.pending(), "pause", pause, "err", err)
		if err != nil {
			if ctx.Err() == nil && errors.Is(err, ErrAuth) {
				p.r.fatal(err)
			}
			if ctx.Err() != nil {
				return
			}
			p.r.log.Warn("status check failed; will try again", "err", err)
		}
		p.mu.Lock()
		stalled := p.blocked > 0
		p.mu.Unlock()
		switch {
		case stalled:
			// Imports wait for room: the budget is unused, poll again soon.
			pause = base
		case final == 0:
			pause = min(pause*2, maxPollPause)
		case stillPending*10 > final && importing:
			pause = min(pause*3/2, maxPollPause)
		default:
			pause = max(base, pause*4/5)
		}
		p.expire()
	}
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
		if p.r.cfg.Poll == PollGetFiles || id == "" {
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
		var page *wix.ListFilesResponse
		err := p.r.call(ctx, "ListFiles", func(ctx context.Context) (err error) {
			page, err = p.r.cfg.Client.ListFiles(ctx, req)
			return err
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
		var files []wix.File
		err := p.r.call(ctx, "GetFileDescriptors", func(ctx context.Context) (err error) {
			files, err = p.r.cfg.Client.GetFiles(ctx, chunk)
			return err
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
		var f *wix.File
		err := p.r.call(ctx, "GetFileDescriptor", func(ctx context.Context) (err error) {
			f, err = p.r.cfg.Client.GetFile(ctx, id)
			return err
		})
		switch {
		case wix.IsNotFound(err):
			p.drop(id, func(o *report.Outcome) {
				o.Status = report.Failed
				o.SetReason("the file is no longer in the Media Manager (deleted?); re-run to import it again")
			})
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

	p.r.stats.Pending.Add(-1)
	p.r.update(pf.key, func(o *report.Outcome) {
		o.SetFile(f)
		if o.Status == report.Failed {
			o.SetReason(wixFailedReason(o.Method))
		}
	})
	if f.OperationStatus == wix.StatusReady {
		p.r.stats.Ready.Add(1)
	} else {
		p.r.stats.Failed.Add(1)
	}
	return observedFinal, pf.seq
}

// drop stops waiting for a file and records change on its outcome.
func (p *poller) drop(fileID string, change func(*report.Outcome)) {
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
		p.r.stats.Pending.Add(-1)
		p.r.update(key, change)
	}
}

// expire gives up on files pending longer than Config.PendingTimeout: they
// stay PENDING in the report, with the reason, and a re-run polls them again.
func (p *poller) expire() {
	limit := p.r.cfg.PendingTimeout
	reason := fmt.Sprintf("still processing after %s (--pending-timeout); re-run to check again", limit)
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
		p.r.stats.Pending.Add(-1)
		p.r.update(key, func(o *report.Outcome) { o.SetReason(reason) })
	}
}
