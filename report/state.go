package report

import (
	"sync"

	"github.com/wixmigrate/wixmigrate/manifest"
)

// State holds one Outcome per distinct import of a run. It is safe for
// concurrent use.
type State struct {
	mu    sync.RWMutex
	index map[manifest.Key]int32
	outs  []Outcome
}

// NewState returns an empty state.
func NewState() *State {
	return &State{index: make(map[manifest.Key]int32)}
}

// Len is the number of distinct imports known.
func (s *State) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.outs)
}

// Get returns the outcome of key and whether there is one.
func (s *State) Get(key manifest.Key) (Outcome, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	i, ok := s.index[key]
	if !ok {
		return Outcome{}, false
	}
	return s.outs[i], true
}

// Add records key with outcome o unless key is known already; it reports
// whether it added it.
func (s *State) Add(key manifest.Key, o Outcome) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.index[key]; ok {
		return false
	}
	s.index[key] = int32(len(s.outs))
	s.outs = append(s.outs, o)
	return true
}

// Update changes the outcome of a known key in place.
func (s *State) Update(key manifest.Key, change func(*Outcome)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if i, ok := s.index[key]; ok {
		change(&s.outs[i])
	}
}

// Each calls fn for every outcome, in the order they were added, under a read lock.
func (s *State) Each(fn func(key manifest.Key, o *Outcome)) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	keys := make([]manifest.Key, len(s.outs))
	for k, i := range s.index {
		keys[i] = k
	}
	for i := range s.outs {
		fn(keys[i], &s.outs[i])
	}
}
