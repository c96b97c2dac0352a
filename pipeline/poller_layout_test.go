package pipeline

import (
	"fmt"
	"testing"
	"time"

	"github.com/wixmigrate/wixmigrate/wixsim"
)

// A manifest with a folder per product (5 files each, as the issue
// measured at 0.215 calls/row) stays near the floor with either --poll.
func TestManyFoldersStayNearTheFloor(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a pipeline")
	}
	for _, poll := range []string{PollList, PollGetFiles} {
		t.Run(poll, func(t *testing.T) {
			m := rateBoundRun(t, 1000, 200, 20, Settings{Poll: poll}, wixsim.Options{})
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
			m := rateBoundRun(t, 1000, folders, 20, Settings{Poll: PollList}, wixsim.Options{ListLag: lag})
			t.Logf("%d calls: %v", m.simTotal, m.calls)
		})
	}
}
