package wixsim

import (
	"encoding/hex"
	"sync"
)

// Stats is what GET /_sim/stats reports.
//
// Requests counts answers by endpoint name and HTTP status ("200", "429",
// ...; "dropped" for connections closed by CommitErrorRate). Endpoint names:
// import, bulkImport, listFiles, getFile, getFiles, search,
// bulkDeleteFiles, listDeletedFiles, bulkRestoreFiles,
// generateUploadUrl, generateResumableUploadUrl (the API methods), upload
// (PUT to an upload URL), tus (every tus request and the finalizing PUT),
// media (GET /media/<id>) and unknown (no such route).
type Stats struct {
	Requests map[string]map[string]int64 `json:"requests"`
	Files    FileCounts                  `json:"files"`
	// Sites is the number of sites that have made an authenticated call.
	Sites int `json:"sites"`
	// FetchQueue is the number of imports waiting for a download slot.
	FetchQueue int `json:"fetchQueue"`
	// Fetching is the number of downloads in flight.
	Fetching int `json:"fetching"`
	// Processing is the number of files whose bytes arrived and that wait
	// out their processing delay.
	Processing int `json:"processing"`
}

// FileCounts counts files of all sites by operation status.
type FileCounts struct {
	Pending int64 `json:"PENDING"`
	Ready   int64 `json:"READY"`
	Failed  int64 `json:"FAILED"`
}

// stats counts requests by endpoint and status.
type stats struct {
	mu       sync.Mutex
	requests map[string]map[string]int64
}

func (s *stats) init() { s.requests = map[string]map[string]int64{} }

func (s *stats) count(endpoint, status string) {
	s.mu.Lock()
	m := s.requests[endpoint]
	if m == nil {
		m = map[string]int64{}
		s.requests[endpoint] = m
	}
	m[status]++
	s.mu.Unlock()
}

// Stats returns a snapshot of the counters.
func (s *Simulator) Stats() Stats {
	out := Stats{Requests: map[string]map[string]int64{}}
	s.stats.mu.Lock()
	for ep, m := range s.stats.requests {
		c := make(map[string]int64, len(m))
		for k, v := range m {
			c[k] = v
		}
		out.Requests[ep] = c
	}
	s.stats.mu.Unlock()
	// A file moves from the queue to fetching to processing to its
	// status, and is counted in each stage until it is in the next; read
	// in that order, a snapshot whose stages are empty has every file that
	// left them counted in Files.
	out.FetchQueue = s.fetcher.queued()
	out.Fetching = int(s.fetcher.active.Load())
	out.Processing = s.timers.pending()
	out.Files = FileCounts{Pending: s.pending.Load(), Ready: s.ready.Load(), Failed: s.failed.Load()}
	s.sitesMu.Lock()
	out.Sites = len(s.sites)
	s.sitesMu.Unlock()
	return out
}

func hexHash(h [16]byte) string { return hex.EncodeToString(h[:]) }
