package main

import (
	"fmt"
	"io"
	"math"
	"time"

	"github.com/wixmigrate/wixmigrate/pipeline"
	"github.com/wixmigrate/wixmigrate/report"
	"github.com/wixmigrate/wixmigrate/wix"
)

// wixRateLimit is Wix's documented limit: API calls per minute per site.
const wixRateLimit = 200

// printPlan is --dry-run: it reads the manifest and the report, counts what a
// run would do with each row, and estimates the API calls and time that
// takes at --rate. It makes no API call.
func (m *migration) printPlan(w io.Writer, state *report.State, loaded report.Loaded) int {
	rows, closer, err := m.openManifest()
	if err != nil {
		fmt.Fprintf(w, "migrate: %v\n", err)
		return exitFatal
	}
	defer closer.Close()
	counts := map[pipeline.Action]int{}
	total := 0
	var rejects []string
	for {
		row, err := rows.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Fprintf(w, "migrate: reading manifest: %v\n", err)
			return exitFatal
		}
		total++
		action, _ := pipeline.Decide(row, state, m.cfg.MaxAttempts)
		counts[action]++
		switch action {
		case pipeline.ActionImport, pipeline.ActionRetry, pipeline.ActionReconcile:
			// Mark it planned so later identical rows count as duplicates.
			planned := report.Outcome{}
			if !state.Add(row.Key, planned) {
				state.Update(row.Key, func(o *report.Outcome) { *o = planned })
			}
		case pipeline.ActionReject:
			if len(rejects) < 20 {
				rejects = append(rejects, row.Err.Error())
			}
		}
	}
	imports := counts[pipeline.ActionImport] + counts[pipeline.ActionRetry] + counts[pipeline.ActionReconcile]
	polls := imports + counts[pipeline.ActionRepoll]
	batch := m.cfg.BatchSize
	importCalls := int(math.Ceil(float64(imports) / float64(batch)))
	statusCalls := int(math.Ceil(float64(polls) / float64(wix.MaxPageLimit)))
	calls := importCalls + statusCalls

	fmt.Fprintf(w, "dry run: %d manifest rows, report %s", total, m.reportPath)
	if loaded.Found {
		fmt.Fprintf(w, " (%d rows, %d damaged)", loaded.Rows, loaded.Damaged)
	} else {
		fmt.Fprint(w, " (none yet)")
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "  import   %7d  new rows\n", counts[pipeline.ActionImport])
	fmt.Fprintf(w, "  retry    %7d  FAILED before, attempts left (--max-attempts %d)\n", counts[pipeline.ActionRetry], m.cfg.MaxAttempts)
	fmt.Fprintf(w, "  re-poll  %7d  PENDING in Wix: check again, no import\n", counts[pipeline.ActionRepoll])
	fmt.Fprintf(w, "  in doubt %7d  sent before, answer lost: looked for in the Media Manager first, imported only if missing\n", counts[pipeline.ActionReconcile])
	fmt.Fprintf(w, "  keep     %7d  READY, or FAILED with no attempts left\n", counts[pipeline.ActionKeep])
	fmt.Fprintf(w, "  same     %7d  the same import as an earlier row: shares its result\n", counts[pipeline.ActionDuplicate])
	fmt.Fprintf(w, "  reject   %7d  invalid rows (FAILED without an API call)\n", counts[pipeline.ActionReject])
	for _, r := range rejects {
		fmt.Fprintf(w, "           %s\n", r)
	}
	fmt.Fprintf(w, "\nAPI calls needed, at least: %d (%d imports of up to %d rows, %d status pages of 100)\n",
		calls, importCalls, batch, statusCalls)
	// The tail: Wix's processing of the last files (typically up to ~2 s)
	// and one more status round after them.
	tail := m.cfg.PollInterval + 2*time.Second
	rate := m.cfg.Rate
	note := fmt.Sprintf("at --rate %g/min", rate)
	if rate <= 0 {
		rate = wixRateLimit
		note = fmt.Sprintf("with no --rate: at Wix's own limit of %d/min per site", wixRateLimit)
	}
	d := time.Duration(float64(calls)/rate*float64(time.Minute)) + tail
	if imports+counts[pipeline.ActionRepoll] == 0 {
		d = 0
	}
	fmt.Fprintf(w, "time %s: about %s (the calls, then Wix's processing of the last files)\n", note, d.Round(time.Second))
	return exitOK
}
