package pipeline

import (
	"cmp"
	"slices"
	"sync"
	"sync/atomic"
)

// Stats are a run's live counters, read by the progress display and the
// summary while the run goes on.
type Stats struct {
	Planned   atomic.Int64 // rows planned for import (after dedup and resume)
	Imported  atomic.Int64 // imports Wix accepted (file created)
	Ready     atomic.Int64
	Failed    atomic.Int64
	Pending   atomic.Int64 // files waiting for processing now
	Throttles atomic.Int64 // 429 answers
	Retries   atomic.Int64 // transient errors retried
	Uploads   atomic.Int64 // uploads started (to upload URLs: not API calls, not rate limited)
	Uploaded  atomic.Int64 // bytes uploaded
	Adopted   atomic.Int64 // files of lost import answers found and adopted
	// Described counts READY rows of a resumed report whose wix_uri was
	// filled in from their files' descriptors.
	Described atomic.Int64

	mu    sync.Mutex
	calls map[string]int64
}

// countCall records one API call to endpoint.
func (s *Stats) countCall(endpoint string) {
	s.mu.Lock()
	if s.calls == nil {
		s.calls = map[string]int64{}
	}
	s.calls[endpoint]++
	s.mu.Unlock()
}

// EndpointCount is the number of calls made to one endpoint.
type EndpointCount struct {
	Endpoint string
	Calls    int64
}

// Calls returns the calls made by endpoint, most first.
func (s *Stats) Calls() []EndpointCount {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]EndpointCount, 0, len(s.calls))
	for e, n := range s.calls {
		out = append(out, EndpointCount{e, n})
	}
	slices.SortFunc(out, func(a, b EndpointCount) int {
		return cmp.Or(cmp.Compare(b.Calls, a.Calls), cmp.Compare(a.Endpoint, b.Endpoint))
	})
	return out
}

// TotalCalls is the number of API calls made.
func (s *Stats) TotalCalls() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	var n int64
	for _, c := range s.calls {
		n += c
	}
	return n
}
