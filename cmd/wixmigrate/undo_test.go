package main

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wixmigrate/wixmigrate/internal/testenv"
	"github.com/wixmigrate/wixmigrate/wix"
	"github.com/wixmigrate/wixmigrate/wixsim"
)

// takeBack runs the undo (or restore) command in-process on the setup's
// report and returns its exit code and output.
func (s *testSetup) takeBack(t *testing.T, command string, extraArgs ...string) (int, string, string) {
	t.Helper()
	args := append([]string{"--report", filepath.Join(s.dir, "media.report.csv"), "--api-base", s.sim.URL, "--rate", "0", "--quiet"}, extraArgs...)
	run := undoWithEnv
	if command == "restore" {
		run = restoreWithEnv
	}
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, &stdout, &stderr, func(k string) string { return testCredentials[k] })
	return code, stdout.String(), stderr.String()
}

// TestUndoCommand: the commands' flags, output and exit codes.
func TestUndoCommand(t *testing.T) {
	t.Parallel()
	s := newSetup(t, wixsim.Options{ProcessingDelay: wixsim.Range{Max: 5 * time.Millisecond}}, 30, "")
	if code, _, stderr := s.migrate(t, context.Background()); code != exitOK {
		t.Fatalf("migrate: exit %d\n%s", code, stderr)
	}
	usage := []struct {
		command string
		args    []string
		names   string // what the error must name
	}{
		{"undo", []string{"--permanent"}, "--yes"},
		{"undo", []string{"--yes"}, "--permanent"},
		{"undo", []string{"--status", "READY,DONE"}, "--status"},
		{"undo", []string{"--status", "UNDONE"}, "--permanent"},
		{"undo", []string{"--rate", "-1"}, "--rate"},
		{"restore", []string{"--status", "READY"}, "-status"},
	}
	for _, u := range usage {
		code, _, stderr := s.takeBack(t, u.command, u.args...)
		if code != exitUsage || !strings.Contains(stderr, u.names) {
			t.Errorf("%s %v: exit %d, %q; want 2 naming %s", u.command, u.args, code, stderr, u.names)
		}
	}

	code, stdout, _ := s.takeBack(t, "undo", "--dry-run", "--rate", "200")
	if code != exitOK || !strings.Contains(stdout, "30 files") || !strings.Contains(stdout, "API calls: 2 (1 Bulk Delete Files") ||
		!strings.Contains(stdout, "about 600ms") {
		t.Errorf("undo --dry-run: exit %d\n%s", code, stdout)
	}
	if n := s.sim.Sim.Stats().Requests["bulkDeleteFiles"]; len(n) != 0 {
		t.Errorf("a dry run made calls: %v", n)
	}
	code, stdout, stderr := s.takeBack(t, "undo")
	if code != exitOK || !strings.Contains(stdout, "undo: 30 files moved to the trash") || !strings.Contains(stdout, "30 UNDONE") {
		t.Errorf("undo: exit %d\n%s\n%s", code, stdout, stderr)
	}
	// rewrite leaves an UNDONE row's URL alone: it is unmapped.
	page := filepath.Join(s.dir, "content", "page.html")
	writeFile(t, page, `<img src="`+s.origin.URL+`/img/3.png">`)
	rewrite := func(out string) (int, string) {
		var stdout, stderr bytes.Buffer
		code := run([]string{"rewrite", "--report", filepath.Join(s.dir, "media.report.csv"), "--out", filepath.Join(s.dir, out), filepath.Dir(page)}, &stdout, &stderr)
		return code, stdout.String() + stderr.String()
	}
	if code, out := rewrite("undone"); code != exitIncomplete || !strings.Contains(out, "(UNDONE, 1×") {
		t.Errorf("rewrite with UNDONE rows: exit %d, want 3 naming the UNDONE row\n%s", code, out)
	}
	code, stdout, stderr = s.takeBack(t, "restore")
	if code != exitOK || !strings.Contains(stdout, "restore: 30 files brought back") || !strings.Contains(stdout, "30 READY") {
		t.Errorf("restore: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if code, out := rewrite("restored"); code != exitOK {
		t.Errorf("rewrite after restore: exit %d, want 0\n%s", code, out)
	}
	if code, _, stderr := s.takeBack(t, "undo", "--permanent", "--yes"); code != exitOK {
		t.Errorf("undo --permanent --yes: exit %d\n%s", code, stderr)
	}
	code, stdout, _ = s.takeBack(t, "restore")
	if code != exitIncomplete || !strings.Contains(stdout, "30 no longer in the trash") {
		t.Errorf("restore after a permanent undo: exit %d, want 3\n%s", code, stdout)
	}
}

// TestUndoSurvivesKills kills real undo processes with SIGKILL at random
// moments in their calls, runs undo again until one finishes, and checks
// through Wix's API that every file the migration created is in the trash
// exactly once, none in the Media Manager, and that the report says so for
// every row, with the status each had.
func TestUndoSurvivesKills(t *testing.T) {
	testenv.SkipUnlessFull(t, "real undo processes killed mid-run")
	t.Parallel()
	bin := wixmigrateBinary(t)
	// Calls take a little time (latency), so a kill may land inside one.
	simURL, _ := startSimProcess(t, bin, "--api-key", "undo-key", "--rate-limit", "0",
		"--processing-delay", "1ms-5ms", "--latency", "5ms-30ms", "--seed", "5")
	origin := testenv.Origin(t, nil)
	const rows = 1500
	dir := t.TempDir()
	manifestPath := filepath.Join(dir, "undo.csv")
	reportPath := filepath.Join(dir, "undo.report.csv")
	var b strings.Builder
	b.WriteString("source_url,sku\n")
	for i := range rows {
		fmt.Fprintf(&b, "%s/img/%d.png,SKU-%d\n", origin.URL, i, i)
	}
	if err := os.WriteFile(manifestPath, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	command := func(args ...string) *exec.Cmd {
		cmd := exec.Command(bin, append(args, "--api-base", simURL, "--log-format", "json")...)
		cmd.Env = append(os.Environ(), "WIX_API_KEY=undo-key", "WIX_SITE_ID=undo-site")
		return cmd
	}
	if out, err := command("migrate", "--manifest", manifestPath, "--rate", "0", "--poll-interval", "20ms").CombinedOutput(); err != nil {
		t.Fatalf("migrate: %v\n%s", err, tail(out, 3000))
	}
	created := map[string]bool{}
	recs := readCSV(t, reportPath)
	status, fileID := slices.Index(recs[0], "status"), slices.Index(recs[0], "file_id")
	for _, r := range recs[1:] {
		created[r[fileID]] = r[status] == "READY"
	}
	if len(created) != rows {
		t.Fatalf("%d files created, want %d", len(created), rows)
	}

	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("WIXMIGRATE_KILL_SEED"); s != "" {
		fmt.Sscan(s, &seed)
	}
	t.Logf("kill schedule seed %d (replay with WIXMIGRATE_KILL_SEED=%d)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, 2))
	midRun, kills := 0, 0
	for ; midRun < 3 && kills < 12; kills++ {
		// --rate 60 spaces the 2 Bulk Delete calls (and the check
		// before them) a second apart: a kill at 0.1-2.2 s lands before,
		// between or inside them.
		cmd := command("undo", "--report", reportPath, "--rate", "60")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-time.After(100*time.Millisecond + time.Duration(rng.IntN(2100))*time.Millisecond):
			cmd.Process.Signal(syscall.SIGKILL)
			<-done
			if _, err := os.Stat(reportPath + ".journal"); err == nil {
				midRun++ // killed with calls journaled and the report not yet written
			}
		case <-done:
			// Finished: restore everything, so the next run has all
			// the files to undo again.
			t.Logf("undo run %d finished before its kill; restoring", kills)
			if out, err := command("restore", "--report", reportPath, "--rate", "0").CombinedOutput(); err != nil {
				t.Fatalf("restore: %v\n%s", err, tail(out, 3000))
			}
		}
	}
	if midRun == 0 {
		t.Errorf("none of %d kills landed in the middle of a run (seed %d)", kills, seed)
	}
	out, err := command("undo", "--report", reportPath, "--rate", "0").CombinedOutput()
	if err != nil {
		t.Fatalf("final undo: %v\n%s", err, tail(out, 3000))
	}

	c := wix.NewClient("undo-key", "undo-site")
	c.BaseURL = simURL
	count := func(root string) map[string]int {
		got := map[string]int{}
		for _, f := range testenv.Files(t, c, root) {
			got[f.ID]++
		}
		return got
	}
	media, trash := count(wix.RootMedia), count(wix.RootTrash)
	if len(media) != 0 {
		t.Errorf("%d files left in the Media Manager, want none", len(media))
	}
	for id := range created {
		if trash[id] != 1 {
			t.Errorf("file %s is in the trash %d times, want once", id, trash[id])
		}
	}
	if len(trash) != rows {
		t.Errorf("%d files in the trash, want %d", len(trash), rows)
	}
	recs = readCSV(t, reportPath)
	before := slices.Index(recs[0], "status_before_undo")
	for i, r := range recs[1:] {
		if r[status] != "UNDONE" || !created[r[fileID]] || r[before] != "READY" {
			t.Fatalf("row %d: status %s, file %s, status_before_undo %s; want UNDONE, a created file, READY", i+2, r[status], r[fileID], r[before])
		}
	}
	t.Logf("%d of %d kills landed mid-run", midRun, kills)
}
