package pipeline

import (
	"cmp"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/wixmigrate/wixmigrate/wix"
)

// Stats are a run's live counters, read by the progress display and the
// summary while the run goes on.
type Stats struct {
	Read      atomic.Int64 // manifest rows read and decided on
	Kept      atomic.Int64 // rows read that need nothing: READY, out of attempts, or a retry whose failed file could not go to the trash
	Started   atomic.Int64 // rows whose import or upload went out (each once)
	LastStart atomic.Int64 // when the latest of them went out, in Unix nanoseconds
	TimedOut  atomic.Int64 // files still processing after the pending timeout: they stay PENDING
	// Revisits are rows Wix failed whose second chance (a fallback upload,
	// or a diagnosis) is still to come in this run; Failed counts them.
	Revisits atomic.Int64
	// Processing is Wix's recent processing time of a file (the poller's
	// 90th percentile), in nanoseconds; 0 until a file was seen final.
	Processing atomic.Int64

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

	finished atomic.Int64

	mu    sync.Mutex
	calls map[string]int64
}

// Finished is the rows this run is done with: left as they were
// (READY, out of attempts, duplicates, invalid), final (READY, or FAILED
// with no second chance to come), or left for the next run to check
// (timed out, not waited for, answer lost). With every row read and
// nothing in flight, it is the number of rows read. It only grows: one
// counter, moved once per row as it is done.
func (s *Stats) Finished() int64 { return s.finished.Load() }

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

// statusEndpoints are the calls that check processing (the poller's; a
// reconciler looking for a lost import uses two of them too).
var statusEndpoints = []string{wix.EndpointListFiles.Name, wix.EndpointSearchFiles.Name,
	wix.EndpointGetFileDescriptors.Name, wix.EndpointGetFileDescriptor.Name}

// StatusCalls is the number of calls made to check processing.
func (s *Stats) StatusCalls() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	var n int64
	for _, ep := range statusEndpoints {
		n += s.calls[ep]
	}
	return n
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
