package source

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wixmigrate/wixmigrate/wix"
)

// pngBytes is enough of a PNG for any sniffer: signature and IHDR chunk.
var pngBytes = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"), bytes.Repeat([]byte{0}, 2000)...)

const htmlPage = "<!DOCTYPE html><html><head><title>Login</title></head><body>Please log in</body></html>"

// origin serves handlers by path on a loopback test server.
func origin(t *testing.T, routes map[string]http.HandlerFunc) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	for p, h := range routes {
		mux.HandleFunc(p, h)
	}
	ts := httptest.NewUnstartedServer(mux)
	ts.Config.ErrorLog = log.New(io.Discard, "", 0)
	ts.Start()
	t.Cleanup(ts.Close)
	return ts
}

func serve(status int, contentType string, body []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if contentType != "" {
			w.Header().Set("Content-Type", contentType)
		}
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		w.WriteHeader(status)
		w.Write(body)
	}
}

func TestProbeStatuses(t *testing.T) {
	t.Parallel()
	ts := origin(t, map[string]http.HandlerFunc{
		"/403": serve(403, "text/html", []byte(htmlPage)),
		"/404": serve(404, "text/html", []byte(htmlPage)),
		"/410": serve(410, "text/plain", []byte("gone")),
		"/500": serve(500, "text/plain", []byte("oops")),
		"/401": serve(401, "text/plain", []byte("login")),
		"/429": serve(429, "text/plain", []byte("slow down")),
	})
	cases := []struct {
		path, cause, reason string
		status              int
	}{
		{"/403", CauseHTTP403, "403 Forbidden: it probably blocks hotlinking", 403},
		{"/404", CauseHTTP404, "404 Not Found: the file is missing at the old site", 404},
		{"/410", CauseHTTPStatus, "410 Gone", 410},
		{"/500", CauseHTTPStatus, "500 Internal Server Error: the old site's server is failing", 500},
		{"/401", CauseHTTPStatus, "needs a login", 401},
		{"/429", CauseHTTPStatus, "throttles", 429},
	}
	var p Prober
	for _, c := range cases {
		d := p.Probe(context.Background(), ts.URL+c.path, "")
		if d.OK || d.Cause != c.cause || d.Status != c.status || !strings.Contains(d.Reason, c.reason) {
			t.Errorf("%s: got %+v, want cause %s status %d reason containing %q", c.path, d, c.cause, c.status, c.reason)
		}
	}
}

func TestProbeContent(t *testing.T) {
	t.Parallel()
	ts := origin(t, map[string]http.HandlerFunc{
		"/ok.png":   serve(200, "image/png", pngBytes),
		"/page":     serve(200, "text/html; charset=utf-8", []byte(htmlPage)),
		"/text":     serve(200, "text/plain", []byte("just words, nothing else")),
		"/bin":      serve(200, "application/octet-stream", pngBytes), // sniffed
		"/empty":    serve(200, "image/png", nil),
		"/huge.png": serve(200, "image/png", bytes.Repeat(pngBytes, 4)),
		// A server that says HTML for everything on HEAD; the GET's content wins.
		"/lying-head": func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodHead {
				w.Header().Set("Content-Type", "text/html")
				return
			}
			serve(200, "image/png", pngBytes)(w, r)
		},
	})
	p := Prober{MaxBytes: 5000}
	cases := []struct {
		path   string
		want   wix.MediaType
		ok     bool
		cause  string
		reason string
		ct     string
	}{
		{"/ok.png", "", true, CauseOK, "image/png", "image/png"},
		{"/ok.png", wix.MediaImage, true, CauseOK, "image/png", "image/png"},
		{"/page", "", false, CauseNotMedia, "the source is an HTML page (text/html), not media: often an error or login page", "text/html"},
		{"/text", "", false, CauseNotMedia, "plain text", "text/plain"},
		{"/ok.png", wix.MediaVideo, false, CauseWrongMediaType, "the manifest expects VIDEO but the source is image/png (IMAGE)", "image/png"},
		{"/bin", wix.MediaImage, true, CauseOK, "image/png", "image/png"},
		{"/empty", "", false, CauseEmpty, "empty", "image/png"},
		{"/huge.png", "", false, CauseTooLarge, "over the 4.9 KB limit", "image/png"},
		{"/lying-head", "", true, CauseOK, "image/png", "image/png"},
	}
	for _, c := range cases {
		d := p.Probe(context.Background(), ts.URL+c.path, c.want)
		if d.OK != c.ok || d.Cause != c.cause || !strings.Contains(d.Reason, c.reason) || d.ContentType != c.ct {
			t.Errorf("%s want %q: got %+v; want ok=%v cause %s type %s reason containing %q", c.path, c.want, d, c.ok, c.cause, c.ct, c.reason)
		}
	}
}

func TestProbeHeadNotAllowedThenRangedGet(t *testing.T) {
	t.Parallel()
	var methods []string
	var mu sync.Mutex
	ts := origin(t, map[string]http.HandlerFunc{
		"/photo": func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			methods = append(methods, r.Method+" "+r.Header.Get("Range")+" "+r.Header.Get("User-Agent"))
			mu.Unlock()
			if r.Method != http.MethodGet {
				w.WriteHeader(http.StatusMethodNotAllowed)
				return
			}
			if r.Header.Get("Range") != "bytes=0-511" {
				t.Errorf("range %q", r.Header.Get("Range"))
			}
			w.Header().Set("Content-Range", fmt.Sprintf("bytes 0-511/%d", len(pngBytes)))
			w.Header().Set("Content-Length", "512")
			w.WriteHeader(http.StatusPartialContent)
			w.Write(pngBytes[:512])
		},
	})
	p := Prober{UserAgent: "test-agent"}
	d := p.Probe(context.Background(), ts.URL+"/photo", wix.MediaImage)
	if !d.OK || d.Size != int64(len(pngBytes)) || d.ContentType != "image/png" || d.Status != 206 {
		t.Fatalf("got %+v", d)
	}
	want := []string{"HEAD  test-agent", "GET bytes=0-511 test-agent"}
	if fmt.Sprint(methods) != fmt.Sprint(want) {
		t.Errorf("requests %q, want %q", methods, want)
	}
}

// A server that ignores Range and streams forever: the probe must stop after
// the bytes it sniffs, or this test would never end.
func TestProbeIgnoredRangeReadsLittle(t *testing.T) {
	t.Parallel()
	var sent atomic.Int64
	ts := origin(t, map[string]http.HandlerFunc{
		"/stream": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/octet-stream")
			w.WriteHeader(200)
			if r.Method == http.MethodHead {
				return
			}
			for {
				n, err := w.Write(pngBytes)
				sent.Add(int64(n))
				if err != nil {
					return
				}
				w.(http.Flusher).Flush()
			}
		},
	})
	var p Prober
	d := p.Probe(context.Background(), ts.URL+"/stream", "")
	if !d.OK || d.Size != -1 || d.ContentType != "image/png" {
		t.Fatalf("got %+v", d)
	}
}

func TestProbeRedirects(t *testing.T) {
	t.Parallel()
	ts := origin(t, map[string]http.HandlerFunc{
		"/a": func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/b", http.StatusFound) },
		"/b": func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/c.png", http.StatusMovedPermanently)
		},
		"/c.png": serve(200, "image/png", pngBytes),
		"/loop1": func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop2", http.StatusFound) },
		"/loop2": func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop1", http.StatusFound) },
		"/chain/": func(w http.ResponseWriter, r *http.Request) {
			var n int
			fmt.Sscanf(strings.TrimPrefix(r.URL.Path, "/chain/"), "%d", &n)
			http.Redirect(w, r, fmt.Sprintf("/chain/%d", n+1), http.StatusFound)
		},
	})
	var p Prober
	if d := p.Probe(context.Background(), ts.URL+"/a", ""); !d.OK || d.ContentType != "image/png" {
		t.Errorf("chain: %+v", d)
	}
	if d := p.Probe(context.Background(), ts.URL+"/loop1", ""); d.Cause != CauseRedirectLoop || !strings.Contains(d.Reason, "loop") {
		t.Errorf("loop: %+v", d)
	}
	if d := p.Probe(context.Background(), ts.URL+"/chain/0", ""); d.Cause != CauseRedirectLoop || !strings.Contains(d.Reason, "more than 10") {
		t.Errorf("long chain: %+v", d)
	}
}

// blocker answers nothing until the client gives up.
func blocker(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }

func TestProbeTimeout(t *testing.T) {
	// Not parallel: its short client timeout must not meet a busy machine.
	ts := origin(t, map[string]http.HandlerFunc{"/slow": blocker})
	p := Prober{Timeout: 50 * time.Millisecond}
	d := p.Probe(context.Background(), ts.URL+"/slow", "")
	if d.Cause != CauseTimeout || d.Reason != "the source did not answer within 50ms" {
		t.Fatalf("got %+v", d)
	}
}

func TestProbeCanceled(t *testing.T) {
	t.Parallel()
	ts := origin(t, map[string]http.HandlerFunc{"/slow": blocker})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	var p Prober
	if d := p.Probe(ctx, ts.URL+"/slow", ""); d.Cause != CauseTimeout && d.Cause != CauseCanceled {
		t.Fatalf("got %+v", d)
	}
	ctx2, cancel2 := context.WithCancel(context.Background())
	cancel2()
	if d := p.Probe(ctx2, ts.URL+"/slow", ""); d.Cause != CauseCanceled {
		t.Fatalf("cancelled: got %+v", d)
	}
}

func TestProbeConnectionRefused(t *testing.T) {
	t.Parallel()
	ts := httptest.NewServer(http.NotFoundHandler())
	url := ts.URL + "/a.png"
	ts.Close()
	var p Prober
	d := p.Probe(context.Background(), url, "")
	if d.Cause != CauseConnection || !strings.Contains(d.Reason, "refused") {
		t.Fatalf("got %+v", d)
	}
}

func TestProbeBadURL(t *testing.T) {
	t.Parallel()
	var p Prober
	for _, u := range []string{"ftp://example.com/a.png", "not a url", "http://", "https:///a.png", "http://exa mple.com/"} {
		d := p.Probe(context.Background(), u, "")
		if d.Cause != CauseBadURL || d.OK || d.Reason == "" {
			t.Errorf("%q: got %+v", u, d)
		}
		if _, err := p.Download(context.Background(), u, io.Discard); !isCause(err, CauseBadURL) {
			t.Errorf("download %q: %v", u, err)
		}
	}
}

// A host name that does not resolve is a DNS failure naming the host, not
// a connection error. The name is resolved by a DNS server on 127.0.0.1
// that answers NXDOMAIN to everything (no resolver of the machine is
// asked), and the test checks it was asked.
func TestProbeDNS(t *testing.T) {
	t.Parallel()
	dns, asked := nxdomainServer(t)
	dialer := &net.Dialer{Resolver: &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "udp", dns)
	}}}
	p := Prober{Timeout: 5 * time.Second, Client: &http.Client{Transport: &http.Transport{DialContext: dialer.DialContext}}}
	for _, probe := range []func() Diagnosis{
		func() Diagnosis { return p.Probe(context.Background(), "http://no-such-host.invalid/a.png", "") },
		func() Diagnosis {
			_, err := p.Download(context.Background(), "http://no-such-host.invalid/a.png", io.Discard)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("download: %v, want a *source.Error", err)
			}
			return failed(e)
		},
	} {
		d := probe()
		if d.Cause != CauseDNS || !strings.Contains(d.Reason, "no-such-host.invalid") || !strings.Contains(d.Reason, "does not resolve") {
			t.Errorf("got %s %q, want %s naming the host", d.Cause, d.Reason, CauseDNS)
		}
	}
	if asked.Load() == 0 {
		t.Error("the test's DNS server was never asked")
	}
}

// nxdomainServer is a DNS server on a UDP port of 127.0.0.1 that answers
// every query "no such name" (RCODE 3). It returns its address and a count
// of the queries it answered.
func nxdomainServer(t *testing.T) (addr string, asked *atomic.Int64) {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	asked = new(atomic.Int64)
	go func() {
		buf := make([]byte, 1500)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			q := buf[:n]
			if len(q) < 12 {
				continue
			}
			// The question: labels up to the root, then type and class.
			end := 12
			for end < n && q[end] != 0 {
				end += int(q[end]) + 1
			}
			end += 5
			if end > n {
				continue
			}
			resp := append([]byte(nil), q[:end]...)
			resp[2] = 0x80 | q[2]&0x01 // an answer, recursion desired as asked
			resp[3] = 0x80 | 3         // recursion available, NXDOMAIN
			resp[4], resp[5] = 0, 1    // one question
			clear(resp[6:12])          // no answer, authority or additional records
			asked.Add(1)
			pc.WriteTo(resp, from)
		}
	}()
	return pc.LocalAddr().String(), asked
}

func TestProbeTLS(t *testing.T) {
	t.Parallel()
	ts := httptest.NewUnstartedServer(serve(200, "image/png", pngBytes))
	ts.Config.ErrorLog = log.New(io.Discard, "", 0)
	ts.StartTLS()
	defer ts.Close()
	var p Prober
	d := p.Probe(context.Background(), ts.URL+"/a.png", "")
	if d.Cause != CauseTLS || !strings.HasPrefix(d.Reason, "TLS handshake with the source failed: certificate") {
		t.Fatalf("got %+v", d)
	}
	// The test server's own client trusts it.
	p.Client = ts.Client()
	if d := p.Probe(context.Background(), ts.URL+"/a.png", ""); !d.OK {
		t.Fatalf("trusted: %+v", d)
	}
	// Plain HTTP against a TLS port.
	plain := Prober{}
	if d := plain.Probe(context.Background(), strings.Replace(ts.URL, "https:", "http:", 1), ""); d.Cause == CauseOK {
		t.Fatalf("http to a TLS port: %+v", d)
	}
}

func TestWixFailedReason(t *testing.T) {
	t.Parallel()
	ok := Diagnosis{OK: true, ContentType: "image/jpeg", Cause: CauseOK}
	if r := ok.WixFailedReason(); !strings.Contains(r, "hotlink protection") {
		t.Error(r)
	}
	bad := Diagnosis{Cause: CauseHTTP404, Reason: "the source answered 404 Not Found: the file is missing at the old site"}
	if r := bad.WixFailedReason(); r != bad.Reason {
		t.Error(r)
	}
}

func isCause(err error, cause string) bool {
	var e *Error
	return errors.As(err, &e) && e.Cause == cause
}

func TestDownload(t *testing.T) {
	t.Parallel()
	ts := origin(t, map[string]http.HandlerFunc{
		"/files/photo.png": serve(200, "image/png", pngBytes),
		"/dl": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Disposition", `attachment; filename="../../etc/Summer Photo.png"`)
			serve(200, "image/png", pngBytes)(w, r)
		},
		"/blob/12345": serve(200, "application/octet-stream", pngBytes),
		"/redirect": func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/files/photo.png", http.StatusFound)
		},
	})
	var p Prober
	cases := []struct{ path, name, ct string }{
		{"/files/photo.png", "photo.png", "image/png"},
		{"/dl", "Summer Photo.png", "image/png"},
		{"/blob/12345", "12345.png", "image/png"},
		{"/redirect", "photo.png", "image/png"},
	}
	for _, c := range cases {
		var buf bytes.Buffer
		dl, err := p.Download(context.Background(), ts.URL+c.path, &buf)
		if err != nil {
			t.Errorf("%s: %v", c.path, err)
			continue
		}
		if !bytes.Equal(buf.Bytes(), pngBytes) || dl.Size != int64(len(pngBytes)) || dl.FileName != c.name || dl.ContentType != c.ct {
			t.Errorf("%s: got %+v (%d bytes), want name %q type %q", c.path, dl, buf.Len(), c.name, c.ct)
		}
	}
}

func TestDownloadFailures(t *testing.T) {
	// Not parallel: its short client timeout must not meet a busy machine.
	big := bytes.Repeat(pngBytes, 10)
	ts := origin(t, map[string]http.HandlerFunc{
		"/403":  serve(403, "text/html", []byte(htmlPage)),
		"/page": serve(200, "text/html", []byte(htmlPage)),
		"/big":  serve(200, "image/png", big),
		"/big-chunked": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "image/png")
			for i := 0; i < 10; i++ {
				w.Write(pngBytes)
				w.(http.Flusher).Flush()
			}
		},
		"/cut": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "image/png")
			w.Header().Set("Content-Length", "12000")
			w.Write(big[:5000])
			w.(http.Flusher).Flush()
			conn, _, err := http.NewResponseController(w).Hijack()
			if err == nil {
				conn.Close()
			}
		},
		"/stall": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "image/png")
			w.Write(big[:5000])
			w.(http.Flusher).Flush()
			<-r.Context().Done()
		},
		"/slow": blocker,
	})
	// Only the two sources that stall meet the 100ms watchdog; the others
	// get one a busy machine cannot reach, so their answers, not the
	// scheduler, decide their causes.
	stalls := Prober{MaxBytes: 15000, Timeout: 100 * time.Millisecond}
	answers := Prober{MaxBytes: 15000, Timeout: 30 * time.Second}
	cases := []struct {
		path, cause, reason string
		wrote               bool
	}{
		{"/403", CauseHTTP403, "hotlinking", false},
		{"/page", CauseNotMedia, "HTML page", false},
		{"/big", CauseTooLarge, "the source is 20 KB, over the 15 KB limit", false},
		{"/big-chunked", CauseTooLarge, "the source is over the 15 KB limit", true},
		{"/cut", CauseConnection, "closed the connection before the answer was complete (after 5000 of 12000 bytes)", true},
		{"/stall", CauseTimeout, "the source stopped sending for 100ms (after 5000 bytes)", true},
		{"/slow", CauseTimeout, "the source did not answer within 100ms", false},
	}
	for _, c := range cases {
		p := answers
		if c.cause == CauseTimeout {
			p = stalls
		}
		var buf bytes.Buffer
		_, err := p.Download(context.Background(), ts.URL+c.path, &buf)
		var e *Error
		if !errors.As(err, &e) || e.Cause != c.cause || !strings.Contains(e.Reason, c.reason) {
			t.Errorf("%s: got %v (%#v), want cause %s reason containing %q", c.path, err, e, c.cause, c.reason)
			continue
		}
		if (buf.Len() > 0) != c.wrote {
			t.Errorf("%s: wrote %d bytes", c.path, buf.Len())
		}
		if x := explain(err, 0); x.Cause != e.Cause || x.Reason != e.Reason {
			t.Errorf("%s: explain gives %s %q", c.path, x.Cause, x.Reason)
		}
	}
}

func TestDownloadWriteError(t *testing.T) {
	t.Parallel()
	ts := origin(t, map[string]http.HandlerFunc{"/a.png": serve(200, "image/png", pngBytes)})
	var p Prober
	boom := errors.New("disk full")
	_, err := p.Download(context.Background(), ts.URL+"/a.png", failWriter{boom})
	if !errors.Is(err, boom) {
		t.Fatalf("got %v", err)
	}
	var e *Error
	if errors.As(err, &e) {
		t.Fatalf("a write failure was blamed on the source: %v", e)
	}
}

type failWriter struct{ err error }

func (f failWriter) Write([]byte) (int, error) { return 0, f.err }

func TestExplain(t *testing.T) {
	t.Parallel()
	cases := []struct {
		err    error
		status int
		cause  string
	}{
		{nil, 403, CauseHTTP403},
		{nil, 404, CauseHTTP404},
		{nil, 451, CauseHTTPStatus},
		{nil, 503, CauseHTTPStatus},
		{&net.DNSError{Name: "x.invalid", Err: "no such host", IsNotFound: true}, 0, CauseDNS},
		{io.ErrUnexpectedEOF, 200, CauseConnection},
		{context.DeadlineExceeded, 0, CauseTimeout},
		{context.Canceled, 0, CauseCanceled},
		{errors.New("something odd"), 0, CauseConnection},
	}
	for _, c := range cases {
		e := explain(c.err, c.status)
		if e.Cause != c.cause || e.Reason == "" {
			t.Errorf("explain(%v, %d) = %s %q, want %s", c.err, c.status, e.Cause, e.Reason, c.cause)
		}
	}
}

func TestMimeTypeFor(t *testing.T) {
	t.Parallel()
	zipHead := []byte("PK\x03\x04\x14\x00\x00\x00\x08\x00")
	cases := []struct {
		name string
		head []byte
		want string
	}{
		{"a.jpg", nil, "image/jpeg"},
		{"A.PNG", nil, "image/png"},
		{"a.jpg", []byte(htmlPage), "text/html"}, // content beats the name
		{"noext", pngBytes, "image/png"},
		{"report.docx", zipHead, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
		{"photo.webp", nil, "image/webp"},
		{"noext", nil, "application/octet-stream"},
		{"/path/to/clip.mp4", nil, "video/mp4"},
		{"data.csv", []byte("a,b,c\n1,2,3\n4,5,6\n"), "text/csv"},
		{"song.m4a", nil, "audio/mp4"}, // the project's table, not the host's
		{"index.html", nil, "text/html"},
	}
	for _, c := range cases {
		if got := MimeTypeFor(c.name, c.head); got != c.want {
			t.Errorf("MimeTypeFor(%q) = %q, want %q", c.name, got, c.want)
		}
	}
}

func TestLocal(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	jpg := write("a.jpg", pngBytes) // a misnamed PNG: the extension names the upload type
	noext := write("picture", pngBytes)
	empty := write("empty.png", nil)
	page := write("page.png", []byte(htmlPage))
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)

	lf, err := OpenLocal(jpg)
	if err != nil {
		t.Fatal(err)
	}
	if lf.Size != int64(len(pngBytes)) || lf.MimeType != "image/jpeg" || lf.FileName != "a.jpg" {
		t.Errorf("a.jpg: %+v", lf)
	}
	got, _ := io.ReadAll(lf.Reader())
	b := make([]byte, 4)
	lf.ReadAt(b, 1)
	if !bytes.Equal(got, pngBytes) || string(b) != "PNG\r" {
		t.Error("a.jpg: content differs")
	}
	lf.Close()

	lf, err = OpenLocal(noext)
	if err != nil || lf.MimeType != "image/png" {
		t.Errorf("picture: %v %+v", err, lf)
	} else {
		lf.Close()
	}

	fails := []struct{ path, cause, reason string }{
		{filepath.Join(dir, "missing.jpg"), CauseMissingFile, "local file " + filepath.Join(dir, "missing.jpg") + ": no such file"},
		{filepath.Join(dir, "sub"), CauseNotAFile, "is a directory"},
		{empty, CauseEmpty, "is empty"},
	}
	if os.Geteuid() != 0 { // root reads anything
		locked := write("locked.png", pngBytes)
		os.Chmod(locked, 0)
		fails = append(fails, struct{ path, cause, reason string }{locked, CauseUnreadable, "permission denied"})
	}
	for _, f := range fails {
		_, err := OpenLocal(f.path)
		if !isCause(err, f.cause) || !strings.Contains(err.Error(), f.reason) {
			t.Errorf("%s: got %v, want %s %q", f.path, err, f.cause, f.reason)
		}
	}

	var p Prober
	if d := p.ProbeLocal(jpg, wix.MediaImage); !d.OK || d.ContentType != "image/png" {
		t.Errorf("probe a.jpg: %+v", d)
	}
	if d := p.ProbeLocal(page, ""); d.Cause != CauseNotMedia || !strings.Contains(d.Reason, "local file "+page) {
		t.Errorf("probe page.png: %+v", d)
	}
	if d := p.ProbeLocal(jpg, wix.MediaAudio); d.Cause != CauseWrongMediaType {
		t.Errorf("probe a.jpg as audio: %+v", d)
	}
	if d := p.ProbeLocal(filepath.Join(dir, "missing.jpg"), ""); d.Cause != CauseMissingFile {
		t.Errorf("probe missing: %+v", d)
	}
	small := Prober{MaxBytes: 100}
	if d := small.ProbeLocal(jpg, ""); d.Cause != CauseTooLarge {
		t.Errorf("probe over the limit: %+v", d)
	}
}

func TestHostLimiter(t *testing.T) {
	t.Parallel()
	l := &HostLimiter{PerHost: 2}
	ctx := context.Background()
	var inFlight, peak atomic.Int32
	var wg sync.WaitGroup
	gate := make(chan struct{})
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			release, err := l.Acquire(ctx, "Example.com")
			if err != nil {
				t.Error(err)
				return
			}
			defer release()
			n := inFlight.Add(1)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
			<-gate
			inFlight.Add(-1)
		}()
	}
	// Another host is not held up by the busy one.
	release, err := l.Acquire(ctx, "other.example")
	if err != nil {
		t.Fatal(err)
	}
	release()
	release() // a second release is harmless
	close(gate)
	wg.Wait()
	if peak.Load() > 2 {
		t.Errorf("peak %d in flight, limit 2", peak.Load())
	}
	if len(l.hosts) != 0 {
		t.Errorf("idle hosts kept: %d", len(l.hosts))
	}

	// A waiter gives up when its context ends.
	r1, _ := l.Acquire(ctx, "h")
	r2, _ := l.Acquire(ctx, "h")
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := l.Acquire(cctx, "h"); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v", err)
	}
	r1()
	r2()
}

// A Prober with Hosts set never has more than PerHost requests at one origin.
func TestProberUsesHostLimiter(t *testing.T) {
	t.Parallel()
	var inFlight, peak atomic.Int32
	ts := origin(t, map[string]http.HandlerFunc{
		"/": func(w http.ResponseWriter, r *http.Request) {
			n := inFlight.Add(1)
			defer inFlight.Add(-1)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
			serve(200, "image/png", pngBytes)(w, r)
		},
	})
	p := Prober{Hosts: &HostLimiter{PerHost: 1}}
	var wg sync.WaitGroup
	for i := 0; i < 6; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if d := p.Probe(context.Background(), fmt.Sprintf("%s/%d.png", ts.URL, i), ""); !d.OK {
				t.Error(d)
			}
		}()
	}
	wg.Wait()
	if peak.Load() != 1 {
		t.Errorf("peak %d", peak.Load())
	}
}
