package wixsim

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/wixmigrate/wixmigrate/wix"
)

const testKey = "test-key"

func newServer(t *testing.T, opts Options) *Server {
	t.Helper()
	if opts.APIKey == "" {
		opts.APIKey = testKey
	}
	srv := NewServer(opts)
	t.Cleanup(srv.Close)
	return srv
}

// do makes one raw API request as the given site and decodes a JSON
// answer into out (when out is not nil and the status is 200).
func do(t *testing.T, srv *Server, method, path, site string, body, out any) (*http.Response, []byte) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, srv.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", testKey)
	if site != "" {
		req.Header.Set("wix-site-id", site)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return send(t, req, out)
}

func send(t *testing.T, req *http.Request, out any) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if out != nil && resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("decode %s: %v", b, err)
		}
	}
	return resp, b
}

func errorBody(t *testing.T, b []byte) wix.ErrorBody {
	t.Helper()
	var e wix.ErrorBody
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatalf("error body %q: %v", b, err)
	}
	return e
}

// wantViolation asserts a 400 naming field.
func wantViolation(t *testing.T, resp *http.Response, b []byte, field string) {
	t.Helper()
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("status %d, want 400; body %s", resp.StatusCode, b)
	}
	e := errorBody(t, b)
	if e.Details.ValidationError == nil {
		t.Fatalf("no validationError in %s", b)
	}
	for _, v := range e.Details.ValidationError.FieldViolations {
		if v.Field == field && v.Description != "" && v.ViolatedRule != "" {
			return
		}
	}
	t.Fatalf("no violation for %q in %s", field, b)
}

func importFile(t *testing.T, srv *Server, site string, req wix.ImportFileRequest) wix.File {
	t.Helper()
	var out wix.ImportFileResponse
	resp, b := do(t, srv, "POST", "/site-media/v1/files/import", site, req, &out)
	if resp.StatusCode != 200 || out.File == nil {
		t.Fatalf("import: %d %s", resp.StatusCode, b)
	}
	return *out.File
}

func getFile(t *testing.T, srv *Server, site, id string) wix.File {
	t.Helper()
	var out wix.GetFileResponse
	resp, b := do(t, srv, "GET", "/site-media/v1/files/get-file-by-id?fileId="+id, site, nil, &out)
	if resp.StatusCode != 200 || out.File == nil {
		t.Fatalf("get %s: %d %s", id, resp.StatusCode, b)
	}
	return *out.File
}

// waitDone polls until the file leaves PENDING (bounded; no fixed sleeps).
func waitDone(t *testing.T, srv *Server, site, id string) wix.File {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		f := getFile(t, srv, site, id)
		if f.OperationStatus != wix.StatusPending {
			return f
		}
		if time.Now().After(deadline) {
			t.Fatalf("file %s still PENDING", id)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func pngBytes(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := 0; x < w; x++ {
		img.Set(x, 0, color.RGBA{uint8(x), 10, 200, 255})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func jpegBytes(t *testing.T, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	img := image.NewGray(image.Rect(0, 0, w, h))
	x := uint32(1)
	for i := range img.Pix { // noise, so the JPEG is not tiny
		x = x*1664525 + 1013904223
		img.Pix[i] = uint8(x >> 24)
	}
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func gifBytes(t *testing.T, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := gif.Encode(&b, image.NewPaletted(image.Rect(0, 0, w, h), color.Palette{color.Black, color.White}), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

const svgDoc = `<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 150"><rect width="10" height="10"/></svg>`

// origin is a source server for imports. Paths: /img/<name> serves
// files[name]; /html, /text, /404, /slow, /hotlink (403 to the simulator's
// User-Agent), /redirect (to /img/a.png).
func origin(t *testing.T, files map[string][]byte) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch p := r.URL.Path; {
		case strings.HasPrefix(p, "/img/"):
			b, ok := files[strings.TrimPrefix(p, "/img/")]
			if !ok {
				http.NotFound(w, r)
				return
			}
			w.Write(b)
		case p == "/html":
			w.Header().Set("Content-Type", "text/html")
			io.WriteString(w, "<!DOCTYPE html><html><body>not an image</body></html>")
		case p == "/text":
			io.WriteString(w, "just some text, no media here\n")
		case p == "/slow":
			<-r.Context().Done()
		case p == "/hotlink":
			if strings.Contains(r.UserAgent(), "wix-media-sim") {
				http.Error(w, "hotlinking forbidden", http.StatusForbidden)
				return
			}
			w.Write(files["a.png"])
		case p == "/redirect":
			http.Redirect(w, r, "/img/a.png", http.StatusFound)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func mustJSON(t *testing.T, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
}

// inProcessClient is a simulator with opts and a client of it for site
// "s1" that reach each other, and the origin serving files under /img/
// (and /slow, which never answers), by in-process transports: for tests in
// virtual time (testing/synctest). The simulator is closed when the test
// ends.
func inProcessClient(t *testing.T, opts Options, files map[string][]byte) (*wix.Client, *Simulator) {
	t.Helper()
	opts.APIKey = testKey
	opts.FetchTransport = Transport(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" { // never answers
			<-r.Context().Done()
			return
		}
		b, ok := files[strings.TrimPrefix(r.URL.Path, "/img/")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Write(b)
	}))
	sim := New(opts)
	t.Cleanup(sim.Close)
	c := wix.NewClient(testKey, "s1")
	c.BaseURL = "http://sim.test"
	c.HTTPClient = &http.Client{Transport: Transport(sim)}
	return c, sim
}
