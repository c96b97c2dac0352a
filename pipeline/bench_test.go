package pipeline

// Benchmarks of a whole run against the in-process simulator: how many API
// calls a row costs (the floor is 2 calls per 100 rows: one Bulk Import File
// and one status page), and how close a rate-limited run comes to the time
// that floor needs.
//
//	go test -run '^$' -bench . -benchtime=1x ./pipeline/
//
// runs CI-sized versions (seconds). Full size:
//
//	WIXMIGRATE_BENCH_ROWS=10000 go test -run '^$' -bench Calls -benchtime=1x ./pipeline/
//	WIXMIGRATE_BENCH_REAL_RATE=1 go test -run '^$' -bench RateBound -benchtime=1x -timeout 30m ./pipeline/
//	WIXMIGRATE_BENCH_ROWS=10000 WIXMIGRATE_BENCH_SPEEDUP=5 go test -run '^$' -bench Folders -benchtime=1x -timeout 30m ./pipeline/
//	WIXMIGRATE_BENCH_TAIL_RUNS=20 WIXMIGRATE_BENCH_ROWS=5000 go test -run '^$' -bench Tail -benchtime=1x -timeout 30m ./pipeline/
//
// BenchmarkRateBound runs at 200 calls/minute on both sides (tool and
// simulator) times a speed-up k (WIXMIGRATE_BENCH_SPEEDUP, 20 unless
// WIXMIGRATE_BENCH_REAL_RATE=1 sets it to 1), with the processing delay and
// the poll pauses divided by k, so its dynamics match the real run's in 1/k
// of the time.

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/wixmigrate/wixmigrate/internal/testenv"
	"github.com/wixmigrate/wixmigrate/manifest"
	"github.com/wixmigrate/wixmigrate/report"
	"github.com/wixmigrate/wixmigrate/wix"
	"github.com/wixmigrate/wixmigrate/wixsim"
)

// Wix's documented limit, calls per minute per site.
const wixRate = 200

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// benchRows is the manifest size: WIXMIGRATE_BENCH_ROWS, else def.
func benchRows(def int) int { return envInt("WIXMIGRATE_BENCH_ROWS", def) }

// realRate says whether WIXMIGRATE_BENCH_REAL_RATE asks for real time.
func realRate() bool { return os.Getenv("WIXMIGRATE_BENCH_REAL_RATE") == "1" }

// benchDelay is the simulator's processing delay of the issue: 200ms-2s.
var benchDelay = wixsim.Range{Min: 200 * time.Millisecond, Max: 2 * time.Second}

// benchEnv is a simulator, an origin serving /p/<n>.png and a manifest of
// rows distinct PNGs.
type benchEnv struct {
	sim    *wixsim.Simulator
	client *wix.Client
	origin string // base URL of the sources
	mpath  string
	rows   int
	close  func()
}

// sourceURL is row i's source.
func (e *benchEnv) sourceURL(i int) string { return fmt.Sprintf("%s/p/%d.png", e.origin, i) }

// benchOrigin serves /p/<n>.png: tiny, so the origin is not what a
// benchmark measures.
var benchOrigin = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/p/"), ".png"))
	if err != nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Write(testenv.PNG(n, 2, 1))
})

func newBenchEnv(b testing.TB, rows int, opts wixsim.Options) *benchEnv {
	return newBenchEnvFolders(b, rows, 0, opts)
}

// newBenchEnvFolders spreads the rows over folders file_path folders, rows
// i, i+folders, ... in one (a folder per product, listed product by
// product); 0 folders is a flat manifest. Simulator and origin listen on
// loopback ports.
func newBenchEnvFolders(b testing.TB, rows, folders int, opts wixsim.Options) *benchEnv {
	b.Helper()
	origin := httptest.NewServer(benchOrigin)
	srv := wixsim.NewServer(benchOptions(opts))
	e := &benchEnv{sim: srv.Sim, rows: rows, close: func() { srv.Close(); origin.Close() }}
	e.client = benchClient(srv.URL, &http.Transport{MaxIdleConnsPerHost: 16})
	e.writeManifest(b, origin.URL, folders)
	return e
}

// newVirtualEnv is newBenchEnvFolders without a network: client, simulator
// and origin reach each other in-process (wixsim.Transport), so a run
// inside testing/synctest takes virtual time, at Wix's real rate, with
// nothing scaled. Close it inside the bubble.
func newVirtualEnv(t testing.TB, rows, folders int, opts wixsim.Options) *benchEnv {
	t.Helper()
	opts.FetchTransport = wixsim.Transport(benchOrigin)
	sim := wixsim.New(benchOptions(opts))
	e := &benchEnv{sim: sim, rows: rows, close: sim.Close}
	e.client = benchClient("http://wixapis.test", wixsim.Transport(sim))
	e.writeManifest(t, "http://origin.test", folders)
	return e
}

func benchOptions(opts wixsim.Options) wixsim.Options {
	opts.APIKey = "key"
	opts.Seed = 1
	return opts
}

func benchClient(base string, rt http.RoundTripper) *wix.Client {
	c := wix.NewClient("key", "bench-site")
	c.BaseURL = base
	c.HTTPClient = &http.Client{Transport: rt}
	return c
}

func (e *benchEnv) writeManifest(b testing.TB, origin string, folders int) {
	e.origin = origin
	e.mpath = filepath.Join(b.TempDir(), "manifest.csv")
	var sb strings.Builder
	sb.WriteString("source_url,sku,file_path\n")
	for i := range e.rows {
		folder := ""
		if folders > 0 {
			folder = fmt.Sprintf("/products/p%04d", i*folders/e.rows)
		}
		fmt.Fprintf(&sb, "%s,SKU-%d,%s\n", e.sourceURL(i), i, folder)
	}
	if err := os.WriteFile(e.mpath, []byte(sb.String()), 0o644); err != nil {
		b.Fatal(err)
	}
}

func (e *benchEnv) open() (*manifest.Reader, io.Closer, error) {
	return manifest.Open(e.mpath, manifest.Options{})
}

// apiCalls counts the simulator's API answers, and the 429s among them.
func (e *benchEnv) apiCalls() (total, throttled int64) {
	for ep, byStatus := range e.sim.Stats().Requests {
		switch ep {
		case "upload", "tus", "media", "unknown":
			continue
		}
		for status, n := range byStatus {
			total += n
			if status == "429" {
				throttled += n
			}
		}
	}
	return total, throttled
}

// measure is what one run produced.
type measure struct {
	rows       int
	wall       time.Duration
	busy       time.Duration // until the last import was accepted
	busyCalls  int64         // calls made by then
	calls      map[string]int64
	total      int64 // the tool's count of calls (429s included)
	simTotal   int64 // the simulator's count of API answers
	throttled  int64
	minWindow  float64 // fewest calls in a window while imports remained, per window
	windowSize time.Duration
	unfound    time.Duration // longest a file stayed READY unfound (sampler.unfound)
}

// floorCalls is the least a run of rows can cost: one Bulk Import File and
// one status page per 100 rows.
func floorCalls(rows int) float64 { return 2 * math.Ceil(float64(rows)/100) }

// sampler records the tool's call count over time to find idle gaps, and
// the READY files the tool found and the simulator made, to find files
// left unfound.
type sampler struct {
	tick    time.Duration
	stop    chan struct{}
	done    chan struct{}
	mu      sync.Mutex
	samples []int64 // call count at each tick
	found   []int64 // READY rows the tool recorded at each tick
	made    []int64 // READY files in the simulator at each tick
	busyEnd int     // samples taken while imports remained
}

func startSampler(tick time.Duration, stats *Stats, sim *wixsim.Simulator, rows int64) *sampler {
	s := &sampler{tick: tick, stop: make(chan struct{}), done: make(chan struct{}), busyEnd: -1}
	go func() {
		defer close(s.done)
		t := time.NewTicker(tick)
		defer t.Stop()
		for {
			select {
			case <-s.stop:
				return
			case <-t.C:
			}
			s.mu.Lock()
			s.samples = append(s.samples, stats.TotalCalls())
			s.found = append(s.found, stats.Ready.Load())
			s.made = append(s.made, sim.Stats().Files.Ready)
			if s.busyEnd < 0 && stats.Imported.Load()+stats.Failed.Load() >= rows {
				s.busyEnd = len(s.samples)
			}
			s.mu.Unlock()
		}
	}()
	return s
}

// unfound is the longest a file stayed READY in the simulator without the
// tool finding it, to within a tick: when the tool has found n files and
// the simulator has had n+1 READY since tick i, one of those is unfound
// since then at least.
func (s *sampler) unfound() time.Duration {
	var worst time.Duration
	first := 0 // the first tick at which the simulator had more READY than found[j]
	for j, n := range s.found {
		for first < len(s.made) && s.made[first] <= n {
			first++
		}
		if first <= j {
			worst = max(worst, time.Duration(j-first)*s.tick)
		}
	}
	return worst
}

// minWindow is the fewest calls made in any window of w ticks that ended
// while imports remained.
func (s *sampler) minWindow(w int) float64 {
	close(s.stop)
	<-s.done
	end := s.busyEnd
	if end < 0 {
		end = len(s.samples)
	}
	best := math.Inf(1)
	for i := w; i < end; i++ {
		best = min(best, float64(s.samples[i]-s.samples[i-w]))
		if os.Getenv("WIXMIGRATE_BENCH_DEBUG") != "" {
			fmt.Fprintf(os.Stderr, "window ending at tick %d: %d calls\n", i, s.samples[i]-s.samples[i-w])
		}
	}
	return best
}

// runPipeline migrates the manifest and checks every row came out READY.
func (e *benchEnv) runPipeline(b testing.TB, cfg Config) measure {
	b.Helper()
	cfg.Client = e.client
	if os.Getenv("WIXMIGRATE_BENCH_DEBUG") != "" {
		cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	state := report.NewState()
	stats := &Stats{}
	// Windows hold 50 calls at the rate: a shortfall of one call is 2%.
	window := time.Duration(50 / (max(cfg.Rate, wixRate) / 60) * float64(time.Second))
	tick := window / 10
	smp := startSampler(tick, stats, e.sim, int64(e.rows))
	start := time.Now()
	var busy, busyCalls atomic.Int64
	ran := make(chan struct{})
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		for stats.Imported.Load()+stats.Failed.Load() < int64(e.rows) {
			select {
			case <-ran:
				return
			case <-time.After(tick / 4):
			}
		}
		busyCalls.Store(stats.TotalCalls())
		busy.Store(int64(time.Since(start)))
	}()
	res, err := Run(context.Background(), cfg, e.open, state, stats)
	wall := time.Since(start)
	close(ran)
	<-watched
	if err != nil || res.Fatal != nil || res.Interrupted {
		b.Fatalf("run: %v %+v", err, res)
	}
	m := measure{rows: e.rows, wall: wall, busy: time.Duration(busy.Load()), busyCalls: busyCalls.Load(), calls: map[string]int64{}, windowSize: window}
	m.minWindow = smp.minWindow(10)
	m.unfound = smp.unfound()
	for _, c := range stats.Calls() {
		m.calls[c.Endpoint] = c.Calls
		m.total += c.Calls
	}
	m.simTotal, m.throttled = e.apiCalls()
	// A run that does not wait leaves every file PENDING, unchecked.
	done := 0
	state.Each(func(_ manifest.Key, o *report.Outcome) {
		if o.Status == report.Ready || cfg.NoWait && o.Status == report.Pending && o.Phase == report.PhaseUnchecked {
			done++
		}
	})
	if done != e.rows {
		b.Fatalf("%d of %d rows READY (or unchecked when not waiting)", done, e.rows)
	}
	return m
}

// report publishes a run's metrics. rate is calls per minute (0: none).
func (m measure) report(b *testing.B, rate float64) {
	rows := float64(m.rows)
	b.ReportMetric(float64(m.simTotal)/rows, "calls/row")
	b.ReportMetric(float64(m.simTotal)/floorCalls(m.rows), "x-floor")
	for ep, n := range m.calls {
		b.ReportMetric(float64(n)/rows, ep+"/row")
	}
	b.ReportMetric(100*float64(m.throttled)/float64(max(m.simTotal, 1)), "429-%")
	b.ReportMetric(rows/m.wall.Seconds(), "rows/s")
	b.ReportMetric(m.wall.Seconds(), "wall-s")
	if rate > 0 {
		perSec := rate / 60
		floorTime := floorCalls(m.rows) / perSec
		b.ReportMetric(m.wall.Seconds()/floorTime, "x-floor-time")
		b.ReportMetric(100*float64(m.simTotal)/(perSec*m.wall.Seconds()), "rate-use-%")
		if m.busy > 0 {
			b.ReportMetric(100*float64(m.busyCalls)/(perSec*m.busy.Seconds()), "rate-use-importing-%")
		}
		if !math.IsInf(m.minWindow, 1) {
			b.ReportMetric(100*m.minWindow/(perSec*m.windowSize.Seconds()), "min-window-use-%")
		}
	}
	b.ReportMetric(0, "ns/op") // a run's wall time is wall-s
}

// BenchmarkCalls measures calls per row of each strategy with no rate limit
// and the processing delay (200ms-2s): list and get-files through
// Run, and the one-at-a-time way (Import File, then Get File Descriptor per
// file) as a plain loop. Rows: WIXMIGRATE_BENCH_ROWS (2000).
func BenchmarkCalls(b *testing.B) {
	rows := benchRows(2000)
	for _, poll := range []string{PollList, PollGetFiles} {
		b.Run(poll, func(b *testing.B) {
			var m measure
			for range b.N {
				e := newBenchEnv(b, rows, wixsim.Options{ProcessingDelay: benchDelay})
				m = e.runPipeline(b, Config{Settings: Settings{Poll: poll, Rate: NoRateLimit, PollInterval: 2 * time.Second, PendingTimeout: time.Minute}})
				e.close()
			}
			m.report(b, 0)
		})
	}
	b.Run("one-at-a-time", func(b *testing.B) {
		var m measure
		for range b.N {
			e := newBenchEnv(b, rows, wixsim.Options{ProcessingDelay: benchDelay})
			m = e.oneAtATime(b)
			e.close()
		}
		m.report(b, 0)
	})
}

// oneAtATime is the naive migration: an Import File call per row, then a
// Get File Descriptor call per file until each is final (passes over all
// pending files, each after the longest processing delay: the best case of
// one check per file).
func (e *benchEnv) oneAtATime(b *testing.B) measure {
	ctx := context.Background()
	start := time.Now()
	ids := make([]string, e.rows)
	var wg sync.WaitGroup
	var next atomic.Int64
	var calls atomic.Int64
	work := func(fn func(i int)) {
		next.Store(0)
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := int(next.Add(1) - 1); i < len(ids); i = int(next.Add(1) - 1) {
					fn(i)
				}
			}()
		}
		wg.Wait()
	}
	work(func(i int) {
		calls.Add(1)
		f, err := e.client.ImportFile(ctx, &wix.ImportFileRequest{URL: e.sourceURL(i)})
		if err != nil {
			b.Error(err)
			return
		}
		ids[i] = f.ID
	})
	busy := time.Since(start)
	var getCalls atomic.Int64
	for pending := e.rows; pending > 0; {
		// Wait out the longest processing: the best case, one check per file.
		time.Sleep(benchDelay.Max)
		var left atomic.Int64
		work(func(i int) {
			if ids[i] == "" {
				return
			}
			getCalls.Add(1)
			f, err := e.client.GetFile(ctx, ids[i])
			if err != nil {
				b.Error(err)
				return
			}
			if f.OperationStatus == wix.StatusReady || f.OperationStatus == wix.StatusFailed {
				ids[i] = ""
			} else {
				left.Add(1)
			}
		})
		pending = int(left.Load())
		if b.Failed() {
			b.FailNow()
		}
	}
	m := measure{rows: e.rows, wall: time.Since(start), busy: busy, minWindow: math.Inf(1),
		calls: map[string]int64{"ImportFile": calls.Load(), "GetFileDescriptor": getCalls.Load()}}
	m.total = calls.Load() + getCalls.Load()
	m.simTotal, m.throttled = e.apiCalls()
	return m
}

// BenchmarkRateBound runs at the rate limit, on both sides, with time
// scaled by k: rate 200·k/min, processing delay and poll interval ÷ k.
// Rows: WIXMIGRATE_BENCH_ROWS (2000, or 10000 with
// WIXMIGRATE_BENCH_REAL_RATE=1, which also sets k=1).
func BenchmarkRateBound(b *testing.B) {
	k, rows := rateBoundSize()
	for _, run := range []struct {
		name string
		s    Settings
	}{{PollList, Settings{Poll: PollList}}, {PollGetFiles, Settings{Poll: PollGetFiles}}, {"no-wait", Settings{NoWait: true}}} {
		b.Run(fmt.Sprintf("%s/k=%d", run.name, k), func(b *testing.B) {
			var m measure
			for range b.N {
				m = rateBoundRun(b, rows, 0, k, run.s, wixsim.Options{})
			}
			m.report(b, float64(wixRate*k))
		})
	}
}

// rateBoundSize is the speed-up and the rows of a rate-bound benchmark:
// WIXMIGRATE_BENCH_SPEEDUP (20) and WIXMIGRATE_BENCH_ROWS (2000), or k=1
// and 10000 rows with WIXMIGRATE_BENCH_REAL_RATE=1.
func rateBoundSize() (k, rows int) {
	if realRate() {
		return 1, benchRows(10000)
	}
	return envInt("WIXMIGRATE_BENCH_SPEEDUP", 20), benchRows(2000)
}

// rateBoundRun migrates rows (over folders file_path folders; 0 is flat)
// with tool and simulator at Wix's rate, the processing delay and the poll
// pauses all scaled k times faster. A file still pending after (scaled) 3
// minutes is given up on, and fails the run.
func rateBoundRun(tb testing.TB, rows, folders, k int, s Settings, opts wixsim.Options) measure {
	tb.Helper()
	scale := func(d time.Duration) time.Duration { return d / time.Duration(k) }
	opts.RateLimit = wixRate * k
	opts.ProcessingDelay = wixsim.Range{Min: scale(benchDelay.Min), Max: scale(benchDelay.Max)}
	e := newBenchEnvFolders(tb, rows, folders, opts)
	defer e.close()
	restore := scaleTime(k)
	defer restore()
	s.Rate, s.PollInterval, s.PendingTimeout = float64(wixRate*k), scale(2*time.Second), scale(3*time.Minute)
	return e.runPipeline(tb, Config{Settings: s})
}

// virtualRun migrates rows (over folders file_path folders; 0 is flat) in
// virtual time (testing/synctest), tool and simulator at Wix's rate and
// processing 200ms-2s unless opts say otherwise, as a real run would,
// nothing scaled.
func virtualRun(t *testing.T, rows, folders int, s Settings, opts wixsim.Options) (m measure) {
	t.Helper()
	synctest.Test(t, func(t *testing.T) {
		opts.RateLimit = wixRate
		if opts.ProcessingDelay == (wixsim.Range{}) {
			opts.ProcessingDelay = benchDelay
		}
		e := newVirtualEnv(t, rows, folders, opts)
		defer e.close()
		s.Rate, s.PendingTimeout = wixRate, 3*time.Minute
		m = e.runPipeline(t, Config{Settings: s})
	})
	return m
}

// BenchmarkFolders measures calls per row when the rows are spread over
// folders (file_path), at the rate limit scaled as in BenchmarkRateBound:
// a folder per 5 rows (a product's images; target: 0.025 calls/row, as
// flat), a folder per 10 rows, 10 folders, and flat, with either --poll.
// Rows: WIXMIGRATE_BENCH_ROWS (1000); the sizes (1,000 folders of
// 10, 10 of 1,000) with WIXMIGRATE_BENCH_ROWS=10000 (and, on a shared
// machine, WIXMIGRATE_BENCH_SPEEDUP=5: at 20 times Wix's rate the
// simulator's own downloads fall behind).
func BenchmarkFolders(b *testing.B) {
	k := envInt("WIXMIGRATE_BENCH_SPEEDUP", 20)
	rows := benchRows(1000)
	for _, folders := range []int{rows / 5, rows / 10, 10, 0} {
		for _, poll := range []string{PollList, PollGetFiles} {
			b.Run(fmt.Sprintf("folders=%d/%s/k=%d", folders, poll, k), func(b *testing.B) {
				var m measure
				for range b.N {
					m = rateBoundRun(b, rows, folders, k, Settings{Poll: poll}, wixsim.Options{})
				}
				m.report(b, float64(wixRate*k))
			})
		}
	}
}

// BenchmarkTail measures how close runs come to the floor time when the
// tail (the last files' processing and status checks) is a large part of
// them: WIXMIGRATE_BENCH_TAIL_RUNS runs (2; the 20) of
// WIXMIGRATE_BENCH_ROWS flat rows (1000; the 5000), tool and
// simulator at 1,200 calls/min, processing 200ms-2s. The floor is the
// floor's calls at the rate plus the longest processing delay; it reports
// the distribution of wall time over the floor.
func BenchmarkTail(b *testing.B) {
	const rate = 1200
	runs := envInt("WIXMIGRATE_BENCH_TAIL_RUNS", 2)
	rows := benchRows(1000)
	floor := floorCalls(rows)/(rate/60) + benchDelay.Max.Seconds()
	var ratios, calls []float64
	for range b.N {
		for range runs {
			e := newBenchEnv(b, rows, wixsim.Options{RateLimit: rate, ProcessingDelay: benchDelay})
			m := e.runPipeline(b, Config{Settings: Settings{Rate: rate, PendingTimeout: time.Minute}})
			e.close()
			ratios = append(ratios, m.wall.Seconds()/floor)
			calls = append(calls, float64(m.simTotal)/float64(rows))
		}
	}
	slices.Sort(ratios)
	b.ReportMetric(ratios[0], "x-floor-time-min")
	b.ReportMetric(ratios[len(ratios)/2], "x-floor-time-median")
	b.ReportMetric(ratios[len(ratios)-1], "x-floor-time-max")
	b.ReportMetric(slices.Max(calls), "calls/row-max")
	b.ReportMetric(0, "ns/op")
}

// scaleTime divides the poller's fixed durations by k for a run whose clock
// is sped up k times, and returns a func restoring them.
func scaleTime(k int) (restore func()) {
	margin, pause := clockMargin, maxPollPause
	clockMargin, maxPollPause = margin/time.Duration(k), pause/time.Duration(k)
	return func() { clockMargin, maxPollPause = margin, pause }
}

// TestPendingCap runs with room for only 150 pending files: imports wait for
// the poller instead of piling up, and every row still ends READY. In
// virtual time: the pending count is sampled every millisecond exactly.
func TestPendingCap(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		e := newVirtualEnv(t, 1000, 0, wixsim.Options{ProcessingDelay: wixsim.Range{Min: 5 * time.Millisecond, Max: 50 * time.Millisecond}})
		defer e.close()
		state := report.NewState()
		stats := &Stats{}
		var peak atomic.Int64
		done := make(chan struct{})
		sampled := make(chan struct{})
		go func() {
			defer close(sampled)
			for {
				select {
				case <-done:
					return
				case <-time.After(time.Millisecond):
				}
				peak.Store(max(peak.Load(), stats.Pending.Load()))
			}
		}()
		cfg := Config{Client: e.client, Settings: Settings{Rate: NoRateLimit, PollInterval: 10 * time.Millisecond, PendingTimeout: time.Minute, MaxPending: 150}}
		_, err := Run(context.Background(), cfg, e.open, state, stats)
		close(done)
		<-sampled
		if err != nil {
			t.Fatal(err)
		}
		if ready := countReady(state); ready != 1000 {
			t.Errorf("%d of 1000 rows READY", ready)
		}
		// A bulk import in flight per import worker may land above the cap.
		t.Logf("at most %d files pending at once", peak.Load())
		if p := peak.Load(); p == 0 || p > 150+4*100 {
			t.Errorf("%d files pending at once, want some and at most 150 plus the batches in flight", p)
		}
	})
}
