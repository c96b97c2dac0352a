package migrate

import (
	"testing"
	"time"

	"github.com/wixmigrate/wixmigrate/pipeline"
)

func TestEstimate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		e    Estimate
		want time.Duration
	}{
		{"calls at the rate", Estimate{ImportCalls: 100, Rate: 200}, 30 * time.Second},
		{"waiting, the calls outlast the last import's processing: then a slot at half the rate",
			Estimate{ImportCalls: 100, StatusCalls: 100, Rate: 200, Wait: true}, 60*time.Second + 600*time.Millisecond},
		{"waiting, a small run waits for the last files' typical processing",
			Estimate{ImportCalls: 1, StatusCalls: 1, Rate: 200, Wait: true, Processing: TypicalProcessing}, 300*time.Millisecond + 2*time.Second + 600*time.Millisecond},
		{"the processing seen", Estimate{ImportCalls: 10, Rate: 60, Wait: true, Processing: 500 * time.Millisecond}, 10*time.Second + 500*time.Millisecond + 2*time.Second},
		{"no rate: Wix's limit", Estimate{ImportCalls: 10, StatusCalls: 10}, 6 * time.Second},
		{"nothing left but the tail", Estimate{Rate: 60, Wait: true, Processing: time.Second}, 3 * time.Second},
		{"nothing left", Estimate{Rate: 60}, 0},
		{"fewer than no calls", Estimate{ImportCalls: -3, Rate: 60}, 0},
	}
	for _, tt := range tests {
		if got := tt.e.Duration(); got != tt.want {
			t.Errorf("%s: %+v is %s, want %s", tt.name, tt.e, got, tt.want)
		}
	}
}

func TestLiveEstimate(t *testing.T) {
	t.Parallel()
	at200 := pipeline.Settings{Rate: 200}.WithDefaults()
	noLimit := pipeline.Settings{Rate: pipeline.NoRateLimit}.WithDefaults()
	noWait := pipeline.Settings{Rate: 200, NoWait: true}.WithDefaults()
	tests := []struct {
		name string
		w    workLeft
		s    pipeline.Settings
		want Estimate
		ok   bool
	}{
		{"before anything is sent: what a dry run counts at the least, at the configured rate",
			workLeft{rows: 10000}, at200,
			Estimate{ImportCalls: 100, StatusCalls: 100, Rate: 200, Wait: true, Processing: TypicalProcessing}, true},
		{"under way: the calls a row and a final file cost so far, at the rate measured",
			workLeft{rows: 10000, read: 5400, planned: 5400, started: 5000, pending: 2000, final: 3000,
				importCalls: 50, statusCalls: 60, rate: 190, rateCalls: 90, processing: time.Second},
			at200, Estimate{ImportCalls: 50, StatusCalls: 140, Rate: 190, Wait: true, Processing: time.Second}, true},
		{"a rate measured over a few calls, a cost over a few files are not trusted yet",
			workLeft{rows: 1000, read: 400, planned: 400, started: 400, final: 100, importCalls: 4, statusCalls: 4, rate: 900, rateCalls: 8},
			at200, Estimate{ImportCalls: 6, StatusCalls: 6, Rate: 200, Wait: true, Processing: TypicalProcessing}, true},
		{"a run slowed by throttling goes at the rate it gets",
			workLeft{rows: 10000, read: 5000, planned: 5000, started: 5000, final: 5000, importCalls: 50, statusCalls: 50, rate: 100, rateCalls: 50},
			at200, Estimate{ImportCalls: 50, StatusCalls: 50, Rate: 100, Wait: true, Processing: TypicalProcessing}, true},
		{"a resumed run: unread rows the report keeps cost nothing",
			workLeft{rows: 10000, read: 2000, keepAhead: 3000, planned: 500, started: 500, importCalls: 5, rate: 200, rateCalls: 10},
			at200, Estimate{ImportCalls: 50, StatusCalls: 50, Rate: 200, Wait: true, Processing: TypicalProcessing}, true},
		{"all sent a second ago, files pending: their status calls, and what is left of the processing",
			workLeft{rows: 1000, read: 1000, planned: 1000, started: 1000, pending: 40, final: 960, importCalls: 10, statusCalls: 12, rate: 200, rateCalls: 20,
				processing: 1500 * time.Millisecond, sinceLastStart: time.Second},
			at200, Estimate{StatusCalls: 0.5, Rate: 200, Wait: true, Processing: 500 * time.Millisecond}, true},
		{"all sent long ago: no processing left",
			workLeft{rows: 1000, read: 1000, planned: 1000, started: 1000, pending: 40, final: 960, importCalls: 10, statusCalls: 12, rate: 200, rateCalls: 20,
				sinceLastStart: time.Minute},
			at200, Estimate{StatusCalls: 0.5, Rate: 200, Wait: true}, true},
		{"done", workLeft{rows: 1000, read: 1000, planned: 1000, started: 1000, final: 1000, importCalls: 10, statusCalls: 10, rate: 200, rateCalls: 20, sinceLastStart: time.Minute},
			at200, Estimate{Rate: 200}, true},
		{"rows Wix failed: an upload each, and their files to wait for",
			workLeft{rows: 1000, read: 1000, planned: 1000, started: 1000, final: 1000, revisits: 300, importCalls: 10, statusCalls: 10, rate: 200, rateCalls: 20, sinceLastStart: time.Minute},
			at200, Estimate{ImportCalls: 300, StatusCalls: 3, Rate: 200, Wait: true}, true},
		{"rows Wix failed, diagnosed only: no calls",
			workLeft{rows: 1000, read: 1000, planned: 1000, started: 1000, final: 1000, revisits: 300, importCalls: 10, statusCalls: 10, rate: 200, rateCalls: 20, sinceLastStart: time.Minute},
			pipeline.Settings{Rate: 200, NoFallbackUpload: true}.WithDefaults(), Estimate{Rate: 200}, true},
		{"the wix_uri an earlier report lacks is read first",
			workLeft{rows: 1000, describe: 5}, at200,
			Estimate{ImportCalls: 15, StatusCalls: 10, Rate: 200, Wait: true, Processing: TypicalProcessing}, true},
		{"not waiting: imports only, no tail",
			workLeft{rows: 1000}, noWait, Estimate{ImportCalls: 10, Rate: 200, Processing: TypicalProcessing}, true},
		{"no limit and nothing measured: no estimate", workLeft{rows: 1000}, noLimit, Estimate{}, false},
		{"no limit, measured",
			workLeft{rows: 1000, read: 500, planned: 500, started: 500, pending: 100, final: 400, importCalls: 5, statusCalls: 8, rate: 600, rateCalls: 13},
			noLimit, Estimate{ImportCalls: 5, StatusCalls: 12, Rate: 600, Wait: true, Processing: TypicalProcessing}, true},
	}
	for _, tt := range tests {
		got, ok := tt.w.estimate(tt.s)
		if ok != tt.ok || !near(got, tt.want) {
			t.Errorf("%s:\n got %+v, %v\nwant %+v, %v", tt.name, got, ok, tt.want, tt.ok)
		}
	}
}

// near compares estimates, their calls to a thousandth of a call.
func near(a, b Estimate) bool {
	close := func(x, y float64) bool { return x-y < 1e-3 && y-x < 1e-3 }
	ok := close(a.ImportCalls, b.ImportCalls) && close(a.StatusCalls, b.StatusCalls)
	a.ImportCalls, b.ImportCalls, a.StatusCalls, b.StatusCalls = 0, 0, 0, 0
	return ok && a == b
}

func TestRateWindow(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var mt meter
	if r, n := mt.rate(t0, 5); r != 0 || n != 0 {
		t.Errorf("before the run: %g/min over %d calls, want none", r, n)
	}
	mt.begin(t0, 0, 1, 0) // the check of the API
	steps := []struct {
		after time.Duration
		calls int64 // by then
		rate  float64
		over  int64
	}{
		{0, 1, 0, 0},
		{30 * time.Second, 101, 200, 100},
		{60 * time.Second, 201, 200, 100},
		// Half the rate from here (throttled): a window later the rate
		// shows it whole.
		{75 * time.Second, 226, 150, 75},
		{90 * time.Second, 251, 100, 50},
		{120 * time.Second, 301, 100, 50},
	}
	calls := func(d time.Duration) int64 { // 200/min for a minute, then 100/min
		if d <= time.Minute {
			return 1 + int64(200*d.Minutes())
		}
		return 201 + int64(100*(d-time.Minute).Minutes())
	}
	// A display reads every second.
	for d := time.Duration(0); d <= 2*time.Minute; d += time.Second {
		r, n := mt.rate(t0.Add(d), calls(d))
		for _, s := range steps {
			if s.after == d && (calls(d) != s.calls || r < s.rate-1 || r > s.rate+1 || n != s.over) {
				t.Errorf("after %s: %.1f/min over %d calls, want %g over %d", d, r, n, s.rate, s.over)
			}
		}
	}
}
