package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/wixmigrate/wixmigrate/content/rewrite"
)

func init() {
	register(command{name: "rewrite", summary: "point the old site's content at the migrated media: apply reports to HTML, WXR, CSV, JSON, SQL...", run: runRewrite})
}

// maxUnmappedListed bounds the unmapped URLs printed; --unmapped has all.
const maxUnmappedListed = 20

func runRewrite(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var (
		cfg          rewrite.Config
		reports      listFlag
		hosts        listFlag
		baseURL      string
		showAllFiles bool
		to           string
	)
	fs := newFlagSet("rewrite", stderr)
	fs.Var(&reports, "report", "a report written by migrate (repeatable; a later report wins a conflict)")
	fs.StringVar(&cfg.Out, "out", "", "write the rewritten files under this folder, keeping their paths (unchanged files are copied too)")
	fs.BoolVar(&cfg.InPlace, "in-place", false, "replace each changed file where it is (atomically, mode kept)")
	fs.BoolVar(&cfg.DryRun, "dry-run", false, "write nothing; print what would change")
	fs.StringVar(&baseURL, "base-url", "", "the old site's address, to resolve relative URLs where a URL is expected (an HTML file's <base href> wins)")
	fs.Var(&hosts, "host", "a host of the old site (repeatable; *.example.com for a domain and its subdomains; any port); default: the hosts of the reports' source URLs and of --base-url")
	fs.StringVar(&cfg.Unmapped, "unmapped", "", "write the old-host media URLs no READY row maps to this manifest, ready for the next migrate")
	fs.BoolVar(&showAllFiles, "all-files", false, "list every file in the table, also those with no old-host URL")
	fs.StringVar(&to, "to", rewrite.TargetWixURL.String(), "what old URLs become: wix-url (the file's address, for pages) or wix-uri (its Wix media URI, for JSON or CSV sent to Wix's APIs)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, `usage: wixmigrate rewrite --report R.csv [--report R2.csv ...] (--out DIR | --in-place)
                          [--dry-run] [--base-url URL] [--host HOST ...] [--unmapped PATH]
                          [--to wix-url|wix-uri] PATH ...

Replaces every old media URL in the site's content exports (files, or folders
walked recursively: HTML, XML/WXR/RSS/sitemaps, Markdown (front matter too),
JSON/JSON Lines (Ghost's __GHOST_URL__ is --base-url), CSV/TSV, CSS, SQL
dumps, text) with its Wix URL from the reports' READY rows.
WordPress size variants (photo-300x200.jpg) become the Wix image scaled to
fill that size. With --to wix-uri, every URL becomes the file's wix_uri
(wix:image://v1/...), the form Wix's APIs take; a report without that
column for a READY row stops the run before anything is written (run
migrate again on it first). Every other byte is kept; rewriting again
changes nothing.
Exit status: 0 every old-host media URL was mapped; 3 some were not (listed;
see --unmapped), a file was skipped, or relative media URLs were left alone
for want of --base-url; 1 a report or output could not be read or written;
2 bad flags.

flags:`)
		fs.PrintDefaults()
	}
	paths, code, ok := parseScanArgs(fs, args)
	if !ok {
		return code
	}
	var problem string
	if cfg.BaseURL, problem = parseSiteFlags(baseURL, hosts); problem != "" {
		return usageError(stderr, "rewrite", "%s", problem)
	}
	var err error
	if cfg.To, err = rewrite.ParseTarget(to); err != nil {
		return usageError(stderr, "rewrite", "--to: %v", err)
	}
	cfg.Reports, cfg.Hosts, cfg.Paths = reports, hosts, paths
	if cfg.DryRun {
		cfg.OnChange = func(c rewrite.Change) {
			fmt.Fprintf(stdout, "%s:%d  %s  %s\n    -> %s\n", c.Path, c.Line, c.Kind, c.Old, c.New)
		}
	}

	screen := displayOf(stderr)
	if cfg.OnChange != nil && displayOf(stdout).terminal {
		screen.terminal = false // the changes listed are the progress
	}
	progress, onRead := startBytesProgress(screen)
	cfg.Progress = onRead
	res, err := rewrite.Run(ctx, cfg)
	progress.stop()
	if msg := rewriteUsage(err); msg != "" {
		return usageError(stderr, "rewrite", "%s (see wixmigrate rewrite -h)", msg)
	}
	switch {
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(stderr, "rewrite: interrupted")
		whatWasWritten(stderr, res, cfg)
		return exitInterrupted
	case err != nil:
		fmt.Fprintf(stderr, "rewrite: %v\n", err)
		whatWasWritten(stderr, res, cfg)
		return exitFatal
	}
	printRewrite(stdout, res, cfg, showAllFiles)
	if res.Totals[rewrite.MatchUnmapped] > 0 || res.Skipped > 0 || res.Unresolved > 0 {
		return exitIncomplete
	}
	return exitOK
}

// whatWasWritten says, after a run that stopped, what it left behind.
func whatWasWritten(w io.Writer, res *rewrite.Result, cfg rewrite.Config) {
	switch {
	case cfg.DryRun:
	case cfg.InPlace && (res == nil || res.FilesReplaced == 0):
		fmt.Fprintln(w, "rewrite: no input file was replaced")
	case cfg.InPlace:
		fmt.Fprintf(w, "rewrite: %d files were replaced before the error; the others are as they were\n", res.FilesReplaced)
	case res != nil && len(res.Files) > 0:
		fmt.Fprintf(w, "rewrite: %s is incomplete; the inputs are as they were\n", cfg.Out)
	}
}

// printRewrite writes the per-file table, the totals by kind and the
// unmapped URLs.
func printRewrite(w io.Writer, res *rewrite.Result, cfg rewrite.Config, all bool) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "file\tformat\t")
	for _, k := range rewrite.MatchKinds {
		fmt.Fprintf(tw, "%s\t", k)
	}
	fmt.Fprintln(tw, "")
	for _, f := range res.Files {
		n := 0
		for _, c := range f.Counts {
			n += c
		}
		if n == 0 && f.Skipped == "" && len(f.Warnings) == 0 && !all {
			continue
		}
		format := f.Format.String()
		if f.Binary {
			format = "binary"
		}
		fmt.Fprintf(tw, "%s\t%s\t", f.Path, format)
		for _, k := range rewrite.MatchKinds {
			fmt.Fprintf(tw, "%d\t", f.Counts[k])
		}
		fmt.Fprintln(tw, "")
	}
	fmt.Fprint(tw, "total\t\t")
	for _, k := range rewrite.MatchKinds {
		fmt.Fprintf(tw, "%d\t", res.Totals[k])
	}
	fmt.Fprintln(tw, "")
	tw.Flush()

	for _, f := range res.Files {
		if f.Skipped != "" && !f.Binary {
			fmt.Fprintf(w, "skipped %s: %s\n", f.Path, f.Skipped)
		}
		for _, warn := range f.Warnings {
			fmt.Fprintf(w, "warning %s: %s\n", f.Path, warn)
		}
		if f.Unresolved > 0 {
			fmt.Fprintf(w, "relative %s: %d media URLs left alone, first %s\n", f.Path, f.Unresolved, f.FirstUnresolved)
		}
	}
	if res.Unresolved > 0 {
		fmt.Fprintf(w, "%d relative media URLs were left alone: pass --base-url (the old site's address) to resolve them\n", res.Unresolved)
	}
	verb := "changed"
	switch {
	case cfg.DryRun:
		verb = "would change (dry run: nothing written)"
	case cfg.Out != "":
		verb = "changed, written under " + cfg.Out
	}
	fmt.Fprintf(w, "\n%d files read (%s), %d %s; %d report rows, %d READY mapped; old hosts: %v\n",
		len(res.Files), byteSize(res.Bytes), res.FilesChanged, verb, res.Rows, res.Ready, res.Hosts)
	if res.Conflicts > 0 {
		fmt.Fprintf(w, "%d URLs were mapped to different files by two report rows; the later row (or the later --report) won\n", res.Conflicts)
	}
	if res.NoURIForm > 0 {
		fmt.Fprintf(w, "%d READY rows are files Wix has no media URI for (archives, 3D models): their URLs became their wix_url\n", res.NoURIForm)
	}
	if n := len(res.Unmapped); n > 0 {
		fmt.Fprintf(w, "\n%d old-host media URLs are not mapped by a READY row:\n", n)
		for i, u := range res.Unmapped {
			if i == maxUnmappedListed {
				fmt.Fprintf(w, "  ... and %d more\n", n-i)
				break
			}
			status := u.Status
			if status == "" {
				status = "not in a report"
			}
			fmt.Fprintf(w, "  %s  (%s, %d×, first at %s)\n", u.URL, status, u.Occurrences, u.FoundIn)
		}
		switch {
		case cfg.Unmapped != "" && !cfg.DryRun:
			fmt.Fprintf(w, "Written to %s: run migrate --manifest %s, then rewrite again with both reports.\n", cfg.Unmapped, cfg.Unmapped)
		default:
			fmt.Fprintln(w, "Pass --unmapped PATH to write them as a manifest for migrate.")
		}
	}
}

// rewriteUsage names the flag a problem of rewrite's configuration is
// about, or is "" when err is not such a problem.
func rewriteUsage(err error) string {
	var (
		base   *rewrite.BaseURLError
		input  *rewrite.InputError
		inside *rewrite.OutInsideInputError
	)
	switch {
	case err == nil:
		return ""
	case errors.Is(err, rewrite.ErrNoReports):
		return "--report: is required: the report(s) migrate wrote"
	case errors.Is(err, rewrite.ErrNoDestination):
		return "--out: one of --out DIR or --in-place is required"
	case errors.Is(err, rewrite.ErrOutAndInPlace):
		return "--in-place: cannot be used with --out; choose one"
	case errors.Is(err, rewrite.ErrNoPaths):
		return "name the files or folders to rewrite"
	case errors.As(err, &base):
		return fmt.Sprintf("--base-url: %q is not an http(s) URL with a host", base.URL)
	case errors.As(err, &inside):
		return fmt.Sprintf("--out: %s is inside %s (to change the files where they are, use --in-place)", inside.Out, inside.Input)
	case errors.As(err, &input):
		return fmt.Sprintf("input %v", input.Err)
	}
	return ""
}
