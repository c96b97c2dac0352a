// Package browser runs a real headless Chromium for tests that check a
// web page (Debian's chromium-headless-shell, driven by chromedp). It is
// apart from testenv so that only the tests that use a browser link
// chromedp.
//
// A test binary starts one browser, on first use, and every test gets a
// tab of its own in a browser context of its own (no cookies, storage or
// cache shared), so tests stay apart and may run in parallel. Starting
// Chromium is most of a page test's time; a binary pays it once. The
// binary's TestMain ends the browser:
//
//	func TestMain(m *testing.M) { testmain.Run(m, browser.Close) }
package browser

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
)

// candidates are the browsers tried, Debian's headless shell first.
var candidates = []string{"/usr/bin/chromium-headless-shell", "chromium-headless-shell", "chromium", "chromium-browser"}

// errNotFound says what to install: a page test that cannot run must not
// pass.
var errNotFound = fmt.Errorf("no headless Chromium found (tried %v): the page tests need Debian's chromium-headless-shell; install it with `apt-get install -y chromium-headless-shell` (.ci/run does)", candidates)

// Path returns the headless Chromium to use, or fails the test saying what
// to install.
func Path(t testing.TB) string {
	t.Helper()
	p, err := path()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func path() (string, error) {
	for _, c := range candidates {
		if p, err := exec.LookPath(c); err == nil {
			return p, nil
		}
	}
	return "", errNotFound
}

// shared is the binary's browser: its first tab's context (the parent of
// every test's tab), started once.
var shared struct {
	once   sync.Once
	mu     sync.Mutex // guards the fields below against Close
	ctx    context.Context
	stop   func()
	err    error
	closed bool
}

// start starts the browser with a fresh profile.
func start() {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if shared.closed {
		shared.err = errors.New("browser.New after browser.Close")
		return
	}
	exe, err := path()
	if err != nil {
		shared.err = err
		return
	}
	profile, err := os.MkdirTemp("", "browser-profile-")
	if err != nil {
		shared.err = err
		return
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(profile),
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	shared.ctx = ctx
	shared.stop = func() {
		cancel()
		cancelAlloc()
		os.RemoveAll(profile)
	}
	if err := chromedp.Do(ctx); err != nil { // starts the browser
		shared.err = fmt.Errorf("starting %s: %w", exe, err)
	}
}

// New returns a chromedp context for a new tab, in a new browser context,
// of the binary's browser (started on first use); the tab closes with the
// test.
func New(t testing.TB) context.Context {
	t.Helper()
	shared.once.Do(start)
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	ctx, cancel := chromedp.NewContext(shared.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil { // opens the tab
		t.Fatalf("opening a tab: %v", err)
	}
	return ctx
}

// Close ends the browser, if one started, and removes its profile. A
// TestMain calls it after the tests (testmain.Run's after); a browser
// left running would die with the binary, its profile left behind.
func Close() {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	shared.closed = true
	if shared.stop != nil {
		shared.stop()
		shared.stop = nil
	}
}
