package pipeline_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/wixmigrate/wixmigrate/internal/testenv"
	"github.com/wixmigrate/wixmigrate/wixsim"
)

// cutFirstPatch drops the connection of the first tus PATCH after `after`
// bytes of its body, as a flaky network would. Its base answers in-process
// (wixsim.Transport): the simulator has handled the cut PATCH, and stored
// what got through, before the client sees the error and asks for the
// offset, as a server that noticed the drop first does. Over a real
// socket that order is up to the scheduler.
type cutFirstPatch struct {
	base  http.RoundTripper
	after int64
	cut   atomic.Bool
	sent  atomic.Int64 // PATCH body bytes handed to the network
}

func (c *cutFirstPatch) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method != http.MethodPatch {
		return c.base.RoundTrip(req)
	}
	if c.cut.CompareAndSwap(false, true) {
		body, _ := io.ReadAll(io.LimitReader(req.Body, c.after))
		req.Body.Close()
		c.sent.Add(int64(len(body)))
		// Send what got through, then fail as a dropped connection does.
		clone := req.Clone(req.Context())
		clone.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), errReader{}))
		resp, err := c.base.RoundTrip(clone)
		if err == nil {
			resp.Body.Close()
		}
		return nil, fmt.Errorf("connection reset by peer (test cut the PATCH after %d bytes)", len(body))
	}
	n := req.ContentLength
	c.sent.Add(n)
	return c.base.RoundTrip(req)
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, io.ErrUnexpectedEOF }

// TestSourcesWixCannotFetch runs in virtual time (testing/synctest), with
// the simulator and the origin in-process: the source that never answers
// costs the probe's 3 seconds of fake clock, not of the test's.
func TestSourcesWixCannotFetch(t *testing.T) {
	t.Parallel()
	testenv.SkipUnlessFull(t, "fallback uploads through the pipeline, a 12 MB one resumable, with every reason and size")
	synctest.Test(t, testSourcesWixCannotFetch)
}

func testSourcesWixCannotFetch(t *testing.T) {
	big := make([]byte, 12<<20)
	rand.Read(big[1024:])
	copy(big, testenv.PNG(42, 64, 48)) // a PNG header first, so it sniffs as an image
	bigPNG := testenv.PNG(43, 700, 500)

	origin := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/protected/shoe.png": // hotlink protection: refuses Wix's fetcher, serves us
			if strings.Contains(r.UserAgent(), "wix-media-sim") {
				http.Error(w, "no hotlinking", http.StatusForbidden)
				return
			}
			w.Header().Set("Content-Type", "image/png")
			w.Write(bigPNG)
		case "/slow.png": // never answers in time, to anyone
			<-r.Context().Done()
		case "/error-page.png":
			w.Header().Set("Content-Type", "text/html")
			io.WriteString(w, "<html><body>Oops</body></html>")
		default:
			http.NotFound(w, r)
		}
	})
	e := newInProcessEnv(t, wixsim.Options{ProcessingDelay: wixsim.Range{Max: 5 * time.Millisecond}, FetchTimeout: 300 * time.Millisecond}, origin)
	dir := filepath.Dir(e.cfg.Manifest)
	os.MkdirAll(filepath.Join(dir, "local"), 0o755)
	os.WriteFile(filepath.Join(dir, "local", "small.png"), testenv.PNG(7, 30, 20), 0o644)
	os.WriteFile(filepath.Join(dir, "local", "huge.png"), big, 0o644)

	cut := &cutFirstPatch{base: wixsim.Transport(e.sim.Sim), after: 3 << 20}
	e.client.HTTPClient = &http.Client{Transport: cut}
	e.cfg.ChunkSize = 4 << 20
	// The probe's timeout tells the source that never answers from the
	// ones that answer 404 or HTML.
	e.cfg.Prober.Timeout = 3 * time.Second

	e.writeManifest("source_url,display_name\n" +
		e.origin + "/protected/shoe.png,shoe.png\n" +
		"local/small.png,\n" +
		"local/huge.png,huge.png\n" +
		e.origin + "/slow.png,slow.png\n" +
		e.origin + "/missing.png,missing.png\n" +
		e.origin + "/error-page.png,page.png\n" +
		"local/not-there.png,\n")
	rows := e.migrate(context.Background())

	want := []struct{ status, method, reason string }{
		{"READY", "fallback-upload", ""},
		{"READY", "upload", ""},
		{"READY", "upload", ""},
		{"FAILED", "import", "did not answer within 3s"},
		{"FAILED", "import", "404"},
		{"FAILED", "import", "HTML"},
		{"FAILED", "", "no such file"},
	}
	for i, w := range want {
		r := rows[i]
		if r["status"] != w.status || r["method"] != w.method || !strings.Contains(r["failure_reason"], w.reason) {
			t.Errorf("row %d (%s): %s via %q, reason %q; want %s via %q with %q", i+2, r["source_url"], r["status"], r["method"], r["failure_reason"], w.status, w.method, w.reason)
		}
	}
	sizes := []int{len(bigPNG), len(testenv.PNG(7, 30, 20)), len(big)}
	for i, n := range sizes {
		if rows[i]["size_bytes"] != strconv.Itoa(n) {
			t.Errorf("row %d: size in Wix %s, source has %d bytes", i+2, rows[i]["size_bytes"], n)
		}
	}
	// The bytes stored by Wix are the source's, byte for byte.
	f, err := e.client.GetFile(context.Background(), rows[2]["file_id"])
	if err != nil {
		t.Fatal(err)
	}
	resp, err := e.client.HTTPClient.Get(e.sim.URL + "/media/" + f.ID)
	if err != nil {
		t.Fatal(err)
	}
	stored, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !bytes.Equal(stored, big) {
		t.Errorf("the 12 MB file came out different: %d bytes", len(stored))
	}
	// The cut comes 3 MB into the upload, and the simulator kept what got
	// through: a restart sends those 3 MB again, a resume from the
	// server's offset sends every byte exactly once.
	if sent := cut.sent.Load(); !cut.cut.Load() || sent != int64(len(big)) {
		t.Errorf("PATCH bytes sent: %d for a %d-byte file (cut: %v): the upload restarted instead of resuming", sent, len(big), cut.cut.Load())
	}
	if e.stats.Uploaded.Load() < int64(len(big)) {
		t.Errorf("uploaded bytes counted: %d", e.stats.Uploaded.Load())
	}
}

func TestFallbackKeepsTheExpectedMediaType(t *testing.T) {
	t.Parallel()
	e := newEnv(t, wixsim.Options{ProcessingDelay: wixsim.Range{Max: 5 * time.Millisecond}})
	dir := filepath.Dir(e.cfg.Manifest)
	os.WriteFile(filepath.Join(dir, "still.png"), testenv.PNG(3, 5, 5), 0o644)
	e.writeManifest("source_url,media_type\n" +
		"{{origin}}/img/1.png,VIDEO\n" +
		"still.png,VIDEO\n" +
		"{{origin}}/img/2.png,IMAGE\n")
	rows := e.migrate(context.Background())
	for i, want := range []string{"FAILED", "FAILED", "READY"} {
		if rows[i]["status"] != want {
			t.Errorf("row %d: %s %q, want %s", i+2, rows[i]["status"], rows[i]["failure_reason"], want)
		}
	}
	for i := 0; i < 2; i++ {
		if !strings.Contains(rows[i]["failure_reason"], "not the VIDEO") {
			t.Errorf("row %d: reason %q does not name the expected type", i+2, rows[i]["failure_reason"])
		}
	}
	if n := e.sim.Sim.Stats().Requests["upload"]["200"]; n != 0 {
		t.Errorf("%d uploads of files of the wrong type", n)
	}
}
