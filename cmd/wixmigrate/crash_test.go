package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wixmigrate/wixmigrate/internal/testenv"
	"github.com/wixmigrate/wixmigrate/wix"
	"github.com/wixmigrate/wixmigrate/wixsim"
)

// startSimProcess runs `wixmigrate sim` and returns its URL.
func startSimProcess(t testing.TB, bin string, args ...string) (string, *wixsim.Stats) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"sim", "--addr", "127.0.0.1:0"}, args...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "listening on ") {
		t.Fatalf("sim did not start: %q %v", line, err)
	}
	go io.Copy(io.Discard, stdout) // keep the pipe drained
	return strings.TrimSpace(strings.TrimPrefix(line, "listening on ")), nil
}

// crashSeedEnv replays TestCrashesLoseNothingAndDuplicateNothing's kill
// delays (the seed it logs); where in the run each kill lands still
// depends on the machine's speed.
const crashSeedEnv = "WIXMIGRATE_CRASH_SEED"

// TestCrashesLoseNothingAndDuplicateNothing kills a real migrate process
// with SIGKILL at random moments, six times while it has work in flight,
// re-runs it each time with the same report, then lets a last run finish,
// and checks the Media Manager through its public API: one file per
// distinct import, good sources READY, bad ones FAILED with a reason, and
// the report agreeing with Wix row by row.
func TestCrashesLoseNothingAndDuplicateNothing(t *testing.T) {
	testenv.SkipUnlessFull(t, "real processes killed mid-run, six times")
	t.Parallel()
	bin := wixmigrateBinary(t)
	simURL, _ := startSimProcess(t, bin, "--api-key", "crash-key", "--rate-limit", "3000",
		"--processing-delay", "20ms-300ms", "--seed", "3")
	origin := testenv.Origin(t, nil)

	const rows, bad = 2000, 20
	dir := t.TempDir()
	manifestPath := filepath.Join(dir, "crash.csv")
	reportPath := filepath.Join(dir, "crash.report.csv")
	var b strings.Builder
	b.WriteString("source_url,display_name,file_path,sku\n")
	for i := 0; i < rows; i++ {
		src := fmt.Sprintf("%s/img/%d.png", origin.URL, i)
		if i%(rows/bad) == 7 {
			src = fmt.Sprintf("%s/gone/%d.png", origin.URL, i)
		}
		folder := ""
		if i%10 == 0 {
			folder = "/crash/deep"
		}
		fmt.Fprintf(&b, "%s,img %d.png,%s,SKU-%d\n", src, i, folder, i)
	}
	os.WriteFile(manifestPath, []byte(b.String()), 0o644)

	c := wix.NewClient("crash-key", "crash-site")
	c.BaseURL = simURL
	imports := func() int64 {
		var st wixsim.Stats
		if err := getJSON(simURL+"/_sim/stats", &st); err != nil {
			t.Fatal(err)
		}
		return st.Requests["bulkImport"]["200"] + st.Requests["listFiles"]["200"]
	}
	migrate := func() *exec.Cmd {
		cmd := exec.Command(bin, "migrate", "--manifest", manifestPath, "--report", reportPath,
			"--api-base", simURL, "--rate", "3000", "--batch-size", "50", "--poll-interval", "50ms",
			"--max-attempts", "1", "--log-format", "json")
		cmd.Env = append(os.Environ(), "WIX_API_KEY=crash-key", "WIX_SITE_ID=crash-site")
		return cmd
	}
	seed := uint64(time.Now().UnixNano())
	if v := os.Getenv(crashSeedEnv); v != "" {
		var err error
		if seed, err = strconv.ParseUint(v, 10, 64); err != nil {
			t.Fatalf("%s=%q: %v", crashSeedEnv, v, err)
		}
	}
	rng := rand.New(rand.NewPCG(seed, 1))
	t.Logf("kill schedule seed %d (replay the delays with %s=%d)", seed, crashSeedEnv, seed)
	// A kill lands mid-run when, as it is sent, the Media Manager lacks
	// some of the run's files or holds some still processing: work the run
	// was doing. Only those count; a run that ends first, or a kill once
	// every file is final, does not.
	midRun := func() bool {
		var st wixsim.Stats
		if err := getJSON(simURL+"/_sim/stats", &st); err != nil {
			t.Fatal(err)
		}
		return st.Files.Pending > 0 || st.Files.Pending+st.Files.Ready+st.Files.Failed < rows
	}
	const wantKills, maxStarts = 6, 12
	kills := 0
	for starts := 0; kills < wantKills; starts++ {
		if starts == maxStarts {
			t.Fatalf("only %d of %d runs were killed mid-run (seed %d)", kills, starts, seed)
		}
		before := imports()
		cmd := migrate()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		// Let it make progress, then kill it at a random moment.
		deadline := time.Now().Add(30 * time.Second)
		for imports() == before && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
		select {
		case <-time.After(time.Duration(rng.IntN(250)) * time.Millisecond):
			mid := midRun()
			cmd.Process.Signal(syscall.SIGKILL)
			<-done
			if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() && mid {
				kills++
			} else {
				t.Logf("start %d: the kill did not land mid-run (work left: %v, exit %v)", starts+1, mid, cmd.ProcessState)
			}
		case <-done:
			t.Logf("start %d: the run finished before its kill (after %d kills)", starts+1, kills)
		}
	}
	final := migrate()
	out, err := final.CombinedOutput()
	if code := final.ProcessState.ExitCode(); code != exitIncomplete {
		t.Fatalf("final run: exit %d (%v), want 3 (some sources are missing)\n%s", code, err, tail(out, 3000))
	}

	// Every file of the site, through Search Files (whole site).
	files := map[string][]wix.File{}
	req := &wix.SearchFilesRequest{RootFolder: wix.RootMedia, Paging: &wix.CursorPaging{Limit: 100}}
	for {
		page, err := c.SearchFiles(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range page.Files {
			files[f.SourceURL] = append(files[f.SourceURL], f)
		}
		if req.Paging.Cursor = page.Next(); req.Paging.Cursor == "" {
			break
		}
	}
	recs := readCSV(t, reportPath)
	if len(recs) != rows+1 {
		t.Fatalf("report has %d rows, want %d", len(recs)-1, rows)
	}
	reasonAt := slices.Index(recs[0], "failure_reason")
	for i, r := range recs[1:] {
		src, status, fileID, reason := r[0], r[4], r[5], r[reasonAt]
		got := files[src]
		if len(got) != 1 {
			t.Errorf("row %d (%s): %d files in the Media Manager, want exactly 1", i+2, src, len(got))
			continue
		}
		good := strings.Contains(src, "/img/")
		switch {
		case good && (status != "READY" || got[0].OperationStatus != wix.StatusReady || got[0].ID != fileID):
			t.Errorf("row %d: report %s %s, Wix %s %s", i+2, status, fileID, got[0].OperationStatus, got[0].ID)
		case !good && (status != "FAILED" || reason == "" || got[0].OperationStatus != wix.StatusFailed):
			t.Errorf("row %d: bad source reported %s %q, Wix %s", i+2, status, reason, got[0].OperationStatus)
		}
	}
	if len(files) != rows {
		t.Errorf("%d distinct sources in the Media Manager, want %d", len(files), rows)
	}
}

func getJSON(url string, v any) error {
	resp, err := http.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return json.NewDecoder(resp.Body).Decode(v)
}

func tail(b []byte, n int) string {
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}
