package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wixmigrate/wixmigrate/internal/testenv"
	"github.com/wixmigrate/wixmigrate/report"
	"github.com/wixmigrate/wixmigrate/wixsim"
)

// rewordEnv, set to 1, makes this test binary reword every reason before
// its tests run (see TestResumeWithRewordedReasons).
const rewordEnv = "WIXMIGRATE_TEST_REWORD_REASONS"

// rewordReasons rewords every reason in report.Reasons. The old words stay
// inside the new ones, so tests that check what a report tells its reader
// still can, while any comparison of whole reasons would now fail.
func rewordReasons() {
	v := reflect.ValueOf(&report.Reasons).Elem()
	for i := range v.NumField() {
		f := v.Field(i)
		f.SetString("«reworded " + v.Type().Field(i).Name + "» " + f.String() + " «end»")
	}
}

// resumeTests are the tests of what a re-run does with what earlier runs
// left: they must pass whatever the reasons' words.
var resumeTests = []string{
	"TestInterruptedRunSaysNotImported",
	"TestTornJournalAfterCrashAdoptsSentImports",
	"TestTruncatedReportLosesNothingAndDuplicatesNothing",
	"TestReportOfAnotherManifestIsRefused",
	"TestCrashDuringLocalUploadDoesNotUploadTwice",
	"TestRowsAddedToTheManifestAreImported",
	"TestMigrateInterruptThenResume",
}

// TestResumeWithRewordedReasons runs the resume tests again in a child
// process whose reasons are all reworded: what a re-run does depends on
// state, never on words. (A child, so the rewording touches no test of
// this process.)
func TestResumeWithRewordedReasons(t *testing.T) {
	if os.Getenv(rewordEnv) == "1" {
		t.Skip("this is the child")
	}
	testenv.SkipUnlessFull(t, "the resume tests again, in a child whose reasons are reworded")
	t.Parallel()
	cmd := exec.Command(os.Args[0], "-test.run", "^("+strings.Join(resumeTests, "|")+")$",
		"-test.count=1", "-test.v", "-test.timeout=5m")
	cmd.Env = append(os.Environ(), rewordEnv+"=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the resume tests fail with reworded reasons: %v\n%s", err, out)
	}
	for _, name := range resumeTests {
		if !regexp.MustCompile(`(?m)^--- PASS: ` + name + ` `).Match(out) {
			t.Errorf("%s did not pass in the child:\n%s", name, out)
		}
	}
}

// TestInterruptedRunSaysNotImported: a run stopped before it sends anything
// reports every row PENDING, not imported yet, in the report's words; the
// next run imports them.
func TestInterruptedRunSaysNotImported(t *testing.T) {
	t.Parallel()
	s := newSetup(t, wixsim.Options{ProcessingDelay: wixsim.Range{Max: 5 * time.Millisecond}}, 3, "")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if code, _, errOut := s.migrate(t, ctx); code != exitInterrupted {
		t.Fatalf("exit %d, want 130: %s", code, errOut)
	}
	recs := readCSV(t, filepath.Join(s.dir, "media.report.csv"))
	if len(recs) != 4 {
		t.Fatalf("the report has %d rows, want 3", len(recs)-1)
	}
	reasonAt := slices.Index(recs[0], "failure_reason")
	for _, r := range recs[1:] {
		if status, reason := r[2], r[reasonAt]; status != "PENDING" || reason != report.Reasons.NotImported {
			t.Fatalf("row %v: %s %q, want PENDING %q", r[1], status, reason, report.Reasons.NotImported)
		}
	}
	if code, _, errOut := s.migrate(t, context.Background()); code != exitOK {
		t.Fatalf("resume: exit %d: %s", code, errOut)
	}
	assertOncePerSource(t, s, 3)
}
