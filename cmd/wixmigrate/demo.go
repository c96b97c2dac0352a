package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/wixmigrate/wixmigrate/content/rewrite"
	"github.com/wixmigrate/wixmigrate/migrate"
	"github.com/wixmigrate/wixmigrate/pipeline"
	"github.com/wixmigrate/wixmigrate/view"
	"github.com/wixmigrate/wixmigrate/wix"
	"github.com/wixmigrate/wixmigrate/wixsim"
)

func init() {
	register(command{name: "demo", summary: "migrate the sample manifest into the embedded simulator, offline", run: runDemo})
}

// The demo's stand-in credentials: the simulator checks them like Wix would.
const (
	demoAPIKey = "demo-api-key"
	demoSiteID = "demo-site"
)

func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("demo", stderr)
	samples := fs.String("samples", "samples", "the folder holding manifest.csv and the sample media")
	out := fs.String("out", "wixmigrate-demo", "where to write the demo's manifest and report")
	quiet := fs.Bool("quiet", false, "no progress display")
	serve := fs.Bool("serve", false, "keep the simulator and the origin up after the run, until Ctrl-C, so the report page's images load")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: wixmigrate demo [flags]\n\nStarts the Media Manager simulator and a local origin serving the samples\n(one path refuses foreign fetchers, as hotlink protection does), migrates\nthe sample manifest, and prints the summary and where the report is.\n\nflags:")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args, stderr); !ok {
		return code
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "demo: %v\n", err)
		return exitFatal
	}
	samplesDir, err := filepath.Abs(*samples)
	if err != nil {
		return fail(err)
	}
	template, err := os.ReadFile(filepath.Join(samplesDir, "manifest.csv"))
	if err != nil {
		return fail(fmt.Errorf("%w (run the demo from the repository's root, or pass --samples)", err))
	}

	origin, err := startOrigin(samplesDir)
	if err != nil {
		return fail(err)
	}
	defer origin.Close()
	sim := wixsim.NewServer(wixsim.Options{
		APIKey:          demoAPIKey,
		RateLimit:       wix.RateLimit,
		ProcessingDelay: wixsim.Range{Min: 100 * time.Millisecond, Max: 800 * time.Millisecond},
		Logger:          slog.New(slog.DiscardHandler),
	})
	defer sim.Close()

	if err := os.MkdirAll(*out, 0o755); err != nil {
		return fail(err)
	}
	manifestPath := filepath.Join(*out, "manifest.csv")
	text := strings.ReplaceAll(string(template), "{{origin}}", origin.URL)
	if err := os.WriteFile(manifestPath, []byte(text), 0o644); err != nil {
		return fail(err)
	}
	reportPath := filepath.Join(*out, "manifest.report.csv")
	// Each demo starts a fresh simulator, so an old report's file IDs mean
	// nothing to it: start the report afresh too.
	for _, p := range []string{reportPath, reportPath + ".journal"} {
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fail(err)
		}
	}
	fmt.Fprintf(stdout, "simulator: %s\norigin:    %s (serving %s; /protected/ refuses the simulator's fetcher)\nmanifest:  %s\n",
		sim.URL, origin.URL, samplesDir, manifestPath)

	// The demo's own settings: a short poll interval and pending timeout
	// suit the simulator's short processing; the rest are migrate's defaults.
	m := migration{
		cfg: migrate.Config{
			Manifest: manifestPath,
			Report:   reportPath,
			BaseDir:  samplesDir, // local sources are relative to the samples
			Settings: pipeline.Settings{
				BatchSize: pipeline.DefaultBatchSize, Concurrency: pipeline.DefaultConcurrency, Poll: pipeline.DefaultPoll,
				PollInterval: 250 * time.Millisecond, PendingTimeout: time.Minute, MaxAttempts: pipeline.DefaultMaxAttempts,
				FolderID: pipeline.DefaultFolderID, UploadConcurrency: pipeline.DefaultUploadConcurrency,
			},
		},
		siteID:         demoSiteID,
		apiKey:         demoAPIKey,
		apiBase:        sim.URL,
		rate:           pipeline.DefaultRate,
		fallbackUpload: true,
		logFormat:      "text",
		wait:           true,
		quiet:          *quiet,
		viewMediaBase:  sim.URL, // the page's thumbnails come from the simulator
	}
	code := m.run(ctx, stdout, stderr)
	if code == exitOK || code == exitIncomplete {
		printReportPreview(stdout, reportPath, 8)
		if err := demoRewrite(ctx, stdout, samplesDir, *out, origin.URL, reportPath); err != nil {
			return fail(err)
		}
	}
	if code == exitIncomplete {
		// The samples fail some rows on purpose; that is the demo working.
		fmt.Fprintln(stdout, "\nSome rows failed on purpose: the samples include a missing source, an HTML page posing as an image and two invalid rows.\nThe hotlink-protected source was refused to Wix's fetcher and arrived by fallback upload (method column).")
		code = exitOK
	}
	if code == exitOK {
		page := view.DefaultPath(reportPath)
		if !*serve {
			fmt.Fprintf(stdout, "\nThe page %s loads its images from this demo's simulator and origin, gone when it ends: run the demo with --serve to look at it.\n", page)
			return code
		}
		fmt.Fprintf(stdout, "\nServing the page's images; open %s in a browser. Ctrl-C ends the demo.\n", page)
		<-ctx.Done()
	}
	return code
}

// printReportPreview shows a few rows of a report the way content scripts
// use it — source URL to Wix URL, or why not — one row of each kind of
// outcome (status, method, reason), in report order.
func printReportPreview(w io.Writer, path string, n int) {
	f, err := os.Open(path)
	if err != nil {
		return
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil || len(recs) < 2 {
		return
	}
	col := map[string]int{}
	header := recs[0]
	for i, name := range header {
		col[name] = i // the report's own columns are last, so they win
	}
	fmt.Fprintf(w, "\none row of each kind from the report (%s):\n", path)
	kinds := map[string]bool{}
	for _, r := range recs[1:] {
		kind := r[col["status"]] + r[col["method"]] + r[col["failure_reason"]]
		if kinds[kind] || len(kinds) == n {
			continue
		}
		kinds[kind] = true
		result := r[col["wix_url"]]
		if r[col["status"]] != "READY" {
			result = r[col["failure_reason"]]
		}
		fmt.Fprintf(w, "  %-7s %-16s %s\n          -> %s\n", r[col["status"]], r[col["method"]], truncate(r[0], 90), truncate(result, 110))
	}
}

// demoRewrite is the loop's last step on the sample content export
// (samples/content: a blog post with a srcset and a WordPress size
// variant, a product CSV, a JSON file): it instantiates the export for
// this run's origin under out/content ({{origin}} is the origin's URL,
// {{host}} its host and port), rewrites it with the report into
// out/content-rewritten, and prints rewrite's table.
func demoRewrite(ctx context.Context, stdout io.Writer, samplesDir, out, originURL, reportPath string) error {
	exported := filepath.Join(out, "content")
	rewritten := filepath.Join(out, "content-rewritten")
	for _, dir := range []string{exported, rewritten} {
		if err := os.RemoveAll(dir); err != nil {
			return err
		}
	}
	host := strings.TrimPrefix(originURL, "http://")
	src := filepath.Join(samplesDir, "content")
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		text, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		text = bytes.ReplaceAll(bytes.ReplaceAll(text, []byte("{{origin}}"), []byte(originURL)), []byte("{{host}}"), []byte(host))
		dst := filepath.Join(exported, rel)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		return os.WriteFile(dst, text, 0o644)
	})
	if err != nil {
		return fmt.Errorf("%w (the sample content export is samples/content)", err)
	}
	base, err := url.Parse(originURL + "/")
	if err != nil {
		return err
	}
	cfg := rewrite.Config{Reports: []string{reportPath}, Out: rewritten, BaseURL: base,
		Unmapped: filepath.Join(out, "unmapped.csv"), Paths: []string{exported}}
	fmt.Fprintf(stdout, "\nrewrite: the old site's content export (%s) pointed at the migrated media:\n", exported)
	fmt.Fprintf(stdout, "  wixmigrate rewrite --report %s --base-url %s --out %s --unmapped %s %s\n\n",
		reportPath, base, rewritten, cfg.Unmapped, exported)
	res, err := rewrite.Run(ctx, cfg)
	if err != nil {
		return err
	}
	printRewrite(stdout, res, cfg, false)
	return nil
}
