package main

import (
	"context"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/wixmigrate/wixmigrate/report"
	"github.com/wixmigrate/wixmigrate/wixsim"
)

// rewordReasons rewords every reason in report.Reasons and returns how to
// put them back. The old words stay inside the new ones, so tests that
// check what a report tells its reader still can, while any comparison of
// whole reasons would now fail.
func rewordReasons() (restore func()) {
	saved := report.Reasons
	v := reflect.ValueOf(&report.Reasons).Elem()
	for i := range v.NumField() {
		f := v.Field(i)
		f.SetString("«reworded " + v.Type().Field(i).Name + "» " + f.String() + " «end»")
	}
	return func() { report.Reasons = saved }
}

// TestResumeWithRewordedReasons rewords every reason a run writes, then runs
// the resume tests: what a re-run does depends on state, never on words.
func TestResumeWithRewordedReasons(t *testing.T) {
	// Not parallel: it changes report.Reasons for the tests it runs, which
	// run (in parallel among themselves) before the package's parallel tests.
	defer rewordReasons()()
	t.Run("resume", func(t *testing.T) {
		t.Run("the new words reach the report", func(t *testing.T) {
			t.Parallel()
			s := newSetup(t, wixsim.Options{ProcessingDelay: wixsim.Range{Max: 5 * time.Millisecond}}, 3, "")
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			if code, _, errOut := s.migrate(t, ctx); code != exitInterrupted {
				t.Fatalf("exit %d, want 130: %s", code, errOut)
			}
			recs := readCSV(t, filepath.Join(s.dir, "media.report.csv"))
			if reason := recs[1][len(recs[1])-4]; !strings.HasPrefix(reason, "«reworded NotImported»") {
				t.Fatalf("failure_reason %q, want the reworded words", reason)
			}
			if code, _, errOut := s.migrate(t, context.Background()); code != exitOK {
				t.Fatalf("resume: exit %d: %s", code, errOut)
			}
			assertOncePerSource(t, s, 3)
		})
		t.Run("torn journal", TestTornJournalAfterCrashAdoptsSentImports)
		t.Run("truncated report", TestTruncatedReportLosesNothingAndDuplicatesNothing)
		t.Run("another manifest", TestReportOfAnotherManifestIsRefused)
		t.Run("crash during a local upload", TestCrashDuringLocalUploadDoesNotUploadTwice)
		t.Run("rows added", TestRowsAddedToTheManifestAreImported)
		t.Run("interrupt then resume", TestMigrateInterruptThenResume)
	})
}
