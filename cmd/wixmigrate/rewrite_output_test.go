package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

// rewriteFiles writes a text page and a binary file (a PNG, copied as it is
// under --out), each of size bytes or more, into a fresh input folder.
func rewriteFiles(t *testing.T, size int) (report, in string) {
	t.Helper()
	dir := t.TempDir()
	report = filepath.Join(dir, "report.csv")
	writeFile(t, report, rewriteReport)
	in = filepath.Join(dir, "site")
	page := `<img src="https://old.example.com/a.jpg">` + strings.Repeat("<p>text</p>\n", size/12+1)
	writeFile(t, filepath.Join(in, "text", "page.html"), page)
	png := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, size)...)
	writeFile(t, filepath.Join(in, "binary", "photo.png"), string(png))
	return report, in
}

// checkOutputFailure: an output that cannot be written is a fatal error
// (exit 1) naming the file, not a usage error, whether the file being
// written is rewritten text or a binary copied as it is.
func checkOutputFailure(t *testing.T, report, input, out, want string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run([]string{"rewrite", "--report", report, "--out", out, input}, &stdout, &stderr)
	if code != exitFatal {
		t.Errorf("exit %d, want %d (fatal)\nstderr:\n%s", code, exitFatal, stderr.String())
	}
	msg := stderr.String()
	if !strings.Contains(msg, want) || strings.Contains(msg, " -h") {
		t.Errorf("stderr does not say %q, or sends the user to -h:\n%s", want, msg)
	}
	if !strings.Contains(msg, "is incomplete; the inputs are as they were") {
		t.Errorf("stderr does not say what was left behind:\n%s", msg)
	}
}

func TestRewriteOutputThatCannotBeWritten(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{"text", "binary"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			report, in := rewriteFiles(t, 1<<10)
			out := t.TempDir()
			// A folder where the output file must go: the rename fails.
			name := map[string]string{"text": "page.html", "binary": "photo.png"}[kind]
			writeFile(t, filepath.Join(out, name, "in-the-way"), "")
			checkOutputFailure(t, report, filepath.Join(in, kind), out, filepath.Join(in, kind, name))
		})
	}
}
