package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/wixmigrate/wixmigrate/undo"
)

func init() {
	register(command{name: "restore", summary: "bring the files of a report's UNDONE rows back from the Media Manager's trash", run: runRestore})
}

func runRestore(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return restoreWithEnv(ctx, args, stdout, stderr, os.Getenv)
}

// restoreWithEnv is the restore command reading its environment through
// getenv.
func restoreWithEnv(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	t := takeBack{name: "restore", cfg: undo.Config{Action: undo.Restore}}
	fs := newFlagSet(t.name, stderr)
	fs.StringVar(&t.cfg.Report, "report", "", "the report CSV whose UNDONE rows to restore (required)")
	fs.BoolVar(&t.dryRun, "dry-run", false, "read the report, print what would be restored and the calls and time it takes; no API calls")
	t.register(fs, getenv)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: wixmigrate restore --report PATH [flags]\n\nBrings the files of the report's UNDONE rows back from the Media Manager's\ntrash bin and gives the rows back their status, as Wix has it now. A file no\nlonger in the trash is reported and its row stays UNDONE. The API key comes\nfrom WIX_API_KEY.\n\nflags:")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args, stderr); !ok {
		return code
	}
	return t.run(ctx, stdout, stderr)
}
