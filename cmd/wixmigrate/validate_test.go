package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wixmigrate/wixmigrate/internal/testenv"
)

// validateManifest writes a manifest, replacing {{origin}} with the origin's
// URL, beside a local media file media/local.png.
func validateManifest(t *testing.T, origin, text string) string {
	t.Helper()
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "media"), 0o755)
	if err := os.WriteFile(filepath.Join(dir, "media", "local.png"), testenv.PNG(1, 8, 8), 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "manifest.csv")
	if err := os.WriteFile(path, []byte(strings.ReplaceAll(text, "{{origin}}", origin)), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func runValidateTest(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(append([]string{"validate"}, args...), &out, &errb)
	return code, out.String(), errb.String()
}

func TestValidateClean(t *testing.T) {
	t.Parallel()
	ts := testenv.Origin(t, nil)
	path := validateManifest(t, ts.URL, "source_url,display_name,media_type\n"+
		"{{origin}}/img/1.png,A,IMAGE\n"+
		"{{origin}}/img/2.png,B,\n"+
		"media/local.png,Local,image\n"+
		"{{origin}}/img/1.png,A,IMAGE\n") // a duplicate is not a problem
	for _, args := range [][]string{{"--manifest", path}, {"--manifest", path, "--check-sources", "--concurrency", "2"}} {
		code, out, errs := runValidateTest(t, args...)
		if code != exitOK {
			t.Fatalf("%v: exit %d\n%s\n%s", args, code, out, errs)
		}
		if !strings.Contains(out, "4 rows checked, 0 problems") || !strings.Contains(out, "line 5 asks for the same import as line 2") {
			t.Errorf("%v: output:\n%s", args, out)
		}
		if strings.Contains(out, "LINE") {
			t.Errorf("%v: a problem table for a clean manifest:\n%s", args, out)
		}
	}
	_, out, _ := runValidateTest(t, "--manifest", path)
	if !strings.Contains(out, "2 remote sources not checked: add --check-sources") {
		t.Errorf("offline run does not say sources went unchecked:\n%s", out)
	}
}

func TestValidateBadRows(t *testing.T) {
	t.Parallel()
	path := validateManifest(t, "http://127.0.0.1:1", "source_url,media_type,private\n"+
		"{{origin}}/img/1.png,IMAGE,\n"+
		"ftp://old.example/a.png,,\n"+
		"{{origin}}/img/2.png,PICTURE,\n"+
		"{{origin}}/img/3.png,,maybe\n"+
		"media/missing.png,,\n")
	code, out, errs := runValidateTest(t, "--manifest", path)
	if code != exitIncomplete {
		t.Fatalf("exit %d, want %d\n%s\n%s", code, exitIncomplete, out, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	want := []string{"LINE", "3 ", "4 ", "5 ", "6 "}
	for i, w := range want {
		if i >= len(lines) || !strings.HasPrefix(lines[i], w) {
			t.Fatalf("line %d of the table: want prefix %q\n%s", i, w, out)
		}
	}
	for _, w := range []string{
		`bad-row       column "source_url": "ftp://old.example/a.png"`,
		`column "media_type"`,
		`column "private"`,
		"missing-file  local file " + filepath.Join(filepath.Dir(path), "media", "missing.png") + ": no such file",
		"5 rows checked, 4 problems",
	} {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
}

func TestValidateCheckSources(t *testing.T) {
	t.Parallel()
	ts := testenv.Origin(t, nil)
	path := validateManifest(t, ts.URL, "source_url,sku\n"+
		"{{origin}}/img/1.png,A\n"+
		"{{origin}}/protected/b.png,B\n"+
		"{{origin}}/gone/c.png,C\n"+
		"{{origin}}/page,D\n"+
		"{{origin}}/protected/b.png,E\n") // same source, other row: reported for both
	code, out, errs := runValidateTest(t, "--manifest", path, "--check-sources", "--timeout", "5s")
	if code != exitIncomplete {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	want := []string{
		"3     " + ts.URL + "/protected/b.png  http-403   the source answered 403 Forbidden: it probably blocks hotlinking",
		"4     " + ts.URL + "/gone/c.png       http-404   the source answered 404 Not Found: the file is missing at the old site",
		"5     " + ts.URL + "/page             not-media  the source is an HTML page",
		"6     " + ts.URL + "/protected/b.png  http-403",
		"5 rows checked, 4 problems",
	}
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
	if strings.Index(out, "\n3 ") > strings.Index(out, "\n6 ") {
		t.Errorf("problems not sorted by line:\n%s", out)
	}
	// Offline, the same manifest has no problems.
	if code, out, _ := runValidateTest(t, "--manifest", path); code != exitOK {
		t.Errorf("offline: exit %d\n%s", code, out)
	}
}

func TestValidateHeader(t *testing.T) {
	t.Parallel()
	path := validateManifest(t, "", "display_name,sku\nA,1\n")
	code, out, _ := runValidateTest(t, "--manifest", path)
	if code != exitIncomplete || !strings.Contains(out, "bad-header") || !strings.Contains(out, "manifest header") {
		t.Fatalf("exit %d\n%s", code, out)
	}
}

func TestValidateUsage(t *testing.T) {
	t.Parallel()
	path := validateManifest(t, "", "source_url\nmedia/local.png\n")
	cases := [][]string{
		{},
		{"--check-sources"},
		{"--manifest", path, "--concurrency", "0"},
		{"--manifest", path, "--timeout", "0s"},
		{"--manifest", path, "extra"},
		{"--no-such-flag"},
	}
	for _, args := range cases {
		code, _, errs := runValidateTest(t, args...)
		if code != exitUsage || errs == "" {
			t.Errorf("%v: exit %d, stderr %q", args, code, errs)
		}
	}
	_, _, errs := runValidateTest(t)
	if !strings.Contains(errs, "--manifest is required") {
		t.Errorf("stderr %q", errs)
	}
	if code, _, errs := runValidateTest(t, "--manifest", filepath.Join(t.TempDir(), "nope.csv")); code != exitFatal || errs == "" {
		t.Errorf("unreadable manifest: exit %d, stderr %q", code, errs)
	}
}
