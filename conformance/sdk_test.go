package conformance

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wixmigrate/wixmigrate/wixsim"
)

const (
	apiKey = "conformance-key"
	siteID = "conformance-site"
	// runTimeout bounds the whole node run; the SDK test itself takes a few
	// seconds.
	runTimeout = 3 * time.Minute
)

// TestSDKConformance runs sdk.test.mjs, which drives the simulator with
// Wix's official JavaScript SDK, against a simulator served by this test
// process (so that, under -race, a data race in the server fails the
// test). The `wixmigrate sim` command's own serving path is tested in
// cmd/wixmigrate.
func TestSDKConformance(t *testing.T) {
	t.Parallel()
	node, dir := setupSDK(t)

	simLog := &syncBuffer{}
	sim := wixsim.NewServer(wixsim.Options{APIKey: apiKey, RateLimit: 0,
		ProcessingDelay: wixsim.Range{Min: 20 * time.Millisecond, Max: 100 * time.Millisecond},
		Logger:          slog.New(slog.NewTextHandler(simLog, nil))})
	t.Cleanup(sim.Close)
	origin := httptest.NewServer(originHandler())
	t.Cleanup(origin.Close)

	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	// Run directly, the file's node:test tests report and set the exit
	// status as under `node --test`, without its extra child process.
	cmd := exec.CommandContext(ctx, node, "--test-reporter=spec", "sdk.test.mjs")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"SIM_URL="+sim.URL,
		"ORIGIN_URL="+origin.URL,
		"API_KEY="+apiKey,
		"SITE_ID="+siteID,
		"NO_COLOR=1",
	)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node sdk.test.mjs: %v\n%s\n--- simulator log ---\n%s", err, out, simLog.String())
	}
	t.Logf("node sdk.test.mjs:\n%s", out)
}

// The SDK is set up once per test process: the tests run in parallel and
// share it.
var (
	sdkOnce         sync.Once
	sdkNode, sdkDir string
	sdkErr          error
)

// setupSDK finds node and npm and installs the pinned SDK packages once
// (other test processes on this checkout wait on the lock, held until this
// process exits); it returns node and the package's folder, where the .mjs
// scripts live. Without Node.js 18+ and npm the test fails: it is never
// skipped.
func setupSDK(t *testing.T) (node, dir string) {
	t.Helper()
	sdkOnce.Do(func() { sdkNode, sdkDir, sdkErr = installSDKOnce() })
	if sdkErr != nil {
		t.Fatal(sdkErr)
	}
	return sdkNode, sdkDir
}

func installSDKOnce() (node, dir string, err error) {
	node, err = tool("node")
	if err != nil {
		return "", "", err
	}
	npm, err := tool("npm")
	if err != nil {
		return "", "", err
	}
	if err := checkNodeVersion(node); err != nil {
		return "", "", err
	}
	if dir, err = os.Getwd(); err != nil {
		return "", "", err
	}
	if err := lockDir(filepath.Join(dir, ".npm-install.lock")); err != nil {
		return "", "", err
	}
	return node, dir, installSDK(npm, dir)
}

// tool finds a program the test cannot do without.
func tool(name string) (string, error) {
	p, err := exec.LookPath(name)
	if err != nil {
		return "", fmt.Errorf("%s is required for the SDK conformance test (Node.js 18+ with npm): %w", name, err)
	}
	return p, nil
}

// minNode is the oldest Node.js major version the conformance test runs on.
const minNode = 18

func checkNodeVersion(node string) error {
	out, err := exec.Command(node, "--version").Output()
	if err != nil {
		return fmt.Errorf("node --version: %w", err)
	}
	v := strings.TrimPrefix(strings.TrimSpace(string(out)), "v")
	major, _, _ := strings.Cut(v, ".")
	// 18 is what Debian 12 ships (nodejs 18.20.4); the pinned SDK and
	// sdk.test.mjs pass on it as on 20 and 22.
	if n, err := strconv.Atoi(major); err != nil || n < minNode {
		return fmt.Errorf("Node.js %d or later is required, found %s", minNode, out)
	}
	return nil
}

// lockStamp is written into node_modules after a successful npm ci: the
// hash of the manifest and lockfile it installed.
const lockStamp = "node_modules/.wixmigrate-lock.sha256"

// installSDK runs npm ci unless node_modules holds exactly what
// package-lock.json pins.
func installSDK(npm, dir string) error {
	h := sha256.New()
	for _, name := range []string{"package.json", "package-lock.json"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return err
		}
		h.Write(b)
	}
	want := hex.EncodeToString(h.Sum(nil))
	stamp := filepath.Join(dir, lockStamp)
	if got, err := os.ReadFile(stamp); err == nil && strings.TrimSpace(string(got)) == want {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, npm, "ci", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("npm ci (installs the pinned @wix/sdk and @wix/auto_sdk_media_files): %w\n%s", err, out)
	}
	return os.WriteFile(stamp, []byte(want+"\n"), 0o644)
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// originHandler serves generated media, as a site being migrated would:
//
//	/png/W/H/NAME   a W×H PNG whose pixels depend on NAME
//	/jpeg/W/H/NAME  a W×H JPEG whose pixels depend on NAME
//	/page.html      an HTML page (not media)
//	anything else   404
func originHandler() http.Handler {
	mux := http.NewServeMux()
	serveImage := func(kind string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			wd, err1 := strconv.Atoi(r.PathValue("w"))
			ht, err2 := strconv.Atoi(r.PathValue("h"))
			if err1 != nil || err2 != nil || wd < 1 || ht < 1 || wd > 2000 || ht > 2000 {
				http.NotFound(w, r)
				return
			}
			img := picture(wd, ht, r.PathValue("name"))
			var buf bytes.Buffer
			if kind == "png" {
				png.Encode(&buf, img)
				w.Header().Set("Content-Type", "image/png")
			} else {
				jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90})
				w.Header().Set("Content-Type", "image/jpeg")
			}
			w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
			w.Write(buf.Bytes())
		}
	}
	mux.HandleFunc("GET /png/{w}/{h}/{name}", serveImage("png"))
	mux.HandleFunc("GET /jpeg/{w}/{h}/{name}", serveImage("jpeg"))
	// A hotlink guard: the image only for the Referer and signature that
	// importFile's urlHeaders and urlParams carry.
	mux.HandleFunc("GET /guarded/png/{w}/{h}/{name}", func(w http.ResponseWriter, r *http.Request) {
		if r.Referer() != "https://old-site.example/" || r.URL.Query().Get("sig") != "conformance" {
			http.Error(w, "hotlinking forbidden", http.StatusForbidden)
			return
		}
		serveImage("png")(w, r)
	})
	mux.HandleFunc("GET /page.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, "<!doctype html><html><head><title>Not media</title></head><body><p>hello</p></body></html>")
	})
	return mux
}

// picture draws a w×h gradient seeded by name, so that every name has its
// own bytes (and hash).
func picture(w, h int, name string) image.Image {
	f := fnv.New32a()
	f.Write([]byte(name))
	seed := f.Sum32()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{R: uint8(x*7) + uint8(seed), G: uint8(y*5) + uint8(seed>>8), B: uint8(x+y) ^ uint8(seed>>16), A: 255})
		}
	}
	return img
}
