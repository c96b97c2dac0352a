package rewrite

import (
	"context"
	"errors"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/wixmigrate/wixmigrate/content"
	"github.com/wixmigrate/wixmigrate/internal/testenv"
	"github.com/wixmigrate/wixmigrate/manifest"
	"github.com/wixmigrate/wixmigrate/report"
	"github.com/wixmigrate/wixmigrate/wix"
)

// reportHeader is a migrate report's header for a manifest with a
// source_url and a variants column.
const reportHeader = "source_url,variants,status,file_id,wix_url,media_type,size_bytes,width,height,failure_reason,attempts,updated_at,method\n"

// readyRow is a READY report row mapping source to the file id.
func readyRow(source, variants, id string, w, h int) string {
	return source + "," + variants + ",READY," + id + ",https://static.wixstatic.com/media/" + id + ",IMAGE,1000," +
		strconv.Itoa(w) + "," + strconv.Itoa(h) + ",,1,2026-11-30T22:00:00Z,import\n"
}

func wixURL(id string) string { return "https://static.wixstatic.com/media/" + id }

// testMapping reads a report made of rows.
func testMapping(t *testing.T, rows ...string) *Mapping {
	t.Helper()
	m := NewMapping(TargetWixURL)
	if err := m.readReport(strings.NewReader(reportHeader + strings.Join(rows, ""))); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestMatch(t *testing.T) {
	m := testMapping(t,
		readyRow("https://old.example.com/uploads/photo.jpg", "", "p.jpg", 1200, 800),
		readyRow("https://old.example.com/uploads/tall-scaled.jpg", "", "t.jpg", 1600, 2560),
		readyRow("https://old.example.com/uploads/banner-1200x400.jpg", "", "b.jpg", 1200, 400),
		readyRow("https://old.example.com/uploads/caf%C3%A9.gif", "", "c.gif", 10, 10),
		readyRow("https://old.example.com/uploads/bg tile.png", "", "bg.png", 10, 10),
		readyRow("https://old.example.com/a.png?v=2", "", "q.png", 10, 10),
		readyRow("https://old.example.com/uploads/edited.jpg", "https://old.example.com/uploads/edited-e1611-768x512.jpg", "e.jpg", 1536, 1024),
		"https://old.example.com/failed.jpg,,FAILED,,,,,,,404 Not Found,3,2026-11-30T22:00:00Z,import\n",
	)
	tests := []struct {
		url    string
		raw    content.Ref
		kind   MatchKind
		newURL string
		status string
	}{
		{url: "https://old.example.com/uploads/photo.jpg", kind: MatchExact, newURL: wixURL("p.jpg")},
		{url: "http://OLD.example.com:80/uploads/photo.jpg", kind: MatchSpelling, newURL: wixURL("p.jpg")},
		{url: "https://old.example.com:443/uploads/photo.jpg", kind: MatchSpelling, newURL: wixURL("p.jpg")},
		{url: "https://old.example.com/uploads/photo.jpg", raw: content.Ref{Text: "//old.example.com/uploads/photo.jpg", Relative: true}, kind: MatchSpelling, newURL: wixURL("p.jpg")},
		{url: "https://old.example.com/uploads/photo.jpg", raw: content.Ref{Text: "/uploads/photo.jpg", Relative: true}, kind: MatchRelative, newURL: wixURL("p.jpg")},
		{url: "https://old.example.com/uploads/photo.jpg#x", raw: content.Ref{Text: "https://old.example.com/uploads/photo.jpg#x"}, kind: MatchExact, newURL: wixURL("p.jpg") + "#x"},
		{url: "https://old.example.com/uploads/café.gif", kind: MatchEscaped, newURL: wixURL("c.gif")},
		{url: "https://old.example.com/uploads/caf%c3%a9.gif", kind: MatchEscaped, newURL: wixURL("c.gif")},
		{url: "https://old.example.com/uploads/bg%20tile.png", kind: MatchEscaped, newURL: wixURL("bg.png")},
		{url: "https://old.example.com/a.png?v=2", kind: MatchExact, newURL: wixURL("q.png")},
		{url: "https://old.example.com/a.png", kind: MatchUnmapped},
		{url: "https://old.example.com/uploads/photo.jpg?v=2", kind: MatchUnmapped},
		{url: "https://old.example.com/uploads/photo-300x200.jpg", kind: MatchVariant,
			newURL: "https://static.wixstatic.com/media/p.jpg/v1/fill/w_300,h_200,al_c,q_80,usm_0.66_1.00_0.01,enc_auto/p.jpg"},
		{url: "https://old.example.com/uploads/tall-1024x1638.jpg", kind: MatchVariant, newURL: wix.ScaledToFillURL("t.jpg", 1600, 2560, 1024, 1638)},
		{url: "https://old.example.com/uploads/banner-1200x400.jpg", kind: MatchExact, newURL: wixURL("b.jpg")},
		{url: "https://old.example.com/uploads/banner-1200x400-300x100.jpg", kind: MatchVariant, newURL: wix.ScaledToFillURL("b.jpg", 1200, 400, 300, 100)},
		{url: "https://old.example.com/uploads/banner-300x100.jpg", kind: MatchUnmapped}, // banner.jpg is not known
		{url: "https://old.example.com/uploads/poster-1024x768.jpg", kind: MatchUnmapped},
		{url: "https://old.example.com/uploads/edited-e1611-768x512.jpg", kind: MatchVariant, newURL: wix.ScaledToFillURL("e.jpg", 1536, 1024, 768, 512)},
		{url: "https://old.example.com/failed.jpg", kind: MatchUnmapped, status: "FAILED"},
	}
	for _, tt := range tests {
		ref := tt.raw
		if ref.Text == "" {
			ref.Text = tt.url
		}
		ref.URL = tt.url
		got, ok := m.Match(ref)
		if !ok || got.Kind != tt.kind || got.NewURL != tt.newURL || got.Status != tt.status {
			t.Errorf("%s (as %q): got %v %q %q (ok %v), want %v %q %q", tt.url, ref.Text, got.Kind, got.NewURL, got.Status, ok, tt.kind, tt.newURL, tt.status)
		}
	}
	// Pages and other non-media are not unmapped media.
	for _, u := range []string{"https://old.example.com/photo.jpg.html", "https://old.example.com/about/", "https://old.example.com/index.php?id=1"} {
		if got, ok := m.Match(content.Ref{URL: u, Text: u, Context: content.ContextLink}); ok {
			t.Errorf("%s: matched as %v", u, got.Kind)
		}
	}
	// ...unless the format puts a URL without extension where media is.
	if got, ok := m.Match(content.Ref{URL: "https://old.example.com/image?id=3", Text: "x", Context: content.ContextImage}); !ok || got.Kind != MatchUnmapped {
		t.Errorf("img src without extension: %v %v", got.Kind, ok)
	}
}

func TestReports(t *testing.T) {
	dir := testenv.WriteFiles(t, map[string]string{
		"first.csv":    reportHeader + readyRow("https://old.example.com/a.jpg", "", "a1.jpg", 1, 1) + readyRow("https://old.example.com/b.jpg", "", "b.jpg", 1, 1),
		"second.csv":   reportHeader + readyRow("https://old.example.com/a.jpg", "", "a2.jpg", 1, 1),
		"manifest.csv": "source_url,title\nhttps://old.example.com/a.jpg,x\n",
		"short.csv":    "source_url,status,file_id,media_type,size_bytes,width,height,failure_reason,attempts,updated_at,method\n",
		"short-semicolon.csv": "source_url;status;file_id;media_type;size_bytes;width;height;failure_reason;attempts;updated_at;method\n" +
			"https://old.example.com/a.jpg;READY;a.jpg;IMAGE;1;1;1;;1;2026-11-30T22:00:00Z;import\n",
	})
	m := NewMapping(TargetWixURL)
	for _, name := range []string{"first.csv", "second.csv"} {
		if err := m.LoadReport(filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := m.Match(content.Ref{URL: "https://old.example.com/a.jpg", Text: "https://old.example.com/a.jpg"}); got.NewURL != wixURL("a2.jpg") || m.Conflicts != 1 || m.Ready != 2 {
		t.Errorf("later report: %q, %d conflicts, %d ready", got.NewURL, m.Conflicts, m.Ready)
	}
	for _, name := range []string{"manifest.csv", "short.csv", "short-semicolon.csv", "missing.csv"} {
		err := NewMapping(TargetWixURL).LoadReport(filepath.Join(dir, name))
		var re *ReportError
		if !errors.As(err, &re) || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: %v", name, err)
		}
		if strings.HasPrefix(name, "short") && (re.Column != "wix_url" || !strings.Contains(err.Error(), "no wix_url column")) {
			t.Errorf("%s: column %q in %v, want wix_url named", name, re.Column, err)
		}
	}
}

// runRewrite runs Run over dir's files and fails on an error.
func runRewrite(t *testing.T, cfg Config) *Result {
	t.Helper()
	res, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// siteFiles is a small site export for the run tests.
func siteFiles() map[string]string {
	return map[string]string{
		"report.csv":          reportHeader + readyRow("https://old.example.com/a.jpg", "", "a.jpg", 800, 600) + "https://old.example.com/f.jpg,,FAILED,,,,,,,404,3,,import\n",
		"site/index.html":     `<img src="/a.jpg"><img src="https://old.example.com/a-300x200.jpg"><img src="/f.jpg"><img src="/n.png"><a href="/page.html">p</a>`,
		"site/data/post.json": `{"img":"https:\/\/old.example.com\/a.jpg"}`,
		"site/plain.txt":      "nothing here",
		"site/photo.bin":      "\x00\x01binary",
		"site/.git/config":    "https://old.example.com/a.jpg",
		"site/.hidden.html":   `<img src="/a.jpg">`,
	}
}

func TestRunOut(t *testing.T) {
	dir := testenv.WriteFiles(t, siteFiles())
	out := filepath.Join(t.TempDir(), "out")
	unmapped := filepath.Join(dir, "unmapped.csv")
	base, _ := url.Parse("https://old.example.com/")
	res := runRewrite(t, Config{Reports: []string{filepath.Join(dir, "report.csv")}, Out: out, BaseURL: base,
		Unmapped: unmapped, Paths: []string{filepath.Join(dir, "site")}})
	if got := readFile(t, filepath.Join(out, "index.html")); got != `<img src="`+wixURL("a.jpg")+`"><img src="`+wix.ScaledToFillURL("a.jpg", 800, 600, 300, 200)+`"><img src="/f.jpg"><img src="/n.png"><a href="/page.html">p</a>` {
		t.Errorf("index.html: %s", got)
	}
	if got := readFile(t, filepath.Join(out, "data", "post.json")); got != `{"img":"https:\/\/static.wixstatic.com\/media\/a.jpg"}` {
		t.Errorf("post.json: %s", got)
	}
	// A complete tree: unchanged, binary and hidden files copied (and
	// rewritten), hidden folders such as .git not read.
	if readFile(t, filepath.Join(out, "plain.txt")) != "nothing here" || readFile(t, filepath.Join(out, "photo.bin")) != "\x00\x01binary" {
		t.Error("unchanged files not copied")
	}
	if _, err := os.Stat(filepath.Join(out, ".git")); err == nil {
		t.Error(".git was read")
	}
	if got := readFile(t, filepath.Join(out, ".hidden.html")); got != `<img src="`+wixURL("a.jpg")+`">` {
		t.Errorf(".hidden.html: %q", got)
	}
	if res.Totals[MatchRelative] != 2 || res.Totals[MatchVariant] != 1 || res.Totals[MatchExact] != 1 || res.Totals[MatchUnmapped] != 2 || res.FilesChanged != 3 {
		t.Errorf("totals %v, %d files changed", res.Totals, res.FilesChanged)
	}
	// The inputs are untouched.
	if readFile(t, filepath.Join(dir, "site", "index.html")) != siteFiles()["site/index.html"] {
		t.Error("input changed")
	}
	// The unmapped manifest is one migrate accepts.
	f, err := os.Open(unmapped)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := manifest.NewReader(f, manifest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for {
		row, err := rows.Next()
		if err != nil {
			break
		}
		if row.Err != nil {
			t.Errorf("unmapped row %d: %v", row.Line, row.Err)
		}
		got = append(got, strings.Join(row.Record, ","))
	}
	index := filepath.Join(dir, "site", "index.html")
	want := []string{"https://old.example.com/f.jpg," + index + ":1,1,FAILED", "https://old.example.com/n.png," + index + ":1,1,"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("unmapped manifest:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Rewriting the output again changes nothing.
	again := filepath.Join(t.TempDir(), "again")
	res = runRewrite(t, Config{Reports: []string{filepath.Join(dir, "report.csv")}, Out: again, BaseURL: base, Paths: []string{out}})
	if res.FilesChanged != 0 || readFile(t, filepath.Join(again, "index.html")) != readFile(t, filepath.Join(out, "index.html")) {
		t.Errorf("second rewrite changed %d files", res.FilesChanged)
	}
}

// A product export saved with semicolons is rewritten like a comma one:
// its image cells mapped, its delimiter, quoting and line ends kept.
func TestRunSemicolonProductCSV(t *testing.T) {
	in := "Handle;Body (HTML);Image Src;Images\r\n" +
		`shirt;"<p>Soft; warm</p><img src=""https://old.example.com/a.jpg"">";https://old.example.com/a.jpg;"https://old.example.com/a-300x200.jpg, https://old.example.com/b"` + "\r\n"
	dir := testenv.WriteFiles(t, map[string]string{
		"report.csv":        reportHeader + readyRow("https://old.example.com/a.jpg", "", "a.jpg", 800, 600) + readyRow("https://old.example.com/b", "", "b.jpg", 10, 10),
		"shop/products.csv": in,
	})
	out := filepath.Join(t.TempDir(), "out")
	res := runRewrite(t, Config{Reports: []string{filepath.Join(dir, "report.csv")}, Out: out, Paths: []string{filepath.Join(dir, "shop")}})
	want := "Handle;Body (HTML);Image Src;Images\r\n" +
		`shirt;"<p>Soft; warm</p><img src=""` + wixURL("a.jpg") + `"">";` + wixURL("a.jpg") + `;"` + wix.ScaledToFillURL("a.jpg", 800, 600, 300, 200) + ", " + wixURL("b.jpg") + `"` + "\r\n"
	if got := readFile(t, filepath.Join(out, "products.csv")); got != want {
		t.Errorf("products.csv:\n%s\nwant\n%s", got, want)
	}
	if res.Totals[MatchExact] != 3 || res.Totals[MatchVariant] != 1 || res.Totals[MatchUnmapped] != 0 {
		t.Errorf("totals %v", res.Totals)
	}
}

func TestRunInPlace(t *testing.T) {
	dir := testenv.WriteFiles(t, siteFiles())
	page := filepath.Join(dir, "site", "index.html")
	if err := os.Chmod(page, 0o640); err != nil {
		t.Fatal(err)
	}
	base, _ := url.Parse("https://old.example.com/")
	cfg := Config{Reports: []string{filepath.Join(dir, "report.csv")}, InPlace: true, BaseURL: base, Paths: []string{filepath.Join(dir, "site")}}

	// A dry run writes nothing.
	dry := cfg
	dry.DryRun = true
	if res := runRewrite(t, dry); res.FilesChanged != 3 || readFile(t, page) != siteFiles()["site/index.html"] {
		t.Errorf("dry run: %d files would change; file now %q", res.FilesChanged, readFile(t, page))
	}

	// A file changed on disk after it was read is not overwritten.
	post := filepath.Join(dir, "site", "data", "post.json")
	changed := cfg
	changed.OnFile = func(f FileResult) {
		if f.Path == post {
			if err := os.WriteFile(post, []byte(`{"edited": true}`), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	res := runRewrite(t, changed)
	if readFile(t, post) != `{"edited": true}` || res.Skipped != 1 {
		t.Errorf("changed file overwritten: %q, %d skipped", readFile(t, post), res.Skipped)
	}
	if !strings.Contains(readFile(t, page), wixURL("a.jpg")) {
		t.Errorf("index.html not rewritten: %s", readFile(t, page))
	}
	if info, err := os.Stat(page); err != nil || info.Mode().Perm() != 0o640 {
		t.Errorf("mode not kept: %v %v", info.Mode(), err)
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, "site", ".*tmp*"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}

func TestRunRefuses(t *testing.T) {
	dir := testenv.WriteFiles(t, siteFiles())
	site := filepath.Join(dir, "site")
	report := filepath.Join(dir, "report.csv")
	bad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(bad, []byte("source_url,status\nx,READY\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var (
		input     *InputError
		inside    *OutInsideInputError
		notReport *ReportError
	)
	tests := []struct {
		name string
		cfg  Config
		want func(error) bool
	}{
		{"no report", Config{Out: t.TempDir(), Paths: []string{site}}, func(err error) bool { return errors.Is(err, ErrNoReports) }},
		{"no output", Config{Reports: []string{report}, Paths: []string{site}}, func(err error) bool { return errors.Is(err, ErrNoDestination) }},
		{"both outputs", Config{Reports: []string{report}, Out: t.TempDir(), InPlace: true, Paths: []string{site}}, func(err error) bool { return errors.Is(err, ErrOutAndInPlace) }},
		{"no paths", Config{Reports: []string{report}, InPlace: true}, func(err error) bool { return errors.Is(err, ErrNoPaths) }},
		{"out inside input", Config{Reports: []string{report}, Out: filepath.Join(site, "out"), Paths: []string{site}}, func(err error) bool { return errors.As(err, &inside) }},
		{"out equals input", Config{Reports: []string{report}, Out: site, Paths: []string{site}}, func(err error) bool { return errors.As(err, &inside) }},
		{"missing input", Config{Reports: []string{report}, Out: t.TempDir(), Paths: []string{filepath.Join(dir, "nope")}}, func(err error) bool { return errors.As(err, &input) && errors.Is(err, fs.ErrNotExist) }},
		{"not a report", Config{Reports: []string{bad}, InPlace: true, Paths: []string{site}}, func(err error) bool { return errors.As(err, &notReport) }},
	}
	for _, tt := range tests {
		_, err := Run(context.Background(), tt.cfg)
		if !tt.want(err) {
			t.Errorf("%s: %v (%T)", tt.name, err, err)
		}
		if readFile(t, filepath.Join(site, "index.html")) != siteFiles()["site/index.html"] {
			t.Fatalf("%s: an input was changed", tt.name)
		}
	}
}

func TestRunSkipsUTF16AndFollowsArgumentLink(t *testing.T) {
	files := siteFiles()
	files["site/utf16.html"] = "\xff\xfe<\x00i\x00m\x00g\x00>\x00"
	dir := testenv.WriteFiles(t, files)
	link := filepath.Join(t.TempDir(), "site-link")
	if err := os.Symlink(filepath.Join(dir, "site"), link); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	out := filepath.Join(t.TempDir(), "out")
	base, _ := url.Parse("https://old.example.com/")
	res := runRewrite(t, Config{Reports: []string{filepath.Join(dir, "report.csv")}, Out: out, BaseURL: base, Paths: []string{link}})
	if res.Skipped != 1 || !strings.Contains(readFile(t, filepath.Join(out, "index.html")), wixURL("a.jpg")) {
		t.Errorf("%d skipped; index.html %q", res.Skipped, readFile(t, filepath.Join(out, "index.html")))
	}
	for _, f := range res.Files {
		if strings.HasSuffix(f.Path, "utf16.html") && !strings.Contains(f.Skipped, "UTF-16") {
			t.Errorf("utf16.html: %q", f.Skipped)
		}
		if !strings.HasPrefix(f.Path, link) {
			t.Errorf("%s is not shown under the argument %s", f.Path, link)
		}
	}
	if readFile(t, filepath.Join(out, "utf16.html")) != files["site/utf16.html"] {
		t.Error("UTF-16 file not copied as it was")
	}
}

func TestRunOverlappingArguments(t *testing.T) {
	dir := testenv.WriteFiles(t, siteFiles())
	report := filepath.Join(dir, "report.csv")
	page := filepath.Join(dir, "site", "index.html")
	base, _ := url.Parse("https://old.example.com/")
	// A folder and a file in it: the file is rewritten once, in place.
	res := runRewrite(t, Config{Reports: []string{report}, InPlace: true, BaseURL: base, Paths: []string{filepath.Join(dir, "site"), page}})
	if res.Skipped != 0 || !strings.Contains(readFile(t, page), wixURL("a.jpg")) {
		t.Errorf("%d skipped: %+v", res.Skipped, res.Files)
	}
	// Two files of one name under --out would overwrite each other: refused.
	other := testenv.WriteFiles(t, map[string]string{"index.html": "x"})
	_, err := Run(context.Background(), Config{Reports: []string{report}, Out: t.TempDir(), Paths: []string{page, filepath.Join(other, "index.html")}})
	var oe *OutputError
	if !errors.As(err, &oe) || !strings.Contains(err.Error(), "both land at") {
		t.Errorf("same name twice under --out: %v", err)
	}
}

// A run that stops part way (here: interrupted after its first file) leaves
// every input as it was, and no temporary file behind.
func TestRunInPlaceFailureChangesNothing(t *testing.T) {
	files := siteFiles()
	files["site/more.html"] = `<img src="https://old.example.com/a.jpg">`
	dir := testenv.WriteFiles(t, files)
	base, _ := url.Parse("https://old.example.com/")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	read := 0
	_, err := Run(ctx, Config{Reports: []string{filepath.Join(dir, "report.csv")}, InPlace: true, BaseURL: base,
		Paths: []string{filepath.Join(dir, "site")}, OnFile: func(f FileResult) {
			if read++; read == 2 {
				cancel()
			}
		}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want the interruption", err)
	}
	for name, text := range files {
		if strings.HasPrefix(name, "site/") && readFile(t, filepath.Join(dir, filepath.FromSlash(name))) != text {
			t.Errorf("%s changed", name)
		}
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, "site", "*", ".*tmp*"))
	more, _ := filepath.Glob(filepath.Join(dir, "site", ".*tmp*"))
	if len(leftovers)+len(more) > 0 {
		t.Errorf("temporary files left: %v %v", leftovers, more)
	}
}

func TestFileBase(t *testing.T) {
	base, _ := url.Parse("https://old.example.com/blog/")
	for _, tt := range []struct {
		f    content.File
		ref  string
		want string
	}{
		{content.File{Path: "export/post/a b.html", Rel: "post/a b.html", Arg: "export"}, "../img/x.png", "https://old.example.com/blog/img/x.png"},
		{content.File{Path: "export/theme/style.css", Rel: "theme/style.css", Arg: "export"}, "bg.png", "https://old.example.com/blog/theme/bg.png"},
		{content.File{Path: "export/index.html", Rel: "index.html", Arg: "export"}, "x.png", "https://old.example.com/blog/x.png"},
		{content.File{Path: "page.html", Rel: "page.html", Arg: "page.html"}, "x.png", "https://old.example.com/blog/x.png"},
		{content.File{Path: "export/post/a.html", Rel: "post/a.html", Arg: "export"}, "/wp-content/x.png", "https://old.example.com/wp-content/x.png"},
	} {
		ref, _ := url.Parse(tt.ref)
		if got := content.FileBase(base, tt.f).ResolveReference(ref).String(); got != tt.want {
			t.Errorf("%s: %s resolves to %s, want %s", tt.f.Path, tt.ref, got, tt.want)
		}
	}
	noSlash, _ := url.Parse("https://old.example.com/blog")
	if got := content.FileBase(noSlash, content.File{Path: "e/p/a.html", Rel: "p/a.html", Arg: "e"}).String(); got != "https://old.example.com/blog/p/a.html" {
		t.Errorf("base without its final slash: %s", got)
	}
	if content.FileBase(nil, content.File{Rel: "a.html"}) != nil {
		t.Error("no base became one")
	}
}

// Progress counts every byte read, up to the total it announces.
func TestRunProgress(t *testing.T) {
	dir := testenv.WriteFiles(t, siteFiles())
	var total int64
	filepath.Walk(filepath.Join(dir, "site"), func(_ string, info os.FileInfo, err error) error {
		if err == nil && info.IsDir() && info.Name() == ".git" {
			return filepath.SkipDir // not content
		}
		if err == nil && info.Mode().IsRegular() {
			total += info.Size()
		}
		return nil
	})
	var last [2]int64
	runRewrite(t, Config{Reports: []string{filepath.Join(dir, "report.csv")}, Out: t.TempDir(), Paths: []string{filepath.Join(dir, "site")},
		Progress: func(read, all int64) { last = [2]int64{read, all} }})
	if total == 0 || last != [2]int64{total, total} {
		t.Errorf("last progress %v, want %d of %d", last, total, total)
	}
}

// Ghost's __GHOST_URL__ is --base-url: with it the image is replaced
// (JSON-escaped as the file wrote it); without it the image is left alone
// and counted unresolved, so the run does not call itself done.
func TestRunGhost(t *testing.T) {
	dir := testenv.WriteFiles(t, map[string]string{
		"report.csv":      reportHeader + readyRow("https://blog.example.com/content/images/a.jpg", "", "a.jpg", 800, 600),
		"site/ghost.json": `{"posts":[{"feature_image":"__GHOST_URL__\/content\/images\/a.jpg"}]}`,
	})
	base, _ := url.Parse("https://blog.example.com/")
	out := filepath.Join(t.TempDir(), "out")
	res := runRewrite(t, Config{Reports: []string{filepath.Join(dir, "report.csv")}, Out: out, BaseURL: base, Paths: []string{filepath.Join(dir, "site")}})
	if got, want := readFile(t, filepath.Join(out, "ghost.json")), `{"posts":[{"feature_image":"https:\/\/static.wixstatic.com\/media\/a.jpg"}]}`; got != want || res.Totals[MatchRelative] != 1 {
		t.Errorf("with a base URL: %s, totals %v", got, res.Totals)
	}
	res = runRewrite(t, Config{Reports: []string{filepath.Join(dir, "report.csv")}, Out: filepath.Join(t.TempDir(), "out"), Paths: []string{filepath.Join(dir, "site")}})
	if res.Unresolved != 1 || res.FilesChanged != 0 {
		t.Errorf("without a base URL: %d unresolved, %d changed", res.Unresolved, res.FilesChanged)
	}
}

// TestUndoneRowsAreUnmapped: an UNDONE row (its file in the trash, its
// file_id and wix_url kept) maps nothing, nor its size variants; a report
// of this version (with status_before_undo) maps its READY rows as ever.
func TestUndoneRowsAreUnmapped(t *testing.T) {
	header := "source_url,variants," + strings.Join(report.Columns, ",") + "\n"
	uri := func(id, name string) string {
		return "wix:image://v1/" + id + "/" + name + "#originWidth=800&originHeight=600"
	}
	ready := "https://old.example.com/kept.jpg,,READY,k.jpg," + wixURL("k.jpg") + "," + uri("k.jpg", "kept.jpg") +
		",IMAGE,1000,800,600,,1,2026-11-30T22:00:00Z,import,\n"
	undone := "https://old.example.com/undone.jpg,,UNDONE,u.jpg," + wixURL("u.jpg") + "," + uri("u.jpg", "undone.jpg") +
		",IMAGE,1000,800,600,moved to the trash by undo at 2026-12-05T10:00:00Z,1,2026-11-30T22:00:00Z,import,READY\n"
	m := NewMapping(TargetWixURL)
	if err := m.readReport(strings.NewReader(header + ready + undone)); err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"https://old.example.com/undone.jpg", "https://old.example.com/undone-300x200.jpg"} {
		if got, ok := m.Match(content.Ref{URL: u, Text: u}); !ok || got.Kind != MatchUnmapped || got.NewURL != "" {
			t.Errorf("%s: %v %q (ok %v), want unmapped", u, got.Kind, got.NewURL, ok)
		}
	}
	undoneURL, keptURL := "https://old.example.com/undone.jpg", "https://old.example.com/kept.jpg"
	if got, _ := m.Match(content.Ref{URL: undoneURL, Text: undoneURL}); got.Status != "UNDONE" {
		t.Errorf("the unmapped row's status: %q, want UNDONE", got.Status)
	}
	if got, ok := m.Match(content.Ref{URL: keptURL, Text: keptURL}); !ok || got.NewURL != wixURL("k.jpg") {
		t.Errorf("the READY row: %v %q", got.Kind, got.NewURL)
	}
}
