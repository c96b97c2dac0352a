package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"sort"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/wixmigrate/wixmigrate/manifest"
	"github.com/wixmigrate/wixmigrate/source"
	"github.com/wixmigrate/wixmigrate/wix"
)

func init() {
	register(command{name: "validate", summary: "check a manifest, and with --check-sources its sources, before a migration", run: runValidate})
}

// Causes of problems found in the manifest itself; source problems use the
// source package's causes.
const (
	causeBadHeader = "bad-header"
	causeBadRow    = "bad-row"
)

// perHost bounds probes per host whatever --concurrency says: an old site
// hit by 16 checks at once may throttle or ban the checker, and then the
// check reports problems the migration would not have.
const perHost = source.DefaultPerHost

// validation is one validate run's settings.
type validation struct {
	manifestPath string
	checkSources bool
	concurrency  int
	timeout      time.Duration
	delimiter    rune
	headerLines  headerLines
	header       source.Header
}

// problem is one row that would not migrate, as the table shows it.
type problem struct {
	line   int
	source string
	cause  string
	reason string
}

// sourceCheck is one distinct source to check and the rows that use it: a
// manifest often names one file many times, and one probe answers for all.
type sourceCheck struct {
	source string // as written in the manifest
	target string // the URL, or the local file's resolved path
	local  bool
	want   wix.MediaType
	lines  []int
	diag   source.Diagnosis
}

func runValidate(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var v validation
	fs := newFlagSet("validate", stderr)
	fs.StringVar(&v.manifestPath, "manifest", "", "the CSV manifest to check (required)")
	fs.BoolVar(&v.checkSources, "check-sources", false, "also fetch the start of every distinct source, as Wix would, and read every local file")
	fs.IntVar(&v.concurrency, "concurrency", 16, fmt.Sprintf("sources checked at once with --check-sources (at most %d per host)", perHost))
	fs.DurationVar(&v.timeout, "timeout", source.DefaultTimeout, "how long to wait for each source to answer with --check-sources")
	fs.Var(delimiterFlag{&v.delimiter}, "delimiter", delimiterUsage)
	fs.Var(&v.headerLines, "source-header", sourceHeaderUsage)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: wixmigrate validate --manifest PATH [--check-sources] [flags]\n\nChecks a manifest before a migration: the header, every row, and that local\nfiles exist. With --check-sources it also asks every distinct source what Wix's\nimport would get (missing files, hotlink protection, HTML error pages, wrong\ntypes, timeouts). Rows that repeat an earlier row's import are listed for\ninformation. Exit status: 0 no problems, 3 problems found, 2 bad flags,\n1 the manifest cannot be read.\n\nflags:")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args, stderr); !ok {
		return code
	}
	switch {
	case v.manifestPath == "":
		return usageError(stderr, "validate", "--manifest is required")
	case v.concurrency < 1:
		return usageError(stderr, "validate", "--concurrency %d: want at least 1", v.concurrency)
	case v.timeout <= 0:
		return usageError(stderr, "validate", "--timeout %s: want more than 0", v.timeout)
	}
	var err error
	if v.header, err = v.headerLines.parse(); err != nil {
		return usageError(stderr, "validate", "%v", err)
	}
	return v.run(ctx, stdout, stderr)
}

func (v *validation) run(ctx context.Context, stdout, stderr io.Writer) int {
	rows, closer, err := manifest.Open(v.manifestPath, manifest.Options{Delimiter: v.delimiter})
	var he *manifest.HeaderError
	var de *manifest.DelimiterError
	if errors.As(err, &he) || errors.As(err, &de) {
		printProblems(stdout, []problem{{line: 1, source: "-", cause: causeBadHeader, reason: delimiterHint(err).Error()}})
		fmt.Fprintf(stdout, "0 rows checked, 1 problem (the header must be fixed before rows can be read)\n")
		return exitIncomplete
	}
	if err != nil {
		fmt.Fprintf(stderr, "validate: %v\n", err)
		return exitFatal
	}
	defer closer.Close()

	var (
		problems []problem
		dups     []string
		firstOf  = map[manifest.Key]int{}
		checks   = map[string]*sourceCheck{} // by kind, want and target
		order    []*sourceCheck
		nrows    int
	)
	for {
		row, err := rows.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Fprintf(stderr, "validate: reading %s: %v\n", v.manifestPath, err)
			return exitFatal
		}
		nrows++
		if row.Err != nil {
			reason := row.Err.Msg
			if row.Err.Column != "" {
				reason = fmt.Sprintf("column %q: %s", row.Err.Column, row.Err.Msg)
			}
			problems = append(problems, problem{line: row.Line, source: orDash(row.Source()), cause: causeBadRow, reason: reason})
			continue
		}
		// A duplicate is informational, but it shares its original's
		// source, so a source problem is listed on both rows.
		if first, ok := firstOf[row.Key]; ok {
			dups = append(dups, fmt.Sprintf("line %d asks for the same import as line %d", row.Line, first))
		} else {
			firstOf[row.Key] = row.Line
		}
		im := row.Import
		c := &sourceCheck{source: im.SourceURL, target: im.SourceURL, local: im.Local, want: im.MediaType}
		if im.Local {
			c.target = im.LocalPath
		}
		id := fmt.Sprintf("%t\x00%s\x00%s", c.local, c.want, c.target)
		if have, ok := checks[id]; ok {
			c = have
		} else {
			checks[id] = c
			order = append(order, c)
		}
		c.lines = append(c.lines, row.Line)
	}

	prober := &source.Prober{Timeout: v.timeout, Hosts: &source.HostLimiter{PerHost: perHost}, Header: v.header}
	remote := 0
	for _, c := range order {
		switch {
		case c.local && v.checkSources:
			c.diag = prober.ProbeLocal(c.target, c.want)
		case c.local:
			c.diag = openCheck(c.target)
		default:
			remote++
		}
	}
	if v.checkSources && remote > 0 {
		fmt.Fprintf(stderr, "validate: checking %d remote sources, %d at a time...\n", remote, v.concurrency)
		v.probeAll(ctx, prober, order)
		if ctx.Err() != nil {
			fmt.Fprintln(stderr, "validate: interrupted; sources were not all checked")
			return exitInterrupted
		}
	}
	for _, c := range order {
		if (c.local || v.checkSources) && !c.diag.OK {
			for _, line := range c.lines {
				problems = append(problems, problem{line: line, source: c.source, cause: c.diag.Cause, reason: c.diag.Reason})
			}
		}
	}

	sort.SliceStable(problems, func(i, j int) bool { return problems[i].line < problems[j].line })
	if len(problems) > 0 {
		printProblems(stdout, problems)
	}
	if len(dups) > 0 {
		fmt.Fprintf(stdout, "\nduplicates (informational: a migration imports each once):\n")
		for _, d := range dups {
			fmt.Fprintf(stdout, "  %s\n", d)
		}
	}
	if !v.checkSources && remote > 0 {
		fmt.Fprintf(stdout, "\n%s not checked: add --check-sources to ask them what Wix would get\n", plural(remote, "remote source"))
	}
	if len(problems) > 0 || len(dups) > 0 || (!v.checkSources && remote > 0) {
		fmt.Fprintln(stdout)
	}
	fmt.Fprintf(stdout, "%s checked, %s\n", plural(nrows, "row"), plural(len(problems), "problem"))
	if len(problems) > 0 {
		return exitIncomplete
	}
	return exitOK
}

// openCheck is the offline check of a local file: it opens and closes it,
// which finds missing, unreadable, empty and non-regular files.
func openCheck(path string) source.Diagnosis {
	f, err := source.OpenLocal(path)
	if err != nil {
		var e *source.Error
		if !errors.As(err, &e) {
			return source.Diagnosis{Size: -1, Cause: source.CauseUnreadable, Reason: err.Error()}
		}
		return source.Diagnosis{Size: -1, Cause: e.Cause, Reason: e.Reason}
	}
	f.Close()
	return source.Diagnosis{OK: true, ContentType: f.MimeType, Size: f.Size, Cause: source.CauseOK}
}

// probeAll probes the remote sources with --concurrency workers. Sources are
// handed out one host at a time in turn, so that workers waiting for a busy
// host's slots do not hold up sources on other hosts.
func (v *validation) probeAll(ctx context.Context, prober *source.Prober, order []*sourceCheck) {
	byHost := map[string][]*sourceCheck{}
	var hosts []string
	for _, c := range order {
		if c.local {
			continue
		}
		h := ""
		if u, err := url.Parse(c.target); err == nil {
			h = strings.ToLower(u.Host)
		}
		if _, ok := byHost[h]; !ok {
			hosts = append(hosts, h)
		}
		byHost[h] = append(byHost[h], c)
	}
	jobs := make(chan *sourceCheck)
	var wg sync.WaitGroup
	for range v.concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range jobs {
				c.diag = prober.Probe(ctx, c.target, c.want)
			}
		}()
	}
feed:
	for len(hosts) > 0 {
		next := hosts[:0]
		for _, h := range hosts {
			select {
			case jobs <- byHost[h][0]:
			case <-ctx.Done():
				break feed
			}
			if byHost[h] = byHost[h][1:]; len(byHost[h]) > 0 {
				next = append(next, h)
			}
		}
		hosts = next
	}
	close(jobs)
	wg.Wait()
}

func printProblems(w io.Writer, problems []problem) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "LINE\tSOURCE\tCAUSE\tREASON")
	for _, p := range problems {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", p.line, p.source, p.cause, p.reason)
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
