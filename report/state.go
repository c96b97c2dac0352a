package report

import (
	"sync"

	"github.com/wixmigrate/wixmigrate/manifest"
)

// Outcomes are stored in fixed-size chunks: a growing run never copies
// them all to a larger array (a million outcomes would briefly need twice
// their memory) and never holds more than one chunk of spare room.
const (
	chunkBits = 12
	chunkLen  = 1 << chunkBits
)

// State holds one Outcome per distinct import of a run. It is safe for
// concurrent use.
type State struct {
	mu     sync.RWMutex
	index  map[manifest.Key]int32
	chunks [][]Outcome // each of chunkLen, the last one filled to n%chunkLen
	n      int
}

// NewState returns an empty state.
func NewState() *State {
	return &State{index: make(map[manifest.Key]int32)}
}

func (s *State) at(i int32) *Outcome { return &s.chunks[i>>chunkBits][i&(chunkLen-1)] }

// Len is the number of distinct imports known.
func (s *State) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.n
}

// Get returns the outcome of key and whether there is one.
func (s *State) Get(key manifest.Key) (Outcome, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	i, ok := s.index[key]
	if !ok {
		return Outcome{}, false
	}
	return *s.at(i), true
}

// Add records key with outcome o unless key is known already; it reports
// whether it added it.
func (s *State) Add(key manifest.Key, o Outcome) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.index[key]; ok {
		return false
	}
	if s.n%chunkLen == 0 {
		s.chunks = append(s.chunks, make([]Outcome, chunkLen))
	}
	i := int32(s.n)
	s.n++
	s.index[key] = i
	*s.at(i) = o
	return true
}

// Update changes the outcome of a known key in place.
func (s *State) Update(key manifest.Key, change func(*Outcome)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if i, ok := s.index[key]; ok {
		change(s.at(i))
	}
}

// Each calls fn for every outcome, in the order they were added, under a read lock.
func (s *State) Each(fn func(key manifest.Key, o *Outcome)) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	keys := make([]manifest.Key, s.n)
	for k, i := range s.index {
		keys[i] = k
	}
	for i := range s.n {
		fn(keys[i], s.at(int32(i)))
	}
}
