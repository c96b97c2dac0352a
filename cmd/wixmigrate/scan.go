package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"

	"github.com/wixmigrate/wixmigrate/content"
	"github.com/wixmigrate/wixmigrate/content/scan"
	"github.com/wixmigrate/wixmigrate/internal/atomicfile"
)

func init() {
	register(command{name: "scan", summary: "collect the media URLs of the old site's content exports into a manifest", run: runScan})
}

// listFlag is a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(s string) error {
	*l = append(*l, s)
	return nil
}

// maxListed bounds how many files of one kind the summary names.
const maxListed = 10

func runScan(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var (
		out, baseURL, media string
		hosts               listFlag
		opts                scan.Options
	)
	fs := newFlagSet("scan", stderr)
	fs.StringVar(&out, "out", "", "the manifest to write (default: standard output)")
	fs.Var(&hosts, "host", "keep only URLs on this host (repeatable; *.example.com for a domain and its subdomains; any port)")
	fs.StringVar(&baseURL, "base-url", "", "the old site's address, to resolve relative URLs where a URL is expected, each file's from its place under the folder given, as rewrite does (an HTML file's <base href> wins)")
	fs.BoolVar(&opts.KeepFolders, "keep-folders", false, fmt.Sprintf("write each URL's folder as file_path (at most %d characters), so Wix keeps the layout", scan.MaxFilePath))
	fs.StringVar(&media, "media", "all", "kinds of media to keep, comma-separated: images, video, audio, documents, models, all")
	fs.Usage = func() {
		fmt.Fprintln(stderr, `usage: wixmigrate scan [--out PATH] [--host HOST ...] [--base-url URL] [--keep-folders]
                       [--media images,video,audio,documents,all] PATH ...

Reads the old site's content exports (files, or folders walked recursively:
WordPress WXR and other XML, HTML, Markdown with or without YAML front
matter, JSON/JSON Lines (Ghost exports too), CSV/TSV with Shopify's and
WooCommerce's image columns, CSS, SQL dumps, plain text) and writes a
manifest for migrate: one row per media file, in order of first occurrence,
with WordPress's resized copies folded into their original's variants
column, and a WordPress attachment's ID, alt text, title and caption in the
wp_attachment_id, alt_text, title and caption columns. A summary goes to
standard error.
Exit status: 0 done (also when nothing was found), 1 an input could not be
read (the others are scanned and the manifest written) or --out cannot be
written, 2 bad flags.

flags:`)
		fs.PrintDefaults()
	}
	paths, code, ok := parseScanArgs(fs, args)
	if !ok {
		return code
	}
	if len(paths) == 0 {
		return usageError(stderr, "scan", "name at least one file or folder to scan (see wixmigrate scan -h)")
	}
	var problem string
	if opts.BaseURL, problem = parseSiteFlags(baseURL, hosts); problem != "" {
		return usageError(stderr, "scan", "%s", problem)
	}
	opts.Hosts = hosts
	opts.Output = out
	kinds, err := scan.ParseKinds(media)
	if err != nil {
		return usageError(stderr, "scan", "--media: %v", err)
	}
	opts.Kinds = kinds

	if out != "" {
		// Find out now, not after reading a 2 GB export.
		if err := atomicfile.CheckWritable(out); err != nil {
			var pathErr *os.PathError
			if errors.As(err, &pathErr) {
				err = pathErr.Err // the probe file's name means nothing to the user
			}
			fmt.Fprintf(stderr, "scan: --out %s cannot be written: %v\n", out, err)
			return exitFatal
		}
	}
	progress, onRead := startBytesProgress(displayOf(stderr))
	opts.Progress = onRead
	result, err := scan.Run(ctx, paths, opts)
	progress.stop()
	if err != nil {
		if errors.Is(err, context.Canceled) {
			fmt.Fprintln(stderr, "scan: interrupted; no manifest written")
			return exitInterrupted
		}
		fmt.Fprintf(stderr, "scan: %v\n", err)
		return exitFatal
	}
	where := "standard output"
	if out == "" {
		err = result.WriteManifest(stdout)
	} else {
		where = out
		err = atomicfile.Write(out, 0o644, result.WriteManifest)
	}
	if err != nil {
		fmt.Fprintf(stderr, "scan: writing the manifest: %v\n", err)
		return exitFatal
	}
	printScanSummary(stderr, &result.Summary, where)
	if len(result.Summary.Unreadable) > 0 {
		return exitFatal
	}
	return exitOK
}

// parseScanArgs parses flags that may come before, between or after the
// paths (the flag package stops at the first path); "--" ends the flags.
func parseScanArgs(fs *flag.FlagSet, args []string) (paths []string, code int, ok bool) {
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, exitOK, false
			}
			return nil, exitUsage, false
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return paths, exitOK, true
		}
		// fs.Parse consumed a "--" right before rest: everything is a path.
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			return append(paths, rest...), exitOK, true
		}
		paths = append(paths, rest[0])
		args = rest[1:]
	}
}

// parseSiteFlags checks the old site's --base-url and --host values, as
// scan and rewrite take them: the base URL (nil when not given), or what is
// wrong, naming the flag.
func parseSiteFlags(baseURL string, hosts []string) (*url.URL, string) {
	var base *url.URL
	if baseURL != "" {
		u, err := url.Parse(baseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Sprintf("--base-url %q is not an absolute http(s) URL, like https://old.example.com/", baseURL)
		}
		base = u
	}
	for _, h := range hosts {
		if msg := checkHostPattern(h); msg != "" {
			return nil, fmt.Sprintf("--host %q %s", h, msg)
		}
	}
	return base, ""
}

// checkHostPattern says what is wrong with a --host value, or "".
func checkHostPattern(h string) string {
	switch {
	case strings.TrimSpace(h) == "":
		return "is empty"
	case strings.Contains(h, "://"):
		u, err := url.Parse(h)
		if err == nil && u.Hostname() != "" {
			return fmt.Sprintf("is a URL; give the host name only: --host %s", u.Hostname())
		}
		return "is a URL; give the host name only, like old.example.com"
	case strings.ContainsAny(h, "/?# "):
		return "is not a host name; give the host name only, like old.example.com or *.example.com"
	case strings.Contains(strings.TrimPrefix(h, "*."), "*"):
		return `has a "*" that is not a leading "*." (write *.example.com)`
	}
	return ""
}

// printScanSummary writes what the scan read, wrote and left out.
func printScanSummary(w io.Writer, s *scan.Summary, where string) {
	var files []string
	total := 0
	for _, f := range content.Formats() {
		n := s.Files[f]
		if n == 0 {
			continue
		}
		total += n
		label := fmt.Sprintf("%d %s", n, f)
		if f == content.XML && s.WXRFiles > 0 {
			label += fmt.Sprintf(" (%d WordPress %s)", s.WXRFiles, pluralWord(s.WXRFiles, "export"))
		}
		files = append(files, label)
	}
	fmt.Fprintf(w, "scan: read %s", plural(total, "file"))
	if len(files) > 0 {
		fmt.Fprintf(w, " (%s), %s", strings.Join(files, ", "), byteSize(s.Bytes))
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "  URLs found:       %d\n", s.URLs)
	if s.Rows == 0 {
		fmt.Fprintf(w, "  media rows:       0: no media URLs found; the manifest (%s) has its header only\n", where)
	} else {
		fmt.Fprintf(w, "  media rows:       %d, written to %s\n", s.Rows, where)
	}
	if s.Folded > 0 || s.Known > 0 {
		fmt.Fprintf(w, "  variants folded:  %d found in the content", s.Folded)
		if s.Known > 0 {
			fmt.Fprintf(w, ", %d more known from WordPress metadata", s.Known)
		}
		fmt.Fprintln(w, " (listed in the variants column)")
	}
	for _, skip := range []struct {
		n    int
		what string
	}{
		{s.Pages, "pages (.html, .php, .asp...)"},
		{s.NotMedia, "not media (no media extension, not in a media place)"},
		{s.OtherHosts, "media on other hosts than --host"},
		{s.OtherKinds, "kinds of media --media leaves out"},
		{s.Relative, "relative, no --base-url to resolve them"},
		{s.TooLong, fmt.Sprintf("longer than %d characters", scan.MaxSourceURL)},
		{s.Invalid, "not URLs migrate accepts"},
	} {
		if skip.n > 0 {
			fmt.Fprintf(w, "  skipped URLs, %s: %d\n", skip.what, skip.n)
		}
	}
	if n := len(s.Binary); n > 0 {
		fmt.Fprintf(w, "  binary files skipped: %d%s\n", n, listed(s.Binary))
	}
	for i, p := range s.Unreadable {
		if i == maxListed {
			fmt.Fprintf(w, "  ... and %d more unreadable files\n", len(s.Unreadable)-maxListed)
			break
		}
		fmt.Fprintf(w, "  unreadable, skipped: %s\n", p)
	}
	for i, p := range s.Warnings {
		if i == maxListed {
			fmt.Fprintf(w, "  ... and %d more warnings\n", len(s.Warnings)-maxListed)
			break
		}
		fmt.Fprintf(w, "  warning: %s\n", p)
	}
}

// listed names up to maxListed paths after a count.
func listed(paths []string) string {
	if len(paths) > maxListed {
		return fmt.Sprintf(" (%s, ...)", strings.Join(paths[:maxListed], ", "))
	}
	return fmt.Sprintf(" (%s)", strings.Join(paths, ", "))
}

func pluralWord(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
