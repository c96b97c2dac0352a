package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/wixmigrate/wixmigrate/view"
)

func init() {
	register(command{name: "view", summary: "write a report's page: counts, failures by cause, old and new images side by side", run: runView})
}

// viewMaxRows is the size past which the page migrate writes after a run
// holds the rows that are not READY only; view writes every row.
const viewMaxRows = 200_000

func runView(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("view", stderr)
	var opts view.Options
	out := fs.String("out", "", "where to write the page (default: the report's path with .html for .csv)")
	fs.StringVar(&opts.MediaBase, "media-base", "", "load and link Wix files from this URL instead of https://static.wixstatic.com (a simulator's address, a mirror)")
	open := fs.Bool("open", false, "open the page in the default browser")
	fs.Var(delimiterFlag{&opts.Delimiter}, "delimiter", "the report's field delimiter: comma, semicolon, tab, or auto (detected from the header line)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: wixmigrate view REPORT.csv [--out PATH] [--media-base URL] [--open]\n\nWrites the report as one self-contained HTML page: counts, the failures\ngrouped by cause with the next step, PENDING rows, and every READY file\nbeside its source as thumbnails. Flags may come before or after REPORT.csv.\n\nflags:")
		fs.PrintDefaults()
	}
	reportPath, code, ok := parseWithArgument(fs, args, stderr)
	if !ok {
		return code
	}
	if *out == "" {
		*out = view.DefaultPath(reportPath)
	}
	r, err := view.Make(reportPath, *out, opts)
	var mediaBase *view.MediaBaseError
	switch {
	case errors.As(err, &mediaBase):
		return usageError(stderr, "view", "--media-base: %v", err)
	case err != nil:
		fmt.Fprintf(stderr, "view: %v\n", err)
		return exitFatal
	}
	fmt.Fprintf(stdout, "%s: %d rows (%s)\n", *out, r.Rows, statusLine(r.ByStatus))
	if *open {
		if err := openBrowser(*out, stdout, stderr); err != nil {
			fmt.Fprintf(stderr, "view: the page is written, but no browser opened it: %v\n", err)
			return exitFatal
		}
	}
	return exitOK
}

// parseWithArgument parses flags around a command's one argument (flags may
// come before or after it) and returns the argument.
func parseWithArgument(fs *flag.FlagSet, args []string, stderr io.Writer) (string, int, bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return "", exitOK, false
		}
		return "", exitUsage, false
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return "", usageError(stderr, "view", "name the report to show, e.g. wixmigrate view manifest.report.csv"), false
	}
	arg := fs.Arg(0)
	if code, ok := parseFlags(fs, fs.Args()[1:], stderr); !ok {
		return "", code, false
	}
	return arg, exitOK, true
}

// statusLine writes counts by status: "21 READY, 4 FAILED, 1 PENDING",
// the usual statuses first.
func statusLine(by map[string]int) string {
	var parts []string
	for _, st := range []string{"READY", "FAILED", "PENDING"} {
		if by[st] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", by[st], st))
		}
	}
	for _, st := range slices.Sorted(maps.Keys(by)) {
		if st != "READY" && st != "FAILED" && st != "PENDING" {
			parts = append(parts, fmt.Sprintf("%d %s", by[st], st))
		}
	}
	return strings.Join(parts, ", ")
}

// openBrowser opens path in the system's default browser; the opener
// (xdg-open, open) returns once it has handed the page over, or once a
// terminal browser it chose ends, so it shares the terminal.
func openBrowser(path string, stdout, stderr io.Writer) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.Command("open", path)
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", path)
	default:
		cmd = exec.Command("xdg-open", path)
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, stdout, stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %w", filepath.Base(cmd.Path), err)
	}
	return nil
}
