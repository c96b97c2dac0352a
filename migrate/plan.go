package migrate

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"time"

	"github.com/wixmigrate/wixmigrate/pipeline"
	"github.com/wixmigrate/wixmigrate/report"
	"github.com/wixmigrate/wixmigrate/wix"
)

// maxRejects bounds the invalid rows a Plan quotes.
const maxRejects = 20

// Plan is what a run would do: a dry run. It makes no API call.
type Plan struct {
	Rows    int                     // manifest rows
	Actions map[pipeline.Action]int // rows by what a run does with them
	Rejects []string                // why rows are invalid, the first few
	// Journal says an interrupted run left a journal, which the real run
	// applies first: the counts do not include what it holds.
	Journal bool
	// ImportCalls and StatusCalls are the API calls needed at the least:
	// imports of up to BatchSize rows, and the status calls the poll
	// planner makes for the rows' folders (pipeline.StatusEstimate); none
	// when the run does not wait.
	ImportCalls, StatusCalls int
	// TrashCalls move the files of FAILED rows to retry to the trash bin
	// first, up to wix.MaxBulkDelete a call (none with KeepFailed).
	TrashCalls int
	// URICalls read READY files a report of an earlier version gives no
	// wix_uri and not all it needs (see report.Outcome.NeedsWixURI),
	// wix.MaxGetFiles a call, before anything else.
	URICalls int
	// CheckCalls is the one call Run makes first to check that the API
	// answers and accepts the key and site.
	CheckCalls int
	// Rate is the calls per minute Duration assumes: the configured rate,
	// or Wix's own limit when there is none.
	Rate float64
	// Duration estimates the run (Estimate): the calls at Rate, then Wix's
	// processing of the last files.
	Duration time.Duration
}

// Calls is every API call the plan counts.
func (p *Plan) Calls() int {
	return p.CheckCalls + p.URICalls + p.ImportCalls + p.StatusCalls + p.TrashCalls
}

// Plan reads the manifest against the report and counts what a run would do
// with each row. It uses up the migration: call Open again to Run.
func (m *Migration) Plan() (*Plan, error) {
	if m.used {
		return nil, errUsed
	}
	m.used = true
	p := &Plan{Actions: map[pipeline.Action]int{}}
	trash := 0 // failed files to move to the trash
	if _, err := os.Stat(JournalPath(m.cfg.Report)); err == nil {
		p.Journal = true
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	rows, closer, err := m.openManifest()
	if err != nil {
		return nil, err
	}
	defer closer.Close()
	status := pipeline.NewStatusEstimate(m.cfg.Settings)
	p.URICalls = pipeline.DescribeCalls(m.state)
	for {
		row, err := rows.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("reading manifest: %w", err)
		}
		p.Rows++
		action, prev := pipeline.Decide(row, m.state, m.cfg.MaxAttempts)
		p.Actions[action]++
		if action == pipeline.ActionRetry && prev.FileID != "" && !m.cfg.KeepFailed {
			trash++
		}
		switch action {
		case pipeline.ActionRepoll:
			status.Add(prev.Folder)
		case pipeline.ActionImport, pipeline.ActionRetry, pipeline.ActionReconcile:
			req := row.Import.Request(m.cfg.FolderID)
			status.Add(req.ParentFolderID + req.FilePath)
			// Mark it planned so later identical rows count as duplicates.
			planned := report.Outcome{Planned: true}
			if !m.state.Add(row.Key, planned) {
				m.state.Update(row.Key, func(o *report.Outcome) { *o = planned })
			}
		case pipeline.ActionReject:
			if len(p.Rejects) < maxRejects {
				p.Rejects = append(p.Rejects, row.Err.Error())
			}
		}
	}
	imports := p.Actions[pipeline.ActionImport] + p.Actions[pipeline.ActionRetry] + p.Actions[pipeline.ActionReconcile]
	polls := imports + p.Actions[pipeline.ActionRepoll]
	p.ImportCalls = int(math.Ceil(float64(imports) / float64(m.cfg.BatchSize)))
	if !m.cfg.NoWait {
		p.StatusCalls = status.Calls()
	}
	p.TrashCalls = int(math.Ceil(float64(trash) / float64(wix.MaxBulkDelete)))
	p.CheckCalls = 1
	p.Rate = m.cfg.Rate
	if p.Rate <= 0 {
		p.Rate = wix.RateLimit
	}
	if polls > 0 || p.URICalls > 0 {
		p.Duration = Estimate{ImportCalls: float64(p.CheckCalls + p.URICalls + p.ImportCalls + p.TrashCalls),
			StatusCalls: float64(p.StatusCalls), Rate: p.Rate, Wait: polls > 0 && !m.cfg.NoWait, Processing: TypicalProcessing}.Duration()
	}
	return p, nil
}
