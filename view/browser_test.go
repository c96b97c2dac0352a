package view

import (
	"context"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/wixmigrate/wixmigrate/internal/testenv/browser"
	"github.com/wixmigrate/wixmigrate/report"
)

// openBrowser starts a browser and counts the exceptions its pages throw.
func openBrowser(t *testing.T) (context.Context, *atomic.Int32) {
	b := browser.New(t)
	thrown := new(atomic.Int32)
	go func() {
		for range chromedp.Events(b, runtime.ExceptionThrown) {
			thrown.Add(1)
		}
	}()
	return b, thrown
}

// checker checks that an expression evaluates to a string in b's page.
func checker(t *testing.T, b context.Context) func(what, expr, want string) {
	return func(what, expr, want string) {
		t.Helper()
		got, err := chromedp.Run(b, chromedp.Evaluate[string](expr))
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if got != want {
			t.Errorf("%s: %q, want %q", what, got, want)
		}
	}
}

// TestPageOfOddRowsInBrowser opens the page of a report with a status
// this version does not know, a torn line, an invalid row whose source is
// a javascript: URL and a hostile name: each is placed, nothing is linked
// that is not http(s) or file, and the script throws nothing.
func TestPageOfOddRowsInBrowser(t *testing.T) {
	t.Parallel()
	r, err := Load(shopReport(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	page := filepath.Join(t.TempDir(), "shop.report.html")
	if err := r.WriteFile(page); err != nil {
		t.Fatal(err)
	}
	b, thrown := openBrowser(t)
	// A report of no rows first: its page says so.
	empty, err := Load(writeReport(t, []string{"source_url"}, nil), Options{})
	if err != nil {
		t.Fatal(err)
	}
	emptyPage := filepath.Join(t.TempDir(), "empty.report.html")
	if err := empty.WriteFile(emptyPage); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(b, chromedp.Navigate("file://"+emptyPage), chromedp.WaitReady(chromedp.CSS(`body[data-ready="true"]`))); err != nil {
		t.Fatal(err)
	}
	if shown, err := chromedp.Run(b, chromedp.Evaluate[string](`document.body.dataset.shown + ' ' + document.getElementById('nothing').hidden`)); err != nil || shown != "0 false" {
		t.Errorf("the page of no rows: %q (%v), want 0 rows shown and the notice", shown, err)
	}
	if err := chromedp.Do(b, chromedp.Navigate("file://"+page), chromedp.WaitReady(chromedp.CSS(`body[data-ready="true"]`))); err != nil {
		t.Fatal(err)
	}
	check := checker(t, b)
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

// loadingReport has more rows than a page of the gallery (60 READY) and of
// a group (25 FAILED with a 404), and 3 PENDING, interleaved.
func loadingReport(t *testing.T) string {
	var rows [][]string
	for i := range 88 {
		src := fmt.Sprintf("https://old.example/p%02d.jpg", i)
		cells := []string{src, fmt.Sprintf("n%02d", i), fmt.Sprintf("SKU-%02d", i)}
		f := ready(fmt.Sprintf("4a685c_%02d~mv2.jpg", i), "IMAGE")
		switch {
		case i%3 == 1 && i < 75:
			f = report.Fields{Status: "FAILED", Method: "import", Attempts: 1,
				FailureReason: "the source answered 404 Not Found: the file is missing at the old site"}
		case i == 2 || i == 41 || i == 86:
			f = report.Fields{Status: "PENDING", FailureReason: report.Reasons.NotImported}
		}
		rows = append(rows, reportRow(cells, f))
	}
	return writeReport(t, []string{"source_url", "display_name", "sku"}, rows)
}

// TestPageWhileLoading holds the page's idle callbacks, so it stays
// between its first render and the rest of its rows: the first screen is
// there with the counts of every row, the filters wait and no pager goes
// past the rows at hand; once the rest is in, all of it works.
func TestPageWhileLoading(t *testing.T) {
	t.Parallel()
	r, err := Load(loadingReport(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	r.chunkRows = 7
	if r.ByStatus["READY"] != 60 || r.ByStatus["FAILED"] != 25 || r.ByStatus["PENDING"] != 3 {
		t.Fatalf("the report's counts: %v", r.ByStatus)
	}
	page := filepath.Join(t.TempDir(), "shop.report.html")
	if err := r.WriteFile(page); err != nil {
		t.Fatal(err)
	}
	b, thrown := openBrowser(t)
	hold := `window.held = []; window.requestIdleCallback = (f) => { window.held.push(f); return window.held.length; };`
	if _, err := chromedp.Call(b, cdppage.AddScriptToEvaluateOnNewDocument, cdppage.AddScriptToEvaluateOnNewDocumentParams{Source: hold}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(b, chromedp.Navigate("file://"+page), chromedp.WaitReady(chromedp.CSS(`body[data-first-ms]`))); err != nil {
		t.Fatal(err)
	}
	check := checker(t, b)
	screen := func(state string, pagers string) {
		t.Helper()
		check(state+": sections", `['failures', 'pending', 'gallery'].map(s => document.getElementById(s + '-n').textContent).join('; ')`, "25 rows; 3 rows; 60 rows")
		check(state+": the 404 group", `(g => g.dataset.count + ' ' + g.querySelectorAll('tr[data-line]').length)(document.querySelector('#failures .group'))`, "25 20")
		check(state+": first rows", `[...document.querySelectorAll('#failures tr[data-line]')].slice(0, 3).map(r => r.dataset.line).join(' ')`, "3 6 9")
		check(state+": cards", `(c => c.length + ' ' + c[0].dataset.line + ' ' + c[47].dataset.line)(document.querySelectorAll('article.card'))`, "48 2 76")
		check(state+": pagers", `[...document.querySelectorAll('.pager')].map(p => p.querySelector('span').textContent + (p.lastChild.disabled ? ' stop' : ' next')).join('; ')`, pagers)
	}
	screen("loading", "1–20 of 25 stop; 1–48 of 60 stop")
	check("loading: filters", `[...document.getElementById('filters').elements].every(e => e.disabled) + ' ' + document.body.dataset.shown`, "true 88")
	check("loading: chunks waiting", `document.querySelectorAll('script.rows').length > 0 && !document.body.dataset.ready ? 'yes' : 'no'`, "yes")

	release := `(() => { while (window.held.length) window.held.shift()({ didTimeout: false, timeRemaining: () => 50 }); return document.body.dataset.ready || ''; })()`
	check("the rest loads", release, "true")
	screen("loaded", "1–20 of 25 next; 1–48 of 60 next")
	check("loaded: filters", `[...document.getElementById('filters').elements].some(e => e.disabled) + ' ' + document.body.dataset.shown`, "false 88")
	check("the second page of cards", `(() => { document.querySelector('#gallery .pager').lastChild.click(); return [...document.querySelectorAll('article.card')].map(c => c.dataset.line).join(' '); })()`,
		"77 78 79 80 81 82 83 84 85 86 87 89")
	check("a search over every row", `(() => { const q = document.getElementById('q'); q.value = 'sku-87'; q.form.requestSubmit(); return document.body.dataset.shown; })()`, "1")
	if n := thrown.Load(); n != 0 {
		t.Errorf("the page's script threw %d exceptions", n)
	}
}
