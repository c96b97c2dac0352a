package wixsim

import (
	"container/heap"
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// userAgent identifies the simulator's downloads to source servers, so
// origins can tell it apart (and, in tests, block it like a hotlink guard).
const userAgent = "wix-media-sim/1.0 (+https://github.com/wixmigrate/wixmigrate)"

// job is one import waiting for its source to be downloaded.
type job struct {
	rec      *fileRec
	url      string
	declared mediaKind
	params   map[string]any
	headers  map[string]any
	delay    time.Duration
}

// outcome is how processing ends for a file.
type outcome struct {
	ready bool
	sn    sniffed
	hash  [16]byte
	size  int64
}

// fetcher downloads import sources with a bounded pool of workers fed by
// an unbounded FIFO, so a million queued imports cost a few words each and
// no goroutine.
type fetcher struct {
	sim    *Simulator
	client *http.Client
	ctx    context.Context

	mu     sync.Mutex
	cond   *sync.Cond
	queue  []job
	head   int
	closed bool
	active atomic.Int64
	wg     sync.WaitGroup
}

func newFetcher(sim *Simulator, ctx context.Context) *fetcher {
	rt := sim.opts.FetchTransport
	if rt == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = sim.opts.FetchConcurrency
		rt = tr
	}
	f := &fetcher{sim: sim, ctx: ctx, client: &http.Client{Transport: rt, Timeout: sim.opts.FetchTimeout}}
	f.cond = sync.NewCond(&f.mu)
	for range sim.opts.FetchConcurrency {
		f.wg.Add(1)
		go f.work()
	}
	return f
}

func (f *fetcher) push(j job) {
	f.mu.Lock()
	f.queue = append(f.queue, j)
	f.mu.Unlock()
	f.cond.Signal()
}

func (f *fetcher) queued() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.queue) - f.head
}

// pop blocks for the next job; ok is false once closed.
func (f *fetcher) pop() (job, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for f.head == len(f.queue) && !f.closed {
		f.cond.Wait()
	}
	if f.closed {
		return job{}, false
	}
	// Active from the moment it leaves the queue: Stats never sees a job
	// in neither.
	f.active.Add(1)
	j := f.queue[f.head]
	f.queue[f.head] = job{}
	f.head++
	if f.head == len(f.queue) {
		f.queue, f.head = f.queue[:0], 0
	} else if f.head > 4096 && f.head > len(f.queue)/2 {
		n := copy(f.queue, f.queue[f.head:])
		clear(f.queue[n:])
		f.queue, f.head = f.queue[:n], 0
	}
	return j, true
}

func (f *fetcher) close() {
	f.mu.Lock()
	f.closed = true
	f.mu.Unlock()
	f.cond.Broadcast()
	f.wg.Wait()
	f.client.CloseIdleConnections()
}

func (f *fetcher) work() {
	defer f.wg.Done()
	for {
		j, ok := f.pop()
		if !ok {
			return
		}
		out := f.fetch(j)
		if f.ctx.Err() != nil {
			f.active.Add(-1)
			return
		}
		f.sim.timers.after(j.delay, j.rec, out) // processing before no longer fetching
		f.active.Add(-1)
	}
}

// fetch downloads and sniffs one source. Any non-2xx answer, network error,
// timeout, oversize body, non-media content or a type other than the
// declared one fails the file, as on Wix (without a reason).
func (f *fetcher) fetch(j job) outcome {
	log := f.sim.log.With("file", j.rec.id, "url", j.url)
	req, err := http.NewRequestWithContext(f.ctx, http.MethodGet, j.url, nil)
	if err != nil {
		log.Debug("import failed", "reason", err)
		return outcome{}
	}
	if len(j.params) > 0 {
		q := req.URL.Query()
		for k, v := range j.params {
			q.Set(k, fmt.Sprint(v))
		}
		req.URL.RawQuery = q.Encode()
	}
	for k, v := range j.headers {
		req.Header.Set(k, fmt.Sprint(v))
	}
	req.Header.Set("User-Agent", userAgent)
	resp, err := f.client.Do(req)
	if err != nil {
		log.Debug("import failed", "reason", err)
		return outcome{}
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		log.Debug("import failed", "reason", "source answered "+resp.Status)
		return outcome{}
	}
	limit := f.sim.opts.MaxFetchBytes
	if resp.ContentLength > limit {
		log.Debug("import failed", "reason", "source too large", "bytes", resp.ContentLength)
		return outcome{}
	}
	b, err := f.sim.blobs.put(resp.Body, limit)
	if err != nil {
		log.Debug("import failed", "reason", err)
		return outcome{}
	}
	return f.sim.judge(b, j.declared, log)
}

// timerHeap applies outcomes once their processing delay is over: one
// goroutine and a min-heap, not a sleeping goroutine per file.
type timerHeap struct {
	apply func(*fileRec, outcome)
	mu    sync.Mutex
	items timerItems
	// applying counts items taken off the heap whose outcome is not yet
	// applied: pending until it is.
	applying int
	wake     chan struct{}
	stop     chan struct{}
	done     chan struct{}
}

type timerItem struct {
	at  time.Time
	rec *fileRec
	out outcome
}

type timerItems []timerItem

func (h timerItems) Len() int           { return len(h) }
func (h timerItems) Less(i, j int) bool { return h[i].at.Before(h[j].at) }
func (h timerItems) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *timerItems) Push(x any)        { *h = append(*h, x.(timerItem)) }
func (h *timerItems) Pop() any {
	old := *h
	it := old[len(old)-1]
	*h = old[:len(old)-1]
	return it
}

func newTimerHeap(apply func(*fileRec, outcome)) *timerHeap {
	t := &timerHeap{apply: apply, wake: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go t.run()
	return t
}

// after schedules out for rec once d has passed.
func (t *timerHeap) after(d time.Duration, rec *fileRec, out outcome) {
	t.mu.Lock()
	heap.Push(&t.items, timerItem{at: time.Now().Add(d), rec: rec, out: out})
	first := t.items[0].rec == rec
	t.mu.Unlock()
	if first {
		select {
		case t.wake <- struct{}{}:
		default:
		}
	}
}

func (t *timerHeap) pending() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.items) + t.applying
}

func (t *timerHeap) close() {
	close(t.stop)
	<-t.done
}

func (t *timerHeap) run() {
	defer close(t.done)
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	var due []timerItem
	for {
		t.mu.Lock()
		now := time.Now()
		due = due[:0]
		for len(t.items) > 0 && !t.items[0].at.After(now) && len(due) < 1024 {
			due = append(due, heap.Pop(&t.items).(timerItem))
		}
		wait := time.Hour
		if len(due) == 1024 {
			wait = 0
		} else if len(t.items) > 0 {
			wait = t.items[0].at.Sub(now)
		}
		t.applying = len(due)
		t.mu.Unlock()
		for _, it := range due {
			t.apply(it.rec, it.out)
			t.mu.Lock()
			t.applying--
			t.mu.Unlock()
		}
		clear(due)
		timer.Reset(wait)
		select {
		case <-t.stop:
			return
		case <-t.wake:
		case <-timer.C:
		}
	}
}
