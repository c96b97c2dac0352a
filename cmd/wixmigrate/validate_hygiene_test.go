package main

import (
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/wixmigrate/wixmigrate/internal/testenv"
)

const secretReferer = "https://old.example/s3cret-referer"

// refererOrigin serves /guarded/ files only with the Referer a hotlink
// guard wants, and 403 otherwise.
func refererOrigin(t *testing.T) *httptest.Server {
	t.Helper()
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Referer() != secretReferer {
			http.Error(w, "no hotlinking", http.StatusForbidden)
			return
		}
		w.Header().Set("Content-Type", "image/png")
		w.Write(testenv.PNG(1, 8, 8))
	}))
	ts.Config.ErrorLog = log.New(io.Discard, "", 0)
	ts.Start()
	t.Cleanup(ts.Close)
	return ts
}

func TestValidateSourceHeader(t *testing.T) {
	t.Parallel()
	ts := refererOrigin(t)
	path := validateManifest(t, ts.URL, "source_url\n{{origin}}/guarded/a.png\n")
	code, out, _ := runValidateTest(t, "--manifest", path, "--check-sources")
	if code != exitIncomplete || !strings.Contains(out, "403") {
		t.Fatalf("without the header: exit %d\n%s", code, out)
	}
	code, out, errs := runValidateTest(t, "--manifest", path, "--check-sources", "--source-header", "Referer: "+secretReferer)
	if code != exitOK || !strings.Contains(out, "1 row checked, 0 problems") {
		t.Fatalf("with the header: exit %d\n%s\n%s", code, out, errs)
	}
	if strings.Contains(out+errs, "s3cret") {
		t.Errorf("the header's value shows:\n%s\n%s", out, errs)
	}
	// A bad header is a usage error naming it, not its value.
	code, _, errs = runValidateTest(t, "--manifest", path, "--source-header", "Bad Name: s3cret")
	if code != exitUsage || !strings.Contains(errs, "--source-header") || strings.Contains(errs, "s3cret") {
		t.Errorf("bad header: exit %d: %s", code, errs)
	}
}

func TestValidateDelimiters(t *testing.T) {
	t.Parallel()
	ts := testenv.Origin(t, nil)
	for name, text := range map[string]string{
		"semicolon": "source_url;display_name\n{{origin}}/img/1.png;A\nftp://x;B\n",
		"tab":       "source_url\tdisplay_name\n{{origin}}/img/1.png\tA\nftp://x\tB\n",
	} {
		path := validateManifest(t, ts.URL, text)
		code, out, errs := runValidateTest(t, "--manifest", path)
		if code != exitIncomplete || !strings.Contains(out, "2 rows checked, 1 problem") || !strings.Contains(out, `"ftp://x" is not an http(s) URL`) {
			t.Errorf("%s: exit %d\n%s\n%s", name, code, out, errs)
		}
	}
	// Both delimiters make sense of this header: the problem says which
	// were seen, and --delimiter settles it.
	path := validateManifest(t, ts.URL, "url;a,source_url\n{{origin}}/img/1.png;1,2\n")
	code, out, _ := runValidateTest(t, "--manifest", path)
	if code != exitIncomplete || !strings.Contains(out, "comma (,) and semicolon (;)") || !strings.Contains(out, "--delimiter") {
		t.Errorf("ambiguous: exit %d\n%s", code, out)
	}
	if code, out, errs := runValidateTest(t, "--manifest", path, "--delimiter", "semicolon"); code != exitOK {
		t.Errorf("--delimiter semicolon: exit %d\n%s\n%s", code, out, errs)
	}
	if code, _, errs := runValidateTest(t, "--manifest", path, "--delimiter", "|"); code != exitUsage || !strings.Contains(errs, "delimiter") {
		t.Errorf("--delimiter |: exit %d: %s", code, errs)
	}
}
