package pipeline

import (
	"fmt"
	"testing"
	"time"

	"github.com/wixmigrate/wixmigrate/internal/testenv"
	"github.com/wixmigrate/wixmigrate/wixsim"
)

// A manifest with a folder per product (5 files each: 50 folders; the
// issue measured 0.215 calls/row so) is not checked folder by folder:
// every row ends READY and, with either --poll, the status checks stay a
// small fraction of the folder count. (The calls/row target is
// BenchmarkFolders' to measure.) In virtual time, at Wix's rate.
func TestManyFoldersAreNotPolledOneByOne(t *testing.T) {
	t.Parallel()
	const rows, folders = 250, 50
	for _, poll := range []string{PollList, PollGetFiles} {
		t.Run(poll, func(t *testing.T) {
			t.Parallel()
			m := virtualRun(t, rows, folders, Settings{Poll: poll}, wixsim.Options{})
			status := m.calls["ListFiles"] + m.calls["SearchFiles"] + m.calls["GetFileDescriptors"] + m.calls["GetFileDescriptor"]
			if status == 0 || status > folders/4 {
				t.Errorf("%d status calls for %d rows in %d folders (%v); a listing per folder would be %d, want at most %d",
					status, rows, folders, m.calls, folders, folders/4)
			}
			t.Logf("%.4f calls/row: %v", float64(m.simTotal)/rows, m.calls)
		})
	}
}

// Listings that show a status change seconds after Get File Descriptors
// do (3-8s, against the poller's 1s clock margin) hold no file back. With
// processing of 0.2-60s, few files change between rounds, so listings are
// the cheaper way and the poller uses them; no file stays READY unfound
// for more than a few rounds (a listing that lags vouches for it twice at
// most before it is read by ID), though many others are pending for up to
// a minute. In virtual time, at Wix's rate. TestLaggingListingsHoldNoFileBack
// checks the same of the poller alone, against a fake, in the short run.
func TestListLagHoldsNoFileBack(t *testing.T) {
	testenv.SkipUnlessFull(t, "lagging listings on the simulator, flat and in 25 folders")
	t.Parallel()
	lag := wixsim.Range{Min: 3 * time.Second, Max: 8 * time.Second}
	processing := wixsim.Range{Min: 200 * time.Millisecond, Max: time.Minute}
	for _, folders := range []int{0, 25} {
		t.Run(fmt.Sprintf("folders=%d", folders), func(t *testing.T) {
			t.Parallel()
			m := virtualRun(t, 250, folders, Settings{Poll: PollList}, wixsim.Options{ListLag: lag, ProcessingDelay: processing})
			if m.calls["ListFiles"]+m.calls["SearchFiles"] == 0 {
				t.Errorf("no listing used (%v): the test is about listings", m.calls)
			}
			if most := 3 * lag.Max; m.unfound > most {
				t.Errorf("a file stayed READY unfound for %v (listings lag %v), want at most %v: it was held back", m.unfound, lag, most)
			}
			t.Logf("%d calls: %v; longest READY unfound %v", m.simTotal, m.calls, m.unfound)
		})
	}
}
