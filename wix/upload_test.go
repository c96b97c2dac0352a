package wix

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const uploadToken = "tok/en+1="

func TestUploadPUT(t *testing.T) {
	t.Parallel()
	f, c := newFake(t)
	data := []byte("\x89PNG pretend image bytes")
	var got struct {
		method, rawQuery, ct, auth, site string
		length                           int64
		body                             []byte
	}
	f.set(func(w http.ResponseWriter, r *http.Request) {
		got.method, got.rawQuery = r.Method, r.URL.RawQuery
		got.ct, got.auth, got.site = r.Header.Get("Content-Type"), r.Header.Get("Authorization"), r.Header.Get("wix-site-id")
		got.length = r.ContentLength
		got.body, _ = io.ReadAll(r.Body)
		if r.URL.Path != "/upload/abc" {
			t.Errorf("path %s", r.URL.Path)
		}
		writeJSON(w, 200, map[string]any{"file": map[string]any{"id": "up1", "sizeInBytes": strconv.Itoa(len(data))}})
	})
	ctx := context.Background()
	cases := []struct{ url, name, wantQuery string }{
		// Added, escaped, when missing.
		{"/upload/abc", "my file&1.png", "filename=my+file%261.png"},
		// Merged with a signed query, which stays byte for byte.
		{"/upload/abc?sig=a%2Fb&exp=9", "a.png", "sig=a%2Fb&exp=9&filename=a.png"},
		// Left alone when the URL has one.
		{"/upload/abc?filename=x.png", "a.png", "filename=x.png"},
		// Not added when no name is given (Generate named the file).
		{"/upload/abc", "", ""},
	}
	for _, tc := range cases {
		file, err := c.Upload(ctx, f.URL+tc.url, tc.name, "image/png", bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatalf("%s: %v", tc.url, err)
		}
		if file.ID != "up1" {
			t.Errorf("file %+v", file)
		}
		if got.method != http.MethodPut || got.rawQuery != tc.wantQuery || got.ct != "image/png" ||
			got.length != int64(len(data)) || !bytes.Equal(got.body, data) {
			t.Errorf("%s: %s ?%s type %q length %d body %q", tc.url, got.method, got.rawQuery, got.ct, got.length, got.body)
		}
		if got.auth != "" || got.site != "" {
			t.Errorf("credentials sent to the upload URL: Authorization %q wix-site-id %q", got.auth, got.site)
		}
	}

	// A plain io.Reader (no length of its own) still goes with Content-Length.
	if _, err := c.Upload(ctx, f.URL+"/upload/abc", "a.png", "image/png", io.MultiReader(bytes.NewReader(data)), int64(len(data))); err != nil {
		t.Fatal(err)
	}
	if got.length != int64(len(data)) {
		t.Errorf("Content-Length %d for a plain reader", got.length)
	}
}

func TestUploadLostAnswerIsUnknownOutcome(t *testing.T) {
	// Not parallel: its short client timeout must not meet a busy machine.
	f, c := newFake(t)
	hc := *f.Client()
	hc.Timeout = 100 * time.Millisecond
	c.HTTPClient = &hc
	secretURL := f.URL + "/upload/abc?token=SECRET-UPLOAD-TOKEN"
	for name, h := range map[string]func(http.ResponseWriter, *http.Request){
		"500":                func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(500) },
		"dropped connection": hijackClose,
		"timeout":            hang,
	} {
		f.set(h)
		_, err := c.Upload(context.Background(), secretURL, "a.png", "image/png", strings.NewReader("abc"), 3)
		if !errors.Is(err, ErrUnknownOutcome) || !IsTransient(err) {
			t.Errorf("%s: %v", name, err)
		}
		if strings.Contains(err.Error(), "SECRET") || strings.Contains(fmt.Sprintf("%+v", err), "SECRET") {
			t.Errorf("%s: upload URL token in error: %v", name, err)
		}
	}
	f.set(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 400, map[string]any{"message": "bad", "details": map[string]any{"validationError": map[string]any{
			"fieldViolations": []any{map[string]any{"field": "filename", "description": "required"}}}}})
	})
	_, err := c.Upload(context.Background(), secretURL, "", "image/png", strings.NewReader("abc"), 3)
	if !IsPermanent(err) || errors.Is(err, ErrUnknownOutcome) {
		t.Errorf("400: %v", err)
	}
}

// tusServer is a small tus 1.0 server that checks what the client sends and
// can break PATCH requests on demand.
type tusServer struct {
	t *testing.T
	*httptest.Server

	mu         sync.Mutex
	length     int64
	data       []byte
	late       []byte // bytes of a cut PATCH the server stores only after the next HEAD
	patches    int    // PATCH requests seen
	received   int64  // PATCH body bytes read in all
	heads      int
	finalized  int
	meta       map[string]string
	breakPatch func(n int) (keep int64, how string) // for PATCH number n (from 1): keep bytes, then "drop", "late" (drop, store after the next HEAD), "503", "423", "interrupted" or "400"
	finalize   func(w http.ResponseWriter, r *http.Request)
}

func newTusServer(t *testing.T) *tusServer {
	s := &tusServer{t: t}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *tusServer) serve(w http.ResponseWriter, r *http.Request) {
	t := s.t
	if r.Header.Get("Authorization") != "" || r.Header.Get("wix-site-id") != "" {
		t.Errorf("%s %s carries API credentials", r.Method, r.URL.Path)
	}
	if r.Method != http.MethodPut && r.Header.Get("Tus-Resumable") != "1.0.0" {
		t.Errorf("%s without Tus-Resumable", r.Method)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/tus/create":
		if r.URL.RawQuery != "sig=a%2Fb" {
			t.Errorf("creation query %q", r.URL.RawQuery)
		}
		n, err := strconv.ParseInt(r.Header.Get("Upload-Length"), 10, 64)
		if err != nil {
			t.Errorf("Upload-Length %q", r.Header.Get("Upload-Length"))
		}
		s.length, s.data, s.meta = n, nil, map[string]string{}
		for _, kv := range strings.Split(r.Header.Get("Upload-Metadata"), ",") {
			k, v, _ := strings.Cut(kv, " ")
			b, err := base64.StdEncoding.DecodeString(v)
			if err != nil {
				t.Errorf("metadata %q: %v", kv, err)
			}
			s.meta[k] = string(b)
		}
		w.Header().Set("Location", "files/up1") // relative, to /tus/files/up1
		w.WriteHeader(http.StatusCreated)
	case r.Method == http.MethodHead && r.URL.Path == "/tus/files/up1":
		s.heads++
		w.Header().Set("Upload-Offset", strconv.Itoa(len(s.data)))
		w.Header().Set("Upload-Length", strconv.FormatInt(s.length, 10))
		// A "late" PATCH lands only after the HEAD that follows it.
		s.data = append(s.data, s.late...)
		s.late = nil
	case r.Method == http.MethodPatch && r.URL.Path == "/tus/files/up1":
		s.patches++
		if ct := r.Header.Get("Content-Type"); ct != "application/offset+octet-stream" {
			t.Errorf("PATCH Content-Type %q", ct)
		}
		if off := r.Header.Get("Upload-Offset"); off != strconv.Itoa(len(s.data)) {
			w.WriteHeader(http.StatusConflict)
			return
		}
		keep, how := int64(-1), ""
		if s.breakPatch != nil {
			keep, how = s.breakPatch(s.patches)
		}
		if how == "" {
			b, _ := io.ReadAll(r.Body)
			s.received += int64(len(b))
			s.data = append(s.data, b...)
			w.Header().Set("Upload-Offset", strconv.Itoa(len(s.data)))
			w.WriteHeader(http.StatusNoContent)
			return
		}
		b, _ := io.ReadAll(io.LimitReader(r.Body, keep))
		s.received += int64(len(b))
		if how == "late" {
			s.late = b
		} else {
			s.data = append(s.data, b...)
		}
		switch how {
		case "503":
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		case "423":
			w.WriteHeader(http.StatusLocked)
			return
		case "interrupted": // tusd's answer to a pre-empted PATCH
			http.Error(w, "ERR_UPLOAD_INTERRUPTED: upload has been interrupted by another request for this upload resource", http.StatusBadRequest)
			return
		case "400":
			http.Error(w, "ERR_INVALID_CONTENT_TYPE: missing or invalid Content-Type header", http.StatusBadRequest)
			return
		}
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		conn.Close()
	case r.Method == http.MethodPut && r.URL.EscapedPath() == "/tus/create/tok%2Fen+1=":
		s.finalized++
		if int64(len(s.data)) != s.length {
			t.Errorf("finalized at %d of %d bytes", len(s.data), s.length)
		}
		if s.finalize != nil {
			s.finalize(w, r)
			return
		}
		if q := r.URL.Query(); q.Get("filename") != "big.jpg" || q.Get("sig") != "a/b" {
			t.Errorf("finalize query %q", r.URL.RawQuery)
		}
		writeJSON(w, 200, map[string]any{"file": map[string]any{"id": "tus1", "sizeInBytes": strconv.Itoa(len(s.data))}})
	default:
		t.Errorf("unexpected %s %s", r.Method, r.URL.EscapedPath())
		w.WriteHeader(http.StatusNotFound)
	}
}

func testData(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i>>8)
	}
	return b
}

func (s *tusServer) gen() *GenerateResumableUploadURLResponse {
	return &GenerateResumableUploadURLResponse{UploadProtocol: "TUS", UploadURL: s.URL + "/tus/create?sig=a%2Fb", UploadToken: uploadToken}
}

func TestUploadResumableWire(t *testing.T) {
	t.Parallel()
	s := newTusServer(t)
	c := NewClient(testKey, testSite)
	c.HTTPClient = s.Client()
	data := testData(100_000)
	var progress []int64
	file, err := c.UploadResumable(context.Background(), s.gen(), "big.jpg", "image/jpeg", bytes.NewReader(data), int64(len(data)),
		&ResumableOptions{ChunkSize: 30_000, OnProgress: func(n int64) { progress = append(progress, n) }})
	if err != nil {
		t.Fatal(err)
	}
	if file.ID != "tus1" || file.SizeInBytes != "100000" {
		t.Errorf("file %+v", file)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !bytes.Equal(s.data, data) || s.patches != 4 || s.heads != 0 || s.finalized != 1 {
		t.Errorf("server: %d bytes (equal %v), %d patches, %d heads, %d finalized",
			len(s.data), bytes.Equal(s.data, data), s.patches, s.heads, s.finalized)
	}
	want := map[string]string{"filename": "big.jpg", "contentType": "image/jpeg", "filetype": "image/jpeg", "token": uploadToken}
	if fmt.Sprint(s.meta) != fmt.Sprint(want) {
		t.Errorf("Upload-Metadata %v, want %v", s.meta, want)
	}
	if fmt.Sprint(progress) != "[30000 60000 90000 100000]" {
		t.Errorf("progress %v", progress)
	}
}

func TestUploadResumableResumesFromServerOffset(t *testing.T) {
	t.Parallel()
	for _, how := range []string{"drop", "503", "423", "interrupted"} {
		t.Run(how, func(t *testing.T) {
			s := newTusServer(t)
			// The third PATCH breaks after 7000 of its 30000 bytes.
			s.breakPatch = func(n int) (int64, string) {
				if n == 3 {
					return 7000, how
				}
				return 0, ""
			}
			c := NewClient(testKey, testSite)
			c.HTTPClient = s.Client()
			data := testData(100_000)
			var progress []int64
			_, err := c.UploadResumable(context.Background(), s.gen(), "big.jpg", "image/jpeg", bytes.NewReader(data), int64(len(data)),
				&ResumableOptions{ChunkSize: 30_000, OnProgress: func(n int64) { progress = append(progress, n) }})
			if err != nil {
				t.Fatal(err)
			}
			s.mu.Lock()
			defer s.mu.Unlock()
			if !bytes.Equal(s.data, data) {
				t.Fatalf("server holds %d bytes, not the file", len(s.data))
			}
			// Resumed at 67000 (what the server kept), not at 60000 or 0:
			// no byte was sent twice.
			if fmt.Sprint(progress) != "[30000 60000 67000 97000 100000]" {
				t.Errorf("progress %v", progress)
			}
			if s.received != int64(len(data)) || s.heads != 1 || s.patches != 5 {
				t.Errorf("received %d bytes in %d patches with %d heads", s.received, s.patches, s.heads)
			}
		})
	}
}

// TestUploadResumableStaleOffset covers the client's HEAD overtaking the
// server's handling of the cut PATCH, as happens with tusd: the HEAD
// reports the chunk's start, the cut bytes land just after, and the next
// PATCH gets 409. The client asks again and goes on from the true offset.
func TestUploadResumableStaleOffset(t *testing.T) {
	t.Parallel()
	s := newTusServer(t)
	s.breakPatch = func(n int) (int64, string) {
		if n == 2 {
			return 7000, "late"
		}
		return 0, ""
	}
	c := NewClient(testKey, testSite)
	c.HTTPClient = s.Client()
	data := testData(100_000)
	var progress []int64
	_, err := c.UploadResumable(context.Background(), s.gen(), "big.jpg", "image/jpeg", bytes.NewReader(data), int64(len(data)),
		&ResumableOptions{ChunkSize: 30_000, OnProgress: func(n int64) { progress = append(progress, n) }})
	if err != nil {
		t.Fatal(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !bytes.Equal(s.data, data) {
		t.Fatalf("server holds %d bytes, not the file", len(s.data))
	}
	// PATCH 1 ok; 2 cut; HEAD says 30000; 3 gets 409; HEAD says 37000; 4..6 ok.
	if fmt.Sprint(progress) != "[30000 37000 67000 97000 100000]" || s.heads != 2 || s.patches != 6 {
		t.Errorf("progress %v, %d heads, %d patches", progress, s.heads, s.patches)
	}
}

func TestUploadResumableGivesUp(t *testing.T) {
	t.Parallel()
	s := newTusServer(t)
	s.breakPatch = func(int) (int64, string) { return 1000, "drop" }
	c := NewClient(testKey, testSite)
	c.HTTPClient = s.Client()
	data := testData(10_000)
	_, err := c.UploadResumable(context.Background(), s.gen(), "big.jpg", "image/jpeg", bytes.NewReader(data), int64(len(data)),
		&ResumableOptions{ChunkSize: 5000, MaxResumes: 3})
	if err == nil || !IsTransient(err) || errors.Is(err, ErrUnknownOutcome) {
		t.Fatalf("err = %v", err)
	}
	s.mu.Lock()
	if s.patches != 4 || s.heads != 3 || s.finalized != 0 {
		t.Errorf("%d patches, %d heads, %d finalized; want 4, 3, 0", s.patches, s.heads, s.finalized)
	}
	s.mu.Unlock()

	// A 400 other than tusd's ERR_UPLOAD_INTERRUPTED is our fault: no resume.
	s3 := newTusServer(t)
	s3.breakPatch = func(int) (int64, string) { return 0, "400" }
	c.HTTPClient = s3.Client()
	_, err = c.UploadResumable(context.Background(), s3.gen(), "big.jpg", "image/jpeg", bytes.NewReader(data), int64(len(data)), nil)
	if !IsPermanent(err) {
		t.Fatalf("400: %v", err)
	}
	s3.mu.Lock()
	if s3.patches != 1 || s3.heads != 0 {
		t.Errorf("after a 400: %d patches, %d heads; want 1, 0", s3.patches, s3.heads)
	}
	s3.mu.Unlock()

	// Negative MaxResumes: the first failure ends the upload.
	s2 := newTusServer(t)
	s2.breakPatch = func(int) (int64, string) { return 1000, "503" }
	c.HTTPClient = s2.Client()
	_, err = c.UploadResumable(context.Background(), s2.gen(), "big.jpg", "image/jpeg", bytes.NewReader(data), int64(len(data)),
		&ResumableOptions{ChunkSize: 5000, MaxResumes: -1})
	var e *Error
	if !errors.As(err, &e) || e.StatusCode != 503 {
		t.Fatalf("err = %v", err)
	}
	s2.mu.Lock()
	if s2.patches != 1 || s2.heads != 0 {
		t.Errorf("%d patches, %d heads; want 1, 0", s2.patches, s2.heads)
	}
	s2.mu.Unlock()
}

func TestUploadResumableFinalizeOutcome(t *testing.T) {
	t.Parallel()
	data := testData(1000)
	for name, h := range map[string]func(http.ResponseWriter, *http.Request){
		"500":                func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(500) },
		"dropped connection": hijackClose,
	} {
		s := newTusServer(t)
		s.finalize = h
		c := NewClient(testKey, testSite)
		c.HTTPClient = s.Client()
		_, err := c.UploadResumable(context.Background(), s.gen(), "big.jpg", "image/jpeg", bytes.NewReader(data), int64(len(data)), nil)
		if !errors.Is(err, ErrUnknownOutcome) {
			t.Errorf("finalize %s: %v", name, err)
		}
		if strings.Contains(err.Error(), uploadToken) {
			t.Errorf("token in error: %v", err)
		}
	}

	// A failed creation leaves nothing behind: a plain error.
	f, c := newFake(t)
	f.set(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(500) })
	_, err := c.UploadResumable(context.Background(), &GenerateResumableUploadURLResponse{UploadURL: f.URL + "/tus", UploadToken: "t"},
		"a.jpg", "image/jpeg", bytes.NewReader(data), int64(len(data)), nil)
	if err == nil || errors.Is(err, ErrUnknownOutcome) || !IsTransient(err) {
		t.Errorf("creation 500: %v", err)
	}
	// A creation answer without Location is a broken server.
	f.set(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(201) })
	_, err = c.UploadResumable(context.Background(), &GenerateResumableUploadURLResponse{UploadURL: f.URL + "/tus", UploadToken: "t"},
		"a.jpg", "image/jpeg", bytes.NewReader(data), int64(len(data)), nil)
	if err == nil || !strings.Contains(err.Error(), "Location") {
		t.Errorf("no Location: %v", err)
	}
	if _, err := c.UploadResumable(context.Background(), &GenerateResumableUploadURLResponse{UploadURL: f.URL}, "a", "b", bytes.NewReader(data), 1, nil); err == nil {
		t.Error("missing token accepted")
	}
}
