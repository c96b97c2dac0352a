package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// rewriteReport is a migrate report with one READY and one FAILED row.
const rewriteReport = `source_url,status,file_id,wix_url,media_type,size_bytes,width,height,failure_reason,attempts,updated_at,method
https://old.example.com/a.jpg,READY,2acbb8_a~mv2.jpg,https://static.wixstatic.com/media/2acbb8_a~mv2.jpg,IMAGE,100,800,600,,1,2026-11-30T22:00:00Z,import
https://old.example.com/f.jpg,FAILED,,,,,,,404 Not Found,3,2026-11-30T22:00:00Z,import
`

func TestRewriteExitCodes(t *testing.T) {
	dir := t.TempDir()
	report := filepath.Join(dir, "report.csv")
	writeFile(t, report, rewriteReport)
	mapped := filepath.Join(dir, "mapped", "page.html")
	writeFile(t, mapped, `<img src="https://old.example.com/a.jpg" srcset="https://old.example.com/a-300x200.jpg 300w">`)
	noWixURL := filepath.Join(dir, "no-wix-url.csv")
	writeFile(t, noWixURL, strings.ReplaceAll(rewriteReport, "wix_url", "url_wix"))
	unmapped := filepath.Join(dir, "unmapped", "page.html")
	relative := filepath.Join(dir, "relative.html")
	writeFile(t, relative, `<img src="/a.jpg"><a href="/about/">about</a>`)
	writeFile(t, unmapped, `<img src="https://old.example.com/a.jpg"><img src="https://old.example.com/f.jpg">`)

	tests := []struct {
		name   string
		args   []string
		code   int
		output string // in stdout, or stderr for failures
	}{
		{"all mapped", []string{"--report", report, "--out", filepath.Join(dir, "o1"), filepath.Dir(mapped)}, exitOK, "size variant"},
		{"some unmapped", []string{"--report", report, "--out", filepath.Join(dir, "o2"), "--unmapped", filepath.Join(dir, "u.csv"), filepath.Dir(unmapped)}, exitIncomplete, "https://old.example.com/f.jpg  (FAILED, 1×"},
		{"paths before flags", []string{filepath.Dir(mapped), "--report", report, "--out", filepath.Join(dir, "o3")}, exitOK, "total"},
		{"dry run lists changes", []string{"--report", report, "--in-place", "--dry-run", filepath.Dir(mapped)}, exitOK, "-> https://static.wixstatic.com/media/2acbb8_a~mv2.jpg"},
		{"unreadable report", []string{"--report", filepath.Join(dir, "nope.csv"), "--in-place", filepath.Dir(mapped)}, exitFatal, "nope.csv"},
		{"not a report", []string{"--report", mapped, "--in-place", filepath.Dir(mapped)}, exitFatal, "page.html: not a migrate report"},
		{"report without wix_url", []string{"--report", noWixURL, "--in-place", filepath.Dir(mapped)}, exitFatal, "no wix_url column"},
		{"no output chosen", []string{"--report", report, filepath.Dir(mapped)}, exitUsage, "--in-place"},
		{"both outputs", []string{"--report", report, "--in-place", "--out", dir, filepath.Dir(mapped)}, exitUsage, "--in-place"},
		{"out inside input", []string{"--report", report, "--out", filepath.Join(filepath.Dir(mapped), "out"), filepath.Dir(mapped)}, exitUsage, "--in-place"},
		{"bad host", []string{"--report", report, "--in-place", "--host", "https://old.example.com/", filepath.Dir(mapped)}, exitUsage, "--host"},
		{"bad base url", []string{"--report", report, "--in-place", "--base-url", "old.example.com", filepath.Dir(mapped)}, exitUsage, "--base-url"},
		{"no paths", []string{"--report", report, "--in-place"}, exitUsage, "files or folders"},
		{"bad --to", []string{"--report", report, "--in-place", "--to", "wix-urn", filepath.Dir(mapped)}, exitUsage, "--to"},
		{"--to wix-uri, a report without the column", []string{"--report", report, "--in-place", "--to", "wix-uri", filepath.Dir(mapped)}, exitFatal, "have no wix_uri, the first on line 2"},
		{"relative without a base", []string{"--report", report, "--out", filepath.Join(dir, "o4"), relative}, exitIncomplete, "pass --base-url"},
		{"relative with a base", []string{"--report", report, "--out", filepath.Join(dir, "o5"), "--base-url", "https://old.example.com/", relative}, exitOK, "relative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(append([]string{"rewrite"}, tt.args...), &stdout, &stderr)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.code, stdout.String(), stderr.String())
			}
			if !strings.Contains(stdout.String()+stderr.String(), tt.output) {
				t.Errorf("output lacks %q:\nstdout:\n%s\nstderr:\n%s", tt.output, stdout.String(), stderr.String())
			}
		})
	}
	// Nothing above changed an input.
	if b, _ := os.ReadFile(mapped); !strings.Contains(string(b), "old.example.com") {
		t.Errorf("an input was changed: %s", b)
	}
}
