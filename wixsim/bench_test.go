package wixsim

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"testing"

	"github.com/wixmigrate/wixmigrate/wix"
)

// BenchmarkBulkImport measures the simulator's own cost per imported file
// (handler, indexes, record) and reports the heap each file keeps; sources
// are never fetched (StuckRate 1), so only bookkeeping is measured.
func BenchmarkBulkImport(b *testing.B) {
	sim := New(Options{StuckRate: 1})
	defer sim.Close()
	reqs := make([]wix.ImportFileRequest, 100)
	for i := range reqs {
		reqs[i] = wix.ImportFileRequest{URL: "http://127.0.0.1:1/products/photo-" + strconv.Itoa(i) + ".jpg", FilePath: "/products/2024"}
	}
	body, _ := json.Marshal(wix.BulkImportFileRequest{ImportFileRequests: reqs})
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	files := 0
	for files < b.N {
		r := httptest.NewRequest("POST", "/site-media/v1/bulk/files/import-v2", bytes.NewReader(body))
		r.Header.Set("Authorization", "k")
		r.Header.Set("wix-site-id", "bench")
		w := httptest.NewRecorder()
		sim.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d", w.Code)
		}
		files += len(reqs)
	}
	b.StopTimer()
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/float64(files), "heapB/file")
}

// BenchmarkListFilesPage pages through a 100,000-file folder; a page costs
// O(log n + limit), not a scan of the folder.
func BenchmarkListFilesPage(b *testing.B) {
	sim := New(Options{StuckRate: 1})
	defer sim.Close()
	reqs := make([]wix.ImportFileRequest, 100)
	for i := range reqs {
		reqs[i] = wix.ImportFileRequest{URL: "http://127.0.0.1:1/p" + strconv.Itoa(i) + ".jpg"}
	}
	body, _ := json.Marshal(wix.BulkImportFileRequest{ImportFileRequests: reqs})
	serve := func(method, target string, body []byte) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, target, bytes.NewReader(body))
		r.Header.Set("Authorization", "k")
		r.Header.Set("wix-site-id", "bench")
		w := httptest.NewRecorder()
		sim.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatalf("%s %s: %d", method, target, w.Code)
		}
		return w
	}
	for range 1000 {
		serve("POST", "/site-media/v1/bulk/files/import-v2", body)
	}
	b.ResetTimer()
	cursor := ""
	for range b.N {
		w := serve("GET", "/site-media/v1/files?sort.fieldName=displayName&paging.limit=100&paging.cursor="+cursor, nil)
		var out wix.ListFilesResponse
		if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil || len(out.Files) == 0 {
			b.Fatalf("page: %v", err)
		}
		cursor = out.Next() // "" after the last page: start again
	}
}
