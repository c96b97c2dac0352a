package conformance

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
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
)

const (
	apiKey = "conformance-key"
	siteID = "conformance-site"
	// runTimeout bounds the whole node run; the SDK test itself takes a few
	// seconds.
	runTimeout = 3 * time.Minute
)

// TestSDKConformance runs sdk.test.mjs, which drives the simulator with
// Wix's official JavaScript SDK, against a `wixmigrate sim` process.
func TestSDKConformance(t *testing.T) {
	node, dir := setupSDK(t)

	bin := buildBinary(t)
	sim := startSim(t, bin, "--addr", "127.0.0.1:0", "--api-key", apiKey, "--rate-limit", "0",
		"--processing-delay", "20ms-100ms")
	origin := httptest.NewServer(originHandler())
	t.Cleanup(origin.Close)

	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "--test", "--test-reporter=spec", "sdk.test.mjs")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"SIM_URL="+sim.url,
		"ORIGIN_URL="+origin.URL,
		"API_KEY="+apiKey,
		"SITE_ID="+siteID,
		"NO_COLOR=1",
	)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node --test sdk.test.mjs: %v\n%s\n--- simulator log ---\n%s", err, out, sim.log())
	}
	t.Logf("node --test sdk.test.mjs:\n%s", out)
	sim.stop(t)
}

// setupSDK finds node and npm and installs the pinned SDK packages once
// (other test processes wait on the lock); it returns node and the
// package's folder, where the .mjs tests live.
func setupSDK(t *testing.T) (node, dir string) {
	t.Helper()
	node = tool(t, "node")
	npm := tool(t, "npm")
	checkNodeVersion(t, node)
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	lockDir(t, filepath.Join(dir, ".npm-install.lock"))
	installSDK(t, npm, dir)
	return node, dir
}

// tool finds a program the test cannot do without.
func tool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s is required for the SDK conformance test (Node.js 18+ with npm): %v", name, err)
	}
	return p
}

// minNode is the oldest Node.js major version the conformance test runs on.
const minNode = 18

func checkNodeVersion(t *testing.T, node string) {
	t.Helper()
	out, err := exec.Command(node, "--version").Output()
	if err != nil {
		t.Fatalf("node --version: %v", err)
	}
	v := strings.TrimPrefix(strings.TrimSpace(string(out)), "v")
	major, _, _ := strings.Cut(v, ".")
	// 18 is what Debian 12 ships (nodejs 18.20.4); the pinned SDK and
	// sdk.test.mjs pass on it as on 20 and 22.
	if n, err := strconv.Atoi(major); err != nil || n < minNode {
		t.Fatalf("Node.js %d or later is required, found %s", minNode, out)
	}
}

// lockStamp is written into node_modules after a successful npm ci: the
// hash of the manifest and lockfile it installed.
const lockStamp = "node_modules/.wixmigrate-lock.sha256"

// installSDK runs npm ci unless node_modules holds exactly what
// package-lock.json pins.
func installSDK(t *testing.T, npm, dir string) {
	t.Helper()
	h := sha256.New()
	for _, name := range []string{"package.json", "package-lock.json"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		h.Write(b)
	}
	want := hex.EncodeToString(h.Sum(nil))
	stamp := filepath.Join(dir, lockStamp)
	if got, err := os.ReadFile(stamp); err == nil && strings.TrimSpace(string(got)) == want {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, npm, "ci", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("npm ci (installs the pinned @wix/sdk and @wix/auto_sdk_media_files): %v\n%s", err, out)
	}
	if err := os.WriteFile(stamp, []byte(want+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
}

// buildBinary builds cmd/wixmigrate into a temp dir, with -race when this
// test runs with it.
func buildBinary(t *testing.T) string {
	t.Helper()
	goTool := tool(t, "go")
	bin := filepath.Join(t.TempDir(), "wixmigrate")
	args := []string{"build", "-o", bin}
	if raceEnabled {
		args = append(args, "-race")
	}
	args = append(args, "github.com/wixmigrate/wixmigrate/cmd/wixmigrate")
	cmd := exec.Command(goTool, args...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return bin
}

// simProcess is a running `wixmigrate sim`.
type simProcess struct {
	cmd    *exec.Cmd
	url    string
	stderr *syncBuffer
	waited chan error
}

func (s *simProcess) log() string { return s.stderr.String() }

// startSim starts the simulator and reads the address from its first line
// of output, "listening on http://ADDR".
func startSim(t *testing.T, bin string, args ...string) *simProcess {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"sim"}, args...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	s := &simProcess{cmd: cmd, stderr: &syncBuffer{}, waited: make(chan error, 1)}
	cmd.Stderr = s.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 1)
	go func() {
		br := bufio.NewReader(stdout)
		line, _ := br.ReadString('\n')
		lines <- line
		io.Copy(io.Discard, br)
	}()
	go func() { s.waited <- cmd.Wait() }()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			<-s.waited
		}
	})
	var line string
	select {
	case line = <-lines:
	case err := <-s.waited:
		s.waited <- err
		t.Fatalf("wixmigrate sim exited before listening: %v\n%s", err, s.log())
	case <-time.After(time.Minute):
		t.Fatalf("wixmigrate sim printed nothing within a minute\n%s", s.log())
	}
	addr, ok := strings.CutPrefix(strings.TrimSpace(line), "listening on ")
	if !ok || !strings.HasPrefix(addr, "http://127.0.0.1:") {
		t.Fatalf("wixmigrate sim: first line %q, want \"listening on http://127.0.0.1:PORT\"\n%s", line, s.log())
	}
	s.url = addr
	return s
}

// stop interrupts the simulator, as Ctrl-C would, and checks that it shut
// down cleanly (and, under -race, found no data race).
func (s *simProcess) stop(t *testing.T) {
	t.Helper()
	if err := s.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	var err error
	select {
	case err = <-s.waited:
	case <-time.After(30 * time.Second):
		s.cmd.Process.Kill()
		err = <-s.waited
		t.Errorf("wixmigrate sim did not stop within 30s of SIGINT")
	}
	log := s.log()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Errorf("wixmigrate sim exited with %d after SIGINT\n%s", ee.ExitCode(), log)
		} else {
			t.Errorf("wixmigrate sim: %v", err)
		}
	}
	if strings.Contains(log, "WARNING: DATA RACE") {
		t.Errorf("the simulator hit a data race\n%s", log)
	}
	if !strings.Contains(log, "shutting down") {
		t.Errorf("the simulator did not log its shutdown\n%s", log)
	}
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
