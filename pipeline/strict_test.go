package pipeline

import (
	"fmt"
	"testing"
	"time"

	"github.com/wixmigrate/wixmigrate/wixsim"
)

// strictSim is the simulator at its strictest: a burst of 5 calls, not a
// minute's budget, and whole-second dates, so the files of one bulk import
// tie and a status change may leave updatedDate where it was.
var strictSim = wixsim.Options{RateBurst: 5, DateGranularity: time.Second}

// Against the strict simulator, at Wix's rate on both sides: every row ends
// READY, at most 1% of calls are throttled, and no file stays READY
// unfound for long; with the processing (200ms-2s: rounds are
// small, read by ID) and with slow processing (0.2-60s: listings are the
// cheaper way, and must cope with tied, whole-second dates). In virtual
// time; BenchmarkStrict measures the calls/row at 10,000 rows.
func TestStrictSimulator(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		processing wixsim.Range
		listings   bool
	}{
		{benchDelay, false},
		{wixsim.Range{Min: 200 * time.Millisecond, Max: time.Minute}, true},
	} {
		t.Run("processing="+c.processing.String(), func(t *testing.T) {
			t.Parallel()
			opts := strictSim
			opts.ProcessingDelay = c.processing
			m := virtualRun(t, 250, 0, Settings{}, opts)
			if pct := 100 * float64(m.throttled) / float64(m.simTotal); pct > 1 {
				t.Errorf("%d of %d calls throttled (%.1f%%), want at most 1%%", m.throttled, m.simTotal, pct)
			}
			if c.listings && m.calls["ListFiles"]+m.calls["SearchFiles"] == 0 {
				t.Errorf("no listing used (%v): the case is about listings with tied dates", m.calls)
			}
			if m.unfound > 15*time.Second {
				t.Errorf("a file stayed READY unfound for %v, want at most 15s", m.unfound)
			}
			t.Logf("%.4f calls/row, %d throttled, longest READY unfound %v: %v", float64(m.simTotal)/float64(m.rows), m.throttled, m.unfound, m.calls)
		})
	}
}

// BenchmarkStrict is BenchmarkRateBound's run (flat rows, processing
// 200ms-2s) against the strict simulator, its dates' step scaled with the
// clock. Targets, at 10,000 rows and the real rate: every row READY, at
// most 1% of calls throttled (429-%), at most 0.025 calls/row.
//
//	WIXMIGRATE_BENCH_REAL_RATE=1 go test -run '^$' -bench Strict -benchtime=1x -timeout 30m ./pipeline/
func BenchmarkStrict(b *testing.B) {
	k, rows := rateBoundSize()
	b.Run(fmt.Sprintf("k=%d", k), func(b *testing.B) {
		var m measure
		for range b.N {
			opts := strictSim
			opts.DateGranularity /= time.Duration(k)
			m = rateBoundRun(b, rows, 0, k, Settings{}, opts)
		}
		m.report(b, float64(wixRate*k))
		b.ReportMetric(m.unfound.Seconds()*float64(k), "unfound-max-s")
	})
}
