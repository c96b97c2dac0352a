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
	Outcomes int // outcome records applied
	InDoubt  int // imports sent with no answer recorded
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
	j, stats, err := OpenJournal(path, func(r Record) {
		switch r.Kind {
		case KindIntent:
			open[r.Batch] = r.Keys
			for _, k := range r.Keys {
				sent[k] = r.At
			}
		case KindAnswered:
			for _, k := range open[r.Batch] {
				delete(sent, k)
			}
			delete(open, r.Batch)
		case KindOutcome:
			res.Outcomes++
			if !state.Add(r.Key, r.Outcome) {
				state.Update(r.Key, func(o *Outcome) { *o = r.Outcome })
			}
			if r.Outcome.Status != Unknown {
				delete(sent, r.Key) // answered, whatever the intent record says
			}
		}
	})
	if err != nil {
		return nil, res, fmt.Errorf("journal %s: %w", path, err)
	}
	res.ReplayStats = stats
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
