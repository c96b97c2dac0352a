package pipeline

import (
	"fmt"
	"testing"
	"time"

	"github.com/wixmigrate/wixmigrate/wixsim"
)

// scaledRun migrates rows (spread over folders; 0 is flat) against a
// simulator at Wix's rate, processing delay and poll pauses all scaled 20
// times faster, and returns the measure. Every row must end READY.
func scaledRun(t *testing.T, rows, folders int, poll string, opts wixsim.Options) measure {
	t.Helper()
	const k = 20
	scale := func(d time.Duration) time.Duration { return d / k }
	opts.RateLimit = wixRate * k
	opts.ProcessingDelay = wixsim.Range{Min: scale(benchDelay.Min), Max: scale(benchDelay.Max)}
	e := newBenchEnvFolders(t, rows, folders, opts)
	defer e.close()
	restore := scaleTime(k)
	defer restore()
	// A file held back for (scaled) 3 minutes would be given up on and
	// left PENDING: runPipeline fails then.
	return e.runPipeline(t, Config{Settings: Settings{Poll: poll, Rate: wixRate * k, PollInterval: scale(2 * time.Second),
		PendingTimeout: scale(3 * time.Minute)}})
}

// A manifest with a folder per product (5 files each, as the issue
// measured at 0.215 calls/row) stays near the floor with either --poll.
func TestManyFoldersStayNearTheFloor(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a pipeline")
	}
	for _, poll := range []string{PollList, PollGetFiles} {
		t.Run(poll, func(t *testing.T) {
			m := scaledRun(t, 1000, 200, poll, wixsim.Options{})
			if perRow := float64(m.simTotal) / float64(m.rows); perRow > 0.025 {
				t.Errorf("%.4f calls/row over 200 folders (%v), want at most 0.025", perRow, m.calls)
			}
		})
	}
}

// Listings that show a status change only seconds after Get File
// Descriptors do (scaled: 150-400ms against a 50ms clock margin) can
// not hold a file back: every file ends READY, none is left PENDING.
func TestListLagHoldsNoFileBack(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a pipeline")
	}
	lag := wixsim.Range{Min: 150 * time.Millisecond, Max: 400 * time.Millisecond}
	for _, folders := range []int{0, 50} {
		t.Run(fmt.Sprintf("folders=%d", folders), func(t *testing.T) {
			m := scaledRun(t, 1000, folders, PollList, wixsim.Options{ListLag: lag})
			t.Logf("%d calls: %v", m.simTotal, m.calls)
		})
	}
}
