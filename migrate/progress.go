package migrate

import (
	"cmp"
	"sync"
	"time"

	"github.com/wixmigrate/wixmigrate/wix"
)

// TypicalProcessing is how long Wix usually takes to process an imported
// file (up to about 2 s), for estimates made before any file was seen
// final.
const TypicalProcessing = 2 * time.Second

// Estimate is the one model of how long a run takes, used by a dry run
// (Plan.Duration) and by a run in progress (Progress.ETA): the API calls
// still to make at a rate, then, when the run waits for processing, the
// tail: the processing of the last files and one status round, which
// waits at least a call's slot at half the rate.
type Estimate struct {
	Calls float64 // API calls still to make
	Rate  float64 // calls per minute; <= 0: Wix's own limit
	Wait  bool    // the run waits for Wix to process the files
	// Processing is Wix's processing time of a file; 0: TypicalProcessing.
	Processing time.Duration
}

// Duration is the time the estimate comes to.
func (e Estimate) Duration() time.Duration {
	rate := e.Rate
	if rate <= 0 {
		rate = wix.RateLimit
	}
	d := time.Duration(max(e.Calls, 0) / rate * float64(time.Minute))
	if e.Wait {
		d += cmp.Or(e.Processing, TypicalProcessing) + time.Duration(float64(time.Minute)/(rate/2))
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
	// ETA is the time left by Estimate: the calls left (the rows not
	// started yet at the calls a row has cost so far) at Rate, then the
	// processing tail. HasETA is false when there is nothing to go by
	// (no rate yet, with no --rate to assume).
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
	samples   []rateSample // oldest first
}

type rateSample struct {
	at    time.Time
	calls int64 // accepted (not throttled) calls by then
}

// begin starts measuring a run at now, with keep rows to be kept and
// calls accepted already (the check of the API).
func (mt *meter) begin(now time.Time, keep, calls int64) {
	mt.mu.Lock()
	defer mt.mu.Unlock()
	mt.start, mt.keepAhead, mt.baseCalls = now, keep, calls
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
	start, keepAhead, baseCalls := m.meter.start, m.meter.keepAhead, m.meter.baseCalls
	m.meter.mu.Unlock()
	if start.IsZero() {
		return p // not running
	}
	p.Elapsed = now.Sub(start)
	accepted := p.Calls - p.Throttled
	rate, over := m.meter.rate(now, accepted)
	p.Rate = rate
	if over < minRateCalls && m.cfg.Rate > 0 {
		rate = m.cfg.Rate
	}
	if rate <= 0 {
		return p
	}
	// Rows still to start: those planned and not sent, and the unread ones
	// the earlier report does not keep.
	read, started := s.Read.Load(), s.Started.Load()
	keepAhead = max(0, keepAhead-s.Kept.Load())
	toStart := max(0, s.Planned.Load()-started) + max(0, p.Rows-read-keepAhead)
	// What a row costs: the calls so far per row started, once a few
	// batches are out; until then the least a row costs (its share of an
	// import call and of a status call), as a dry run counts.
	perRow := 1/float64(m.cfg.BatchSize) + 1/float64(wix.MaxGetFiles)
	if m.cfg.NoWait {
		perRow = 1 / float64(m.cfg.BatchSize)
	}
	if batches := started / int64(m.cfg.BatchSize); batches >= 3 && accepted > 0 {
		perRow = float64(accepted-baseCalls) / float64(started)
	}
	p.ETA = Estimate{
		Calls: float64(toStart) * perRow, Rate: rate,
		Wait:       !m.cfg.NoWait && (toStart > 0 || p.Pending > 0),
		Processing: time.Duration(s.Processing.Load()),
	}.Duration()
	p.HasETA = true
	return p
}
