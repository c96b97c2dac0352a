package wixsim

import (
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wixmigrate/wixmigrate/wix"
)

// tusMeta encodes an Upload-Metadata header the way wix.Client and
// tus-js-client do.
func tusMeta(kv ...string) string {
	var parts []string
	for i := 0; i+1 < len(kv); i += 2 {
		parts = append(parts, kv[i]+" "+base64.StdEncoding.EncodeToString([]byte(kv[i+1])))
	}
	return strings.Join(parts, ",")
}

func genResumable(t *testing.T, srv *Server, site string, req wix.GenerateResumableUploadURLRequest) wix.GenerateResumableUploadURLResponse {
	t.Helper()
	var gen wix.GenerateResumableUploadURLResponse
	if resp, b := do(t, srv, "POST", "/site-media/v1/files/generate-resumable-upload-url", site, req, &gen); resp.StatusCode != 200 {
		t.Fatalf("generate: %d %s", resp.StatusCode, b)
	}
	return gen
}

// tusCreate creates a tus upload with the token in its metadata and
// returns its location.
func tusCreate(t *testing.T, gen wix.GenerateResumableUploadURLResponse, size int, mime string) string {
	t.Helper()
	r := tusReq(t, "POST", gen.UploadURL, map[string]string{
		"Upload-Length":   strconv.Itoa(size),
		"Upload-Metadata": tusMeta("filename", "f", "contentType", mime, "token", gen.UploadToken),
	}, nil)
	loc := r.Header.Get("Location")
	if r.StatusCode != http.StatusCreated || loc == "" {
		t.Fatalf("create: %d", r.StatusCode)
	}
	u, err := url.Parse(gen.UploadURL)
	if err != nil {
		t.Fatal(err)
	}
	rel, err := url.Parse(loc)
	if err != nil {
		t.Fatal(err)
	}
	return u.ResolveReference(rel).String()
}

// tusAnswer makes a tus request and returns the status, the Upload-Offset
// header and the body.
func tusAnswer(method, u string, hdr map[string]string, body []byte) (int, string, string, error) {
	req, err := http.NewRequest(method, u, bytes.NewReader(body))
	if err != nil {
		return 0, "", "", err
	}
	req.Header.Set("Tus-Resumable", "1.0.0")
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Upload-Offset"), string(b), nil
}

func TestTusCreationNeedsTokenInMetadata(t *testing.T) {
	t.Parallel()
	srv := newServer(t, Options{})
	gen := genResumable(t, srv, "s1", wix.GenerateResumableUploadURLRequest{MimeType: "image/png", FileName: "a.png"})
	other := genResumable(t, srv, "s1", wix.GenerateResumableUploadURLRequest{MimeType: "image/png", FileName: "b.png"})
	plain := genResumable(t, srv, "s1", wix.GenerateResumableUploadURLRequest{MimeType: "image/png", FileName: "c.png"})
	var oneShot wix.GenerateUploadURLResponse
	do(t, srv, "POST", "/site-media/v1/files/generate-upload-url", "s1", wix.GenerateUploadURLRequest{MimeType: "image/png", FileName: "d.png"}, &oneShot)
	oneShotTok := oneShot.UploadURL[strings.LastIndex(oneShot.UploadURL, "/")+1:]

	for _, c := range []struct {
		name, meta string
		status     int
		code       string
	}{
		{"no metadata", "", 401, "UNAUTHENTICATED"},
		{"no token", tusMeta("filename", "a.png", "contentType", "image/png"), 401, "UNAUTHENTICATED"},
		{"empty token", "filename " + base64.StdEncoding.EncodeToString([]byte("a.png")) + ",token", 401, "UNAUTHENTICATED"},
		{"malformed metadata", "token %%%", 401, "UNAUTHENTICATED"},
		{"unknown token", tusMeta("token", "nope"), 403, "PERMISSION_DENIED"},
		{"another upload's token", tusMeta("token", other.UploadToken), 403, "PERMISSION_DENIED"},
		{"a one-shot upload's token", tusMeta("token", oneShotTok), 403, "PERMISSION_DENIED"},
	} {
		req, _ := http.NewRequest("POST", gen.UploadURL, nil)
		req.Header.Set("Tus-Resumable", "1.0.0")
		req.Header.Set("Upload-Length", "10")
		if c.meta != "" {
			req.Header.Set("Upload-Metadata", c.meta)
		}
		resp, b := send(t, req, nil)
		if resp.StatusCode != c.status {
			t.Errorf("%s: status %d %s, want %d", c.name, resp.StatusCode, b, c.status)
			continue
		}
		if e := errorBody(t, b); e.Details.ApplicationError == nil || e.Details.ApplicationError.Code != c.code {
			t.Errorf("%s: body %s, want applicationError %s", c.name, b, c.code)
		}
		if resp.Header.Get("Location") != "" {
			t.Errorf("%s: an upload was created", c.name)
		}
	}
	// A token cannot be used at another upload's URL either.
	r := tusReq(t, "POST", plain.UploadURL, map[string]string{"Upload-Length": "10", "Upload-Metadata": tusMeta("token", gen.UploadToken)}, nil)
	if r.StatusCode != 403 {
		t.Errorf("token at a foreign upload URL: %d, want 403", r.StatusCode)
	}
	// The rejected attempts spent nothing: the right token still works, end
	// to end.
	data := pngBytes(t, 8, 8)
	loc := tusCreate(t, gen, len(data), "image/png")
	if st, off, b, err := tusAnswer("PATCH", loc, map[string]string{"Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"}, data); err != nil || st != 204 || off != strconv.Itoa(len(data)) {
		t.Fatalf("patch: %d %q %s %v", st, off, b, err)
	}
	resp, b := put(t, gen.UploadURL+"/"+gen.UploadToken, "", nil)
	if resp.StatusCode != 200 {
		t.Fatalf("finalize: %d %s", resp.StatusCode, b)
	}
	// Once finalized, the token is spent and creates nothing.
	if r := tusReq(t, "POST", gen.UploadURL, map[string]string{"Upload-Length": "10", "Upload-Metadata": tusMeta("token", gen.UploadToken)}, nil); r.StatusCode != 403 {
		t.Errorf("create with a spent token: %d, want 403", r.StatusCode)
	}
}

// cutPatch sends a PATCH that promises the rest of data from offset but
// sends only n bytes before the connection is closed.
func cutPatch(loc string, data []byte, offset, n int) error {
	u, err := url.Parse(loc)
	if err != nil {
		return err
	}
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		return err
	}
	fmt.Fprintf(conn, "PATCH %s HTTP/1.1\r\nHost: %s\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: %d\r\nContent-Type: application/offset+octet-stream\r\nContent-Length: %d\r\n\r\n",
		u.Path, u.Host, offset, len(data)-offset)
	conn.Write(data[offset : offset+n])
	return conn.Close()
}

// TestTusCutPatchThenImmediateResume cuts a PATCH and at once resumes with
// HEAD and PATCH, without waiting for the server to finish with the cut
// request: the interleaving that tripped a data race inside tusd v2.9.1
// (a lock-release request from the HEAD cancelled the PATCH's context
// while the PATCH was still setting up its body reader). Run with -race.
// The uploads run at once, which only adds interleavings.
func TestTusCutPatchThenImmediateResume(t *testing.T) {
	t.Parallel()
	srv := newServer(t, Options{})
	data := jpegBytes(t, 300, 200)
	iterations := 12
	if testing.Short() {
		iterations = 4
	}
	gens := make([]wix.GenerateResumableUploadURLResponse, iterations)
	locs := make([]string, iterations)
	for i := range iterations {
		gens[i] = genResumable(t, srv, "s1", wix.GenerateResumableUploadURLRequest{MimeType: "image/jpeg", FileName: fmt.Sprintf("cut%d.jpg", i)})
		locs[i] = tusCreate(t, gens[i], len(data), "image/jpeg")
	}
	var wg sync.WaitGroup
	for i, loc := range locs {
		wg.Go(func() {
			if err := cutAndResume(loc, data, 1000+i*37); err != nil {
				t.Errorf("iteration %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	sum := md5.Sum(data)
	for i, gen := range gens {
		resp, b := put(t, gen.UploadURL+"/"+gen.UploadToken, "", nil)
		if resp.StatusCode != 200 {
			t.Fatalf("iteration %d: finalize: %d %s", i, resp.StatusCode, b)
		}
		var up wix.UploadResponse
		mustJSON(t, b, &up)
		if up.File == nil || up.File.Hash != hex.EncodeToString(sum[:]) || up.File.SizeInBytes != strconv.Itoa(len(data)) {
			t.Fatalf("iteration %d: file %s, want hash %x", i, b, sum)
		}
	}
}

// cutAndResume uploads data to the tus upload at loc, cutting three
// PATCHes after cut bytes each and resuming at once from the offset HEAD
// answers.
func cutAndResume(loc string, data []byte, cut int) error {
	offset := 0
	cuts := 0
	for attempt := 0; offset < len(data); attempt++ {
		if attempt > 200 {
			return fmt.Errorf("upload stuck at offset %d", offset)
		}
		if cuts < 3 && len(data)-offset > 2000 {
			// Cut a PATCH, then resume at once.
			if err := cutPatch(loc, data, offset, cut); err != nil {
				return err
			}
			cuts++
		} else {
			st, off, b, err := tusAnswer("PATCH", loc, map[string]string{
				"Upload-Offset": strconv.Itoa(offset), "Content-Type": "application/offset+octet-stream"}, data[offset:])
			if err != nil {
				return err
			}
			switch {
			case st == 204:
				offset, _ = strconv.Atoi(off)
				continue
			case st == 409, st == 423, st >= 500, st == 400 && strings.HasPrefix(b, "ERR_UPLOAD_INTERRUPTED"):
				// Contention with the cut request: ask for the offset.
			default:
				return fmt.Errorf("PATCH at %d: %d %s", offset, st, b)
			}
		}
		st, off, b, err := tusAnswer("HEAD", loc, nil, nil)
		if err != nil {
			return err
		}
		if st != 200 {
			return fmt.Errorf("HEAD: %d %s", st, b)
		}
		n, err := strconv.Atoi(off)
		if err != nil || n < offset || n > len(data) {
			return fmt.Errorf("HEAD offset %q after %d", off, offset)
		}
		offset = n
	}
	return nil
}

// TestTusRequestsLeaveNoGoroutines checks that tus requests do not leave
// tusd's per-request goroutines behind once answered.
func TestTusRequestsLeaveNoGoroutines(t *testing.T) {
	t.Parallel()
	srv := newServer(t, Options{})
	data := pngBytes(t, 16, 16)
	create := func() string {
		gen := genResumable(t, srv, "s1", wix.GenerateResumableUploadURLRequest{MimeType: "image/png", FileName: "g.png"})
		return tusCreate(t, gen, len(data), "image/png")
	}
	// send makes an upload's HEADs and its PATCH; it may run on a
	// goroutine of its own, so it reports with Errorf.
	send := func(loc string) {
		for range 5 {
			if st, _, b, err := tusAnswer("HEAD", loc, nil, nil); err != nil || st != 200 {
				t.Errorf("HEAD: %d %s %v", st, b, err)
				return
			}
		}
		if st, _, b, err := tusAnswer("PATCH", loc, map[string]string{"Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"}, data); err != nil || st != 204 {
			t.Errorf("PATCH: %d %s %v", st, b, err)
		}
	}
	send(create()) // warm up
	// Idle keep-alive connections hold goroutines of their own: none are
	// counted, before or after.
	http.DefaultClient.CloseIdleConnections()
	before := runtime.NumGoroutine()
	// 20 uploads, their HEADs and PATCHes at once: the test waits on 20
	// requests at a time, not on 140 in a row.
	var locs []string
	for range 20 {
		locs = append(locs, create())
	}
	var wg sync.WaitGroup
	for _, loc := range locs {
		wg.Go(func() { send(loc) })
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	http.DefaultClient.CloseIdleConnections()
	// tusd keeps one goroutine per request for GracefulRequestCompletionTimeout
	// after the request's context ends, and a closed connection's
	// goroutines end soon after it; wait for them (bounded).
	deadline := time.Now().Add(30 * time.Second)
	for runtime.NumGoroutine() > before+10 {
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines before, %d after 140 tus requests", before, runtime.NumGoroutine())
		}
		time.Sleep(2 * time.Millisecond)
	}
}
