package wixsim

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/wixmigrate/wixmigrate/wix"
)

func TestRateLimit(t *testing.T) {
	t.Parallel()
	srv := newServer(t, Options{RateLimit: 3})
	for i := range 3 {
		if resp, b := do(t, srv, "GET", "/site-media/v1/files", "s1", nil, nil); resp.StatusCode != 200 {
			t.Fatalf("request %d: %d %s", i, resp.StatusCode, b)
		}
	}
	resp, b := do(t, srv, "GET", "/site-media/v1/files", "s1", nil, nil)
	if resp.StatusCode != 429 {
		t.Fatalf("4th request: %d", resp.StatusCode)
	}
	// 3/min refills one token every 20 s.
	if ra := resp.Header.Get("Retry-After"); ra != "20" {
		t.Errorf("Retry-After %q, want 20", ra)
	}
	if e := errorBody(t, b); e.Details.ApplicationError == nil || e.Details.ApplicationError.Code != "TOO_MANY_REQUESTS" {
		t.Errorf("429 body %s", b)
	}
	// Other sites have their own bucket; uploads and stats are not limited.
	if resp, _ := do(t, srv, "GET", "/site-media/v1/files", "s2", nil, nil); resp.StatusCode != 200 {
		t.Errorf("other site: %d", resp.StatusCode)
	}
	if resp, _ := do(t, srv, "GET", "/_sim/stats", "s1", nil, nil); resp.StatusCode != 200 {
		t.Errorf("stats: %d", resp.StatusCode)
	}
	if got := srv.Sim.Stats().Requests[wix.EndpointListFiles.Stat]["429"]; got != 1 {
		t.Errorf("stats count %d throttled calls, want 1", got)
	}
}

func TestBucketRefillsContinuously(t *testing.T) {
	t.Parallel()
	var b bucket
	start := time.Unix(1000, 0)
	// A client at exactly 120/min (one call every 500 ms) is never throttled,
	// even after spending the initial burst.
	for i := range 120 {
		if ok, _ := b.take(120, 0, start); !ok {
			t.Fatalf("burst call %d throttled", i)
		}
	}
	for i := 1; i <= 500; i++ {
		if ok, _ := b.take(120, 0, start.Add(time.Duration(i)*500*time.Millisecond)); !ok {
			t.Fatalf("paced call %d throttled", i)
		}
	}
	if ok, retry := b.take(120, 0, start.Add(250*time.Second)); ok || retry != 1 {
		t.Fatalf("extra call: ok=%v retry=%d", ok, retry)
	}
}

// With RateBurst, the bucket holds that many calls, not a minute's: at
// 60/min with a burst of 5, five calls at once pass, the sixth is throttled
// for a second, and after idling a minute still only five pass at once.
func TestRateBurst(t *testing.T) {
	t.Parallel()
	var b bucket
	start := time.Unix(1000, 0)
	burst := func(at time.Time) (passed, retry int) {
		for passed = 0; passed < 60; passed++ {
			ok, r := b.take(60, 5, at)
			if !ok {
				return passed, r
			}
		}
		return passed, 0
	}
	if n, retry := burst(start); n != 5 || retry != 1 {
		t.Errorf("at once: %d calls passed, then Retry-After %d; want 5, then 1", n, retry)
	}
	for i := 1; i <= 120; i++ { // exactly 60/min is never throttled
		if ok, _ := b.take(60, 5, start.Add(time.Duration(i)*time.Second)); !ok {
			t.Fatalf("paced call %d throttled", i)
		}
	}
	if n, _ := burst(start.Add(10 * time.Minute)); n != 5 {
		t.Errorf("after idling: %d calls passed at once, want 5", n)
	}
}

func TestErrorRateHasNoEffect(t *testing.T) {
	t.Parallel()
	srv := newServer(t, Options{ErrorRate: 1})
	for range 5 {
		resp, b := do(t, srv, "POST", "/site-media/v1/files/import", "s1", wix.ImportFileRequest{URL: "http://127.0.0.1:1/a.png"}, nil)
		if resp.StatusCode != 500 && resp.StatusCode != 503 {
			t.Fatalf("status %d", resp.StatusCode)
		}
		if e := errorBody(t, b); e.Details.ApplicationError == nil {
			t.Fatalf("5xx body %s", b)
		}
	}
	if st := srv.Sim.Stats(); st.Files.Pending != 0 {
		t.Fatalf("failed calls created %d files", st.Files.Pending)
	}
}

func TestCommitErrorTakesEffect(t *testing.T) {
	t.Parallel()
	srv := newServer(t, Options{CommitErrorRate: 1, Seed: 7})
	var fivexx, dropped int
	for i := range 12 {
		body, _ := json.Marshal(wix.ImportFileRequest{URL: "http://127.0.0.1:1/a.png", DisplayName: "c" + strconv.Itoa(i) + ".png"})
		req, _ := http.NewRequest("POST", srv.URL+"/site-media/v1/files/import", bytes.NewReader(body))
		req.Header.Set("Authorization", testKey)
		req.Header.Set("wix-site-id", "s1")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			dropped++
			continue
		}
		resp.Body.Close()
		if resp.StatusCode/100 != 5 {
			t.Fatalf("status %d", resp.StatusCode)
		}
		fivexx++
	}
	if fivexx == 0 || dropped == 0 {
		t.Errorf("want both kinds of commit error: %d 5xx, %d dropped", fivexx, dropped)
	}
	// Every import exists although no client saw success.
	if got := listAll(t, srv, "s1", url.Values{}); len(got) != 12 {
		t.Fatalf("%d files exist, want 12", len(got))
	}
	if got := srv.Sim.Stats().Requests[wix.EndpointImportFile.Stat]["dropped"]; got != int64(dropped) {
		t.Errorf("stats count %d dropped, want %d", got, dropped)
	}
	// Bulk imports too.
	body, _ := json.Marshal(wix.BulkImportFileRequest{ImportFileRequests: []wix.ImportFileRequest{{URL: "http://127.0.0.1:1/a.png"}}})
	req, _ := http.NewRequest("POST", srv.URL+"/site-media/v1/bulk/files/import-v2", bytes.NewReader(body))
	req.Header.Set("Authorization", testKey)
	req.Header.Set("wix-site-id", "s2")
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		if resp.StatusCode/100 != 5 {
			t.Fatalf("bulk status %d", resp.StatusCode)
		}
	}
	if got := listAll(t, srv, "s2", url.Values{}); len(got) != 1 {
		t.Fatalf("bulk commit error: %d files", len(got))
	}
}

// quiet waits until no download or processing is left.
func quiet(t *testing.T, sim *Simulator, files int64) Stats {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		st := sim.Stats()
		if st.FetchQueue == 0 && st.Fetching == 0 && st.Processing == 0 && st.Files.Ready+st.Files.Failed+st.Files.Pending == files {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("simulator not quiet: %+v", st)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func TestStuckFiles(t *testing.T) {
	t.Parallel()
	src := origin(t, map[string][]byte{"a.png": pngBytes(t, 2, 2)})
	srv := newServer(t, Options{StuckRate: 0.5, Seed: 3})
	ids := make([]string, 20)
	for i := range ids {
		ids[i] = importFile(t, srv, "s1", wix.ImportFileRequest{URL: src.URL + "/img/a.png"}).ID
	}
	// Wait until no work is left: whatever is still PENDING has nothing
	// queued for it, so it stays PENDING forever.
	var st Stats
	deadline := time.Now().Add(10 * time.Second)
	for {
		st = srv.Sim.Stats()
		if st.FetchQueue == 0 && st.Fetching == 0 && st.Processing == 0 && st.Files.Ready+st.Files.Pending == 20 && st.Files.Ready > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not settled: %+v", st)
		}
		time.Sleep(2 * time.Millisecond)
	}
	if st.Files.Pending == 0 || st.Files.Ready == 0 {
		t.Fatalf("StuckRate 0.5 gave %+v", st.Files)
	}
	pending := 0
	for _, id := range ids {
		if getFile(t, srv, "s1", id).OperationStatus == wix.StatusPending {
			pending++
		}
	}
	if int64(pending) != st.Files.Pending {
		t.Fatalf("%d files PENDING, stats say %d", pending, st.Files.Pending)
	}
}

// faultPattern runs a fixed request sequence and records what the client
// saw and which files got stuck.
func faultPattern(t *testing.T, seed int64, origin string) []string {
	srv := newServer(t, Options{Seed: seed, ErrorRate: 0.3, CommitErrorRate: 0.3, StuckRate: 0.3})
	var pattern []string
	for i := range 30 {
		body, _ := json.Marshal(wix.ImportFileRequest{URL: origin, DisplayName: "f" + strconv.Itoa(i) + ".png"})
		req, _ := http.NewRequest("POST", srv.URL+"/site-media/v1/files/import", bytes.NewReader(body))
		req.Header.Set("Authorization", testKey)
		req.Header.Set("wix-site-id", "s1")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			pattern = append(pattern, "dropped")
			continue
		}
		resp.Body.Close()
		pattern = append(pattern, strconv.Itoa(resp.StatusCode))
	}
	st := srv.Sim.Stats()
	quiet(t, srv.Sim, st.Files.Pending+st.Files.Ready+st.Files.Failed)
	for _, f := range listAllFiles(t, srv, "s1") {
		pattern = append(pattern, f.DisplayName+":"+string(f.OperationStatus))
	}
	return pattern
}

func listAllFiles(t *testing.T, srv *Server, site string) []wix.File {
	t.Helper()
	q := url.Values{"sort.fieldName": {"displayName"}}
	var all []wix.File
	for {
		out := list(t, srv, site, q)
		all = append(all, out.Files...)
		if out.Next() == "" {
			return all
		}
		q.Set("paging.cursor", out.Next())
	}
}

func TestSeededDeterminism(t *testing.T) {
	t.Parallel()
	src := origin(t, map[string][]byte{"a.png": pngBytes(t, 2, 2)})
	u := src.URL + "/img/a.png"
	a, b := faultPattern(t, 42, u), faultPattern(t, 42, u)
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("same seed, different faults:\n%v\n%v", a, b)
	}
	if c := faultPattern(t, 43, u); reflect.DeepEqual(a, c) {
		t.Fatalf("different seeds, same faults: %v", a)
	}
}

func TestLatency(t *testing.T) {
	t.Parallel()
	srv := newServer(t, Options{Latency: Range{Min: 30 * time.Millisecond, Max: 40 * time.Millisecond}})
	start := time.Now()
	do(t, srv, "GET", "/site-media/v1/files", "s1", nil, nil)
	if d := time.Since(start); d < 30*time.Millisecond {
		t.Fatalf("answered in %v, want >= 30ms", d)
	}
}

func TestStatsEndpoint(t *testing.T) {
	t.Parallel()
	src := origin(t, map[string][]byte{"a.png": pngBytes(t, 2, 2)})
	srv := newServer(t, Options{})
	f := importFile(t, srv, "s1", wix.ImportFileRequest{URL: src.URL + "/img/a.png"})
	importFile(t, srv, "s1", wix.ImportFileRequest{URL: src.URL + "/html"})
	waitDone(t, srv, "s1", f.ID)
	do(t, srv, "GET", "/site-media/v1/files", "", nil, nil) // 400: no site
	quiet(t, srv.Sim, 2)
	var st Stats
	resp, b := do(t, srv, "GET", "/_sim/stats", "", nil, &st)
	if resp.StatusCode != 200 {
		t.Fatalf("stats: %d %s", resp.StatusCode, b)
	}
	if st.Requests["import"]["200"] != 2 || st.Requests["getFile"]["200"] < 1 || st.Requests["listFiles"]["400"] != 1 {
		t.Errorf("requests %s", b)
	}
	if st.Files != (FileCounts{Ready: 1, Failed: 1}) {
		t.Errorf("files %+v", st.Files)
	}
	var raw map[string]map[string]any
	json.Unmarshal(b, &raw)
	if _, ok := raw["files"]["READY"]; !ok {
		t.Errorf("files not keyed by status: %s", b)
	}
}

func TestParseRange(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]Range{
		"200ms-2s": {200 * time.Millisecond, 2 * time.Second},
		"500ms":    {500 * time.Millisecond, 500 * time.Millisecond},
		"":         {},
	} {
		if got, err := ParseRange(in); err != nil || got != want {
			t.Errorf("ParseRange(%q) = %v, %v", in, got, err)
		}
	}
	for _, bad := range []string{"2s-1s", "fast", "1s-", "-1s"} {
		if _, err := ParseRange(bad); err == nil {
			t.Errorf("ParseRange(%q) accepted", bad)
		}
	}
}
