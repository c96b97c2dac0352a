package main

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/wixmigrate/wixmigrate/internal/testenv"
	"github.com/wixmigrate/wixmigrate/internal/testenv/browser"
	"github.com/wixmigrate/wixmigrate/report"
)

// hostileName is a display_name that would run script if the page wrote
// cells as markup.
const hostileName = `"><script>alert(1)</script><img src=x onerror=alert(2)>`

// TestViewPageInBrowser runs the demo (with one hostile row more) on the
// simulator in-process, keeps its simulator and origin up (--serve), and
// checks the page it wrote in a real headless Chromium.
func TestViewPageInBrowser(t *testing.T) {
	// 6-8 s of CPU, most of it Chromium's: the slowest test of the
	// package. view's own browser tests check the page in the short run.
	testenv.SkipUnlessFull(t, "the demo's page in a browser: thumbnails the simulator scales, filters from the keyboard, screenshots")
	t.Parallel()
	samples := copySamples(t, `{{origin}}/media/red-shirt.jpg,"`+strings.ReplaceAll(hostileName, `"`, `""`)+`",/hostile,,EVIL-1,`)
	out := t.TempDir()
	ctx, stop := context.WithCancel(context.Background())
	serving := &signalWriter{want: "Ctrl-C ends the demo.", seen: make(chan struct{})}
	var stderr bytes.Buffer
	done := make(chan int)
	go func() {
		done <- runDemo(ctx, []string{"--samples", samples, "--out", out, "--quiet", "--serve"}, serving, &stderr)
	}()
	defer func() { stop(); <-done }()
	b := browser.New(t) // starts while the demo runs
	select {
	case <-serving.seen:
	case code := <-done:
		t.Fatalf("demo: exit %d\n%s\n%s", code, serving.String(), stderr.String())
	}
	reportPath := filepath.Join(out, "manifest.report.csv")
	want := readReport(t, reportPath)

	var dialogs atomic.Int32
	go func() {
		for range chromedp.Events(b, page.JavascriptDialogOpening) {
			dialogs.Add(1)
			chromedp.Call(b, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
		}
	}()
	pagePath := filepath.Join(out, "manifest.report.html")
	run := func(what string, a chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(b, a); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	eval := func(expr string, v any) {
		t.Helper()
		var err error
		switch v := v.(type) {
		case *int:
			*v, err = chromedp.Run(b, chromedp.Evaluate[int](expr))
		case *string:
			*v, err = chromedp.Run(b, chromedp.Evaluate[string](expr))
		case *map[string]int:
			*v, err = chromedp.Run(b, chromedp.Evaluate[map[string]int](expr))
		case *[]string:
			*v, err = chromedp.Run(b, chromedp.Evaluate[[]string](expr))
		}
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
	}
	// A tall window: every lazy thumbnail of the demo is in view and loads.
	run("open the page", chromedp.Steps(chromedp.EmulateViewport(1280, 16000), chromedp.Navigate("file://"+pagePath)))
	run("the script ran", chromedp.Steps(chromedp.WaitReady(chromedp.CSS(`body[data-ready="true"]`))))

	// The header's counts are the CSV's.
	var shownStatus map[string]int
	eval(`Object.fromEntries([...document.querySelectorAll('#by-status li')].map(li => [li.dataset.status, +li.querySelector('.n').textContent]))`, &shownStatus)
	if fmt.Sprint(shownStatus) != fmt.Sprint(want.byStatus) {
		t.Errorf("counts by status: page %v, CSV %v", shownStatus, want.byStatus)
	}
	var rowsShown int
	eval(`+document.getElementById('rows-total').textContent`, &rowsShown)
	if rowsShown != len(want.rows) {
		t.Errorf("rows: page %d, CSV %d", rowsShown, len(want.rows))
	}

	// Every READY image's new thumbnail loaded.
	if _, err := chromedp.Run(b, chromedp.Poll[bool](`[...document.querySelectorAll('img.new')].every(i => i.complete)`, chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		t.Fatalf("thumbnails still loading: %v", err)
	}
	var loaded, broken []string
	eval(`[...document.querySelectorAll('article.card')].filter(c => c.querySelector('img.new')?.naturalWidth > 0).map(c => c.dataset.line)`, &loaded)
	eval(`[...document.querySelectorAll('.thumb.broken')].map(b => b.closest('article').dataset.line + ': ' + b.textContent)`, &broken)
	var withThumb []string
	eval(`[...document.querySelectorAll('article.card')].filter(c => c.querySelector('img.new')).map(c => c.dataset.line)`, &withThumb)
	for _, line := range want.readyImages {
		if !slices.Contains(loaded, line) {
			t.Errorf("line %s: the READY image's new thumbnail did not load (loaded: %v)", line, loaded)
		}
	}
	if len(loaded) != len(withThumb) || len(broken) > 0 {
		t.Errorf("thumbnails on lines %v, loaded on %v; broken: %v", withThumb, loaded, broken)
	}

	// The failure groups and their rows.
	var groups map[string]int
	eval(`Object.fromEntries([...document.querySelectorAll('#failures .group')].map(g => [g.dataset.cause, [...g.querySelectorAll('tr[data-line]')].length]))`, &groups)
	wantGroups := map[string]int{report.CauseInvalidRow: 2, "http-404": 1, "html-page": 1}
	if fmt.Sprint(groups) != fmt.Sprint(wantGroups) {
		t.Errorf("failure groups %v, want %v", groups, wantGroups)
	}
	var failedLines []string
	eval(`[...document.querySelectorAll('#failures tr[data-line]')].map(r => r.dataset.line)`, &failedLines)
	if !slices.Equal(sortedLines(failedLines), want.lines(func(r reportRow) bool { return r.status == "FAILED" })) {
		t.Errorf("failed rows on the page: lines %v", failedLines)
	}

	// Search narrows the rows, over every column (a SKU here).
	shown := func() int {
		var n int
		eval(`+document.body.dataset.shown`, &n)
		return n
	}
	run("search", chromedp.Steps(chromedp.SendKeys(chromedp.ID("q"), "shirt-red"), chromedp.KeyEvent(kb.Enter)))
	if got, wantN := shown(), want.count(func(r reportRow) bool { return r.contains("shirt-red") }); got != wantN || wantN == 0 {
		t.Errorf("search shirt-red: %d rows shown, want %d", got, wantN)
	}
	clear := func() {
		t.Helper()
		run("clear", chromedp.Click(chromedp.ID("f-reset")))
		if _, err := chromedp.Run(b, chromedp.Poll[bool](fmt.Sprintf(`document.body.dataset.shown === "%d"`, len(want.rows)))); err != nil {
			t.Fatalf("Clear does not show every row again: %v", err)
		}
	}
	clear()

	// Each filter narrows the rows to the CSV's, chosen from the keyboard:
	// focus the select, the arrow key picks its first value.
	for _, f := range []struct {
		id  string
		get func(reportRow) string
	}{
		{"f-status", func(r reportRow) string { return r.status }},
		{"f-method", func(r reportRow) string { return r.method }},
		{"f-type", func(r reportRow) string { return r.mediaType }},
		{"f-folder", func(r reportRow) string { return r.folder }},
	} {
		clear()
		run(f.id, chromedp.Steps(chromedp.Focus(chromedp.ID(f.id)), chromedp.KeyEvent(kb.ArrowDown)))
		var label string
		eval(fmt.Sprintf(`document.getElementById(%q).selectedOptions[0].textContent`, f.id), &label)
		value, _, _ := strings.Cut(label, " (")
		if value == "(none)" {
			value = ""
		}
		if label == "all" {
			t.Errorf("%s: the arrow key did not choose a value", f.id)
			continue
		}
		wantN := want.count(func(r reportRow) bool { return f.get(r) == value })
		if got := shown(); got != wantN || got == len(want.rows) {
			t.Errorf("%s = %q: %d rows shown, want %d (of %d)", f.id, value, got, wantN, len(want.rows))
		}
	}
	clear()

	// The hostile name is text, and ran nothing.
	var names []string
	eval(`[...document.querySelectorAll('article.card h3')].map(h => h.textContent)`, &names)
	if !slices.Contains(names, hostileName) {
		t.Errorf("the hostile display_name is not shown as text; card names: %q", names)
	}
	var injected int
	eval(`document.querySelectorAll('img[src="x"]').length + document.scripts.length - 2`, &injected)
	if injected != 0 || dialogs.Load() != 0 {
		t.Errorf("the hostile display_name ran: %d injected elements, %d dialogs", injected, dialogs.Load())
	}

	// Screenshots under the test's folder: as the system's light scheme
	// shows it, the dark one, and as it prints.
	shots := t.TempDir()
	run("screen size", chromedp.Steps(chromedp.EmulateViewport(1200, 1500), chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`)))
	for _, look := range []struct {
		name  string
		media emulation.SetEmulatedMediaParams
	}{
		{"view.png", emulation.SetEmulatedMediaParams{Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "light"}}}},
		{"view-dark.png", emulation.SetEmulatedMediaParams{Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}}}},
		{"view-print.png", emulation.SetEmulatedMediaParams{Media: "print"}},
	} {
		if _, err := chromedp.Call(b, emulation.SetEmulatedMedia, look.media); err != nil {
			t.Fatal(err)
		}
		shot, err := chromedp.Run(b, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(shots, look.name), shot, 0o644); err != nil {
			t.Fatal(err)
		}
		// WIXMIGRATE_VIEW_SCREENSHOTS=<folder> keeps them (docs/view.png
		// is the light one).
		if dir := os.Getenv("WIXMIGRATE_VIEW_SCREENSHOTS"); dir != "" {
			if err := os.WriteFile(filepath.Join(dir, look.name), shot, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Logf("screenshots: %s", shots)
}

// copySamples copies the samples to a temporary folder, with extra rows
// appended to its manifest.
func copySamples(t *testing.T, extra ...string) string {
	t.Helper()
	dst := t.TempDir()
	src := "../../samples"
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if rel == "manifest.csv" {
			b = append(b, strings.Join(extra, "\n")+"\n"...)
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// signalWriter collects output and closes seen once want is written.
type signalWriter struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	want string
	seen chan struct{}
	once sync.Once
}

func (w *signalWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if strings.Contains(w.buf.String(), w.want) {
		w.once.Do(func() { close(w.seen) })
	}
	return len(p), nil
}

func (w *signalWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// reportRow is what the test compares of a report row.
type reportRow struct {
	line                              string
	status, method, mediaType, folder string
	fields                            []string
}

func (r reportRow) contains(s string) bool {
	for _, f := range r.fields {
		if strings.Contains(strings.ToLower(f), s) {
			return true
		}
	}
	return false
}

type reportCSV struct {
	rows        []reportRow
	byStatus    map[string]int
	readyImages []string // lines of READY images
}

func (c reportCSV) count(keep func(reportRow) bool) int {
	n := 0
	for _, r := range c.rows {
		if keep(r) {
			n++
		}
	}
	return n
}

func (c reportCSV) lines(keep func(reportRow) bool) []string {
	var out []string
	for _, r := range c.rows {
		if keep(r) {
			out = append(out, r.line)
		}
	}
	return sortedLines(out)
}

// readReport reads a report with encoding/csv, apart from the code under
// test. Its rows are one line each (the demo's cells hold no newline).
func readReport(t *testing.T, path string) reportCSV {
	t.Helper()
	recs := readCSV(t, path)
	col := map[string]int{}
	for i, name := range recs[0] {
		col[name] = i // the report's media_type is the last one
	}
	out := reportCSV{byStatus: map[string]int{}}
	for i, r := range recs[1:] {
		row := reportRow{line: fmt.Sprint(i + 2), status: r[col["status"]], method: r[col["method"]],
			mediaType: r[col["media_type"]], folder: r[col["file_path"]], fields: r}
		out.rows = append(out.rows, row)
		out.byStatus[row.status]++
		if row.status == "READY" && (row.mediaType == "IMAGE" || row.mediaType == "VECTOR") {
			out.readyImages = append(out.readyImages, row.line)
		}
	}
	out.readyImages = sortedLines(out.readyImages)
	return out
}

// sortedLines sorts line numbers as numbers.
func sortedLines(s []string) []string {
	s = slices.Clone(s)
	slices.SortFunc(s, func(a, b string) int {
		x, _ := strconv.Atoi(a)
		y, _ := strconv.Atoi(b)
		return x - y
	})
	return s
}
