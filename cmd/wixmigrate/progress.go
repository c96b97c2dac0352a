package main

import (
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/wixmigrate/wixmigrate/pipeline"
	"github.com/wixmigrate/wixmigrate/report"
)

// newHTTPClient is the transport for API calls: a per-call timeout so a hung
// connection becomes a transient error, and enough idle connections for the
// import concurrency.
func newHTTPClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 32
	t.DialContext = (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	return &http.Client{Transport: t, Timeout: 2 * time.Minute}
}

// progress shows a run's counters: a redrawn line on a terminal, a log line
// every 10 seconds otherwise.
type progress struct {
	done    chan struct{}
	stopped chan struct{}
}

func startProgress(stderr io.Writer, stats *pipeline.Stats, log *slog.Logger, quiet bool) *progress {
	p := &progress{done: make(chan struct{}), stopped: make(chan struct{})}
	if quiet {
		close(p.stopped)
		return p
	}
	live := false
	if f, ok := stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		live = true
	}
	start := time.Now()
	go func() {
		defer close(p.stopped)
		every := 10 * time.Second
		if live {
			every = 250 * time.Millisecond
		}
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-tick.C:
			case <-p.done:
				if live {
					fmt.Fprint(stderr, "\r\033[K")
				}
				return
			}
			s := snapshot(stats, time.Since(start))
			if live {
				fmt.Fprintf(stderr, "\r\033[K%s", s.line())
			} else {
				log.Info("progress", "planned", s.planned, "imported", s.imported, "ready", s.ready,
					"failed", s.failed, "pending", s.pending, "uploaded_bytes", s.uploaded, "api_calls", s.calls, "throttled", s.throttles,
					"calls_per_min", fmt.Sprintf("%.0f", s.rate), "eta", s.eta)
			}
		}
	}()
	return p
}

func (p *progress) stop() {
	select {
	case <-p.done:
	default:
		close(p.done)
	}
	<-p.stopped
}

type progressSnapshot struct {
	planned, imported, ready, failed, pending, calls, throttles, uploaded int64
	rate                                                                  float64
	eta                                                                   string
}

func snapshot(s *pipeline.Stats, elapsed time.Duration) progressSnapshot {
	p := progressSnapshot{
		planned: s.Planned.Load(), imported: s.Imported.Load(), ready: s.Ready.Load(),
		failed: s.Failed.Load(), pending: s.Pending.Load(), calls: s.TotalCalls(), throttles: s.Throttles.Load(),
		uploaded: s.Uploaded.Load(),
	}
	mins := elapsed.Minutes()
	if mins > 0 {
		p.rate = float64(p.calls) / mins
	}
	p.eta = "?"
	done := p.ready + p.failed
	if done > 0 && p.planned > done {
		left := time.Duration(float64(elapsed) / float64(done) * float64(p.planned+p.pending-done))
		p.eta = left.Round(time.Second).String()
	}
	return p
}

func (p progressSnapshot) line() string {
	up := ""
	if p.uploaded > 0 {
		up = " · uploaded " + byteSize(p.uploaded)
	}
	return fmt.Sprintf("imported %d/%d · ready %d · failed %d · pending %d%s · %d API calls (%d throttled) · %.0f/min · ETA %s",
		p.imported, p.planned, p.ready, p.failed, p.pending, up, p.calls, p.throttles, p.rate, p.eta)
}

// byteSize writes a byte count for people.
func byteSize(n int64) string {
	switch {
	case n < 1e3:
		return fmt.Sprintf("%d B", n)
	case n < 1e6:
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	case n < 1e9:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	}
	return fmt.Sprintf("%.2f GB", float64(n)/1e9)
}

// printSummary is the end-of-run account: rows by status, the commonest
// failure reasons, API calls by endpoint, wall time, and where the report is.
func printSummary(w io.Writer, sum *report.Summary, stats *pipeline.Stats, wall time.Duration, reportPath string) {
	fmt.Fprintf(w, "\n%d rows: %d READY, %d FAILED, %d PENDING\n", sum.Rows,
		sum.ByStatus["READY"], sum.ByStatus["FAILED"], sum.ByStatus["PENDING"])
	if top := sum.TopReasons(5); len(top) > 0 {
		fmt.Fprintln(w, "\nwhy rows are not READY:")
		for _, r := range top {
			fmt.Fprintf(w, "  %6d  %s\n", r.Count, truncate(r.Reason, 160))
		}
	}
	calls := stats.Calls()
	fmt.Fprintf(w, "\n%d API calls", stats.TotalCalls())
	if len(calls) > 0 {
		parts := make([]string, len(calls))
		for i, c := range calls {
			parts[i] = fmt.Sprintf("%s %d", c.Endpoint, c.Calls)
		}
		fmt.Fprintf(w, " (%s)", strings.Join(parts, ", "))
	}
	if n := stats.Throttles.Load(); n > 0 {
		fmt.Fprintf(w, ", %d throttled", n)
	}
	if n := stats.Uploads.Load(); n > 0 {
		fmt.Fprintf(w, "; %d uploads (%s)", n, byteSize(stats.Uploaded.Load()))
	}
	fmt.Fprintf(w, "; wall time %s\nreport: %s\n", wall.Round(10*time.Millisecond), reportPath)
}

func truncate(s string, n int) string {
	if len([]rune(s)) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}
