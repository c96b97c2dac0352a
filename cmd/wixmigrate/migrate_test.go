package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wixmigrate/wixmigrate/internal/testenv"
	"github.com/wixmigrate/wixmigrate/wixsim"
)

// testSetup is a simulator, an origin serving /img/N.png and a manifest.
type testSetup struct {
	sim      *wixsim.Server
	origin   *httptest.Server
	dir      string
	manifest string
}

func newSetup(t *testing.T, opts wixsim.Options, rows int, extra string) *testSetup {
	t.Helper()
	sim := testenv.NewSim(t, opts)
	origin := testenv.Origin(t, nil)
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("source_url,sku\n")
	for i := 0; i < rows; i++ {
		fmt.Fprintf(&b, "{{origin}}/img/%d.png,SKU-%d\n", i, i)
	}
	b.WriteString(extra)
	path := filepath.Join(dir, "media.csv")
	testenv.WriteManifest(t, path, origin.URL, b.String())
	return &testSetup{sim: sim.Server, origin: origin, dir: dir, manifest: path}
}

// testCredentials is the environment the migrate command sees in tests.
var testCredentials = map[string]string{"WIX_API_KEY": testenv.APIKey, "WIX_SITE_ID": testenv.SiteID}

// migrate runs the migrate command in-process and returns its exit code and output.
func (s *testSetup) migrate(t *testing.T, ctx context.Context, extraArgs ...string) (int, string, string) {
	t.Helper()
	return s.migrateEnv(t, ctx, testCredentials, extraArgs...)
}

// migrateEnv is migrate with env as the command's environment.
func (s *testSetup) migrateEnv(t *testing.T, ctx context.Context, env map[string]string, extraArgs ...string) (int, string, string) {
	t.Helper()
	args := append([]string{"--manifest", s.manifest, "--api-base", s.sim.URL, "--rate", "0",
		"--poll-interval", "5ms", "--quiet"}, extraArgs...)
	var stdout, stderr bytes.Buffer
	code := migrateWithEnv(ctx, args, &stdout, &stderr, func(k string) string { return env[k] })
	return code, stdout.String(), stderr.String()
}

func readCSV(t *testing.T, path string) [][]string { return testenv.ReadCSV(t, path) }

func TestMigrateExitCodes(t *testing.T) {
	t.Parallel()
	fast := wixsim.Options{ProcessingDelay: wixsim.Range{Max: 5 * time.Millisecond}}
	t.Run("all READY is 0, report beside the manifest", func(t *testing.T) {
		t.Parallel()
		s := newSetup(t, fast, 30, "")
		code, out, errOut := s.migrate(t, context.Background())
		if code != exitOK {
			t.Fatalf("exit %d, want 0\n%s\n%s", code, out, errOut)
		}
		recs := readCSV(t, filepath.Join(s.dir, "media.report.csv"))
		if len(recs) != 31 || strings.Join(recs[0][:3], ",") != "source_url,sku,status" {
			t.Fatalf("report: %d records, header %v", len(recs), recs[0])
		}
		if !strings.Contains(out, "30 rows: 30 READY, 0 FAILED, 0 PENDING") {
			t.Errorf("summary missing counts:\n%s", out)
		}
	})
	t.Run("failed rows make 3", func(t *testing.T) {
		t.Parallel()
		s := newSetup(t, fast, 3, "{{origin}}/nothing-here.png,SKU-404\n")
		code, out, _ := s.migrate(t, context.Background())
		if code != exitIncomplete {
			t.Fatalf("exit %d, want 3\n%s", code, out)
		}
		if !strings.Contains(out, "404") {
			t.Errorf("summary does not explain the 404:\n%s", out)
		}
	})
	t.Run("missing credentials are a usage error naming the variables", func(t *testing.T) {
		t.Parallel()
		s := newSetup(t, fast, 1, "")
		code, _, stderr := s.migrateEnv(t, context.Background(), nil, "--site-id", "x")
		if code != exitUsage || !strings.Contains(stderr, "WIX_API_KEY") {
			t.Fatalf("exit %d, stderr %q; want 2 naming WIX_API_KEY", code, stderr)
		}
	})
	t.Run("wrong key is fatal before any import, writing nothing", func(t *testing.T) {
		t.Parallel()
		s := newSetup(t, fast, 5, "")
		code, stdout, stderr := s.migrateEnv(t, context.Background(), map[string]string{"WIX_API_KEY": "wrong-key", "WIX_SITE_ID": testenv.SiteID})
		if code != exitFatal || !strings.Contains(stderr, "the API key was refused") {
			t.Fatalf("exit %d, stderr %q; want 1 saying the key was refused", code, stderr)
		}
		if strings.Contains(stderr+stdout, "wrong-key") {
			t.Errorf("the API key appears in the output")
		}
		if _, err := os.Stat(filepath.Join(s.dir, "media.report.csv")); !os.IsNotExist(err) {
			t.Errorf("a report was written after the key was refused: %v", err)
		}
	})
	t.Run("bad flags are 2 and name the flag", func(t *testing.T) {
		t.Parallel()
		s := newSetup(t, fast, 1, "")
		for _, args := range [][]string{{"--batch-size", "101"}, {"--poll", "sometimes"}, {"--log-format", "xml"}, {"--log-level", "loud"}, {"--concurrency", "0"}} {
			code, _, errOut := s.migrate(t, context.Background(), args...)
			if code != exitUsage || !strings.Contains(errOut, args[0]) {
				t.Errorf("%v: exit %d, stderr %q", args, code, errOut)
			}
		}
	})
	t.Run("a bad header stops before any API call", func(t *testing.T) {
		t.Parallel()
		s := newSetup(t, fast, 0, "")
		os.WriteFile(s.manifest, []byte("link,sku\nhttp://x/a.png,1\n"), 0o644)
		code, _, errOut := s.migrate(t, context.Background())
		if code != exitFatal || !strings.Contains(errOut, "source_url") {
			t.Fatalf("exit %d, stderr %q", code, errOut)
		}
		if n := len(s.sim.Sim.Stats().Requests); n != 0 {
			t.Errorf("%d endpoints called, want none", n)
		}
	})
}

func TestMigrateWaitAndLogLevel(t *testing.T) {
	t.Parallel()
	fast := wixsim.Options{ProcessingDelay: wixsim.Range{Max: 5 * time.Millisecond}}
	s := newSetup(t, fast, 150, "")
	code, out, errOut := s.migrate(t, context.Background(), "--wait=false")
	if code != exitIncomplete {
		t.Fatalf("--wait=false: exit %d, want 3 (rows PENDING)\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(out, "150 PENDING") || !strings.Contains(out, "not checked yet") {
		t.Errorf("summary of a run that did not wait:\n%s", out)
	}
	for _, rec := range readCSV(t, filepath.Join(s.dir, "media.report.csv"))[1:] {
		if rec[2] != "PENDING" || rec[3] == "" || rec[4] == "" {
			t.Fatalf("row after --wait=false: %v; want PENDING with file_id and wix_url", rec)
		}
	}
	// Besides the imports, only the API check before them (one List Files
	// page of one file).
	if calls := s.sim.Sim.Stats().Requests; len(calls) != 2 || calls["bulkImport"]["200"] != 2 || calls["listFiles"]["200"] != 1 {
		t.Errorf("--wait=false made %v; want 2 Bulk Import File calls and the API check only", calls)
	}
	// The next run checks, with the debug log showing each poll round.
	code, out, errOut = s.migrate(t, context.Background(), "--log-level", "debug")
	if code != exitOK || !strings.Contains(out, "150 READY") {
		t.Fatalf("the checking run: exit %d\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(errOut, `msg="poll round"`) || !strings.Contains(errOut, "plan.by_id=") || !strings.Contains(errOut, "files.by_id=") {
		t.Errorf("--log-level debug does not show the poll rounds' plans:\n%s", errOut)
	}
	if calls := s.sim.Sim.Stats().Requests; calls["bulkImport"]["200"] != 2 {
		t.Errorf("the checking run imported again: %v", calls)
	}
}

func TestMigrateDryRun(t *testing.T) {
	t.Parallel()
	s := newSetup(t, wixsim.Options{}, 250, "{{origin}}/img/1.png,dup\nftp://x/y.png,bad\n")
	code, out, errOut := s.migrate(t, context.Background(), "--dry-run", "--rate", "200")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"import       250", "same           1", "reject         1", "API calls needed, at least: 7", "about 4s"} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run output lacks %q:\n%s", want, out)
		}
	}
	if n := len(s.sim.Sim.Stats().Requests); n != 0 {
		t.Errorf("dry run called %d endpoints", n)
	}
	_, out, _ = s.migrate(t, context.Background(), "--dry-run", "--rate", "200", "--wait=false")
	for _, want := range []string{"API calls needed, at least: 4 (3 imports of up to 100 rows, no status calls", "processing is not waited for"} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run with --wait=false lacks %q:\n%s", want, out)
		}
	}
}

func TestMigrateInterruptThenResume(t *testing.T) {
	t.Parallel()
	s := newSetup(t, wixsim.Options{ProcessingDelay: wixsim.Range{Min: time.Millisecond, Max: 10 * time.Millisecond}}, 200, "")
	ctx, cancel := context.WithCancel(context.Background())
	// Interrupt as soon as the first import call has been answered.
	go func() {
		for s.sim.Sim.Stats().Requests["bulkImport"]["200"] == 0 {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	code, _, errOut := s.migrate(t, ctx, "--batch-size", "25", "--concurrency", "1", "--rate", "600")
	if code != exitInterrupted {
		t.Fatalf("exit %d, want 130: %s", code, errOut)
	}
	recs := readCSV(t, filepath.Join(s.dir, "media.report.csv"))
	if len(recs) != 201 {
		t.Fatalf("interrupted report has %d rows, want 201", len(recs)-1)
	}
	code, out, errOut := s.migrate(t, context.Background())
	if code != exitOK {
		t.Fatalf("resume: exit %d\n%s\n%s", code, out, errOut)
	}
	if files := s.sim.Sim.Stats().Files; files.Ready != 200 {
		t.Errorf("simulator holds %d READY files, want exactly 200 (none imported twice)", files.Ready)
	}
}
