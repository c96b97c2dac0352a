// Package testenv is the one set of test helpers: a PNG maker, a loopback
// origin standing in for an old site, and a simulator with a client. Tests
// of every package use it instead of keeping their own.
package testenv

import (
	"context"
	"encoding/binary"
	"encoding/csv"
	"fmt"
	"hash/adler32"
	"hash/crc32"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/wixmigrate/wixmigrate/wix"
	"github.com/wixmigrate/wixmigrate/wixsim"
)

// The simulator's credentials.
const (
	APIKey = "test-key"
	SiteID = "site-a"
)

// PNG returns a w×h RGBA PNG whose pixels depend on n (pixel 0,0 holds n's
// low 24 bits, so images of different n < 1<<24 differ). It is stored
// without compression, so it costs little to make and is about 4·w·h
// bytes: sizes are predictable.
func PNG(n, w, h int) []byte {
	raw := make([]byte, 0, h*(1+4*w))
	for y := range h {
		raw = append(raw, 0) // filter: none
		for x := range w {
			raw = append(raw, byte(x+n), byte(y+n>>8), byte(x^y^n>>16), 255)
		}
	}
	// A zlib stream of stored deflate blocks.
	z := []byte{0x78, 0x01}
	for rest := raw; ; {
		k := min(len(rest), 65535)
		final := byte(0)
		if k == len(rest) {
			final = 1
		}
		z = append(z, final, byte(k), byte(k>>8), ^byte(k), ^byte(k>>8))
		z = append(z, rest[:k]...)
		rest = rest[k:]
		if final == 1 {
			break
		}
	}
	z = binary.BigEndian.AppendUint32(z, adler32.Checksum(raw))

	chunk := func(b []byte, typ string, data []byte) []byte {
		b = binary.BigEndian.AppendUint32(b, uint32(len(data)))
		start := len(b)
		b = append(append(b, typ...), data...)
		return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b[start:]))
	}
	var ihdr [13]byte
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = 8, 6 // 8-bit RGBA
	b := []byte("\x89PNG\r\n\x1a\n")
	b = chunk(b, "IHDR", ihdr[:])
	b = chunk(b, "IDAT", z)
	return chunk(b, "IEND", nil)
}

// ImageSize is the size of the origin's /img/N.png.
func ImageSize(n int) (w, h int) { return 10 + n%7, 20 }

// Origin starts an old site on 127.0.0.1, closed when the test ends. It
// serves the files given, by URL path, and:
//
//	/img/N.png      PNG(N, ImageSize(N)), as image/png
//	/page.html      an HTML page (a source that is not media)
//	/page           the same
//	/protected/...  403, as hotlink protection answers a foreign fetcher
//
// and 404 for anything else.
func Origin(t testing.TB, files map[string][]byte) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(OriginHandler(files))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

// OriginHandler answers as Origin's server does, for a test that runs with
// no network (wixsim.Transport, in virtual time).
func OriginHandler(files map[string][]byte) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if b, ok := files[r.URL.Path]; ok {
			rw.Write(b)
			return
		}
		var n int
		switch {
		case r.URL.Path == "/page.html" || r.URL.Path == "/page":
			rw.Header().Set("Content-Type", "text/html")
			io.WriteString(rw, "<!DOCTYPE html><html><body>Log in</body></html>")
		case strings.HasPrefix(r.URL.Path, "/protected/"):
			http.Error(rw, "no hotlinking", http.StatusForbidden)
		case scanImage(r.URL.Path, &n):
			rw.Header().Set("Content-Type", "image/png")
			w, h := ImageSize(n)
			rw.Write(PNG(n, w, h))
		default:
			http.NotFound(rw, r)
		}
	})
}

// scanImage reads N from /img/N.png.
func scanImage(path string, n *int) bool {
	var rest string
	c, _ := fmt.Sscanf(path, "/img/%d%s", n, &rest)
	return c == 2 && rest == ".png" && *n >= 0
}

// Sim is a simulator (for APIKey), closed when the test ends, and a client
// of it for SiteID.
type Sim struct {
	*wixsim.Server
	Client *wix.Client
}

// NewSim starts a simulator with opts; opts.APIKey is set to APIKey.
func NewSim(t testing.TB, opts wixsim.Options) *Sim {
	t.Helper()
	opts.APIKey = APIKey
	srv := wixsim.NewServer(opts)
	t.Cleanup(srv.Close)
	c := wix.NewClient(APIKey, SiteID)
	c.BaseURL = srv.URL
	c.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	return &Sim{Server: srv, Client: c}
}

// WriteManifest writes text to path, with {{origin}} replaced by origin.
func WriteManifest(t testing.TB, path, origin, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(strings.ReplaceAll(text, "{{origin}}", origin)), 0o644); err != nil {
		t.Fatal(err)
	}
}

// SampleMedia reads files of the demo's samples/media folder, for Origin:
// they are served as /media/<name>. The folder holds one file of every
// media type (JPEG, PNG, SVG, MP4, MP3, PDF...).
func SampleMedia(t testing.TB, names ...string) map[string][]byte {
	t.Helper()
	_, here, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(here), "..", "..", "samples", "media")
	files := map[string][]byte{}
	for _, name := range names {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		files["/media/"+name] = b
	}
	return files
}

// EveryMediaType is a manifest (for WriteManifest) of a file of each media
// type Wix names with a wix: URI, from SampleMedia(EveryMediaTypeFiles...),
// with display names that need encoding and a file imported without one.
const EveryMediaType = "source_url,display_name\n" +
	"{{origin}}/media/red-shirt.jpg,Red shirt #1 100%/front é.jpg\n" +
	"{{origin}}/media/banner.png,\n" +
	"{{origin}}/media/hero.webp,日本 hero 😀.webp\n" +
	"{{origin}}/media/logo.svg,\"Logo \"\"a+b=c\"\" ?.svg\"\n" +
	"{{origin}}/media/promo.mp4,Promo clip (1).mp4\n" +
	"{{origin}}/media/jingle.mp3,\n" +
	"{{origin}}/media/size-guide.pdf,Size guide 50%.pdf\n"

// EveryMediaTypeFiles are the sample files EveryMediaType names.
var EveryMediaTypeFiles = []string{"red-shirt.jpg", "banner.png", "hero.webp", "logo.svg", "promo.mp4", "jingle.mp3", "size-guide.pdf"}

// ReadCSV reads a whole CSV file, comma-separated.
func ReadCSV(t testing.TB, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// Files lists every file under a root folder (wix.RootMedia, wix.RootTrash)
// of c's site, all folders, through Search Files, page by page.
func Files(t testing.TB, c *wix.Client, root string) []wix.File {
	t.Helper()
	var out []wix.File
	req := &wix.SearchFilesRequest{RootFolder: root, Paging: &wix.CursorPaging{Limit: 100}}
	for {
		page, err := c.SearchFiles(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, page.Files...)
		if req.Paging.Cursor = page.Next(); req.Paging.Cursor == "" {
			return out
		}
	}
}
