package migrate_test

// BenchmarkETA measures how far the live ETA (Progress.ETA) is from the
// time the run really took to end, when a quarter, half and three
// quarters of the rows are finished, and of the run's time has passed.
// The tool and the simulator both run at Wix's 200 calls/minute, with the
// issue's processing delay (200ms-2s), in real time: the poller's own
// pauses do not scale, so a sped-up run would not be the same run.
//
//	go test -run '^$' -bench ETA -benchtime=1x ./migrate/
//
// is the CI size (2,000 rows, about 13 s), and
//
//	WIXMIGRATE_BENCH_REAL_RATE=1 go test -run '^$' -bench ETA -benchtime=1x -timeout 10m ./migrate/
//
// the issue's: 10,000 rows, about 60 s. WIXMIGRATE_BENCH_ROWS sets the
// size.

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wixmigrate/wixmigrate/internal/testenv"
	"github.com/wixmigrate/wixmigrate/migrate"
	"github.com/wixmigrate/wixmigrate/pipeline"
	"github.com/wixmigrate/wixmigrate/wixsim"
)

const wixRate = 200 // calls per minute per site

// etaCheckpoints are the shares of rows finished at which the ETA is taken.
var etaCheckpoints = []float64{0.25, 0.50, 0.75}

func BenchmarkETA(b *testing.B) {
	rows := 2000
	if os.Getenv("WIXMIGRATE_BENCH_REAL_RATE") == "1" {
		rows = 10000
	}
	if n, err := strconv.Atoi(os.Getenv("WIXMIGRATE_BENCH_ROWS")); err == nil && n > 0 {
		rows = n
	}
	b.Run(fmt.Sprintf("rows=%d", rows), func(b *testing.B) {
		var r etaResult
		for range b.N {
			r = etaRun(b, rows)
		}
		for i, c := range etaCheckpoints {
			b.ReportMetric(r.byRows[i], fmt.Sprintf("eta-err-%d%%-rows-%%", int(c*100)))
		}
		for i, c := range etaCheckpoints {
			b.ReportMetric(r.byTime[i], fmt.Sprintf("eta-err-%d%%-time-%%", int(c*100)))
		}
		b.ReportMetric(r.wall.Seconds(), "wall-s")
		b.ReportMetric(0, "ns/op")
	})
}

// etaSample is the progress shown at one moment.
type etaSample struct {
	at       time.Time
	fraction float64
	eta      time.Duration
}

// etaResult is the ETA's error at each checkpoint, in percent of the time
// the run really had left then (positive: the ETA said later): byRows when
// a checkpoint's share of the rows was finished, byTime when that share of
// the run's time had passed.
type etaResult struct {
	byRows, byTime []float64
	wall           time.Duration
}

// etaRun migrates rows at Wix's rate, reading the progress as a display
// does.
func etaRun(b *testing.B, rows int) etaResult {
	sim := testenv.NewSim(b, wixsim.Options{RateLimit: wixRate,
		ProcessingDelay: wixsim.Range{Min: 200 * time.Millisecond, Max: 2 * time.Second}})
	sim.Client.HTTPClient = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	origin := testenv.Origin(b, nil)
	var text strings.Builder
	text.WriteString("source_url,sku\n")
	for i := range rows {
		fmt.Fprintf(&text, "{{origin}}/img/%d.png,SKU-%d\n", i, i)
	}
	path := filepath.Join(b.TempDir(), "m.csv")
	testenv.WriteManifest(b, path, origin.URL, text.String())
	m, err := migrate.Open(migrate.Config{Manifest: path, Client: sim.Client, Settings: pipeline.Settings{
		Rate: wixRate, PendingTimeout: 3 * time.Minute}})
	if err != nil {
		b.Fatal(err)
	}
	var samples []etaSample
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			p := m.Progress()
			if p.Rows != int64(rows) {
				b.Errorf("the total shown is %d rows, the manifest has %d", p.Rows, rows)
			}
			if p.Elapsed == 0 {
				continue // not started
			}
			if !p.HasETA {
				b.Errorf("no ETA at %.0f%%", 100*p.Fraction())
			}
			samples = append(samples, etaSample{time.Now(), p.Fraction(), p.ETA})
		}
	})
	start := time.Now()
	_, err = m.Run(context.Background())
	end := time.Now()
	close(stop)
	wg.Wait()
	if err != nil {
		b.Fatal(err)
	}
	r := etaResult{wall: end.Sub(start)}
	errorAt := func(what string, c float64, found func(s etaSample) bool) float64 {
		i := slices.IndexFunc(samples, found)
		if i < 0 {
			b.Fatalf("no progress read at %.0f%% of the %s", 100*c, what)
		}
		s := samples[i]
		left := end.Sub(s.at)
		e := 100 * (s.eta - left).Seconds() / left.Seconds()
		b.Logf("at %.0f%% of the %s (%s into the run, %.0f%% of the rows): ETA %s, %s left in fact: %+.1f%%",
			100*c, what, s.at.Sub(start).Round(time.Millisecond), 100*s.fraction, s.eta.Round(time.Millisecond), left.Round(time.Millisecond), e)
		return e
	}
	for _, c := range etaCheckpoints {
		r.byRows = append(r.byRows, errorAt("rows", c, func(s etaSample) bool { return s.fraction >= c }))
	}
	for _, c := range etaCheckpoints {
		at := start.Add(time.Duration(c * float64(r.wall)))
		r.byTime = append(r.byTime, errorAt("time", c, func(s etaSample) bool { return !s.at.Before(at) }))
	}
	return r
}
