package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wixmigrate/wixmigrate/internal/testenv"
	"github.com/wixmigrate/wixmigrate/wixsim"
)

// BenchmarkScale migrates a manifest of synthetic rows the way a user runs
// the tool: the simulator (no rate limit, no processing delay) and the
// origin run as their own processes, and migrate runs as a child process
// whose peak RSS and CPU time are read from its rusage.
//
//	go test -run '^$' -bench Scale -benchtime=1x ./cmd/wixmigrate/
//	WIXMIGRATE_SCALE_ROWS=1000000 go test -run '^$' -bench Scale -benchtime=1x -timeout 60m ./cmd/wixmigrate/
//
// Rows: WIXMIGRATE_SCALE_ROWS (20,000).
func BenchmarkScale(b *testing.B) {
	rows := 20000
	if n, err := strconv.Atoi(os.Getenv("WIXMIGRATE_SCALE_ROWS")); err == nil && n > 0 {
		rows = n
	}
	dir := b.TempDir()
	bin := filepath.Join(dir, "wixmigrate")
	build := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	simURL := startChild(b, dir, "sim", bin, "sim", "--addr", "127.0.0.1:0", "--rate-limit", "0", "--api-key", "scale-key")
	originURL := startChild(b, dir, "origin", bin, "origin", "--addr", "127.0.0.1:0")

	mpath := filepath.Join(dir, "manifest.csv")
	writeScaleManifest(b, mpath, originURL, rows)

	for i := range b.N {
		rpath := filepath.Join(dir, fmt.Sprintf("report-%d.csv", i))
		var stdout, stderr bytes.Buffer
		cmd := exec.Command(bin, "migrate", "--manifest", mpath, "--report", rpath, "--api-base", simURL,
			"--site-id", fmt.Sprintf("scale-%d", i), "--rate", "0", "--quiet")
		cmd.Env = append(os.Environ(), "WIX_API_KEY=scale-key")
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		start := time.Now()
		err := cmd.Run()
		wall := time.Since(start)
		if err != nil {
			b.Fatalf("migrate: %v\n%s\n%s", err, stdout.String(), stderr.String())
		}
		user, sys := cmd.ProcessState.UserTime(), cmd.ProcessState.SystemTime()
		cpu := user + sys
		ready := countReady(b, rpath)
		if ready != rows {
			b.Fatalf("%d of %d rows READY\n%s", ready, rows, stdout.String())
		}
		rss, rssKnown := testenv.PeakRSS(cmd.ProcessState)
		b.Logf("%d rows: wall %s, CPU %s (user %s, sys %s), peak RSS %d MB\n%s", rows, wall.Round(time.Millisecond),
			cpu.Round(time.Millisecond), user.Round(time.Millisecond), sys.Round(time.Millisecond), rss>>20, strings.TrimSpace(stdout.String()))
		if rssKnown {
			b.ReportMetric(float64(rss)/(1<<20), "peak-RSS-MB")
		}
		b.ReportMetric(float64(cpu.Milliseconds())/float64(rows)*1000, "CPU-ms/1k-rows")
		b.ReportMetric(wall.Seconds(), "wall-s")
		b.ReportMetric(float64(rows)/wall.Seconds(), "rows/s")
	}
	var st wixsim.Stats
	if resp, err := http.Get(simURL + "/_sim/stats"); err == nil {
		json.NewDecoder(resp.Body).Decode(&st)
		resp.Body.Close()
	}
	var calls int64
	for ep, byStatus := range st.Requests {
		if ep == "media" || ep == "upload" || ep == "tus" || ep == "unknown" {
			continue
		}
		for _, n := range byStatus {
			calls += n
		}
	}
	b.ReportMetric(float64(calls)/float64(rows*b.N), "calls/row")
	b.ReportMetric(0, "ns/op")
}

// startChild starts a long-running subcommand that prints "listening on
// URL" first, and stops it (SIGTERM) when the benchmark ends.
func startChild(b *testing.B, dir, name, bin string, args ...string) string {
	b.Helper()
	cmd := exec.Command(bin, args...)
	logf, err := os.Create(filepath.Join(dir, name+".log"))
	if err != nil {
		b.Fatal(err)
	}
	cmd.Stderr = logf
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		logf.Close()
	})
	line, err := bufio.NewReader(out).ReadString('\n')
	url, ok := strings.CutPrefix(strings.TrimSpace(line), "listening on ")
	if err != nil || !ok {
		b.Fatalf("%s: first line %q: %v", name, line, err)
	}
	go io.Copy(io.Discard, out)
	return url
}

// writeScaleManifest writes rows distinct synthetic sources with a SKU
// passthrough column.
func writeScaleManifest(b *testing.B, path, originURL string, rows int) {
	b.Helper()
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	fmt.Fprintln(w, "source_url,display_name,sku")
	for i := range rows {
		fmt.Fprintf(w, "%s/synthetic/%d.png,Product photo %d.png,SKU-%07d\n", originURL, i, i, i)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
}

// countReady counts the report's READY rows.
func countReady(b *testing.B, path string) int {
	b.Helper()
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(bufio.NewReaderSize(f, 1<<20))
	r.ReuseRecord = true
	header, err := r.Read()
	if err != nil {
		b.Fatal(err)
	}
	col := -1
	for i, h := range header {
		if h == "status" {
			col = i
		}
	}
	n := 0
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return n
		}
		if err != nil {
			b.Fatal(err)
		}
		if col >= 0 && rec[col] == "READY" {
			n++
		}
	}
}
