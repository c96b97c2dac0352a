package wixsim

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/wixmigrate/wixmigrate/wix"
)

func put(t *testing.T, u, contentType string, body []byte) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest("PUT", u, bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	return send(t, req, nil)
}

func TestUploadURL(t *testing.T) {
	t.Parallel()
	srv := newServer(t, Options{ProcessingDelay: Range{Min: time.Millisecond, Max: time.Millisecond}})
	resp, b := do(t, srv, "POST", "/site-media/v1/files/generate-upload-url", "s1", wix.GenerateUploadURLRequest{}, nil)
	wantViolation(t, resp, b, "mimeType")
	resp, b = do(t, srv, "POST", "/site-media/v1/files/generate-upload-url", "s1", wix.GenerateUploadURLRequest{MimeType: "image/png", SizeInBytes: "12kb"}, nil)
	wantViolation(t, resp, b, "sizeInBytes")

	var gen wix.GenerateUploadURLResponse
	do(t, srv, "POST", "/site-media/v1/files/generate-upload-url", "s1", wix.GenerateUploadURLRequest{MimeType: "image/png", FilePath: "/up"}, &gen)
	if !bytes.HasPrefix([]byte(gen.UploadURL), []byte(srv.URL+"/")) {
		t.Fatalf("uploadUrl %q is not on the simulator", gen.UploadURL)
	}
	png := pngBytes(t, 10, 20)
	// Without fileName, ?filename= is required.
	if resp, b := put(t, gen.UploadURL, "image/png", png); resp.StatusCode != 400 {
		t.Fatalf("PUT without filename: %d %s", resp.StatusCode, b)
	}
	resp, b = put(t, gen.UploadURL+"?filename=up.png", "image/png", png)
	var up wix.UploadResponse
	if resp.StatusCode != 200 {
		t.Fatalf("PUT: %d %s", resp.StatusCode, b)
	}
	mustJSON(t, b, &up)
	if up.File == nil || up.File.DisplayName != "up.png" || up.File.SizeInBytes != strconv.Itoa(len(png)) || up.File.ParentFolderID == wix.RootFolderMedia {
		t.Fatalf("upload answer %s", b)
	}
	f := waitDone(t, srv, "s1", up.File.ID)
	if f.OperationStatus != wix.StatusReady || f.Media.Image.Image.Width != 10 || f.Media.Image.Image.Height != 20 {
		t.Fatalf("uploaded file %+v", f)
	}
	// The URL is one-shot.
	if resp, _ := put(t, gen.UploadURL+"?filename=up.png", "image/png", png); resp.StatusCode != 404 {
		t.Fatalf("second PUT: %d", resp.StatusCode)
	}
	// Bytes that are not media fail processing.
	do(t, srv, "POST", "/site-media/v1/files/generate-upload-url", "s1", wix.GenerateUploadURLRequest{MimeType: "image/png", FileName: "x.png"}, &gen)
	_, b = put(t, gen.UploadURL, "image/png", []byte("<html>nope</html>"))
	mustJSON(t, b, &up)
	if f := waitDone(t, srv, "s1", up.File.ID); f.OperationStatus != wix.StatusFailed {
		t.Fatalf("html upload ended %s", f.OperationStatus)
	}
}

// tusReq makes a tus 1.0 request.
func tusReq(t *testing.T, method, u string, hdr map[string]string, body []byte) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(method, u, bytes.NewReader(body))
	req.Header.Set("Tus-Resumable", "1.0.0")
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func TestTusUploadWithResume(t *testing.T) {
	t.Parallel()
	srv := newServer(t, Options{})
	var gen wix.GenerateResumableUploadURLResponse
	resp, b := do(t, srv, "POST", "/site-media/v1/files/generate-resumable-upload-url", "s1",
		wix.GenerateResumableUploadURLRequest{MimeType: "image/jpeg", UploadProtocol: "TUS", FilePath: "/big"}, &gen)
	if resp.StatusCode != 200 || gen.UploadProtocol != "TUS" || gen.UploadToken == "" {
		t.Fatalf("generate: %d %s", resp.StatusCode, b)
	}
	resp, b = do(t, srv, "POST", "/site-media/v1/files/generate-resumable-upload-url", "s1",
		wix.GenerateResumableUploadURLRequest{MimeType: "image/jpeg", UploadProtocol: "FTP"}, nil)
	wantViolation(t, resp, b, "uploadProtocol")

	data := jpegBytes(t, 300, 200) // noisy: tens of KB
	if len(data) < 5000 {
		t.Fatalf("test image too small: %d bytes", len(data))
	}
	// An unknown token cannot create uploads.
	if r := tusReq(t, "POST", srv.URL+tusPathPrefix+"nope", map[string]string{"Upload-Length": "10", "Upload-Metadata": tusMeta("token", "nope")}, nil); r.StatusCode != 403 {
		t.Fatalf("create with unknown token: %d", r.StatusCode)
	}
	created := tusReq(t, "POST", gen.UploadURL, map[string]string{"Upload-Length": strconv.Itoa(len(data)),
		"Upload-Metadata": tusMeta("filename", "big.jpg", "contentType", "image/jpeg", "token", gen.UploadToken)}, nil)
	loc := created.Header.Get("Location")
	if created.StatusCode != 201 || loc == "" {
		t.Fatalf("create: %d", created.StatusCode)
	}
	// Finalizing an incomplete upload is refused.
	if resp, _ := put(t, gen.UploadURL+"/"+gen.UploadToken+"?filename=big.jpg", "", nil); resp.StatusCode != 400 {
		t.Fatalf("early finalize: %d", resp.StatusCode)
	}
	// First chunk.
	half := len(data) / 2
	if r := tusReq(t, "PATCH", loc, map[string]string{"Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"}, data[:half]); r.StatusCode != 204 {
		t.Fatalf("patch 1: %d", r.StatusCode)
	}
	// An interrupted PATCH: promise the rest, send a part, drop the connection.
	u, _ := url.Parse(loc)
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "PATCH %s HTTP/1.1\r\nHost: %s\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: %d\r\nContent-Type: application/offset+octet-stream\r\nContent-Length: %d\r\n\r\n",
		u.Path, u.Host, half, len(data)-half)
	conn.Write(data[half : half+1000])
	conn.Close()
	// Resume: ask for the offset (the server may still be saving the cut
	// request, so poll until it reports the bytes it kept).
	var offset int
	deadline := time.Now().Add(10 * time.Second)
	for {
		r := tusReq(t, "HEAD", loc, nil, nil)
		offset, _ = strconv.Atoi(r.Header.Get("Upload-Offset"))
		if r.StatusCode != 200 {
			t.Fatalf("HEAD: %d", r.StatusCode)
		}
		if offset > half || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if offset < half || offset > half+1000 {
		t.Fatalf("offset after interruption %d, want in [%d, %d]", offset, half, half+1000)
	}
	if r := tusReq(t, "PATCH", loc, map[string]string{"Upload-Offset": strconv.Itoa(offset), "Content-Type": "application/offset+octet-stream"}, data[offset:]); r.StatusCode != 204 {
		t.Fatalf("resume patch: %d", r.StatusCode)
	}
	resp, b = put(t, gen.UploadURL+"/"+gen.UploadToken+"?filename=big.jpg", "", nil)
	if resp.StatusCode != 200 {
		t.Fatalf("finalize: %d %s", resp.StatusCode, b)
	}
	var up wix.UploadResponse
	mustJSON(t, b, &up)
	f := waitDone(t, srv, "s1", up.File.ID)
	sum := md5.Sum(data)
	if f.OperationStatus != wix.StatusReady || f.DisplayName != "big.jpg" || f.Hash != hex.EncodeToString(sum[:]) ||
		f.SizeInBytes != strconv.Itoa(len(data)) || f.ParentFolderID == wix.RootFolderMedia {
		t.Fatalf("tus file %+v", f)
	}
	// The token is spent.
	if resp, _ := put(t, gen.UploadURL+"/"+gen.UploadToken+"?filename=big.jpg", "", nil); resp.StatusCode != 404 {
		t.Fatalf("second finalize: %d", resp.StatusCode)
	}
}
