package main

import (
	"context"
	"encoding/binary"
	"fmt"
	"hash/adler32"
	"hash/crc32"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

func init() {
	register(command{
		name:    "origin",
		summary: "serve a folder and synthetic PNGs as a local origin (for demos and load runs)",
		run:     runOrigin,
	})
}

// runOrigin serves an origin until ctx is cancelled (SIGINT/SIGTERM). The
// first line on stdout is "listening on http://ADDR", for scripts.
func runOrigin(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("origin", stderr)
	addr := fs.String("addr", "127.0.0.1:0", "address to listen on (port 0 picks a free one)")
	dir := fs.String("dir", "", "folder to serve (empty: only /synthetic/)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: wixmigrate origin [--addr ADDR] [--dir DIR]\n\nServes DIR as a stand-in for the old site. Paths under /protected/ answer 403\nto the simulator's fetcher (User-Agent wix-media-sim), as hotlink protection\ndoes. /synthetic/<n>.png is a distinct tiny PNG for every n >= 0, for load\nruns. The first line on stdout is \"listening on http://ADDR\".\n\nflags:")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args, stderr); !ok {
		return code
	}
	o, err := listenOrigin(*addr, *dir)
	if err != nil {
		fmt.Fprintf(stderr, "wixmigrate origin: --addr %s: %v\n", *addr, err)
		return exitFatal
	}
	fmt.Fprintf(stdout, "listening on %s\n", o.URL)
	<-ctx.Done()
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := o.srv.Shutdown(sctx); err != nil {
		o.srv.Close()
	}
	return exitOK
}

// origin is a local web server standing in for the old site.
type origin struct {
	URL string
	srv *http.Server
}

// startOrigin serves dir on a free loopback port (the demo's origin).
func startOrigin(dir string) (*origin, error) { return listenOrigin("127.0.0.1:0", dir) }

// listenOrigin serves originHandler(dir) on addr.
func listenOrigin(addr, dir string) (*origin, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	o := &origin{URL: "http://" + ln.Addr().String(), srv: &http.Server{Handler: originHandler(dir), ReadHeaderTimeout: 10 * time.Second}}
	go o.srv.Serve(ln)
	return o, nil
}

func (o *origin) Close() { o.srv.Close() }

// originHandler serves /synthetic/<n>.png and, when dir is set, the files of
// dir. Paths under /protected/ answer 403 to the simulator's fetcher, as a
// hotlink-protected origin does to Wix.
func originHandler(dir string) http.Handler {
	var files http.Handler = http.NotFoundHandler()
	if dir != "" {
		files = http.FileServer(http.Dir(dir))
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if name, ok := strings.CutPrefix(r.URL.Path, "/synthetic/"); ok {
			n, err := strconv.ParseUint(strings.TrimSuffix(name, ".png"), 10, 64)
			if err != nil || !strings.HasSuffix(name, ".png") {
				http.NotFound(w, r)
				return
			}
			b := syntheticPNG(n)
			w.Header().Set("Content-Type", "image/png")
			w.Header().Set("Content-Length", strconv.Itoa(len(b)))
			if r.Method != http.MethodHead {
				w.Write(b)
			}
			return
		}
		if strings.HasPrefix(r.URL.Path, "/protected/") && strings.Contains(r.UserAgent(), "wix-media-sim") {
			http.Error(w, "hotlinking is not allowed", http.StatusForbidden)
			return
		}
		files.ServeHTTP(w, r)
	})
}

// A synthetic PNG is a 2×1 RGBA image whose 8 bytes of pixels are n, so
// every n gives distinct bytes. Only the IDAT chunk depends on n: the
// signature, IHDR and IEND are encoded once, and the IDAT is a zlib stream
// with one stored (uncompressed) block, so making one costs two checksums
// over a few bytes.
var (
	pngHead = func() []byte {
		b := []byte("\x89PNG\r\n\x1a\n")
		ihdr := make([]byte, 13)
		binary.BigEndian.PutUint32(ihdr[0:], 2) // width
		binary.BigEndian.PutUint32(ihdr[4:], 1) // height
		ihdr[8], ihdr[9] = 8, 6                 // 8-bit RGBA; compression, filter, interlace 0
		return appendChunk(b, "IHDR", ihdr)
	}()
	pngTail = appendChunk(nil, "IEND", nil)
)

// idatLen is the IDAT payload: zlib header (2), stored block header (5),
// one scanline (filter byte + 8 pixel bytes), Adler-32 (4).
const idatLen = 2 + 5 + 9 + 4

// syntheticPNG returns the PNG for n.
func syntheticPNG(n uint64) []byte {
	b := make([]byte, 0, len(pngHead)+12+idatLen+len(pngTail))
	b = append(b, pngHead...)
	var idat [idatLen]byte
	idat[0], idat[1] = 0x78, 0x01                       // zlib: deflate, 32K window, no dictionary
	idat[2] = 1                                         // final block, stored
	binary.LittleEndian.PutUint16(idat[3:], 9)          // LEN
	binary.LittleEndian.PutUint16(idat[5:], ^uint16(9)) // NLEN
	idat[7] = 0                                         // scanline filter: none
	binary.BigEndian.PutUint64(idat[8:], n)             // two RGBA pixels
	binary.BigEndian.PutUint32(idat[16:], adler32.Checksum(idat[7:16]))
	b = appendChunk(b, "IDAT", idat[:])
	return append(b, pngTail...)
}

// appendChunk appends a PNG chunk: length, type, data, CRC of type and data.
func appendChunk(b []byte, typ string, data []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(data)))
	start := len(b)
	b = append(b, typ...)
	b = append(b, data...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b[start:]))
}
