package main

import (
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/term"

	"github.com/wixmigrate/wixmigrate/migrate"
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

// display is where a command shows its progress: out (stderr), whether
// it is a terminal, and how wide (0: unknown).
type display struct {
	out      io.Writer
	terminal bool
	width    int
}

// displayOf describes w: a terminal when it is one (and how wide), or not.
// A terminal's out is a liveLine: log lines written to it keep clear of
// the progress line.
func displayOf(w io.Writer) display {
	d := display{out: w}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		d.terminal = true
		d.out = &liveLine{w: w}
		if width, _, err := term.GetSize(int(f.Fd())); err == nil {
			d.width = width
		}
	}
	return d
}

// liveLine is a terminal shared by a progress line, redrawn in place, and
// whatever else writes there (log lines): a write clears the progress line
// first and draws it again after, so the two never mix on one line.
type liveLine struct {
	mu   sync.Mutex
	w    io.Writer
	line string // the progress line drawn now
}

// clearLine returns to the start of the line and clears it.
const clearLine = "\r\033[K"

func (l *liveLine) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.line == "" {
		return l.w.Write(p)
	}
	io.WriteString(l.w, clearLine)
	n, err := l.w.Write(p)
	io.WriteString(l.w, l.line)
	return n, err
}

// drawn says whether a progress line is drawn.
func (l *liveLine) drawn() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.line != ""
}

// draw replaces the progress line with line ("" clears it).
func (l *liveLine) draw(line string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	io.WriteString(l.w, clearLine+line)
	l.line = line
}

// reading is what a progress display shows at one moment: a bar filled to
// fraction (0..1), then text; off a terminal, a log line with attrs.
type reading struct {
	fraction float64
	text     string
	attrs    []any
	hidden   bool // nothing to show (yet)
}

// Redraw and log intervals of a progress display.
const (
	redrawEvery = 250 * time.Millisecond
	logEvery    = 10 * time.Second
)

// progress shows a task's progress while it runs, one renderer for every
// command: on a terminal, a bar and a line of figures redrawn in place;
// off a terminal, a log line every logEvery when there is a log (nothing
// when there is not).
type progress struct {
	done    chan struct{}
	stopped chan struct{}
}

// startProgress reads the task every interval (redrawEvery on a terminal,
// logEvery off it, when every is 0) until stop. log nil shows nothing off
// a terminal.
func startProgress(d display, log *slog.Logger, every time.Duration, read func() reading) *progress {
	p := &progress{done: make(chan struct{}), stopped: make(chan struct{})}
	if !d.terminal && log == nil {
		close(p.stopped)
		return p
	}
	if every == 0 {
		every = logEvery
		if d.terminal {
			every = redrawEvery
		}
	}
	live, ok := d.out.(*liveLine)
	if !ok {
		live = &liveLine{w: d.out}
	}
	go func() {
		defer close(p.stopped)
		tick := time.NewTicker(every)
		defer tick.Stop()
		show := func() {
			r := read()
			switch {
			case r.hidden:
			case d.terminal:
				live.draw(progressLine(r, d.width))
			default:
				log.Info("progress", r.attrs...)
			}
		}
		if d.terminal {
			show() // at once: the total is known from the start
		}
		for {
			select {
			case <-tick.C:
				show()
			case <-p.done:
				if live.drawn() {
					live.draw("")
				}
				return
			}
		}
	}()
	return p
}

// stop ends the display, clearing its line on a terminal. It may be called
// more than once.
func (p *progress) stop() {
	select {
	case <-p.done:
	default:
		close(p.done)
	}
	<-p.stopped
}

// barWidth is the bar's inside, in cells.
const barWidth = 24

// progressLine is a terminal's progress line: the bar, the percentage and
// the text, cut to fit width columns (0: no limit) so that it never wraps
// and the next redraw replaces it whole.
func progressLine(r reading, width int) string {
	f := r.fraction
	if !(f >= 0) { // NaN too
		f = 0
	}
	f = min(f, 1)
	filled := int(f * barWidth)
	line := fmt.Sprintf("[%s%s] %3d%% %s", strings.Repeat("#", filled), strings.Repeat("-", barWidth-filled), int(f*100), r.text)
	if width > 0 {
		line = truncate(line, width-1) // the last column would wrap on some terminals
	}
	return line
}

// migrateReading shows a migration's Progress: rows finished of the
// manifest's, what became of them, the calls, the rate and the ETA.
func migrateReading(p migrate.Progress) reading {
	up := ""
	if p.Uploaded > 0 {
		up = " · uploaded " + byteSize(p.Uploaded)
	}
	eta := "?"
	if p.HasETA {
		eta = p.ETA.Round(time.Second).String()
	}
	text := fmt.Sprintf("%d/%d rows · imported %d · ready %d · failed %d · pending %d%s · %d API calls (%d throttled) · %.0f/min · ETA %s",
		p.Finished, p.Rows, p.Imported, p.Ready, p.Failed, p.Pending, up, p.Calls, p.Throttled, p.Rate, eta)
	attrs := []any{"done", p.Finished, "total", p.Rows, "percent", math.Round(p.Percent()*10) / 10,
		"imported", p.Imported, "ready", p.Ready, "failed", p.Failed, "pending", p.Pending,
		"uploaded_bytes", p.Uploaded, "api_calls", p.Calls, "throttled", p.Throttled,
		"calls_per_min", math.Round(p.Rate), "elapsed_seconds", math.Round(p.Elapsed.Seconds())}
	if p.HasETA {
		attrs = append(attrs, "eta_seconds", math.Round(p.ETA.Seconds()), "eta", eta)
	}
	return reading{fraction: p.Fraction(), text: text, attrs: attrs}
}

// largeInput is the input size above which scan and rewrite show their
// progress: smaller inputs take a few seconds at most.
const largeInput = 50e6

// bytesMeter holds what a reading command's Progress callback said last:
// the bytes read, of the total to read.
type bytesMeter struct{ read, total atomic.Int64 }

func (b *bytesMeter) update(read, total int64) {
	b.read.Store(read)
	b.total.Store(total)
}

// startBytesProgress shows the bytes a command has read of its total, with
// a bar, on a terminal and once the total is over largeInput; nothing
// otherwise. It returns the callback to give the library (nil off a
// terminal: the library then does not add up the total).
func startBytesProgress(d display) (*progress, func(read, total int64)) {
	if !d.terminal {
		return startProgress(d, nil, 0, nil), nil
	}
	var m bytesMeter
	start := time.Now()
	p := startProgress(d, nil, 0, func() reading {
		total := m.total.Load()
		if total <= largeInput {
			return reading{hidden: true}
		}
		return bytesReading(m.read.Load(), total, time.Since(start))
	})
	return p, m.update
}

// bytesReading shows bytes read of total after elapsed: the share, the
// speed, and the time left at that speed.
func bytesReading(read, total int64, elapsed time.Duration) reading {
	r := reading{fraction: 1, text: fmt.Sprintf("%s of %s read", byteSize(read), byteSize(total))}
	if total > 0 {
		r.fraction = float64(read) / float64(total)
	}
	if read > 0 && elapsed > 0 {
		perSec := float64(read) / elapsed.Seconds()
		left := time.Duration(float64(max(total-read, 0)) / perSec * float64(time.Second))
		r.text += fmt.Sprintf(" · %s/s · ETA %s", byteSize(int64(perSec)), left.Round(time.Second))
	}
	return r
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
	fmt.Fprintf(w, "\n%d rows: %d READY, %d FAILED, %d PENDING", sum.Rows,
		sum.ByStatus["READY"], sum.ByStatus["FAILED"], sum.ByStatus["PENDING"])
	if n := sum.ByStatus["UNDONE"]; n > 0 {
		fmt.Fprintf(w, ", %d UNDONE", n)
	}
	fmt.Fprintln(w)
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
