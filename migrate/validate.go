package migrate

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/wixmigrate/wixmigrate/manifest"
	"github.com/wixmigrate/wixmigrate/source"
	"github.com/wixmigrate/wixmigrate/wix"
)

// Causes of problems found in the manifest itself; a source's problems
// carry the source package's causes (source.CauseHTTP404, ...).
const (
	CauseBadHeader = "bad-header"
	CauseBadRow    = "bad-row"
)

// DefaultValidateConcurrency is how many sources Validate checks at once
// when ValidateConfig.Concurrency is 0.
const DefaultValidateConcurrency = 16

// ValidateConfig says what Validate checks.
type ValidateConfig struct {
	Manifest  string
	Delimiter rune // 0: detected from the header line
	// CheckSources fetches the start of every distinct remote source, as
	// Wix's import would, and reads every local file whole. Without it,
	// local files are only opened and remote sources are not asked.
	CheckSources bool
	Concurrency  int           // sources checked at once; at most source.DefaultPerHost per host
	Timeout      time.Duration // per source; 0 means source.DefaultTimeout
	Header       source.Header // sent to the sources, as a migration would
	// Probing, when set, is told how many remote sources are about to be
	// asked, before the first is (a check can take a while).
	Probing func(sources int)
}

// Validation is what Validate found.
type Validation struct {
	// HeaderErr is set when the manifest's header line cannot be read (a
	// *manifest.HeaderError or *manifest.DelimiterError): no row was
	// checked, and Problems holds it as line 1.
	HeaderErr error
	Rows      int
	// Problems are the rows that would not migrate, by line; a source's
	// problem is listed on every row that names the source.
	Problems []Problem
	// Duplicates are rows asking for the same import as an earlier row:
	// a migration imports it once, so they are information, not problems.
	Duplicates []Duplicate
	// RemoteSources counts the distinct remote sources; they were asked
	// only with CheckSources.
	RemoteSources int
}

// Problem is one row that would not migrate.
type Problem struct {
	Line   int
	Source string // as the manifest writes it; "" when the row has none
	Cause  string // CauseBadHeader, CauseBadRow or a source.Cause constant
	Reason string // a sentence for people
}

// Duplicate is a row that repeats the import of the row on line Of.
type Duplicate struct {
	Line, Of int
}

// Validate checks a manifest before a migration: its header, every row,
// that local files exist, and with CheckSources what every distinct source
// gives Wix's import. Each distinct source is checked once, however many
// rows name it, and no host is asked more than source.DefaultPerHost
// times at once. The error is for a manifest that cannot be read, or the
// context's when it was cancelled while sources were being checked (the
// Validation then holds what was checked).
func Validate(ctx context.Context, cfg ValidateConfig) (*Validation, error) {
	if cfg.Manifest == "" {
		return nil, errors.New("no manifest given")
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = DefaultValidateConcurrency
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = source.DefaultTimeout
	}
	v := &Validation{}
	rows, closer, err := manifest.Open(cfg.Manifest, manifest.Options{Delimiter: cfg.Delimiter})
	var he *manifest.HeaderError
	var de *manifest.DelimiterError
	if errors.As(err, &he) || errors.As(err, &de) {
		v.HeaderErr = err
		v.Problems = []Problem{{Line: 1, Cause: CauseBadHeader, Reason: err.Error()}}
		return v, nil
	}
	if err != nil {
		return nil, err
	}
	defer closer.Close()

	checks, err := v.readRows(rows)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", cfg.Manifest, err)
	}
	prober := &source.Prober{Timeout: cfg.Timeout, Hosts: &source.HostLimiter{PerHost: source.DefaultPerHost}, Header: cfg.Header}
	for _, c := range checks {
		switch {
		case c.local && cfg.CheckSources:
			c.diag = prober.ProbeLocal(c.target, c.want)
		case c.local:
			c.diag = openCheck(c.target)
		default:
			v.RemoteSources++
		}
	}
	if cfg.CheckSources && v.RemoteSources > 0 {
		if cfg.Probing != nil {
			cfg.Probing(v.RemoteSources)
		}
		probeAll(ctx, prober, checks, cfg.Concurrency)
	}
	for _, c := range checks {
		if (c.local || cfg.CheckSources) && c.diag.Cause != "" && !c.diag.OK {
			for _, line := range c.lines {
				v.Problems = append(v.Problems, Problem{Line: line, Source: c.source, Cause: c.diag.Cause, Reason: c.diag.Reason})
			}
		}
	}
	slices.SortStableFunc(v.Problems, func(a, b Problem) int { return a.Line - b.Line })
	return v, ctx.Err()
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

// readRows reads every row, noting bad rows and duplicates in v, and
// returns the distinct sources to check, in manifest order.
func (v *Validation) readRows(rows *manifest.Reader) ([]*sourceCheck, error) {
	var (
		firstOf = map[manifest.Key]int{}
		byID    = map[string]*sourceCheck{} // by kind, want and target
		checks  []*sourceCheck
	)
	for {
		row, err := rows.Next()
		if err == io.EOF {
			return checks, nil
		}
		if err != nil {
			return nil, err
		}
		v.Rows++
		if row.Err != nil {
			reason := row.Err.Msg
			if row.Err.Column != "" {
				reason = fmt.Sprintf("column %q: %s", row.Err.Column, row.Err.Msg)
			}
			v.Problems = append(v.Problems, Problem{Line: row.Line, Source: row.Source(), Cause: CauseBadRow, Reason: reason})
			continue
		}
		// A duplicate is informational, but it shares its original's
		// source, so a source problem is listed on both rows.
		if first, ok := firstOf[row.Key]; ok {
			v.Duplicates = append(v.Duplicates, Duplicate{Line: row.Line, Of: first})
		} else {
			firstOf[row.Key] = row.Line
		}
		im := row.Import
		c := &sourceCheck{source: im.SourceURL, target: im.SourceURL, local: im.Local, want: im.MediaType}
		if im.Local {
			c.target = im.LocalPath
		}
		id := fmt.Sprintf("%t\x00%s\x00%s", c.local, c.want, c.target)
		if have, ok := byID[id]; ok {
			c = have
		} else {
			byID[id] = c
			checks = append(checks, c)
		}
		c.lines = append(c.lines, row.Line)
	}
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

// probeAll probes the remote sources with n workers. Sources are handed out
// one host at a time in turn, so that workers waiting for a busy host's
// slots do not hold up sources on other hosts. Sources not reached before
// ctx is done keep an empty diagnosis.
func probeAll(ctx context.Context, prober *source.Prober, checks []*sourceCheck, n int) {
	byHost := map[string][]*sourceCheck{}
	var hosts []string
	for _, c := range checks {
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
	for range n {
		wg.Go(func() {
			for c := range jobs {
				c.diag = prober.Probe(ctx, c.target, c.want)
			}
		})
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
