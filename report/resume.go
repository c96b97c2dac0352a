package report

import (
	"fmt"
	"io"
	"time"

	"github.com/wixmigrate/wixmigrate/manifest"
)

// Resumed says what a journal replay brought back.
type Resumed struct {
	ReplayStats
	Outcomes int // outcome records applied, of imports and of files
	InDoubt  int // imports sent with no answer recorded
	// Imports counts the records of a migration (import intents and
	// outcomes): undo and restore, which read the report without the
	// manifest, leave such a journal to migrate.
	Imports int
	// OpenUndo and OpenRestore count the files of undo's and restore's
	// calls that were sent with no answer recorded: a run of the same
	// command sends them again.
	OpenUndo, OpenRestore int
	// Unanswered holds those files' IDs.
	Unanswered map[string]bool
}

// OpenJournalInto opens the journal at path, replays it over state (which
// holds the report's outcomes: the journal is newer), and marks imports whose
// intent has no recorded answer as in doubt (PhaseInDoubt) since the
// intent's time, so the pipeline reconciles them before sending anything
// again.
func OpenJournalInto(path string, state *State) (*Journal, Resumed, error) {
	var res Resumed
	open := map[uint64][]manifest.Key{}
	sent := map[manifest.Key]time.Time{} // keys of open intents, with the intent's time
	openFiles := map[uint64]Record{}     // open undo and restore intents
	var byFile map[string][]manifest.Key // built at the first file outcome
	j, stats, err := OpenJournal(path, func(r Record) {
		switch r.Kind {
		case KindIntent:
			res.Imports++
			open[r.Batch] = r.Keys
			for _, k := range r.Keys {
				sent[k] = r.At
			}
		case KindUndoIntent, KindRestoreIntent:
			openFiles[r.Batch] = r
		case KindAnswered:
			for _, k := range open[r.Batch] {
				delete(sent, k)
			}
			delete(open, r.Batch)
			delete(openFiles, r.Batch)
		case KindOutcome:
			res.Imports++
			res.Outcomes++
			if !state.Add(r.Key, r.Outcome) {
				state.Update(r.Key, func(o *Outcome) { *o = r.Outcome })
			}
			if r.Outcome.Status != Unknown {
				delete(sent, r.Key) // answered, whatever the intent record says
			}
			if byFile != nil && r.Outcome.FileID != "" {
				byFile[r.Outcome.FileID] = append(byFile[r.Outcome.FileID], r.Key)
			}
		case KindFileOutcome:
			res.Outcomes++
			if byFile == nil {
				byFile = FileIndex(state)
			}
			for _, k := range byFile[r.Outcome.FileID] {
				state.Update(k, func(o *Outcome) {
					if o.FileID == r.Outcome.FileID {
						*o = r.Outcome
					}
				})
			}
		}
	})
	if err != nil {
		return nil, res, fmt.Errorf("journal %s: %w", path, err)
	}
	res.ReplayStats = stats
	for _, r := range openFiles {
		if r.Kind == KindUndoIntent {
			res.OpenUndo += len(r.FileIDs)
		} else {
			res.OpenRestore += len(r.FileIDs)
		}
		if res.Unanswered == nil {
			res.Unanswered = map[string]bool{}
		}
		for _, id := range r.FileIDs {
			res.Unanswered[id] = true
		}
	}
	for key, at := range sent {
		res.InDoubt++
		prev, _ := state.Get(key)
		doubt := prev.InDoubt(at, Reasons.Crashed)
		if !state.Add(key, doubt) {
			state.Update(key, func(o *Outcome) { *o = doubt })
		}
	}
	return j, res, nil
}

// Commands whose runs write a report's journal, as UnfinishedError names them.
const (
	CommandMigrate = "migrate"
	CommandUndo    = "undo"
	CommandRestore = "restore"
)

// UnfinishedError says a report's journal holds the work of another
// command, cut short (a run killed): only that command, run again, can
// finish it; any other would act on a report that may not say where the
// files are.
type UnfinishedError struct {
	Report  string
	Command string // CommandMigrate, CommandUndo or CommandRestore
}

func (e *UnfinishedError) Error() string {
	return fmt.Sprintf("a %s of the report %s was interrupted (its journal %s is still there); run %s again with the same report to finish it first",
		e.Command, e.Report, JournalPath(e.Report), e.Command)
}

// JournalPath is where the journal of the report at reportPath lives:
// beside it, shared by every command that writes the report.
func JournalPath(reportPath string) string { return reportPath + ".journal" }

// Unfinished returns an *UnfinishedError when the replayed journal of the
// report at reportPath holds work another command than command must
// finish: undo or restore calls sent with no answer recorded, or, for undo
// and restore, any record of a migration (whose imports are keyed by the
// manifest's options, which they do not know).
func (r Resumed) Unfinished(reportPath, command string) error {
	switch {
	case r.OpenUndo > 0 && command != CommandUndo:
		return &UnfinishedError{Report: reportPath, Command: CommandUndo}
	case r.OpenRestore > 0 && command != CommandRestore:
		return &UnfinishedError{Report: reportPath, Command: CommandRestore}
	case r.Imports > 0 && command != CommandMigrate:
		return &UnfinishedError{Report: reportPath, Command: CommandMigrate}
	}
	return nil
}

// FileIndex maps the file IDs of state's outcomes to their imports' keys.
func FileIndex(state *State) map[string][]manifest.Key {
	idx := map[string][]manifest.Key{}
	state.Each(func(key manifest.Key, o *Outcome) {
		if o.FileID != "" {
			idx[o.FileID] = append(idx[o.FileID], key)
		}
	})
	return idx
}

// MarkLost marks the imports of manifest rows a report lost as in doubt:
// valid rows from the 0-based index fromRow on whose import the state does
// not know. An earlier run may have imported them after `since`; marked in
// doubt (and written so in every report from now on), they are looked for
// in the Media Manager before they are imported again. It returns how many
// imports it marked.
func MarkLost(rows *manifest.Reader, state *State, since time.Time, fromRow int) (int, error) {
	lost := Outcome{}.InDoubt(since, Reasons.ReportLost)
	n := 0
	for {
		row, err := rows.Next()
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		if row.Err == nil && row.Index >= fromRow && state.Add(row.Key, lost) {
			n++
		}
	}
}
