package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runScanTest(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(append([]string{"scan"}, args...), &out, &errb)
	return code, out.String(), errb.String()
}

// writeTree writes name → text under a new folder and returns it.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		writeFile(t, filepath.Join(dir, filepath.FromSlash(name)), text)
	}
	return dir
}

func TestScanUsage(t *testing.T) {
	dir := writeTree(t, map[string]string{"a.html": "<img src=/a.png>"})
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "name at least one file or folder"},
		{[]string{"--base-url", "old.example.com", dir}, "--base-url"},
		{[]string{"--base-url", "ftp://old.example.com/", dir}, "not an absolute http(s) URL"},
		{[]string{"--host", "https://old.example.com/", dir}, "--host old.example.com"},
		{[]string{"--host", "old.example.com/wp", dir}, "host name only"},
		{[]string{"--host", "img.*.example.com", dir}, `"*"`},
		{[]string{"--media", "photos", dir}, `"photos" is not a kind of media`},
		{[]string{"--nope", dir}, "flag provided but not defined"},
	} {
		code, _, errs := runScanTest(t, tc.args...)
		if code != exitUsage || !strings.Contains(errs, tc.want) {
			t.Errorf("%q: exit %d, stderr:\n%s\nwant exit %d and %q", tc.args, code, errs, exitUsage, tc.want)
		}
	}
	if code, _, errs := runScanTest(t, "-h"); code != exitOK || !strings.Contains(errs, "--keep-folders") {
		t.Errorf("-h: exit %d\n%s", code, errs)
	}
}

// The manifest scan writes passes validate and lists what the files hold;
// flags may follow the paths.
func TestScanWritesAManifestValidateAccepts(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"posts/a.html": `<img src="/wp-content/uploads/2023/05/a.jpg" srcset="/wp-content/uploads/2023/05/a-300x200.jpg 300w">` +
			`<a href="https://old.example.com/a.jpg.html">page</a><img src="https://cdn.other.net/x.png">`,
		"shop.csv": "Handle,Image Src\nmug,https://old.example.com/files/mug?v=3\n",
	})
	out := filepath.Join(t.TempDir(), "manifest.csv")
	code, stdout, errs := runScanTest(t, filepath.Join(dir, "posts"), "--out", out, filepath.Join(dir, "shop.csv"),
		"--base-url", "https://old.example.com/", "--keep-folders", "--host", "old.example.com")
	if code != exitOK || stdout != "" {
		t.Fatalf("exit %d, stdout %q, stderr:\n%s", code, stdout, errs)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	want := "source_url,display_name,file_path,variants,found_in,occurrences\n" +
		"https://old.example.com/wp-content/uploads/2023/05/a.jpg,a.jpg,/wp-content/uploads/2023/05,https://old.example.com/wp-content/uploads/2023/05/a-300x200.jpg," + filepath.Join(dir, "posts", "a.html") + ":1,2\n" +
		"https://old.example.com/files/mug?v=3,mug,/files,," + filepath.Join(dir, "shop.csv") + ":2,1\n"
	if string(got) != want {
		t.Errorf("manifest:\n%s\nwant:\n%s", got, want)
	}
	for _, line := range []string{
		"read 2 files (1 html, 1 csv)",
		"media rows:       2, written to " + out,
		"variants folded:  1 found in the content",
		"skipped URLs, pages (.html, .php, .asp...): 1",
		"skipped URLs, media on other hosts than --host: 1",
	} {
		if !strings.Contains(errs, line) {
			t.Errorf("summary lacks %q:\n%s", line, errs)
		}
	}
	if code, vout, verr := runValidateTest(t, "--manifest", out); code != exitOK || !strings.Contains(vout, "2 rows checked, 0 problems") {
		t.Errorf("validate: exit %d\n%s\n%s", code, vout, verr)
	}
}

func TestScanToStandardOutput(t *testing.T) {
	dir := writeTree(t, map[string]string{"a.md": "![x](https://old.example.com/x.png)\n"})
	code, stdout, errs := runScanTest(t, dir)
	if code != exitOK || stdout != "source_url,display_name,variants,found_in,occurrences\nhttps://old.example.com/x.png,x.png,,"+filepath.Join(dir, "a.md")+":1,1\n" {
		t.Errorf("exit %d, stdout:\n%s\nstderr:\n%s", code, stdout, errs)
	}
}

func TestScanNothingFoundSaysSo(t *testing.T) {
	dir := writeTree(t, map[string]string{"a.txt": "nothing to see\n"})
	code, stdout, errs := runScanTest(t, dir)
	if code != exitOK || !strings.Contains(errs, "no media URLs found") || strings.Count(stdout, "\n") != 1 {
		t.Errorf("exit %d, stdout %q, stderr:\n%s", code, stdout, errs)
	}
}

// An input that cannot be read is named and the run exits 1, but the rest
// is scanned and the manifest written; binary files are named and skipped.
func TestScanUnreadableInput(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"a.html":   `<img src="https://old.example.com/a.png">`,
		"logo.png": "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00",
	})
	missing := filepath.Join(dir, "missing.xml")
	out := filepath.Join(t.TempDir(), "m.csv")
	code, _, errs := runScanTest(t, "--out", out, dir, missing)
	if code != exitFatal {
		t.Errorf("exit %d, want %d\n%s", code, exitFatal, errs)
	}
	if !strings.Contains(errs, "unreadable, skipped: "+missing) || !strings.Contains(errs, "binary files skipped: 1 ("+filepath.Join(dir, "logo.png")+")") {
		t.Errorf("stderr:\n%s", errs)
	}
	if got, _ := os.ReadFile(out); !strings.Contains(string(got), "https://old.example.com/a.png") {
		t.Errorf("manifest not written:\n%s", got)
	}
}

func TestScanInterrupted(t *testing.T) {
	dir := writeTree(t, map[string]string{"a.txt": "https://old.example.com/a.png\n"})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errb bytes.Buffer
	out2 := filepath.Join(t.TempDir(), "m.csv")
	if code := runScan(ctx, []string{"--out", out2, dir}, &out, &errb); code != exitInterrupted {
		t.Errorf("exit %d, want %d", code, exitInterrupted)
	}
	if _, err := os.Stat(out2); !os.IsNotExist(err) {
		t.Errorf("an interrupted scan wrote %s", out2)
	}
}

func TestParseScanArgs(t *testing.T) {
	for _, tc := range []struct {
		args  []string
		paths []string
		hosts string
	}{
		{[]string{"a", "b"}, []string{"a", "b"}, ""},
		{[]string{"--host", "x", "a", "--host", "y", "b"}, []string{"a", "b"}, "x,y"},
		{[]string{"a", "--", "--host", "b"}, []string{"a", "--host", "b"}, ""},
	} {
		fs := newFlagSet("scan", new(bytes.Buffer))
		var hosts listFlag
		fs.Var(&hosts, "host", "")
		paths, _, ok := parseScanArgs(fs, tc.args)
		if !ok || strings.Join(paths, " ") != strings.Join(tc.paths, " ") || hosts.String() != tc.hosts {
			t.Errorf("%q: paths %q hosts %q ok %v", tc.args, paths, hosts.String(), ok)
		}
	}
}

// A manifest written inside a scanned folder is not read back as content
// by the next run.
func TestScanSkipsItsOwnManifest(t *testing.T) {
	dir := writeTree(t, map[string]string{"a.html": `<img src="https://old.example.com/a.png">`})
	out := filepath.Join(dir, "0-manifest.csv") // sorts before a.html
	var first []byte
	for run := range 2 {
		if code, _, errs := runScanTest(t, "--out", out, dir); code != exitOK {
			t.Fatalf("run %d: exit %d\n%s", run, code, errs)
		}
		got, _ := os.ReadFile(out)
		if run == 0 {
			first = got
		} else if !bytes.Equal(got, first) {
			t.Errorf("the second run read the first one's manifest:\n%s\nfirst:\n%s", got, first)
		}
	}
}

// docs/scan.md's scan of the demo's sample content is what scan prints.
func TestScanDemoContentAsTheDocsShow(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "docs", "scan.md"))
	if err != nil {
		t.Fatal(err)
	}
	const command = "$ go run ./cmd/wixmigrate scan "
	_, example, found := strings.Cut(string(readme), command)
	if !found {
		t.Fatal("docs/scan.md has no scan example")
	}
	example, _, _ = strings.Cut(example, "```")
	argLine, output, _ := strings.Cut(example, "\n")
	wantStdout, wantSummary, _ := strings.Cut(output, "scan: read")
	wantSummary = "scan: read" + wantSummary

	// The demo's copy of samples/content, with its origin as the docs have it.
	const origin = "http://127.0.0.1:38593"
	samples := filepath.Join("..", "..", "samples", "content")
	work := t.TempDir()
	err = filepath.WalkDir(samples, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(samples, p)
		text, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		text = bytes.ReplaceAll(text, []byte("{{origin}}"), []byte(origin))
		text = bytes.ReplaceAll(text, []byte("{{host}}"), []byte(strings.TrimPrefix(origin, "http://")))
		writeFile(t, filepath.Join(work, "wixmigrate-demo", "content", rel), string(text))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(work)
	code, stdout, stderr := runScanTest(t, strings.Fields(argLine)...)
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if stdout != wantStdout || stderr != wantSummary {
		t.Errorf("scan printed:\n%s%s\ndocs/scan.md shows:\n%s%s", stdout, stderr, wantStdout, wantSummary)
	}
}

func TestScanUnwritableOutFailsBeforeReading(t *testing.T) {
	dir := writeTree(t, map[string]string{"a.txt": "https://old.example.com/a.png\n"})
	out := filepath.Join(dir, "no-such-folder", "m.csv")
	code, _, errs := runScanTest(t, "--out", out, dir)
	if code != exitFatal || !strings.Contains(errs, "--out "+out+" cannot be written") || strings.Contains(errs, "scan: read") {
		t.Errorf("exit %d, stderr:\n%s", code, errs)
	}
}
