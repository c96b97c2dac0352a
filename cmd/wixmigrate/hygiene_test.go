package main

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
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
	"github.com/wixmigrate/wixmigrate/report"
	"github.com/wixmigrate/wixmigrate/wix"
	"github.com/wixmigrate/wixmigrate/wixsim"
)

var quick = wixsim.Options{ProcessingDelay: wixsim.Range{Max: 5 * time.Millisecond}}

// dirFiles reads every file in dir, by name.
func dirFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(path)
			files[strings.TrimPrefix(path, dir)] = string(b)
		}
		return err
	})
	return files
}

func TestSecondRunOnLockedReportExitsAtOnce(t *testing.T) {
	t.Parallel()
	s := newSetup(t, quick, 3, "")
	reportPath := filepath.Join(s.dir, "media.report.csv")
	held, err := report.Lock(reportPath) // another run, as far as migrate can tell
	if err != nil {
		t.Fatal(err)
	}
	before := dirFiles(t, s.dir)
	code, out, errOut := s.migrate(t, context.Background())
	if code != exitFatal {
		t.Fatalf("exit %d, want 1\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(errOut, reportPath) || !strings.Contains(errOut, "PID "+strconv.Itoa(os.Getpid())) {
		t.Errorf("the message names neither the report nor the other run's PID: %s", errOut)
	}
	if after := dirFiles(t, s.dir); !sameFiles(before, after) {
		t.Errorf("the locked-out run wrote files: %v", keys(after))
	}
	if st := s.sim.Sim.Stats(); len(st.Requests) != 0 {
		t.Errorf("the locked-out run called the API: %v", st.Requests)
	}
	// A dry run takes no lock: it may look while a run goes on.
	if code, out, errOut := s.migrate(t, context.Background(), "--dry-run"); code != exitOK || !strings.Contains(out, "import         3") {
		t.Errorf("dry run beside a locked report: exit %d\n%s\n%s", code, out, errOut)
	}
	held.Unlock()
	if code, out, errOut := s.migrate(t, context.Background()); code != exitOK {
		t.Fatalf("after the other run ended: exit %d\n%s\n%s", code, out, errOut)
	}
}

func sameFiles(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// TestKilledRunsLockDoesNotBlock kills a real migrate process (SIGKILL:
// no chance to clean up) while it holds the report's lock; the next run
// goes ahead.
func TestKilledRunsLockDoesNotBlock(t *testing.T) {
	t.Parallel()
	bin := wixmigrateBinary(t)
	// Files stay PENDING for a minute: the first run is busy polling when
	// it is killed.
	s := newSetup(t, wixsim.Options{ProcessingDelay: wixsim.Range{Min: time.Minute, Max: time.Minute}}, 3, "")
	reportPath := filepath.Join(s.dir, "media.report.csv")
	cmd := exec.Command(bin, "migrate", "--manifest", s.manifest, "--api-base", s.sim.URL, "--rate", "0", "--quiet")
	cmd.Env = append(os.Environ(), "WIX_API_KEY="+testenv.APIKey, "WIX_SITE_ID="+testenv.SiteID)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	// The lock file names its holder once the lock is taken.
	want := strconv.Itoa(cmd.Process.Pid)
	for deadline := time.Now().Add(30 * time.Second); ; {
		if b, _ := os.ReadFile(report.LockPath(reportPath)); strings.TrimSpace(string(b)) == want {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the first run never took the lock")
		}
		time.Sleep(2 * time.Millisecond)
	}
	if code, _, errOut := s.migrate(t, context.Background(), "--pending-timeout", "10ms"); code != exitFatal || !strings.Contains(errOut, "PID "+want) {
		t.Fatalf("while the first run lives: exit %d: %s", code, errOut)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	code, out, errOut := s.migrate(t, context.Background(), "--pending-timeout", "10ms")
	if code != exitIncomplete || strings.Contains(errOut, "is using the report") {
		t.Fatalf("after the kill: exit %d, want 3 (files still processing)\n%s\n%s", code, out, errOut)
	}
}

// closedAddress is a loopback address nothing listens on.
func closedAddress(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr
}

// TestRefusedRunsLeaveTheReportAlone: an unreachable API, a refused key and
// an unknown site each stop the run before any import, with a message
// saying which, and leave the report and everything beside it as it was.
func TestRefusedRunsLeaveTheReportAlone(t *testing.T) {
	t.Parallel()
	s := newSetup(t, wixsim.Options{ProcessingDelay: quick.ProcessingDelay, Sites: []string{testenv.SiteID}}, 3,
		"{{origin}}/missing.png,SKU-404\n")
	if code, out, errOut := s.migrate(t, context.Background()); code != exitIncomplete {
		t.Fatalf("first run: exit %d\n%s\n%s", code, out, errOut)
	}
	// One more row, so that a run that went ahead would change the report.
	f, _ := os.OpenFile(s.manifest, os.O_APPEND|os.O_WRONLY, 0)
	fmt.Fprintf(f, "%s/img/99.png,SKU-99\n", s.origin.URL)
	f.Close()
	before := dirFiles(t, s.dir)
	down := closedAddress(t)
	for _, tc := range []struct {
		name, says string
		args       []string
		key        string
	}{
		{"nothing listening", "cannot reach " + down + ": ", []string{"--api-base", down}, testenv.APIKey},
		{"a refused key", "the API key was refused", nil, "not-the-key"},
		{"an unknown site", `the site ID "site-b" is unknown`, []string{"--site-id", "site-b"}, testenv.APIKey},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{"WIX_API_KEY": tc.key, "WIX_SITE_ID": testenv.SiteID}
			code, stdout, stderr := s.migrateEnv(t, context.Background(), env, tc.args...)
			if code != exitFatal || !strings.Contains(stderr, tc.says) {
				t.Fatalf("exit %d, stderr %q; want 1 saying %q", code, stderr, tc.says)
			}
			if strings.Contains(stderr+stdout, "not-the-key") {
				t.Error("the API key appears in the output")
			}
			if after := dirFiles(t, s.dir); !sameFiles(before, after) {
				t.Errorf("files changed: %v -> %v", keys(before), keys(after))
			}
		})
	}
}

// sourceFiles lists the site's files from src in one root folder, through
// the public API.
func sourceFiles(t *testing.T, s *testSetup, root, src string) []wix.File {
	t.Helper()
	c := wix.NewClient(testenv.APIKey, testenv.SiteID)
	c.BaseURL = s.sim.URL
	var out []wix.File
	for _, f := range testenv.Files(t, c, root) {
		if f.SourceURL == src {
			out = append(out, f)
		}
	}
	return out
}

// TestRetriesTrashTheFailedFile: each retry of a FAILED row first moves the
// previous attempt's file to the trash bin, so one FAILED file (the
// latest, the report's) stays in the Media Manager; --keep-failed keeps
// them all.
func TestRetriesTrashTheFailedFile(t *testing.T) {
	t.Parallel()
	for _, keep := range []bool{false, true} {
		t.Run(fmt.Sprintf("keep-failed=%v", keep), func(t *testing.T) {
			t.Parallel()
			s := newSetup(t, quick, 2, "{{origin}}/missing.png,SKU-404\n")
			bad := s.origin.URL + "/missing.png"
			var args []string
			if keep {
				args = append(args, "--keep-failed")
			}
			var reported []string // the bad row's file_id after each run
			for run := 1; run <= 4; run++ {
				if code, out, errOut := s.migrate(t, context.Background(), args...); code != exitIncomplete {
					t.Fatalf("run %d: exit %d\n%s\n%s", run, code, out, errOut)
				}
				recs := readCSV(t, filepath.Join(s.dir, "media.report.csv"))
				row := recs[3]
				if row[2] != "FAILED" || row[3] == "" || row[slices.Index(recs[0], "attempts")] != strconv.Itoa(min(run, 3)) {
					t.Fatalf("run %d: bad row %v", run, row)
				}
				reported = append(reported, row[3])
			}
			live := sourceFiles(t, s, wix.RootMedia, bad)
			trashed := sourceFiles(t, s, wix.RootTrash, bad)
			if keep {
				if len(live) != 3 || len(trashed) != 0 {
					t.Errorf("--keep-failed: %d files in the Media Manager, %d in the trash; want 3 and 0", len(live), len(trashed))
				}
				return
			}
			if len(live) != 1 || live[0].ID != reported[3] || live[0].OperationStatus != wix.StatusFailed {
				t.Errorf("in the Media Manager: %+v; want only the latest FAILED file %s", live, reported[3])
			}
			var ids []string
			for _, f := range trashed {
				ids = append(ids, f.ID)
			}
			slices.Sort(ids)
			want := []string{reported[0], reported[1]}
			slices.Sort(want)
			if !slices.Equal(ids, want) {
				t.Errorf("in the trash: %v; want the two earlier attempts' files %v", ids, want)
			}
			// Two retries, one Bulk Delete Files call each; the last run had
			// no attempts left and trashed nothing.
			if got := s.sim.Sim.Stats().Requests[wix.EndpointBulkDeleteFiles.Stat]["200"]; got != 2 {
				t.Errorf("%d Bulk Delete Files calls, want 2", got)
			}
			// The good rows were never touched.
			if n := len(sourceFiles(t, s, wix.RootTrash, s.origin.URL+"/img/0.png")); n != 0 {
				t.Errorf("a READY row's file went to the trash")
			}
		})
	}
}

// TestSourceHeaderLetsWixFetch: a source behind a hotlink guard that wants
// a Referer comes in by import (not by the fallback upload) with
// --source-header, and the header's value shows nowhere.
func TestSourceHeaderLetsWixFetch(t *testing.T) {
	t.Parallel()
	guarded := refererOrigin(t)
	s := newSetup(t, quick, 1, guarded.URL+"/guarded.png,SKU-G\n")
	code, out, errOut := s.migrate(t, context.Background(), "--source-header", "Referer: "+secretReferer,
		"--source-header", "X-Tag: s3cret-tag", "--log-format", "json")
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	recs := readCSV(t, filepath.Join(s.dir, "media.report.csv"))
	if row := recs[2]; row[2] != "READY" || row[slices.Index(recs[0], "method")] != "import" {
		t.Errorf("guarded row: %v; want READY by import", row)
	}
	for name, text := range dirFiles(t, s.dir) {
		if strings.Contains(text, "s3cret") {
			t.Errorf("%s holds a header value", name)
		}
	}
	if strings.Contains(out+errOut, "s3cret") {
		t.Errorf("the output holds a header value:\n%s\n%s", out, errOut)
	}
	// Without the header Wix's fetcher is refused, and so is the fallback.
	s = newSetup(t, quick, 1, guarded.URL+"/guarded.png,SKU-G\n")
	if code, _, _ := s.migrate(t, context.Background()); code != exitIncomplete {
		t.Errorf("without --source-header: exit %d, want 3", code)
	}
	// A malformed header is a usage error that names it, never its value.
	if code, _, errOut := s.migrate(t, context.Background(), "--source-header", "Referer "+secretReferer); code != exitUsage ||
		!strings.Contains(errOut, "--source-header") || strings.Contains(errOut, "s3cret") {
		t.Errorf("malformed header: exit %d: %s", code, errOut)
	}
}

// TestDelimitedManifestsMigrateAlike: a manifest saved with semicolons or
// tabs migrates like the comma one, and its report keeps its delimiter.
func TestDelimitedManifestsMigrateAlike(t *testing.T) {
	t.Parallel()
	s := newSetup(t, quick, 0, "")
	var b strings.Builder
	b.WriteString("source_url,display_name,labels,sku\n")
	for i := range 4 {
		fmt.Fprintf(&b, "%s/img/%d.png,Image %d,\"a;b\",SKU-%d\n", s.origin.URL, i, i, i)
	}
	b.WriteString("ftp://nowhere/x.png,Bad,,SKU-X\n")
	comma := b.String()
	statuses := map[string][]string{}
	for name, d := range map[string]rune{"comma": ',', "semicolon": ';', "tab": '\t'} {
		// The labels field keeps its ';' inside its quotes.
		text := strings.ReplaceAll(comma, ",", string(d))
		manifest := filepath.Join(s.dir, name+".csv")
		os.WriteFile(manifest, []byte(text), 0o644)
		code, out, errOut := s.migrate(t, context.Background(), "--manifest", manifest)
		if code != exitIncomplete || !strings.Contains(out, "5 rows: 4 READY, 1 FAILED") {
			t.Fatalf("%s: exit %d\n%s\n%s", name, code, out, errOut)
		}
		f, err := os.Open(filepath.Join(s.dir, name+".report.csv"))
		if err != nil {
			t.Fatal(err)
		}
		r := csv.NewReader(f)
		r.Comma = d
		recs, err := r.ReadAll()
		f.Close()
		if err != nil {
			t.Fatalf("%s: the report does not read with its manifest's delimiter: %v", name, err)
		}
		if got := strings.Join(recs[0][:5], ","); got != "source_url,display_name,labels,sku,status" {
			t.Errorf("%s: report header %q", name, got)
		}
		if len(recs) != 6 {
			t.Fatalf("%s: the report has %d rows, want 5", name, len(recs)-1)
		}
		for _, rec := range recs[1:] {
			statuses[name] = append(statuses[name], rec[0]+" "+rec[2]+" "+rec[4])
		}
	}
	if !slices.Equal(statuses["semicolon"], statuses["comma"]) || !slices.Equal(statuses["tab"], statuses["comma"]) {
		t.Errorf("the reports differ:\n%v", statuses)
	}
}

// TestSimSites: `wixmigrate sim --site` makes the other site IDs unknown.
func TestSimSites(t *testing.T) {
	t.Parallel()
	simURL, _ := startSimProcess(t, wixmigrateBinary(t), "--api-key", "k", "--site", "site-a", "--site", "site-c")
	for site, want := range map[string]wix.AccessProblem{"site-a": 0, "site-b": wix.AccessSiteUnknown, "site-c": 0} {
		c := wix.NewClient("k", site)
		c.BaseURL = simURL
		err := c.CheckAccess(context.Background())
		got := wix.AccessProblem(0)
		var ae *wix.AccessError
		if errors.As(err, &ae) {
			got = ae.Problem
		} else if err != nil {
			t.Fatalf("%s: %v", site, err)
		}
		if got != want {
			t.Errorf("%s: %v, want problem %d", site, err, want)
		}
	}
}

// TestFallbackUploadTrashesTheFailedImport: when the fallback upload
// replaces an import Wix failed (hotlink protection against Wix's fetcher
// only), the failed file goes to the trash; --keep-failed keeps it.
func TestFallbackUploadTrashesTheFailedImport(t *testing.T) {
	t.Parallel()
	guard := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.UserAgent(), "wix-media-sim") {
			http.Error(w, "no hotlinking", http.StatusForbidden)
			return
		}
		w.Header().Set("Content-Type", "image/png")
		w.Write(testenv.PNG(7, 8, 8))
	}))
	t.Cleanup(guard.Close)
	for _, keep := range []bool{false, true} {
		t.Run(fmt.Sprintf("keep-failed=%v", keep), func(t *testing.T) {
			t.Parallel()
			src := guard.URL + "/photo.png"
			s := newSetup(t, quick, 1, src+",SKU-G\n")
			var args []string
			if keep {
				args = append(args, "--keep-failed")
			}
			if code, out, errOut := s.migrate(t, context.Background(), args...); code != exitOK {
				t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
			}
			recs := readCSV(t, filepath.Join(s.dir, "media.report.csv"))
			if row := recs[2]; row[2] != "READY" || row[slices.Index(recs[0], "method")] != "fallback-upload" {
				t.Fatalf("guarded row: %v; want READY by fallback upload", row)
			}
			live, trashed := sourceFiles(t, s, wix.RootMedia, src), sourceFiles(t, s, wix.RootTrash, src)
			if want := 1; keep && (len(live) != want || len(trashed) != 0) || !keep && (len(live) != 0 || len(trashed) != want) {
				t.Errorf("the failed import's file: %d in the Media Manager, %d in the trash", len(live), len(trashed))
			}
		})
	}
}
