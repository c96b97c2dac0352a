package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/wixmigrate/wixmigrate/migrate"
	"github.com/wixmigrate/wixmigrate/source"
)

func init() {
	register(command{name: "validate", summary: "check a manifest, and with --check-sources its sources, before a migration", run: runValidate})
}

func runValidate(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var (
		cfg         migrate.ValidateConfig
		headerLines headerLines
	)
	fs := newFlagSet("validate", stderr)
	fs.StringVar(&cfg.Manifest, "manifest", "", "the CSV manifest to check (required)")
	fs.BoolVar(&cfg.CheckSources, "check-sources", false, "also fetch the start of every distinct source, as Wix would, and read every local file")
	fs.IntVar(&cfg.Concurrency, "concurrency", migrate.DefaultValidateConcurrency, fmt.Sprintf("sources checked at once with --check-sources (at most %d per host)", source.DefaultPerHost))
	fs.DurationVar(&cfg.Timeout, "timeout", source.DefaultTimeout, "how long to wait for each source to answer with --check-sources")
	fs.Var(delimiterFlag{&cfg.Delimiter}, "delimiter", delimiterUsage)
	fs.Var(&headerLines, "source-header", sourceHeaderUsage)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: wixmigrate validate --manifest PATH [--check-sources] [flags]\n\nChecks a manifest before a migration: the header, every row, and that local\nfiles exist. With --check-sources it also asks every distinct source what Wix's\nimport would get (missing files, hotlink protection, HTML error pages, wrong\ntypes, timeouts). Rows that repeat an earlier row's import are listed for\ninformation. Exit status: 0 no problems, 3 problems found, 2 bad flags,\n1 the manifest cannot be read.\n\nflags:")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args, stderr); !ok {
		return code
	}
	switch {
	case cfg.Manifest == "":
		return usageError(stderr, "validate", "--manifest is required")
	case cfg.Concurrency < 1:
		return usageError(stderr, "validate", "--concurrency %d: want at least 1", cfg.Concurrency)
	case cfg.Timeout <= 0:
		return usageError(stderr, "validate", "--timeout %s: want more than 0", cfg.Timeout)
	}
	var err error
	if cfg.Header, err = headerLines.parse(); err != nil {
		return usageError(stderr, "validate", "%v", err)
	}
	cfg.Probing = func(n int) {
		fmt.Fprintf(stderr, "validate: checking %s, %d at a time...\n", plural(n, "remote source"), min(n, cfg.Concurrency))
	}

	v, err := migrate.Validate(ctx, cfg)
	switch {
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(stderr, "validate: interrupted; sources were not all checked")
		return exitInterrupted
	case err != nil:
		fmt.Fprintf(stderr, "validate: %v\n", err)
		return exitFatal
	case v.HeaderErr != nil:
		printProblems(stdout, []migrate.Problem{{Line: 1, Cause: migrate.CauseBadHeader, Reason: delimiterHint(v.HeaderErr).Error()}})
		fmt.Fprintf(stdout, "0 rows checked, 1 problem (the header must be fixed before rows can be read)\n")
		return exitIncomplete
	}
	printValidation(stdout, v, cfg.CheckSources)
	if len(v.Problems) > 0 {
		return exitIncomplete
	}
	return exitOK
}

// printValidation writes the problem table, the duplicates and the totals.
func printValidation(w io.Writer, v *migrate.Validation, checkedSources bool) {
	if len(v.Problems) > 0 {
		printProblems(w, v.Problems)
	}
	if len(v.Duplicates) > 0 {
		fmt.Fprintf(w, "\nduplicates (informational: a migration imports each once):\n")
		for _, d := range v.Duplicates {
			fmt.Fprintf(w, "  line %d asks for the same import as line %d\n", d.Line, d.Of)
		}
	}
	unchecked := !checkedSources && v.RemoteSources > 0
	if unchecked {
		fmt.Fprintf(w, "\n%s not checked: add --check-sources to ask them what Wix would get\n", plural(v.RemoteSources, "remote source"))
	}
	if len(v.Problems) > 0 || len(v.Duplicates) > 0 || unchecked {
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "%s checked, %s\n", plural(v.Rows, "row"), plural(len(v.Problems), "problem"))
}

func printProblems(w io.Writer, problems []migrate.Problem) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "LINE\tSOURCE\tCAUSE\tREASON")
	for _, p := range problems {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", p.Line, orDash(p.Source), p.Cause, p.Reason)
	}
	tw.Flush()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
