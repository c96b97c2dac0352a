package pipeline

import (
	"fmt"
	"time"

	"github.com/wixmigrate/wixmigrate/manifest"
	"github.com/wixmigrate/wixmigrate/report"
)

// Journal records what a run learns as it happens (report.Journal), so a
// crash loses nothing: an intent is on disk before its import is sent,
// outcomes follow as they are learned.
type Journal interface {
	Intent(keys []manifest.Key, at time.Time) (batch uint64, err error)
	Outcome(key manifest.Key, o report.Outcome) error
	Answered(batch uint64) error
}

// update changes a key's outcome and journals the result.
func (r *run) update(key manifest.Key, change func(*report.Outcome)) {
	var after report.Outcome
	r.state.Update(key, func(o *report.Outcome) {
		change(o)
		after = *o
	})
	if r.cfg.Journal != nil {
		if err := r.cfg.Journal.Outcome(key, after); err != nil {
			r.fatal(fmt.Errorf("journal: %w", err))
		}
	}
}

// intent records, durably, that batch is about to be sent. It returns 0
// without a journal. A run that cannot record intents must not import.
func (r *run) intent(batch []job, at time.Time) (uint64, bool) {
	if r.cfg.Journal == nil {
		return 0, true
	}
	keys := make([]manifest.Key, len(batch))
	for i, j := range batch {
		keys[i] = j.key
	}
	id, err := r.cfg.Journal.Intent(keys, at)
	if err != nil {
		r.fatal(fmt.Errorf("journal: %w", err))
		return 0, false
	}
	return id, true
}

// answered closes an intent: its rows' outcomes are recorded.
func (r *run) answered(id uint64) {
	if r.cfg.Journal == nil || id == 0 {
		return
	}
	if err := r.cfg.Journal.Answered(id); err != nil {
		r.fatal(fmt.Errorf("journal: %w", err))
	}
}
