package migrate

import (
	"cmp"
	"sync"
	"time"

	"github.com/wixmigrate/wixmigrate/pipeline"
	"github.com/wixmigrate/wixmigrate/wix"
)

// TypicalProcessing is how long Wix usually takes to process an imported
// file (up to about 2 s), for estimates made before any file was seen
// final.
const TypicalProcessing = 2 * time.Second

// Estimate is the one model of how long a run takes, used by a dry run
// (Plan.Duration) and by a run in progress (Progress.ETA). The calls go at
// Rate, imports first (they take the rate; status rounds fill in); a run
// that waits for processing ends when a status round finds the last files
// final: after all the calls, or after the last import and the processing
// of its files, whichever comes later, and a call's slot at half the rate.
type Estimate struct {
	// ImportCalls are the calls before the last import: imports, uploads,
	// moves to the trash, the check of the API.
	ImportCalls float64
	StatusCalls float64 // calls checking processing
	Rate        float64 // calls per minute; <= 0: Wix's own limit
	Wait        bool    // the run waits for Wix to process the files
	// Processing is how long after the last import its files are final:
	// Wix's processing time (a dry run assumes TypicalProcessing), less
	// the time since the last import when it went out already.
	Processing time.Duration
}

// Duration is the time the estimate comes to.
func (e Estimate) Duration() time.Duration {
	rate := e.Rate
	if rate <= 0 {
		rate = wix.RateLimit
	}
	at := func(calls float64) time.Duration { return time.Duration(max(calls, 0) / rate * float64(time.Minute)) }
	d := at(e.ImportCalls + e.StatusCalls)
	if e.Wait {
		d = max(d, at(e.ImportCalls)+max(e.Processing, 0)) + at(2) // a slot at half the rate
	}
	return d
}

// Progress is a snapshot of a migration, for a progress display: how many
// of the manifest's rows the run is done with, what became of them, the
// calls it made, and when it should end.
type Progress struct {
	// Rows is the manifest's rows, counted by Open: it does not change as
	// the run reads the manifest.
	Rows int64
	// Finished is the rows the run is done with: left as they were
	// (READY, out of attempts, duplicates, invalid), final (READY or
	// FAILED), or left for the next run to check (still processing after
	// the pending timeout, not waited for, answer lost). A run that ends
	// uninterrupted has finished every row.
	Finished int64
	// Imported counts files Wix accepted; Ready and Failed, rows final in
	// this run; Pending, files being waited for now.
	Imported, Ready, Failed, Pending int64
	Calls, Throttled                 int64 // API calls made, and how many of them Wix throttled (429)
	Uploaded                         int64 // bytes uploaded
	Elapsed                          time.Duration
	// Rate is the API calls per minute Wix accepted over the last
	// rateWindow; 0 before the run has made a few.
	Rate float64
	// ETA is the time left by Estimate, the model a dry run uses: the
	// calls left (the rows not started yet at the import calls a row has
	// cost so far, the files not final yet at the status calls a final
	// file has cost) at Rate, and the processing of the last files.
	// HasETA is false when there is nothing to go by (no rate measured
	// yet, and no configured rate to assume).
	ETA    time.Duration
	HasETA bool
}

// Fraction is the share of rows finished, 0..1 (1 for no rows).
func (p Progress) Fraction() float64 {
	if p.Rows <= 0 {
		return 1
	}
	return min(1, float64(p.Finished)/float64(p.Rows))
}

// Percent is Fraction as a percentage.
func (p Progress) Percent() float64 { return 100 * p.Fraction() }

// rateWindow is how far back Progress.Rate looks: long enough to smooth
// the limiter's pauses, short enough to follow a rate halved by throttling.
const rateWindow = 30 * time.Second

// minRateCalls is the fewest calls a rate is measured over; with fewer the
// configured rate stands in.
const minRateCalls = 10

// meter keeps what Progress needs besides the counters: the run's start,
// the manifest rows the earlier report says need nothing, and samples of
// the call count for the current rate.
type meter struct {
	mu        sync.Mutex
	start     time.Time
	keepAhead int64        // rows the state would keep, before any is read
	baseCalls int64        // calls accepted before the run (the check of the API)
	describe  int64        // the calls that read the wix_uri an earlier report lacks, first
	samples   []rateSample // oldest first
}

type rateSample struct {
	at    time.Time
	calls int64 // accepted (not throttled) calls by then
}

// begin starts measuring a run at now, with keep rows to be kept, calls
// accepted already (the check of the API) and describe calls to make first.
func (mt *meter) begin(now time.Time, keep, calls, describe int64) {
	mt.mu.Lock()
	defer mt.mu.Unlock()
	mt.start, mt.keepAhead, mt.baseCalls, mt.describe = now, keep, calls, describe
	mt.samples = []rateSample{{now, calls}}
}

// rate records calls accepted by now and returns the calls per minute over
// the window, and the calls that measure counts.
func (mt *meter) rate(now time.Time, calls int64) (perMinute float64, over int64) {
	mt.mu.Lock()
	defer mt.mu.Unlock()
	if len(mt.samples) == 0 {
		return 0, 0
	}
	if last := mt.samples[len(mt.samples)-1]; now.Sub(last.at) >= time.Second {
		mt.samples = append(mt.samples, rateSample{now, calls})
	}
	// Keep one sample at or before the window's start.
	for len(mt.samples) > 2 && now.Sub(mt.samples[1].at) >= rateWindow {
		mt.samples = mt.samples[1:]
	}
	first := mt.samples[0]
	span := now.Sub(first.at)
	if span <= 0 {
		return 0, 0
	}
	return float64(calls-first.calls) / span.Minutes(), calls - first.calls
}

// Progress is a snapshot of the run; it may be called while Run goes on,
// from any goroutine.
func (m *Migration) Progress() Progress {
	return m.progressAt(time.Now())
}

func (m *Migration) progressAt(now time.Time) Progress {
	s := &m.stats
	p := Progress{
		Rows: m.rows, Finished: s.Finished(),
		Imported: s.Imported.Load(), Ready: s.Ready.Load(), Failed: s.Failed.Load(), Pending: s.Pending.Load(),
		Calls: s.TotalCalls(), Throttled: s.Throttles.Load(), Uploaded: s.Uploaded.Load(),
	}
	m.meter.mu.Lock()
	start, keepAhead, baseCalls, describe := m.meter.start, m.meter.keepAhead, m.meter.baseCalls, m.meter.describe
	m.meter.mu.Unlock()
	if start.IsZero() {
		return p // not running
	}
	p.Elapsed = now.Sub(start)
	accepted := p.Calls - p.Throttled
	var over int64
	p.Rate, over = m.meter.rate(now, accepted)
	// The calls before the run (the check of the API) are a status call,
	// and so are those that read the wix_uri an earlier report lacks
	// (pipeline.DescribeCalls): the run makes them before it reads a row.
	status, read := max(0, s.StatusCalls()-baseCalls), s.Read.Load()
	var describeLeft int64
	if read == 0 {
		describeLeft, status = max(0, describe-status), 0
	} else {
		status = max(0, status-describe)
	}
	left := workLeft{
		rows: p.Rows, read: read, keepAhead: max(0, keepAhead-s.Kept.Load()), describe: describeLeft,
		planned: s.Planned.Load(), started: s.Started.Load(), pending: p.Pending, revisits: s.Revisits.Load(),
		final:       p.Ready + p.Failed + s.TimedOut.Load(),
		importCalls: max(0, accepted-baseCalls-status), statusCalls: status,
		rate: p.Rate, rateCalls: over, processing: time.Duration(s.Processing.Load()),
	}
	if last := s.LastStart.Load(); last > 0 {
		left.sinceLastStart = now.Sub(time.Unix(0, last))
	}
	var e Estimate
	if e, p.HasETA = left.estimate(m.cfg.Settings); p.HasETA {
		p.ETA = e.Duration()
	}
	return p
}

// workLeft is what a run has done and has left, as its counters say.
type workLeft struct {
	rows      int64 // the manifest's
	read      int64 // rows the run has read
	keepAhead int64 // unread rows the earlier report keeps as they are
	planned   int64 // rows planned for import
	started   int64 // of which the import or upload went out
	pending   int64 // files waited for now
	revisits  int64 // rows Wix failed, their second chance to come
	describe  int64 // calls left to read the wix_uri an earlier report lacks
	final     int64 // rows final in this run
	// importCalls and statusCalls are the calls the run made, but for the
	// check of the API.
	importCalls, statusCalls int64
	// rate is the calls per minute over rateCalls recent calls.
	rate           float64
	rateCalls      int64
	processing     time.Duration // Wix's recent processing time; 0 unknown
	sinceLastStart time.Duration // since the latest import or upload went out
}

// estimate is the live run's Estimate: the rows not started yet (planned
// and not sent, and the unread ones the report does not keep) at the
// import calls a row has cost so far, the fallback uploads of rows Wix
// failed at a call each, and the files not final yet at the status calls
// a final file has cost, at the current rate (the configured one until a
// few calls measure it). Until a few batches measure them, a
// row costs what a dry run counts at the least: its share of an import
// call and of a status call. It is false with no rate to go by.
func (w workLeft) estimate(s pipeline.Settings) (Estimate, bool) {
	rate := w.rate
	if w.rateCalls < minRateCalls && s.Rate > 0 {
		rate = s.Rate
	}
	if rate <= 0 {
		return Estimate{}, false
	}
	toStart := max(0, w.planned-w.started) + max(0, w.rows-w.read-w.keepAhead)
	importPerRow := 1 / float64(s.BatchSize)
	if w.started >= measureRows(s.BatchSize) && w.importCalls > 0 {
		importPerRow = float64(w.importCalls) / float64(w.started)
	}
	// The last files are final Wix's processing time after their import,
	// which may have gone out already.
	processing := cmp.Or(w.processing, TypicalProcessing)
	if toStart == 0 {
		processing = max(0, processing-w.sinceLastStart)
	}
	e := Estimate{ImportCalls: float64(w.describe) + float64(toStart)*importPerRow, Rate: rate, Processing: processing}
	if s.NoWait {
		return e, true
	}
	statusPerFile := 1 / float64(wix.MaxGetFiles)
	if w.final >= measureRows(wix.MaxGetFiles) && w.statusCalls > 0 {
		statusPerFile = float64(w.statusCalls) / float64(w.final)
	}
	files := toStart + w.pending
	if !s.NoFallbackUpload {
		// A second chance is an upload: a call for its URL, then its file
		// to wait for. A diagnosis makes no call.
		e.ImportCalls += float64(w.revisits)
		files += w.revisits
	}
	e.StatusCalls = float64(files) * statusPerFile
	e.Wait = files > 0
	return e, true
}

// measureRows is how many rows measure what a call of n rows costs.
func measureRows(n int) int64 { return 3 * int64(n) }
