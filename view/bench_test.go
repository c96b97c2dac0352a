package view_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/wixmigrate/wixmigrate/internal/testenv/browser"
	"github.com/wixmigrate/wixmigrate/report"
	"github.com/wixmigrate/wixmigrate/source"
	"github.com/wixmigrate/wixmigrate/view"
	"github.com/wixmigrate/wixmigrate/wix"
)

// BenchmarkPage100k writes the page of a 100,000-row report and opens it
// in headless Chromium: the file's size (target: under 30 MB), the time
// from navigation to the first paint (the header with its counts) and to
// the end of the first render (the rows), the worst of 3 loads (target:
// under 2 s), as metrics. On a busy machine the time says more
// beside s-bare-parse: the worst of 3 loads of a page holding the same
// data and a script that only parses it, what any page of that size costs.
func BenchmarkPage100k(b *testing.B) {
	dir := b.TempDir()
	reportPath := filepath.Join(dir, "big.report.csv")
	writeBigReport(b, reportPath, 100_000)
	ctx := browser.New(b)
	for b.Loop() {
		pagePath := filepath.Join(dir, "big.report.html")
		if _, err := view.Make(reportPath, pagePath, view.Options{MediaBase: "http://127.0.0.1:9"}); err != nil {
			b.Fatal(err)
		}
		page, err := os.ReadFile(pagePath)
		if err != nil {
			b.Fatal(err)
		}
		barePath := filepath.Join(dir, "bare.html")
		if err := os.WriteFile(barePath, barePage(b, page), 0o644); err != nil {
			b.Fatal(err)
		}
		paint, render := worstRender(b, ctx, pagePath)
		_, bare := worstRender(b, ctx, barePath)
		b.ReportMetric(float64(len(page))/1e6, "MB")
		b.ReportMetric(paint, "s-first-paint")
		b.ReportMetric(render, "s-first-render")
		b.ReportMetric(bare, "s-bare-parse")
	}
}

// worstRender loads a page 3 times and returns the longest times, in
// seconds, from navigation to its first contentful paint (the header and
// its counts) and to the page's data-render-ms mark (the rows rendered).
func worstRender(b *testing.B, ctx context.Context, path string) (paint, render float64) {
	worst, worstPaint := 0, 0.0
	for range 3 {
		if err := chromedp.Do(ctx, chromedp.Navigate("about:blank"), chromedp.Navigate("file://"+path),
			chromedp.WaitReady(chromedp.CSS(`body[data-ready="true"]`))); err != nil {
			b.Fatal(err)
		}
		ms, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.dataset.renderMs`))
		if err != nil {
			b.Fatal(err)
		}
		n, err := strconv.Atoi(ms)
		if err != nil {
			b.Fatalf("render time %q: %v", ms, err)
		}
		worst = max(worst, n)
		fcp, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? 0`))
		if err != nil {
			b.Fatal(err)
		}
		worstPaint = max(worstPaint, fcp)
	}
	return worstPaint / 1e3, float64(worst) / 1e3
}

// barePage is a page of the same data as page whose script only parses it.
func barePage(b *testing.B, page []byte) []byte {
	const open = `<script type="application/json" id="data">`
	_, data, ok := bytes.Cut(page, []byte(open))
	data, _, ok2 := bytes.Cut(data, []byte("</script>"))
	if !ok || !ok2 {
		b.Fatal("no data in the page")
	}
	var out bytes.Buffer
	out.WriteString("<!DOCTYPE html>\n<meta charset=\"utf-8\"><title>bare</title><body>" + open)
	out.Write(data)
	out.WriteString(`</script><script>JSON.parse(document.getElementById('data').textContent);` +
		`document.body.dataset.renderMs = String(Math.round(performance.now())); document.body.dataset.ready = 'true';</script>`)
	return out.Bytes()
}

// writeBigReport writes a report of n rows like a product catalogue's:
// mostly READY images, some failed (404, HTML pages), some pending.
func writeBigReport(b *testing.B, path string, n int) {
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	bw := bufio.NewWriter(f)
	w := csv.NewWriter(bw)
	w.Write(append([]string{"source_url", "display_name", "file_path", "labels", "sku", "post_slug"}, report.Columns...))
	at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	for i := range n {
		src := fmt.Sprintf("https://old-shop.example/wp-content/uploads/2024/%02d/product-%06d.jpg", i%12+1, i)
		fields := report.Fields{Status: "READY", MediaType: wix.MediaImage, SizeBytes: int64(40_000 + i%9000),
			Width: 1200, Height: 800, Attempts: 1, Method: "import"}
		fields.FileID = fmt.Sprintf("4a685c_%032x~mv2.jpg", i)
		fields.WixURL = wix.MediaURLPrefix + fields.FileID
		fields.WixURI, _ = wix.MediaURIFromReport(wix.MediaImage, fields.FileID, fmt.Sprintf("product-%06d.jpg", i), 1200, 800)
		switch {
		case i%20 == 7:
			fields = report.Fields{Status: "FAILED", MediaType: wix.MediaImage, Attempts: 1, Method: "import",
				FailureReason: fmt.Sprintf(source.Reasons.HTTP404, "404 Not Found")}
		case i%50 == 9:
			fields = report.Fields{Status: "FAILED", Attempts: 1, Method: "import",
				FailureReason: fmt.Sprintf(source.Reasons.HTMLPage, "text/html")}
		case i%33 == 5:
			fields = report.Fields{Status: "PENDING", FailureReason: report.Reasons.NotImported}
		}
		t := at.Add(time.Duration(i) * 40 * time.Millisecond)
		fields.UpdatedAt = &t
		w.Write(append([]string{src, fmt.Sprintf("Product %d, view %d", i/3, i%3), fmt.Sprintf("/products/%d", 2020+i%5),
			"catalogue;2024", fmt.Sprintf("SKU-%06d", i/3), ""}, fields.Record()...))
	}
	w.Flush()
	if err := w.Error(); err != nil {
		b.Fatal(err)
	}
	if err := bw.Flush(); err != nil {
		b.Fatal(err)
	}
}
