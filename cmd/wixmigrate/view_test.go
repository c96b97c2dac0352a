package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wixmigrate/wixmigrate/migrate"
	"github.com/wixmigrate/wixmigrate/wixsim"
)

// migrate writes the page beside the report and says where; --no-view
// does not; view writes it again, wherever --out says.
func TestMigrateWritesThePageAndViewRewritesIt(t *testing.T) {
	t.Parallel()
	s := newSetup(t, wixsim.Options{ProcessingDelay: wixsim.Range{Max: 5 * time.Millisecond}}, 3, "{{origin}}/missing.png,SKU-X\n")
	reportPath := filepath.Join(s.dir, "media.report.csv")
	pagePath := filepath.Join(s.dir, "media.report.html")

	code, stdout, stderr := s.migrate(t, context.Background(), "--no-view")
	if code != exitIncomplete {
		t.Fatalf("migrate: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if _, err := os.Stat(pagePath); err == nil || strings.Contains(stdout, "page:") {
		t.Fatalf("--no-view wrote a page (%v) or spoke of one:\n%s", err, stdout)
	}

	code, stdout, stderr = s.migrate(t, context.Background())
	if code != exitIncomplete || !strings.Contains(stdout, "page:   "+pagePath) {
		t.Fatalf("migrate: exit %d, no page line:\n%s\n%s", code, stdout, stderr)
	}
	page, err := os.ReadFile(pagePath)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{testSiteID(), `data-status="READY"`, `data-status="FAILED"`, "SKU-X"} {
		if !bytes.Contains(page, []byte(want)) {
			t.Errorf("the page after migrate does not show %q", want)
		}
	}

	// Past its size, the page after a run holds the rows that are not
	// READY, and the run says how to get the full one.
	var partial bytes.Buffer
	(&migration{cfg: migrate.Config{Manifest: s.manifest}}).writeView(&partial, &partial, reportPath, 2)
	if !strings.Contains(partial.String(), "the report has 4 rows, over 2; for every row run: wixmigrate view "+reportPath) {
		t.Errorf("a page past its size: %q", partial.String())
	}
	if page, _ := os.ReadFile(pagePath); !bytes.Contains(page, []byte(`id="partial"`)) {
		t.Error("the page past its size does not say it is partial")
	}

	out := filepath.Join(t.TempDir(), "for-the-client.html")
	var vout, verr bytes.Buffer
	if code := run([]string{"view", reportPath, "--out", out, "--media-base", s.sim.URL}, &vout, &verr); code != exitOK {
		t.Fatalf("view: exit %d\n%s", code, verr.String())
	}
	if want := out + ": 4 rows (3 READY, 1 FAILED)"; !strings.Contains(vout.String(), want) {
		t.Errorf("view said %q, want %q", vout.String(), want)
	}
	if page, err := os.ReadFile(out); err != nil || !bytes.Contains(page, []byte(s.sim.URL+"/media/")) {
		t.Errorf("the page at --out does not load Wix files from --media-base (%v)", err)
	}
}

func testSiteID() string { return testCredentials["WIX_SITE_ID"] }

func TestViewExitCodes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	notReport := filepath.Join(dir, "notes.csv")
	os.WriteFile(notReport, []byte("source_url,sku\nhttps://a.example/1.jpg,1\n"), 0o644)
	for _, c := range []struct {
		args []string
		code int
		says string
	}{
		{[]string{"view"}, exitUsage, "name the report"},
		{[]string{"view", "a.csv", "b.csv"}, exitUsage, `unexpected argument "b.csv"`},
		{[]string{"view", "--bogus", "a.csv"}, exitUsage, "bogus"},
		{[]string{"view", notReport, "--media-base", "static.example"}, exitUsage, "--media-base"},
		{[]string{"view", filepath.Join(dir, "missing.csv")}, exitFatal, "missing.csv"},
		{[]string{"view", notReport}, exitFatal, "not a migrate report"},
		{[]string{"view", "-h"}, exitOK, "usage: wixmigrate view REPORT.csv"},
	} {
		var stdout, stderr bytes.Buffer
		code := run(c.args, &stdout, &stderr)
		if code != c.code || !strings.Contains(stderr.String(), c.says) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d saying %q", c.args, code, stderr.String(), c.code, c.says)
		}
	}
}
