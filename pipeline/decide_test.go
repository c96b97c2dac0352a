package pipeline

import (
	"errors"
	"testing"
	"time"

	"github.com/wixmigrate/wixmigrate/manifest"
	"github.com/wixmigrate/wixmigrate/report"
)

// TestDecide is what a run does with a row given what it knows of the row's
// import. Every case is run with two reasons, so that no decision depends
// on a reason's words.
func TestDecide(t *testing.T) {
	t.Parallel()
	const maxAttempts = 3
	sent := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC).UnixNano()
	cases := []struct {
		name    string
		known   bool
		outcome report.Outcome
		rowErr  bool
		want    Action
	}{
		{name: "invalid row", rowErr: true, want: ActionReject},
		{name: "never seen", want: ActionImport},
		{name: "planned earlier in this pass", known: true, outcome: report.Outcome{Planned: true}, want: ActionDuplicate},
		{name: "planned, in doubt", known: true, outcome: report.Outcome{Planned: true, Phase: report.PhaseInDoubt, Updated: sent, Attempts: 1}, want: ActionDuplicate},
		{name: "READY", known: true, outcome: report.Outcome{Status: report.Ready, FileID: "f", Attempts: 1}, want: ActionKeep},
		{name: "PENDING with a file", known: true, outcome: report.Outcome{Status: report.Pending, FileID: "f", Attempts: 1}, want: ActionRepoll},
		{name: "in doubt since it was sent", known: true, outcome: report.Outcome{Phase: report.PhaseInDoubt, Updated: sent, Attempts: 1}, want: ActionReconcile},
		{name: "not imported, attempts from earlier runs", known: true, outcome: report.Outcome{Attempts: 2}, want: ActionImport},
		{name: "FAILED, attempts left", known: true, outcome: report.Outcome{Status: report.Failed, Attempts: 2}, want: ActionRetry},
		{name: "FAILED, attempts used up", known: true, outcome: report.Outcome{Status: report.Failed, Attempts: 3}, want: ActionKeep},
		{name: "Wix failed it, attempts left", known: true, outcome: report.Outcome{Status: report.Failed, Phase: report.PhaseWixFailed, FileID: "f", Attempts: 1}, want: ActionRetry},
		{name: "UNDONE: imported again as new", known: true, outcome: report.Outcome{Status: report.Undone, Before: report.Ready, FileID: "f", Attempts: 3}, want: ActionImport},
		{name: "UNDONE, was FAILED with attempts used up", known: true, outcome: report.Outcome{Status: report.Undone, Before: report.Failed, FileID: "f", Attempts: 3}, want: ActionImport},
		{name: "Wix failed it, attempts used up: the fallback pass takes it", known: true, outcome: report.Outcome{Status: report.Failed, Phase: report.PhaseWixFailed, FileID: "f", Attempts: 3}, want: ActionKeep},
	}
	for _, c := range cases {
		for _, reason := range []string{"", report.Reasons.NotImported, "some other words"} {
			state := report.NewState()
			row := &manifest.Row{Key: manifest.Key{1}}
			if c.rowErr {
				row.Err = &manifest.RowError{Line: 2, Msg: "bad"}
			}
			o := c.outcome
			o.SetReason(reason)
			if c.known {
				state.Add(row.Key, o)
			}
			got, prev := Decide(row, state, maxAttempts)
			if got != c.want {
				t.Errorf("%s (reason %q): %v, want %v", c.name, reason, got, c.want)
			}
			if c.outcome.Status == report.Undone && (prev.FileID != "" || prev.Attempts != 0) {
				t.Errorf("%s: the import starts from %+v, want a new one (no file, no attempts)", c.name, prev)
			}
		}
	}
}

// TestLedgerPlanKeepsWhatAResumeNeeds: planning keeps the attempts of
// earlier runs, and an import in doubt stays in doubt (with when it was
// sent) until reconciliation settles it.
func TestLedgerPlanKeepsWhatAResumeNeeds(t *testing.T) {
	t.Parallel()
	since := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
	key := manifest.Key{2}
	for _, c := range []struct {
		name string
		prev report.Outcome
		what Action
		want report.Outcome
	}{
		{"retry", report.Outcome{Status: report.Failed, Attempts: 2, FileID: "f"}, ActionRetry, report.Outcome{Attempts: 2, Planned: true}},
		{"import", report.Outcome{}, ActionImport, report.Outcome{Planned: true}},
		{"reconcile", report.Outcome{}.InDoubt(since, "lost"), ActionReconcile, func() report.Outcome {
			o := report.Outcome{}.InDoubt(since, "lost")
			o.Planned = true
			return o
		}()},
	} {
		l := &ledger{state: report.NewState(), stats: &Stats{}, stop: func(error) {}}
		l.state.Add(key, c.prev)
		got := l.plan(key, c.prev, c.what)
		stored, _ := l.state.Get(key)
		if got != c.want || stored != c.want {
			t.Errorf("%s: planned %+v (stored %+v), want %+v", c.name, got, stored, c.want)
		}
		if l.stats.Planned.Load() != 1 {
			t.Errorf("%s: %d planned, want 1", c.name, l.stats.Planned.Load())
		}
	}
}

// TestAttemptCountsOnce: a job's attempt is counted once, however often
// its call is re-sent (a split batch, a lost answer).
func TestAttemptCountsOnce(t *testing.T) {
	t.Parallel()
	l := &ledger{state: report.NewState(), stats: &Stats{}, stop: func(error) {}}
	batch := []job{{key: manifest.Key{1}}, {key: manifest.Key{2}}}
	for _, j := range batch {
		l.state.Add(j.key, report.Outcome{Attempts: 1})
	}
	l.attempt(batch)
	l.attempt(batch[:1]) // half of a split batch
	again := append([]job(nil), batch...)
	l.attempt(again) // re-sent after reconciliation
	for _, j := range batch {
		if o, _ := l.state.Get(j.key); o.Attempts != 2 {
			t.Errorf("key %v: %d attempts, want 2", j.key[0], o.Attempts)
		}
	}
}

// TestSettings: zero settings take the defaults, and Validate names the
// setting out of range.
func TestSettings(t *testing.T) {
	t.Parallel()
	d := Settings{}.WithDefaults()
	if d.BatchSize != DefaultBatchSize || d.Rate != DefaultRate || d.MaxAttempts != DefaultMaxAttempts ||
		d.PollInterval != DefaultPollInterval || d.FolderID != DefaultFolderID || d.MaxPending != DefaultMaxPending {
		t.Errorf("defaults: %+v", d)
	}
	if err := d.Validate(); err != nil {
		t.Errorf("the defaults are invalid: %v", err)
	}
	if err := (Settings{}).Validate(); err == nil {
		t.Error("zero settings validated: the command's flags would let 0 through")
	}
	for setting, change := range map[string]func(*Settings){
		"BatchSize":   func(s *Settings) { s.BatchSize = 101 },
		"Concurrency": func(s *Settings) { s.Concurrency = -1 },
		"Poll":        func(s *Settings) { s.Poll = "sometimes" },
		"MaxAttempts": func(s *Settings) { s.MaxAttempts = 256 },
		"FolderID":    func(s *Settings) { s.FolderID = string(make([]byte, 101)) },
		"RetryMax":    func(s *Settings) { s.RetryMax = -1 },
	} {
		s := d
		change(&s)
		var se *SettingError
		if err := s.Validate(); !errors.As(err, &se) || se.Setting != setting {
			t.Errorf("%s out of range: %v", setting, err)
		}
	}
	if s := (Settings{Rate: NoRateLimit}).WithDefaults(); s.Validate() != nil || s.Rate != NoRateLimit {
		t.Errorf("no rate limit: %+v", s)
	}
}
