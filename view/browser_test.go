package view

import (
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/wixmigrate/wixmigrate/internal/testenv/browser"
)

// TestPageOfOddRowsInBrowser opens the page of a report with a status
// this version does not know, a torn line, an invalid row whose source is
// a javascript: URL and a hostile name: each is placed, nothing is linked
// that is not http(s) or file, and the script throws nothing.
func TestPageOfOddRowsInBrowser(t *testing.T) {
	r, err := Load(shopReport(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	page := filepath.Join(t.TempDir(), "shop.report.html")
	if err := r.WriteFile(page); err != nil {
		t.Fatal(err)
	}
	b := browser.New(t)
	var thrown atomic.Int32
	go func() {
		for range chromedp.Events(b, runtime.ExceptionThrown) {
			thrown.Add(1)
		}
	}()
	if err := chromedp.Do(b, chromedp.Navigate("file://"+page), chromedp.WaitReady(chromedp.CSS(`body[data-ready="true"]`))); err != nil {
		t.Fatal(err)
	}
	check := func(what, expr, want string) {
		t.Helper()
		got, err := chromedp.Run(b, chromedp.Evaluate[string](expr))
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if got != want {
			t.Errorf("%s: %q, want %q", what, got, want)
		}
	}
	groups := `[...document.querySelectorAll('#%s .group')].map(g => g.dataset.status + ' ' + g.dataset.cause + ' ' + g.dataset.count).sort().join('; ')`
	check("other statuses", fmt.Sprintf(groups, "other"), "UNDONE  1; UNREADABLE  1")
	check("failures", fmt.Sprintf(groups, "failures"), "FAILED http-404 1; FAILED invalid-row 1")
	check("pending", fmt.Sprintf(groups, "pending"), "PENDING not-imported 1")
	check("cards", `[...document.querySelectorAll('article.card h3')].map(h => h.textContent).join('|')`, "Red shirt|"+hostile+"|Promo")
	check("links", `[...document.querySelectorAll('a')].filter(a => !/^(https?|file):/.test(a.href)).length + ''`, "0")
	check("the javascript: source", `[...document.querySelectorAll('tr[data-line="6"] td')][2].textContent`, "javascript:alert(3)")
	check("a video's icon", `document.querySelector('article.card[data-line="4"] .icon').textContent`, "▶video")
	if n := thrown.Load(); n != 0 {
		t.Errorf("the page's script threw %d exceptions", n)
	}
}
