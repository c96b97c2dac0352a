package pipeline

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
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
	key    manifest.Key
	folder string // parent folder ID; "" when unknown (resumed from a report)
	// checked is a server time at which the file was known to be unchanged:
	// any later status change carries an updatedDate no older than it. Not
	// always newer: Wix promises neither millisecond dates nor a strictly
	// increasing updatedDate, so a change may tie with checked (whole-second
	// dates). Listings therefore vouch only for files whose checked lies
	// strictly above the oldest date they read, and ties are read.
	checked int64
	since   time.Time // when this run started waiting, for the pending timeout
	seq     uint64    // order of tracking: rounds begun before it must not vouch for it
	// unseen counts the rounds in a row in which a listing vouched for the
	// file without returning it; lastSeen is when one last returned it (or
	// it was read by ID).
	unseen   int
	lastSeen time.Time
	// cover is the way the current round covers the file: noCover, byID,
	// or the index of a listing plus firstListing.
	cover int
}

// Ways a round covers a file (pendingFile.cover).
const (
	noCover      = -1
	coverByID    = 0
	firstListing = 1
)

// statusAPI is what the poller calls.
type statusAPI interface {
	ListFiles(ctx context.Context, req *wix.ListFilesRequest) (*wix.ListFilesResponse, error)
	SearchFiles(ctx context.Context, req *wix.SearchFilesRequest) (*wix.SearchFilesResponse, error)
	GetFiles(ctx context.Context, fileIDs []string) ([]wix.File, error)
	GetFile(ctx context.Context, fileID string) (*wix.File, error)
}

// poller checks pending files until they are final. Imports add files with
// track while a round may be running.
type poller struct {
	client   statusAPI
	calls    *Caller
	ledger   *ledger
	log      *slog.Logger
	stop     func(error)
	strategy string        // PollList or PollGetFiles
	interval time.Duration // shortest pause between rounds while importing
	timeout  time.Duration // give up waiting for a file after this
	max      int           // files waited on at once (Settings.MaxPending)
	rate     float64       // calls per minute of the run; <= 0: no limit
	noWait   bool          // record files as unchecked instead of waiting for them

	mu      sync.Mutex
	files   map[string]*pendingFile // by file ID
	seq     uint64                  // files tracked so far
	wake    chan struct{}           // signalled when files are added
	room    sync.Cond               // signalled when the count drops or the loop stops
	running bool                    // a loop is draining the pending files
	blocked int                     // track calls waiting for room

	// Owned by the loop.
	importing  bool    // imports are still being sent
	changed    float64 // share of covered files the last rounds found changed (0: unknown)
	finals     finalDates
	processing processingTimes
}

func newPoller(s Settings, client statusAPI, calls *Caller, l *ledger, log *slog.Logger, stop func(error)) *poller {
	p := &poller{client: client, calls: calls, ledger: l, log: log, stop: stop,
		strategy: s.Poll, interval: s.PollInterval, timeout: s.PendingTimeout, max: s.MaxPending, rate: s.Rate, noWait: s.NoWait,
		files: map[string]*pendingFile{}, wake: make(chan struct{}, 1)}
	p.room.L = &p.mu
	return p
}

// track starts waiting for a file, unless it already does. updated is its
// last known updatedDate; folderID may be "" when unknown. While p.max
// files are pending it blocks until one is final (or the loop stops). A
// run that does not wait records the file as unchecked instead.
func (p *poller) track(fileID, folderID string, key manifest.Key, updated int64) {
	if p.noWait {
		p.ledger.unchecked(key)
		return
	}
	p.mu.Lock()
	for len(p.files) >= p.max && p.running {
		p.blocked++
		p.room.Wait()
		p.blocked--
	}
	_, dup := p.files[fileID]
	if !dup {
		p.seq++
		now := time.Now()
		p.files[fileID] = &pendingFile{key: key, folder: folderID, checked: updated, since: now, seq: p.seq, lastSeen: now, cover: noCover}
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
	return len(p.files)
}

// loop runs poll rounds until nothing is pending after importsDone closes,
// or ctx ends. NextPause sets the pause between rounds.
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
	p.importing = true
	importing := true
	var last roundResult
	for {
		if p.pending() == 0 {
			if !importing {
				return
			}
			select {
			case <-p.wake:
			case <-importsDone:
				importing, importsDone = false, nil
				p.importing = false
			case <-ctx.Done():
				return
			}
			// Files after a lull: start over from the base pause.
			last, pause = roundResult{}, p.nextPause(importing, roundResult{}, 0)
			continue
		}
		timer := time.NewTimer(pause)
		select {
		case <-timer.C:
		case <-importsDone:
			// The last imports are in: the tail is what the user waits for.
			timer.Stop()
			importing, importsDone = false, nil
			p.importing = false
			pause = p.nextPause(false, last, pause)
			continue
		case <-ctx.Done():
			timer.Stop()
			return
		}
		res, err := p.round(ctx)
		last = res
		if err != nil {
			if ctx.Err() == nil && errors.Is(err, ErrAuth) {
				p.stop(err)
			}
			if ctx.Err() != nil {
				return
			}
			p.log.Warn("status check failed; will try again", "err", err)
		}
		pause = p.nextPause(importing, res, pause)
		p.ledger.processingTime(p.processing.high())
		p.log.Debug("poll round",
			slog.Group("plan", "by_id", res.plan.IDCalls, "list", res.plan.ListCalls, "search", res.plan.SearchCalls),
			slog.Group("files", "by_id", res.plan.ByIDFiles, "listed", res.plan.ListedFiles, "searched", res.plan.SearchedFiles, "deferred", res.plan.DeferredFiles),
			slog.Group("calls", "by_id", res.idCalls, "list", res.listCalls, "search", res.searchCalls),
			"final", res.final, "still_pending", res.stillPending, "vouched", res.vouched, "pending", p.pending(),
			"changed", fmt.Sprintf("%.2f", p.changed), "processing", p.processing.high(), "pause", pause, "err", err)
		p.expire()
	}
}

// nextPause applies NextPause to the poller's state; the next round's
// calls are estimated by planning it as things stand.
func (p *poller) nextPause(importing bool, last roundResult, pause time.Duration) time.Duration {
	p.mu.Lock()
	stalled := p.blocked > 0
	var youngest time.Time
	for _, pf := range p.files {
		if pf.since.After(youngest) {
			youngest = pf.since
		}
	}
	groups, _ := p.groupsLocked()
	next := PlanPollRound(p.planInput(groups))
	p.mu.Unlock()
	age := time.Duration(0)
	if !youngest.IsZero() {
		age = time.Since(youngest)
	}
	return NextPause(PauseInput{
		Importing: importing, Stalled: stalled, Base: p.interval, Last: pause,
		Final: last.final, StillPending: last.stillPending,
		Processing: p.processing.high(), Youngest: age,
		RoundCalls: next.Calls(), Rate: p.rate, FinishRate: last.finishRate,
	})
}

// roundResult is what one round planned, did and found.
type roundResult struct {
	plan                            PollPlan
	idCalls, listCalls, searchCalls int
	final, stillPending, vouched    int
	covered                         int
	finishRate                      float64 // files a second turned final (PauseInput.FinishRate)
}

// listing is one listing a round reads: a folder's List Files, or Search
// Files over the site (folder is then unused).
type listing struct {
	method PollMethod
	folder string
	cover  int   // pendingFile.cover of the files it covers
	want   int   // files it covers
	young  int   // files left out of the round that it returns anyway (PollGroup.Young)
	stopAt int64 // the oldest checked time among them
	pages  int   // the most pages it reads: the plan's estimate and one more
}

// round plans one poll round with PlanPollRound and carries it out: ID
// reads first, then the listings.
func (p *poller) round(ctx context.Context) (res roundResult, err error) {
	ids, listings, upTo, plan := p.planRound()
	res.plan = plan
	p.finals = finalDates{}
	defer func() { res.finishRate = finishRate(p.finals.n, p.finals.first, p.finals.last) }()
	res.covered = plan.ByIDFiles + plan.ListedFiles + plan.SearchedFiles
	defer func() {
		if res.covered > 0 {
			share := max(float64(res.final)/float64(res.covered), 0.02)
			if p.changed == 0 {
				p.changed = share
			} else {
				p.changed = (p.changed + share) / 2
			}
		}
	}()
	var readAfter int64 // a server time every ID read so far came after
	for chunk := range slices.Chunk(ids, wix.MaxGetFiles) {
		res.idCalls++
		f, s, err := p.readByID(ctx, chunk, &readAfter)
		res.final += f
		res.stillPending += s
		if err != nil {
			return res, err
		}
	}
	for _, l := range listings {
		f, s, calls, vouched, err := p.readListing(ctx, l, upTo)
		res.final += f
		res.stillPending += s
		res.vouched += vouched
		if l.method == SearchSite {
			res.searchCalls += calls
		} else {
			res.listCalls += calls
		}
		if err != nil {
			return res, err
		}
	}
	return res, nil
}

// groupsLocked sums up the pending files by folder for the planner, with
// the IDs of each group's files. The caller holds p.mu.
func (p *poller) groupsLocked() (groups []PollGroup, members [][]string) {
	now := time.Now()
	ripe := p.ripeAgeLocked(now)
	index := map[string]int{}
	for id, pf := range p.files {
		i, ok := index[pf.folder]
		if !ok {
			i = len(groups)
			index[pf.folder] = i
			groups = append(groups, PollGroup{Folder: pf.folder})
			members = append(members, nil)
		}
		g := &groups[i]
		if now.Sub(pf.since) < ripe {
			g.Young++ // most likely still processing: a later round reads it once
			continue
		}
		g.Pending++
		if pf.unseen >= UnseenRounds {
			g.Unseen++
		}
		g.UnseenFor = max(g.UnseenFor, now.Sub(pf.lastSeen))
		members[i] = append(members[i], id)
	}
	return groups, members
}

// ripeAgeLocked is the age below which a pending file is left out of a
// round: reading a file still processing costs a slot of a page and a
// second read later. With no rate limit (calls, not time, are what a round
// costs), while imports are sent (later rounds come anyway) and more than
// SmallTail files are pending, that is the age by which a quarter of the
// files observed turned final, or, before any did, the age of the
// SmallTail-th oldest file: the first round reads the oldest only, a
// call's worth, and learns how long processing takes. Otherwise 0: under a
// rate a call slot left unused is time lost, and the pauses pace rounds;
// in the tail the pause waits for processing and a file left out would
// wait a round more; one call covers a small tail. The caller holds p.mu.
func (p *poller) ripeAgeLocked(now time.Time) time.Duration {
	if p.rate > 0 || !p.importing || len(p.files) <= SmallTail {
		return 0
	}
	if p.processing.n > 0 {
		return p.processing.quantile(ripeQuantile)
	}
	ages := make([]time.Duration, 0, len(p.files))
	for _, pf := range p.files {
		ages = append(ages, now.Sub(pf.since))
	}
	slices.Sort(ages)
	return ages[len(ages)-SmallTail]
}

// planInput is the planner's input for groups.
func (p *poller) planInput(groups []PollGroup) PollPlanInput {
	budget := 0
	if p.rate > 0 {
		// A round spends at most a quarter minute of the rate.
		budget = max(1, int(p.rate/4))
	}
	return PollPlanInput{Groups: groups, Prefer: p.strategy, Changed: p.changed, Budget: budget}
}

// planRound groups the pending files by folder, plans the round and marks
// each file with the way it is covered. It returns the IDs to read (longest
// unseen first), the listings, and the last tracking number the round
// covers.
func (p *poller) planRound() (ids []string, listings []listing, upTo uint64, plan PollPlan) {
	p.mu.Lock()
	defer p.mu.Unlock()
	upTo = p.seq
	groups, members := p.groupsLocked()
	for _, pf := range p.files {
		pf.cover = noCover
	}
	plan = PlanPollRound(p.planInput(groups))
	search := -1
	for i, gp := range plan.Groups {
		m := members[i]
		// Due and longest-unseen files first, for the ID reads.
		slices.SortFunc(m, func(a, b string) int {
			fa, fb := p.files[a], p.files[b]
			if c := cmp.Compare(fb.unseen, fa.unseen); c != 0 {
				return c
			}
			return fa.lastSeen.Compare(fb.lastSeen)
		})
		for _, id := range m[:gp.ByID] {
			p.files[id].cover = coverByID
			ids = append(ids, id)
		}
		rest := m[gp.ByID:]
		if len(rest) == 0 {
			continue
		}
		var l *listing
		switch gp.Method {
		case ListFolder:
			listings = append(listings, listing{method: ListFolder, folder: groups[i].Folder, cover: firstListing + len(listings), stopAt: 1<<63 - 1})
			l = &listings[len(listings)-1]
		case SearchSite:
			if search < 0 {
				search = len(listings)
				listings = append(listings, listing{method: SearchSite, cover: firstListing + len(listings), stopAt: 1<<63 - 1})
			}
			l = &listings[search]
		default:
			continue
		}
		l.young += groups[i].Young
		for _, id := range rest {
			pf := p.files[id]
			pf.cover = l.cover
			l.want++
			l.stopAt = min(l.stopAt, pf.checked)
		}
	}
	for i := range listings {
		listings[i].pages = listPages(listings[i].want, p.changed, listings[i].young) + 1
	}
	slices.SortStableFunc(ids, func(a, b string) int {
		fa, fb := p.files[a], p.files[b]
		if c := cmp.Compare(fb.unseen, fa.unseen); c != 0 {
			return c
		}
		return fa.lastSeen.Compare(fb.lastSeen)
	})
	return ids, listings, upTo, plan
}

// readListing pages a folder (List Files) or the whole site (Search Files)
// newest-updated first and stops as soon as every file it covers has been
// seen, the listing reaches files older than the last moment each unseen
// one was known unchanged (nothing below can have changed since), or it
// read the pages the plan allows. Files it covers and did not return are
// vouched for as unchanged if the pages reached below their last check;
// either way their unseen count grows, so neither a lagging listing nor an
// early stop can hold them back for long.
func (p *poller) readListing(ctx context.Context, l listing, upTo uint64) (final, stillPending, calls, vouched int, err error) {
	stopAt := l.stopAt - int64(clockMargin)
	seen := 0
	var bottom int64 // the oldest updatedDate read
	var top int64    // newest updatedDate seen: a server time this round covers
	sort := &wix.Sorting{FieldName: "updatedDate", Order: wix.SortDesc}
	cursor := ""
	returned := map[string]bool{}
	for {
		var files []wix.File
		var next string
		calls++
		if l.method == SearchSite {
			var page *wix.SearchFilesResponse
			page, err = call(ctx, p.calls, wix.EndpointSearchFiles, func(ctx context.Context) (*wix.SearchFilesResponse, error) {
				return p.client.SearchFiles(ctx, &wix.SearchFilesRequest{RootFolder: wix.RootMedia, Sort: sort,
					Paging: &wix.CursorPaging{Limit: wix.MaxPageLimit, Cursor: cursor}})
			})
			if err == nil {
				files, next = page.Files, page.Next()
			}
		} else {
			var page *wix.ListFilesResponse
			page, err = call(ctx, p.calls, wix.EndpointListFiles, func(ctx context.Context) (*wix.ListFilesResponse, error) {
				return p.client.ListFiles(ctx, &wix.ListFilesRequest{ParentFolderID: l.folder, Sort: sort,
					Paging: wix.CursorPaging{Limit: wix.MaxPageLimit, Cursor: cursor}})
			})
			if err == nil {
				files, next = page.Files, page.Next()
			}
		}
		if err != nil {
			return final, stillPending, calls, 0, err
		}
		oldest := int64(1<<63 - 1)
		for i := range files {
			if u := files[i].UpdatedDate; u != nil {
				top = max(top, u.UnixNano())
				oldest = min(oldest, u.UnixNano())
			} else {
				oldest = 0
			}
		}
		for i := range files {
			file := &files[i]
			// A file this page shows still processing was unchanged when
			// the page was read, after the newest date read so far: the
			// next listing need not read below that for it, nor re-read
			// the files that turned final above its old place.
			obs, cover := p.observe(file, top)
			if obs != observedOther && cover == l.cover && !returned[file.ID] {
				// Only files this listing covers count towards want:
				// stopping early on another would leave one of them
				// unseen, and vouched for below.
				returned[file.ID] = true
				seen++
			}
			switch obs {
			case observedFinal:
				final++
			case observedPending:
				stillPending++
			}
		}
		cursor = next
		if cursor == "" || len(files) == 0 {
			bottom = math.MinInt64 // the whole listing was read
			break
		}
		bottom = oldest
		if seen >= l.want || oldest < stopAt || calls >= l.pages {
			break
		}
	}
	// Files not returned whose last check lies above the bottom read did
	// not change before this round's first page. That holds only for files
	// tracked when the round began: one whose import answer came in during
	// the round may have changed below the pages read. Either way the file
	// went unseen once more, and one the pages did not reach down to is
	// due to be read by ID.
	p.mu.Lock()
	for id, pf := range p.files {
		if pf.cover != l.cover || pf.seq > upTo || returned[id] {
			continue
		}
		if top > 0 && bottom < pf.checked-int64(clockMargin) {
			pf.checked = max(pf.checked, top)
			vouched++
			pf.unseen++
			continue
		}
		// The listing stopped above the file's last check (its pages ran
		// out): it learned nothing of it, and listing again would re-read
		// what this one read. The next round reads it by ID.
		pf.unseen = max(pf.unseen+1, UnseenRounds)
	}
	p.mu.Unlock()
	return final, stillPending, calls, vouched, nil
}

// readByID reads up to 100 files by ID. readAfter is a server time the
// read came after: the newest updatedDate any read so far returned. Files
// found still processing were unchanged then, so a later listing need not
// look below it for them.
func (p *poller) readByID(ctx context.Context, ids []string, readAfter *int64) (final, stillPending int, err error) {
	files, err := call(ctx, p.calls, wix.EndpointGetFileDescriptors, func(ctx context.Context) ([]wix.File, error) {
		return p.client.GetFiles(ctx, ids)
	})
	if wix.IsNotFound(err) {
		files, err = p.getEach(ctx, ids)
	}
	if err != nil {
		return 0, 0, err
	}
	for i := range files {
		if u := files[i].UpdatedDate; u != nil {
			*readAfter = max(*readAfter, u.UnixNano())
		}
	}
	for i := range files {
		switch obs, _ := p.observe(&files[i], *readAfter); obs {
		case observedFinal:
			final++
		case observedPending:
			stillPending++
		}
	}
	return final, stillPending, nil
}

// getEach reads files one by one after a batch read hit a missing file,
// failing the rows whose file no longer exists.
func (p *poller) getEach(ctx context.Context, ids []string) ([]wix.File, error) {
	return readEach(ctx, p.calls, p.client, ids, p.drop)
}

// readEach reads files one by one (after a batch read hit a missing file),
// calling gone for each one no longer found.
func readEach(ctx context.Context, c *Caller, client interface {
	GetFile(ctx context.Context, fileID string) (*wix.File, error)
}, ids []string, gone func(id string)) ([]wix.File, error) {
	var files []wix.File
	for _, id := range ids {
		f, err := call(ctx, c, wix.EndpointGetFileDescriptor, func(ctx context.Context) (*wix.File, error) {
			return client.GetFile(ctx, id)
		})
		switch {
		case wix.IsNotFound(err):
			gone(id)
		case err != nil:
			return files, err
		default:
			files = append(files, *f)
		}
	}
	return files, nil
}

// finalDates spans the updatedDates of the files a round found final.
type finalDates struct {
	n           int
	first, last int64
}

func (d *finalDates) add(updated int64) {
	if d.n == 0 {
		d.first, d.last = updated, updated
	}
	d.n++
	d.first, d.last = min(d.first, updated), max(d.last, updated)
}

type observation int

const (
	observedOther observation = iota // not a file this run waits for
	observedPending
	observedFinal
)

// observe applies a descriptor to the file's outcome if the run waits for
// it, and returns the way the round covers it. readAfter is a server time
// the read came after (the newest updatedDate it returned): a file still
// processing was unchanged then.
func (p *poller) observe(f *wix.File, readAfter int64) (observation, int) {
	p.mu.Lock()
	pf := p.files[f.ID]
	if pf == nil {
		p.mu.Unlock()
		return observedOther, noCover
	}
	pf.unseen, pf.lastSeen = 0, time.Now()
	if f.OperationStatus != wix.StatusReady && f.OperationStatus != wix.StatusFailed {
		pf.checked = max(pf.checked, readAfter)
		if f.UpdatedDate != nil {
			pf.checked = max(pf.checked, f.UpdatedDate.UnixNano())
		}
		p.mu.Unlock()
		return observedPending, pf.cover
	}
	delete(p.files, f.ID)
	p.room.Broadcast()
	p.mu.Unlock()

	if f.CreatedDate != nil && f.UpdatedDate != nil {
		p.processing.add(f.UpdatedDate.Sub(*f.CreatedDate))
		p.finals.add(f.UpdatedDate.UnixNano())
	}
	p.ledger.processed(pf.key, f)
	return observedFinal, pf.cover
}

// drop stops waiting for a file that is no longer in the Media Manager.
func (p *poller) drop(fileID string) {
	p.mu.Lock()
	pf, found := p.files[fileID]
	if found {
		delete(p.files, fileID)
		p.room.Broadcast()
	}
	p.mu.Unlock()
	if found {
		p.ledger.gone(pf.key)
	}
}

// expire gives up on files pending longer than the pending timeout: they
// stay PENDING in the report, with the reason, and a re-run polls them again.
func (p *poller) expire() {
	limit := p.timeout
	p.mu.Lock()
	var expired []manifest.Key
	for id, pf := range p.files {
		if time.Since(pf.since) >= limit {
			expired = append(expired, pf.key)
			delete(p.files, id)
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
