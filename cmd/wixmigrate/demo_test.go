package main

import (
	"bytes"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestDemoRunsOfflineAndShowsEveryOutcome(t *testing.T) {
	t.Parallel()
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	code := run([]string{"demo", "--samples", "../../samples", "--out", out, "--quiet"}, &stdout, &stderr)
	if code != exitOK {
		t.Fatalf("demo: exit %d\n%s\n%s", code, stdout.String(), stderr.String())
	}
	recs := readCSV(t, filepath.Join(out, "manifest.report.csv"))
	methods := map[string]int{}
	statuses := map[string]int{}
	status, method := slices.Index(recs[0], "status"), slices.Index(recs[0], "method")
	for _, r := range recs[1:] {
		statuses[r[status]]++
		methods[r[method]]++
	}
	if len(recs) != 31 || statuses["READY"] < 20 || statuses["FAILED"] == 0 {
		t.Errorf("report: %d rows, statuses %v", len(recs)-1, statuses)
	}
	for _, m := range []string{"import", "upload", "fallback-upload"} {
		if methods[m] == 0 {
			t.Errorf("no row arrived by %s (methods %v)", m, methods)
		}
	}
	if !strings.Contains(stdout.String(), "fallback-upload") {
		t.Errorf("the demo's output does not show the fallback upload:\n%s", stdout.String())
	}
}
