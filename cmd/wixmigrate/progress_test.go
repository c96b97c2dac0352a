package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/wixmigrate/wixmigrate/internal/testenv"
	"github.com/wixmigrate/wixmigrate/migrate"
	"github.com/wixmigrate/wixmigrate/pipeline"
	"github.com/wixmigrate/wixmigrate/wix"
	"github.com/wixmigrate/wixmigrate/wixsim"
)

func TestProgressLine(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		r     reading
		width int
		want  string
	}{
		{"empty", reading{fraction: 0, text: "0/10 rows"}, 0, "[------------------------]   0% 0/10 rows"},
		{"half", reading{fraction: 0.5, text: "5/10 rows"}, 0, "[############------------]  50% 5/10 rows"},
		{"a bit less than a cell shows none", reading{fraction: 0.04, text: "x"}, 0, "[------------------------]   4% x"},
		{"full", reading{fraction: 1, text: "10/10 rows"}, 0, "[########################] 100% 10/10 rows"},
		{"more than full is full", reading{fraction: 1.7, text: "x"}, 0, "[########################] 100% x"},
		{"less than empty is empty", reading{fraction: -0.2, text: "x"}, 0, "[------------------------]   0% x"},
		{"not a number is empty", reading{fraction: math.NaN(), text: "x"}, 0, "[------------------------]   0% x"},
		{"cut to the terminal's width, less a column", reading{fraction: 0.5, text: "5/10 rows · ready 5"}, 40, "[############------------]  50% 5/10 r…"},
	}
	for _, tt := range tests {
		if got := progressLine(tt.r, tt.width); got != tt.want {
			t.Errorf("%s:\n got %q\nwant %q", tt.name, got, tt.want)
		}
		if tt.width > 0 && len([]rune(progressLine(tt.r, tt.width))) >= tt.width {
			t.Errorf("%s: the line fills the terminal's %d columns and would wrap", tt.name, tt.width)
		}
	}
}

// frames splits what a terminal display wrote into the lines it drew; a
// last empty frame is the line cleared at the end.
func frames(out string) []string {
	return strings.Split(out, "\r\033[K")[1:]
}

func TestProgressOnATerminal(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		n := 0
		p := startProgress(display{out: &out, terminal: true}, nil, 0, func() reading {
			n++
			return reading{fraction: float64(n) / 4, text: strconv.Itoa(n) + "/4 rows"}
		})
		time.Sleep(2*redrawEvery + redrawEvery/2)
		p.stop()
		p.stop() // a second stop is harmless
		got := frames(out.String())
		want := []string{
			"[######------------------]  25% 1/4 rows", // at once
			"[############------------]  50% 2/4 rows",
			"[##################------]  75% 3/4 rows",
			"", // cleared for what follows
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("frames:\n%q\nwant\n%q", got, want)
		}
	})
}

// TestLogLinesKeepClearOfTheProgressLine writes a log line while a
// progress line is drawn: it gets a line of its own, and the progress line
// comes back under it.
func TestLogLinesKeepClearOfTheProgressLine(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var screen bytes.Buffer
		live := &liveLine{w: &screen}
		log := slog.New(slog.NewTextHandler(live, &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		}}))
		p := startProgress(display{out: live, terminal: true}, nil, 0, func() reading { return reading{fraction: 0.5, text: "5/10 rows"} })
		time.Sleep(redrawEvery / 2)
		log.Warn("a warning")
		p.stop()
		bar := "[############------------]  50% 5/10 rows"
		want := clearLine + bar + clearLine + "level=WARN msg=\"a warning\"\n" + bar + clearLine
		if screen.String() != want {
			t.Errorf("screen:\n%q\nwant\n%q", screen.String(), want)
		}
	})
}

func TestProgressOffATerminal(t *testing.T) {
	t.Parallel()
	t.Run("a log line every interval", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			var out bytes.Buffer
			log := slog.New(slog.NewJSONHandler(&out, nil))
			p := startProgress(display{out: &out}, log, 0, func() reading {
				return reading{fraction: 0.5, text: "not for logs", attrs: []any{"done", 5, "total", 10}}
			})
			time.Sleep(2*logEvery + logEvery/2)
			p.stop()
			lines := strings.Split(strings.TrimSpace(out.String()), "\n")
			if len(lines) != 2 {
				t.Fatalf("%d log lines in 25 s, want 2:\n%s", len(lines), out.String())
			}
			for _, l := range lines {
				var rec map[string]any
				if err := json.Unmarshal([]byte(l), &rec); err != nil {
					t.Fatal(err)
				}
				if rec["msg"] != "progress" || rec["done"] != 5.0 || rec["total"] != 10.0 {
					t.Errorf("log line %s: want msg progress, done 5, total 10", l)
				}
			}
			if strings.Contains(out.String(), "\r") || strings.Contains(out.String(), "[#") {
				t.Errorf("a bar off a terminal:\n%q", out.String())
			}
		})
	})
	t.Run("nothing without a log", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			var out bytes.Buffer
			p := startProgress(display{out: &out}, nil, 0, func() reading { return reading{fraction: 0.5, text: "x"} })
			time.Sleep(time.Minute)
			p.stop()
			if out.Len() > 0 {
				t.Errorf("wrote %q", out.String())
			}
		})
	})
	t.Run("nothing with --quiet, even on a terminal", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			var out bytes.Buffer
			m := migration{quiet: true}
			p := m.startProgress(display{out: &out, terminal: true}, &migrate.Migration{}, slog.New(slog.NewTextHandler(&out, nil)))
			time.Sleep(time.Minute)
			p.stop()
			if out.Len() > 0 {
				t.Errorf("wrote %q", out.String())
			}
		})
	})
}

func TestMigrateReading(t *testing.T) {
	t.Parallel()
	p := migrate.Progress{Rows: 1000, Finished: 250, Imported: 400, Ready: 240, Failed: 10, Pending: 150, Calls: 12, Throttled: 1,
		Uploaded: 2_500_000, Elapsed: 30 * time.Second, Rate: 199.6, ETA: 65*time.Second + 300*time.Millisecond, HasETA: true}
	r := migrateReading(p)
	if r.fraction != 0.25 {
		t.Errorf("fraction %g, want 0.25", r.fraction)
	}
	wantText := "250/1000 rows · imported 400 · ready 240 · failed 10 · pending 150 · uploaded 2.5 MB · 12 API calls (1 throttled) · 200/min · ETA 1m5s"
	if r.text != wantText {
		t.Errorf("text\n %q\nwant\n %q", r.text, wantText)
	}
	fields := logFields(t, r.attrs)
	for k, v := range map[string]any{"done": 250.0, "total": 1000.0, "percent": 25.0, "eta_seconds": 65.0, "eta": "1m5s",
		"imported": 400.0, "ready": 240.0, "failed": 10.0, "pending": 150.0, "uploaded_bytes": 2.5e6, "api_calls": 12.0,
		"throttled": 1.0, "calls_per_min": 200.0, "elapsed_seconds": 30.0} {
		if fields[k] != v {
			t.Errorf("log field %s = %v, want %v", k, fields[k], v)
		}
	}

	p.HasETA, p.ETA = false, 0
	r = migrateReading(p)
	if !strings.HasSuffix(r.text, "ETA ?") {
		t.Errorf("no ETA known: text %q, want it to end with ETA ?", r.text)
	}
	if fields := logFields(t, r.attrs); fields["eta_seconds"] != nil || fields["eta"] != nil {
		t.Errorf("no ETA known, yet the log says eta_seconds %v, eta %v", fields["eta_seconds"], fields["eta"])
	}
}

// logFields is what a JSON log line of attrs holds.
func logFields(t *testing.T, attrs []any) map[string]any {
	t.Helper()
	var out bytes.Buffer
	slog.New(slog.NewJSONHandler(&out, nil)).Info("progress", attrs...)
	var rec map[string]any
	if err := json.Unmarshal(out.Bytes(), &rec); err != nil {
		t.Fatal(err)
	}
	return rec
}

// TestMigrateProgressTotalFromTheFirstLine runs a migration with a
// terminal display: every line shows the manifest's rows as the total,
// from the first, while the rows finished only grow (a run used to show
// "imported 600/1501", then "1500/2401": the total grew as the manifest
// was read).
func TestMigrateProgressTotalFromTheFirstLine(t *testing.T) {
	t.Parallel()
	// 20 of the rows Wix cannot fetch: they get their second chance (and
	// fail it) after the imports.
	const rows = 160
	var protected strings.Builder
	for i := range 20 {
		fmt.Fprintf(&protected, "{{origin}}/protected/%d.png,P-%d\n", i, i)
	}
	s := newSetup(t, wixsim.Options{ProcessingDelay: wixsim.Range{Min: 5 * time.Millisecond, Max: 50 * time.Millisecond}}, rows-20, protected.String())
	client := wix.NewClient(testenv.APIKey, testenv.SiteID)
	client.BaseURL = s.sim.URL
	mig, err := migrate.Open(migrate.Config{Manifest: s.manifest, Report: filepath.Join(s.dir, "r.csv"), Client: client,
		Settings: pipeline.Settings{BatchSize: 10, Concurrency: 1, Rate: pipeline.NoRateLimit, PollInterval: 5 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	p := startProgress(display{out: &out, terminal: true}, nil, time.Millisecond, func() reading { return migrateReading(mig.Progress()) })
	if _, err := mig.Run(context.Background()); !errors.Is(err, migrate.ErrIncomplete) {
		t.Fatalf("run: %v, want the protected rows FAILED", err)
	}
	p.stop()
	count := regexp.MustCompile(`\] +\d+% (\d+)/(\d+) rows`)
	drawn := frames(out.String())
	if len(drawn) < 5 {
		t.Fatalf("%d lines drawn, want a few to compare", len(drawn))
	}
	last := -1
	for i, f := range drawn[:len(drawn)-1] {
		m := count.FindStringSubmatch(f)
		if m == nil {
			t.Fatalf("line %d: %q shows no rows", i, f)
		}
		done, _ := strconv.Atoi(m[1])
		if m[2] != strconv.Itoa(rows) {
			t.Fatalf("line %d: %q: the total is %s, want the manifest's %d", i, f, m[2], rows)
		}
		if done < last {
			t.Errorf("line %d: %q: %d rows finished, after %d", i, f, done, last)
		}
		last = done
	}
	if got := mig.Progress(); got.Finished != rows || got.Fraction() != 1 {
		t.Errorf("after the run: %d of %d rows finished (%.0f%%)", got.Finished, got.Rows, got.Percent())
	}
}

func TestBytesReading(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		read, total int64
		elapsed     time.Duration
		fraction    float64
		text        string
	}{
		{"nothing read yet", 0, 2e9, 0, 0, "0 B of 2.00 GB read"},
		{"under way", 500e6, 2e9, 10 * time.Second, 0.25, "500.0 MB of 2.00 GB read · 50.0 MB/s · ETA 30s"},
		{"done", 2e9, 2e9, 40 * time.Second, 1, "2.00 GB of 2.00 GB read · 50.0 MB/s · ETA 0s"},
		{"a file grew while read", 2.1e9, 2e9, 42 * time.Second, 1.05, "2.10 GB of 2.00 GB read · 50.0 MB/s · ETA 0s"},
		{"nothing to read", 0, 0, time.Second, 1, "0 B of 0 B read"},
	}
	for _, tt := range tests {
		r := bytesReading(tt.read, tt.total, tt.elapsed)
		if r.fraction != tt.fraction || r.text != tt.text {
			t.Errorf("%s: %g %q, want %g %q", tt.name, r.fraction, r.text, tt.fraction, tt.text)
		}
	}
}

func TestBytesProgressOnlyForLargeInputs(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name     string
		total    int64
		terminal bool
		shown    bool
	}{
		{"large, on a terminal", 2e9, true, true},
		{"just over 50 MB", 50e6 + 2, true, true},
		{"50 MB", 50e6, true, false},
		{"large, off a terminal", 2e9, false, false},
	} {
		synctest.Test(t, func(t *testing.T) {
			var out bytes.Buffer
			p, onRead := startBytesProgress(display{out: &out, terminal: tt.terminal})
			if !tt.terminal {
				if onRead != nil {
					t.Errorf("%s: a callback off a terminal (the library would add up the total for nothing)", tt.name)
				}
				p.stop()
				return
			}
			time.Sleep(time.Second) // nothing read yet: nothing shown
			onRead(tt.total/2, tt.total)
			time.Sleep(time.Second)
			p.stop()
			drawn := frames(out.String())
			switch {
			case !tt.shown && out.Len() > 0:
				t.Errorf("%s: wrote %q", tt.name, out.String())
			case tt.shown && (len(drawn) < 2 || !strings.HasPrefix(drawn[0], "[############------------]  50% ")):
				t.Errorf("%s: drew %q, want a half-full bar", tt.name, drawn)
			}
		})
	}
}
