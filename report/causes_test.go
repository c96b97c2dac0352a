package report

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/wixmigrate/wixmigrate/source"
)

// TestCauseOfWrittenReasons: every reason a run writes, as the code that
// writes it words it, is told back as its cause.
func TestCauseOfWrittenReasons(t *testing.T) {
	// The old site: /status/N answers N, anything else a login page.
	pages := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n, ok := strings.CutPrefix(r.URL.Path, "/status/"); ok {
			n, _, _ = strings.Cut(n, "/")
			code, _ := strconv.Atoi(n)
			w.WriteHeader(code)
			return
		}
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<!DOCTYPE html><html><body>Please log in</body></html>")
	}))
	defer pages.Close()
	probe := func(path string) string {
		return (&source.Prober{}).Probe(context.Background(), pages.URL+path, "").Reason
	}
	explain := func(status int) string { return probe(fmt.Sprintf("/status/%d/photo.jpg", status)) }
	html := probe("/photo.jpg")
	_, missing := source.OpenLocal(filepath.Join(t.TempDir(), "gone.jpg"))
	var missingErr *source.Error
	if !errors.As(missing, &missingErr) {
		t.Fatalf("OpenLocal of a missing file: %v", missing)
	}

	for _, c := range []struct{ reason, want string }{
		{explain(http.StatusNotFound), "http-404"},
		{explain(http.StatusForbidden), "http-403"},
		{explain(http.StatusUnauthorized), "http-status"},
		{explain(http.StatusGone), "http-status"},
		{explain(http.StatusUnavailableForLegalReasons), "http-status"},
		{html, "html-page"},
		{source.Diagnosis{OK: true, ContentType: "image/jpeg"}.WixFailedReason(), "hotlink"},
		{missingErr.Reason, "local-file"},
		{Reasons.NotImported, "not-imported"},
		{Reasons.NotChecked, "not-checked"},
		{Reasons.Crashed, "in-doubt"},
		{Reasons.ReportLost, "in-doubt"},
		{fmt.Sprintf(Reasons.UnknownOutcome, "connection reset"), "in-doubt"},
		{fmt.Sprintf(Reasons.StillProcessing, "10m0s"), "still-processing"},
		{Reasons.FileGone, "file-gone"},
		{Reasons.Trashed, "trashed"},
		{Reasons.WixFailed, "wix-failed"},
		{Reasons.UploadFailed, "upload-failed"},
		{Reasons.Refused, "refused"},
		{fmt.Sprintf(Reasons.FallbackFailed, Reasons.WixFailed, "download failed", "EOF"), "fallback-failed"},
		{fmt.Sprintf(Reasons.FallbackUploadFailed, "413"), "fallback-failed"},
		{"  " + Reasons.FileGone + " ", "file-gone"}, // as a spreadsheet may pad it
	} {
		got, ok := CauseOf(c.reason)
		if !ok || got.Key != c.want {
			t.Errorf("CauseOf(%q) = %q, %v; want %q", c.reason, got.Key, ok, c.want)
		}
		if ok && (got.Title == "" || got.Means == "" || got.Next == "") {
			t.Errorf("cause %q has no title, meaning or next step", got.Key)
		}
	}
	for _, unknown := range []string{"", "Invalid parent folder", "the source did not answer in time", "the source answered"} {
		if c, ok := CauseOf(unknown); ok {
			t.Errorf("CauseOf(%q) = %q; want no known cause", unknown, c.Key)
		}
	}
}

// TestCauseOfFollowsRewording: a reworded reason keeps its cause, and an
// earlier version's words are still known.
func TestCauseOfFollowsRewording(t *testing.T) {
	saved := Reasons
	defer func() { Reasons = saved }()
	Reasons.FileGone = "gone from the Media Manager; run again"
	Reasons.StillProcessing = "Wix still works on it (waited %s)"
	Reasons.WixFailed = "Wix failed the file"
	for reason, want := range map[string]string{
		"gone from the Media Manager; run again": "file-gone",
		"Wix still works on it (waited 5m0s)":    "still-processing",
		wixFailedWordings[0]:                     "wix-failed",
	} {
		if c, _ := CauseOf(reason); c.Key != want {
			t.Errorf("CauseOf(%q) = %q, want %q", reason, c.Key, want)
		}
	}
}

func TestCauseByKey(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range causes {
		if seen[c.Key] {
			t.Errorf("cause %q twice in the table", c.Key)
		}
		seen[c.Key] = true
		if got, ok := CauseByKey(c.Key); !ok || got.Title != c.Title {
			t.Errorf("CauseByKey(%q) = %v, %v", c.Key, got, ok)
		}
	}
	if _, ok := CauseByKey("no-such-cause"); ok {
		t.Error("CauseByKey of an unknown key found one")
	}
}

func TestMatchesFormat(t *testing.T) {
	for _, c := range []struct {
		format, text string
		want         bool
	}{
		{"exact", "exact", true},
		{"exact", "exact!", false},
		{"a %s b", "a x b", true},
		{"a %s b", "a  b", true},
		{"a %s b", "a x c", false},
		{"%s; the fallback %s: %v", "x; the fallback upload failed: y", true},
		{"%s; the fallback %s: %v", "x; the upload failed: y", false},
		{"100%% done %d", "100% done 3", true},
		{"ab%scd", "abcd", true},
		{"ab%sba", "aba", false}, // the pieces may not overlap
	} {
		if got := matchesFormat(c.format, c.text); got != c.want {
			t.Errorf("matchesFormat(%q, %q) = %v, want %v", c.format, c.text, got, c.want)
		}
	}
}
