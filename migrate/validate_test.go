package migrate_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"

	"github.com/wixmigrate/wixmigrate/internal/testenv"
	"github.com/wixmigrate/wixmigrate/manifest"
	"github.com/wixmigrate/wixmigrate/migrate"
	"github.com/wixmigrate/wixmigrate/source"
)

// countingOrigin is testenv.Origin counting the requests it answers, by
// path.
func countingOrigin(t *testing.T) (*httptest.Server, *requestCounts) {
	inner := testenv.Origin(t, nil)
	n := &requestCounts{byPath: map[string]int{}}
	target, err := url.Parse(inner.URL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.add(r.URL.Path)
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, n
}

type requestCounts struct {
	mu     sync.Mutex
	byPath map[string]int
}

func (c *requestCounts) add(path string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.byPath[path]++
}

// take returns the counts so far and starts again from zero.
func (c *requestCounts) take() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.byPath
	c.byPath = map[string]int{}
	return out
}

// TestValidate: bad rows, missing local files and, with CheckSources,
// sources that would fail are problems listed by line; a repeated import is
// a duplicate, not a problem; a source named by several rows is asked once
// and its problem listed on each.
func TestValidate(t *testing.T) {
	t.Parallel()
	origin, requests := countingOrigin(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "local.png"), testenv.PNG(1, 8, 8), 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "m.csv")
	testenv.WriteManifest(t, path, origin.URL, "source_url,media_type\n"+
		"{{origin}}/img/1.png,IMAGE\n"+ // 2
		"{{origin}}/protected/b.png,\n"+ // 3
		"ftp://old.example/a.png,\n"+ // 4: not http(s)
		"local.png,IMAGE\n"+ // 5
		"missing.png,\n"+ // 6
		"{{origin}}/img/1.png,IMAGE\n"+ // 7: a duplicate of 2
		"{{origin}}/protected/b.png,\n"+ // 8: same source as 3
		"{{origin}}/page,\n") // 9

	offline, err := migrate.Validate(context.Background(), migrate.ValidateConfig{Manifest: path})
	if err != nil {
		t.Fatal(err)
	}
	if got := requests.take(); len(got) != 0 {
		t.Errorf("offline validation sent requests: %v", got)
	}
	if got := lines(offline.Problems); !reflect.DeepEqual(got, []int{4, 6}) || offline.Problems[0].Cause != migrate.CauseBadRow ||
		offline.Problems[1].Cause != source.CauseMissingFile {
		t.Errorf("offline problems %+v, want a bad row on line 4 and a missing file on line 6", offline.Problems)
	}
	if offline.Rows != 8 || offline.RemoteSources != 3 || !reflect.DeepEqual(offline.Duplicates, []migrate.Duplicate{{Line: 7, Of: 2}, {Line: 8, Of: 3}}) {
		t.Errorf("offline: %d rows, %d remote sources, duplicates %v; want 8, 3, lines 7 of 2 and 8 of 3", offline.Rows, offline.RemoteSources, offline.Duplicates)
	}

	var announced int
	v, err := migrate.Validate(context.Background(), migrate.ValidateConfig{Manifest: path, CheckSources: true, Concurrency: 2,
		Probing: func(n int) { announced = n }})
	if err != nil {
		t.Fatal(err)
	}
	want := []migrate.Problem{
		{Line: 3, Source: origin.URL + "/protected/b.png", Cause: source.CauseHTTP403},
		{Line: 4, Source: "ftp://old.example/a.png", Cause: migrate.CauseBadRow},
		{Line: 6, Source: "missing.png", Cause: source.CauseMissingFile},
		{Line: 8, Source: origin.URL + "/protected/b.png", Cause: source.CauseHTTP403},
		{Line: 9, Source: origin.URL + "/page", Cause: source.CauseNotMedia},
	}
	if len(v.Problems) != len(want) {
		t.Fatalf("problems %+v, want lines 3, 4, 6, 8, 9", v.Problems)
	}
	for i, p := range v.Problems {
		if p.Line != want[i].Line || p.Source != want[i].Source || p.Cause != want[i].Cause || p.Reason == "" {
			t.Errorf("problem %d: %+v, want %+v with a reason", i, p, want[i])
		}
	}
	if announced != 3 {
		t.Errorf("Probing told %d sources, want 3", announced)
	}
	// The sources are asked as often as when each is named once.
	asked := requests.take()
	once := filepath.Join(dir, "once.csv")
	testenv.WriteManifest(t, once, origin.URL, "source_url\n{{origin}}/img/1.png\n{{origin}}/protected/b.png\n{{origin}}/page\n")
	if _, err := migrate.Validate(context.Background(), migrate.ValidateConfig{Manifest: once, CheckSources: true}); err != nil {
		t.Fatal(err)
	}
	if alone := requests.take(); !reflect.DeepEqual(asked, alone) || len(asked) != 3 {
		t.Errorf("requests by path %v; each source named once makes %v", asked, alone)
	}
}

func lines(ps []migrate.Problem) []int {
	var out []int
	for _, p := range ps {
		out = append(out, p.Line)
	}
	return out
}

// TestValidateHeaderAndErrors: a header that cannot be read is the one
// problem (no row is read); an unreadable manifest is an error; a
// cancelled check says so.
func TestValidateHeaderAndErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	testenv.WriteManifest(t, bad, "", "display_name,sku\nA,1\n")
	v, err := migrate.Validate(context.Background(), migrate.ValidateConfig{Manifest: bad})
	var he *manifest.HeaderError
	if err != nil || !errors.As(v.HeaderErr, &he) || len(v.Problems) != 1 || v.Problems[0].Cause != migrate.CauseBadHeader || v.Rows != 0 {
		t.Errorf("bad header: %+v, %v; want a HeaderError as the one problem", v, err)
	}
	if _, err := migrate.Validate(context.Background(), migrate.ValidateConfig{Manifest: filepath.Join(dir, "none.csv")}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing manifest: %v, want ErrNotExist", err)
	}
	good := filepath.Join(dir, "good.csv")
	testenv.WriteManifest(t, good, testenv.Origin(t, nil).URL, "source_url\n{{origin}}/img/1.png\n")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := migrate.Validate(ctx, migrate.ValidateConfig{Manifest: good, CheckSources: true}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v, want context.Canceled", err)
	}
}
