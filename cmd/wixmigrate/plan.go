package main

import (
	"fmt"
	"io"
	"time"

	"github.com/wixmigrate/wixmigrate/migrate"
	"github.com/wixmigrate/wixmigrate/pipeline"
	"github.com/wixmigrate/wixmigrate/wix"
)

// printPlan is --dry-run: what a run would do with each row, and the API
// calls and time that takes at --rate. It makes no API call.
func (m *migration) printPlan(w io.Writer, mig *migrate.Migration) int {
	p, err := mig.Plan()
	if err != nil {
		fmt.Fprintf(w, "migrate: %v\n", err)
		return exitFatal
	}
	if p.Journal {
		fmt.Fprintf(w, "note: %s holds what an interrupted run learned; the real run applies it first\n", migrate.JournalPath(mig.ReportPath()))
	}
	loaded := mig.Loaded()
	fmt.Fprintf(w, "dry run: %d manifest rows, report %s", p.Rows, mig.ReportPath())
	if loaded.Found {
		fmt.Fprintf(w, " (%d rows, %d damaged)", loaded.Rows, loaded.Damaged)
	} else {
		fmt.Fprint(w, " (none yet)")
	}
	fmt.Fprintln(w)
	n := p.Actions
	fmt.Fprintf(w, "  import   %7d  new rows\n", n[pipeline.ActionImport])
	fmt.Fprintf(w, "  retry    %7d  FAILED before, attempts left (--max-attempts %d)\n", n[pipeline.ActionRetry], m.cfg.MaxAttempts)
	fmt.Fprintf(w, "  re-poll  %7d  PENDING in Wix: check again, no import\n", n[pipeline.ActionRepoll])
	fmt.Fprintf(w, "  in doubt %7d  sent before, answer lost: looked for in the Media Manager first, imported only if missing\n", n[pipeline.ActionReconcile])
	fmt.Fprintf(w, "  keep     %7d  READY, or FAILED with no attempts left\n", n[pipeline.ActionKeep])
	fmt.Fprintf(w, "  same     %7d  the same import as an earlier row: shares its result\n", n[pipeline.ActionDuplicate])
	fmt.Fprintf(w, "  reject   %7d  invalid rows (FAILED without an API call)\n", n[pipeline.ActionReject])
	for _, r := range p.Rejects {
		fmt.Fprintf(w, "           %s\n", r)
	}
	status := fmt.Sprintf("%d status calls, planned for the rows' folders", p.StatusCalls)
	if m.cfg.NoWait {
		status = "no status calls: --wait=false"
	}
	if p.TrashCalls > 0 {
		status += fmt.Sprintf(", %d moves of the retried rows' failed files to the trash", p.TrashCalls)
	}
	if p.URICalls > 0 {
		status += fmt.Sprintf(", %d reads of READY files for the wix_uri an earlier report lacks", p.URICalls)
	}
	fmt.Fprintf(w, "\nAPI calls needed, at least: %d (%d imports of up to %d rows, %s, %d check of the API first)\n",
		p.Calls(), p.ImportCalls, m.cfg.BatchSize, status, p.CheckCalls)
	note := fmt.Sprintf("at --rate %g/min", m.rate)
	if m.rate <= 0 {
		note = fmt.Sprintf("with no --rate: at Wix's own limit of %d/min per site", wix.RateLimit)
	}
	what := "the calls, imports first, and Wix's processing of the last files; a live run's ETA uses the same model"
	if m.cfg.NoWait {
		what = "the import calls; processing is not waited for"
	}
	fmt.Fprintf(w, "time %s: about %s (%s)\n", note, p.Duration.Round(time.Second), what)
	return exitOK
}
