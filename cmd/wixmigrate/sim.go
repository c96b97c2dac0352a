package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/wixmigrate/wixmigrate/wixsim"
)

func init() {
	register(command{
		name:    "sim",
		summary: "run the Wix Media Manager simulator (a fake www.wixapis.com)",
		run:     runSim,
	})
}

// rangeFlag lets flag parse a wixsim.Range, so a bad value is reported with
// the flag's name.
type rangeFlag struct{ r *wixsim.Range }

func (f rangeFlag) String() string {
	if f.r == nil || *f.r == (wixsim.Range{}) {
		return ""
	}
	return f.r.String()
}

func (f rangeFlag) Set(s string) error {
	r, err := wixsim.ParseRange(s)
	if err != nil {
		return err
	}
	*f.r = r
	return nil
}

// runSim serves the simulator until ctx is cancelled (SIGINT/SIGTERM).
// The first line on stdout is "listening on http://ADDR", for scripts.
func runSim(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("sim", stderr)
	var opts wixsim.Options
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on (port 0 picks a free one)")
	fs.StringVar(&opts.APIKey, "api-key", "", "the only Authorization value accepted (empty: any)")
	fs.Func("site", "a site ID that exists, repeatable; calls naming another get 404 SITE_NOT_FOUND (default: every site ID exists)", func(id string) error {
		opts.Sites = append(opts.Sites, id)
		return nil
	})
	fs.IntVar(&opts.RateLimit, "rate-limit", 200, "requests per minute per site (0: off)")
	fs.IntVar(&opts.RateBurst, "rate-burst", 0, "requests the rate limiter lets through at once (0: a minute's budget, --rate-limit)")
	fs.DurationVar(&opts.DateGranularity, "date-granularity", 0, "truncate createdDate and updatedDate to this step, like 1s: files changed within one step tie, and a status change need not move updatedDate (0: milliseconds, and every status change moves updatedDate)")
	fs.Var(rangeFlag{&opts.ProcessingDelay}, "processing-delay", "time from bytes to READY/FAILED, like 200ms-2s or 500ms")
	fs.Var(rangeFlag{&opts.Latency}, "latency", "latency added to each API answer, like 20ms-100ms")
	fs.Var(rangeFlag{&opts.ListLag}, "list-lag", "delay before List Files and Search Files show a status change (Get File Descriptors show it at once), like 2s-5s")
	fs.Float64Var(&opts.ErrorRate, "error-rate", 0, "share of API calls answered 5xx without effect (0..1)")
	fs.Float64Var(&opts.CommitErrorRate, "commit-error-rate", 0, "share of imports that take effect but answer 5xx or drop the connection (0..1)")
	fs.Float64Var(&opts.StuckRate, "stuck-rate", 0, "share of files that stay PENDING forever (0..1)")
	fs.Int64Var(&opts.Seed, "seed", 0, "seed of the fault and delay generator")
	if code, ok := parseFlags(fs, args, stderr); !ok {
		return code
	}
	for name, v := range map[string]float64{"error-rate": opts.ErrorRate, "commit-error-rate": opts.CommitErrorRate, "stuck-rate": opts.StuckRate} {
		if v < 0 || v > 1 {
			fmt.Fprintf(stderr, "wixmigrate sim: --%s must be between 0 and 1, got %v\n", name, v)
			return exitUsage
		}
	}
	for name, v := range map[string]int{"rate-limit": opts.RateLimit, "rate-burst": opts.RateBurst} {
		if v < 0 {
			fmt.Fprintf(stderr, "wixmigrate sim: --%s must not be negative, got %d\n", name, v)
			return exitUsage
		}
	}
	if opts.DateGranularity < 0 {
		fmt.Fprintf(stderr, "wixmigrate sim: --date-granularity must not be negative, got %v\n", opts.DateGranularity)
		return exitUsage
	}

	log := slog.New(slog.NewTextHandler(stderr, nil))
	opts.Logger = log
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "wixmigrate sim: --addr %s: %v\n", *addr, err)
		return exitFatal
	}
	sim := wixsim.New(opts)
	defer sim.Close()
	srv := &http.Server{Handler: sim, ReadHeaderTimeout: 30 * time.Second}
	real := ln.Addr().String()
	fmt.Fprintf(stdout, "listening on http://%s\n", real)
	log.Info("simulator listening", "addr", real, "rate_limit", opts.RateLimit, "rate_burst", opts.RateBurst, "date_granularity", opts.DateGranularity,
		"processing_delay", opts.ProcessingDelay.String(), "latency", opts.Latency.String(), "list_lag", opts.ListLag.String(),
		"error_rate", opts.ErrorRate, "commit_error_rate", opts.CommitErrorRate,
		"stuck_rate", opts.StuckRate, "seed", opts.Seed)

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		log.Error("server stopped", "err", err)
		return exitFatal
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		srv.Close()
	}
	return exitOK
}
