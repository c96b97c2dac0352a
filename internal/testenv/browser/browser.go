// Package browser starts a real headless Chromium for tests that check a
// web page (Debian's chromium-headless-shell, driven by chromedp). It is
// apart from testenv so that only the tests that use a browser link
// chromedp.
package browser

import (
	"context"
	"os/exec"
	"testing"

	"github.com/chromedp/chromedp"
)

// candidates are the browsers tried, Debian's headless shell first.
var candidates = []string{"/usr/bin/chromium-headless-shell", "chromium-headless-shell", "chromium", "chromium-browser"}

// Path returns the headless Chromium to use, or fails the test saying what
// to install: a page test that cannot run must not pass.
func Path(t testing.TB) string {
	t.Helper()
	for _, c := range candidates {
		if p, err := exec.LookPath(c); err == nil {
			return p
		}
	}
	t.Fatalf("no headless Chromium found (tried %v): the page tests need Debian's chromium-headless-shell; install it with `apt-get install -y chromium-headless-shell` (.ci/run does)", candidates)
	return ""
}

// New starts a browser with a fresh profile and returns a chromedp context
// for one tab; the browser ends with the test.
func New(t testing.TB) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(Path(t)),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx); err != nil { // starts the browser
		t.Fatalf("starting %s: %v", Path(t), err)
	}
	return ctx
}
