package scan

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/wixmigrate/wixmigrate/content"
	"github.com/wixmigrate/wixmigrate/internal/testenv"
	"github.com/wixmigrate/wixmigrate/manifest"
)

const up = "https://old.example.com/wp-content/uploads/"

// scanFiles scans the named files of dir, in the given order.
func scanFiles(t *testing.T, dir string, opts Options, names ...string) *Result {
	t.Helper()
	var paths []string
	for _, n := range names {
		paths = append(paths, filepath.Join(dir, filepath.FromSlash(n)))
	}
	res, err := Run(context.Background(), paths, opts)
	if err != nil {
		t.Fatal(err)
	}
	checkManifest(t, res)
	return res
}

// checkManifest reads the written manifest back as migrate does: every row
// valid, and no two rows one import.
func checkManifest(t *testing.T, res *Result) {
	t.Helper()
	var buf bytes.Buffer
	if err := res.WriteManifest(&buf); err != nil {
		t.Fatal(err)
	}
	r, err := manifest.NewReader(&buf, manifest.Options{})
	if err != nil {
		t.Fatalf("manifest header: %v", err)
	}
	keys := map[manifest.Key]int{}
	for {
		row, err := r.Next()
		if err != nil {
			break
		}
		if row.Err != nil {
			t.Errorf("migrate refuses a scanned row: %v", row.Err)
			continue
		}
		if prev, dup := keys[row.Key]; dup {
			t.Errorf("line %d repeats line %d's import", row.Line, prev)
		}
		keys[row.Key] = row.Line
	}
}

// urls lists the rows' source URLs.
func urls(res *Result) []string {
	var out []string
	for _, r := range res.Rows {
		out = append(out, r.SourceURL)
	}
	return out
}

// checkURLs checks the rows' source URLs, in order.
func checkURLs(t *testing.T, res *Result, want []string) {
	t.Helper()
	if got := urls(res); !reflect.DeepEqual(got, want) {
		t.Errorf("rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func rowOf(t *testing.T, res *Result, source string) Row {
	t.Helper()
	for _, r := range res.Rows {
		if r.SourceURL == source {
			return r
		}
	}
	t.Fatalf("no row for %s; rows: %q", source, urls(res))
	return Row{}
}

// The WXR comes after the HTML on the command line, and still decides
// which URLs of the HTML are variants.
func TestScanWordPressExportAppliesToEveryInput(t *testing.T) {
	dir := testenv.WriteFiles(t, map[string]string{
		"page.html": `<html><body>
<img src="` + up + `2023/05/photo-1-300x225.jpg" srcset="` + up + `2023/05/photo-1-150x150.jpg 150w, ` + up + `2023/05/photo-1-scaled.jpg 2560w">
<img src="` + up + `2023/06/banner-1200x400.jpg"><img src="` + up + `2023/06/banner-1200x400-300x100.jpg">
<img src="` + up + `2023/06/poster-1024x768.jpg">
<img src="` + up + `2023/06/gallery.jpg"><img src="` + up + `2023/06/gallery-300x200.jpg">
</body></html>`,
		"export.xml": testWXR,
	})
	res := scanFiles(t, dir, Options{}, "page.html", "export.xml")
	want := []string{
		up + "2023/05/photo-1-scaled.jpg",
		up + "2023/06/banner-1200x400.jpg",
		up + "2023/06/poster-1024x768.jpg", // looks like a variant, no original: its own row
		up + "2023/06/gallery.jpg",
		up + "2023/07/prices.pdf",
		up + "2023/08/broken.png",
	}
	checkURLs(t, res, want)
	photo := rowOf(t, res, up+"2023/05/photo-1-scaled.jpg")
	if photo.DisplayName != "Sunset over the bay.jpg" {
		t.Errorf("display_name = %q, want the title with the file's extension", photo.DisplayName)
	}
	// Known sizes in the metadata's order (names differ from the
	// original's by more than -WxH), then the upload WordPress scaled down
	// (its original_image, which the attachment's guid names).
	if want := []string{up + "2023/05/photo-1-300x225.jpg", up + "2023/05/photo-1-150x150.jpg", up + "2023/05/photo-1.jpg"}; !reflect.DeepEqual(photo.Variants, want) {
		t.Errorf("variants = %q", photo.Variants)
	}
	// First found (as a variant) on the HTML's line 2; 3 times in the HTML,
	// 5 in the export (the post's img and srcset, the guid, the attachment
	// URL).
	if photo.FoundIn != filepath.Join(dir, "page.html")+":2" || photo.Occurrences != 8 {
		t.Errorf("found_in %s, occurrences %d", photo.FoundIn, photo.Occurrences)
	}
	// An original named like a variant is an original, with its own sizes.
	banner := rowOf(t, res, up+"2023/06/banner-1200x400.jpg")
	if banner.DisplayName != "banner-1200x400.jpg" || !reflect.DeepEqual(banner.Variants, []string{up + "2023/06/banner-1200x400-300x100.jpg"}) {
		t.Errorf("banner = %+v", banner)
	}
	// Without a WXR, an original found in the content makes -WxH a variant.
	if g := rowOf(t, res, up+"2023/06/gallery.jpg"); !reflect.DeepEqual(g.Variants, []string{up + "2023/06/gallery-300x200.jpg"}) || g.Occurrences != 2 {
		t.Errorf("gallery = %+v", g)
	}
	// A PDF's preview images are not the PDF.
	if pdf := rowOf(t, res, up+"2023/07/prices.pdf"); pdf.DisplayName != "Price list 2023.pdf" || pdf.Variants != nil {
		t.Errorf("pdf = %+v", pdf)
	}
	s := res.Summary
	if s.WXRFiles != 1 || s.Files[content.HTML] != 1 || s.Files[content.XML] != 1 || s.Folded != 5 || s.Known != 0 || s.Rows != 6 {
		t.Errorf("summary %+v", s)
	}
	if len(s.Warnings) != 1 || !strings.Contains(s.Warnings[0].Msg, "broken.png") {
		t.Errorf("warnings %v", s.Warnings)
	}
}

// Scanning the export alone lists the sizes no content uses, as known.
func TestScanKnownVariantsWithoutContent(t *testing.T) {
	dir := testenv.WriteFiles(t, map[string]string{"export.xml": testWXR})
	res := scanFiles(t, dir, Options{}, "export.xml")
	banner := rowOf(t, res, up+"2023/06/banner-1200x400.jpg")
	if !reflect.DeepEqual(banner.Variants, []string{up + "2023/06/banner-1200x400-300x100.jpg"}) {
		t.Errorf("banner variants = %q", banner.Variants)
	}
	if res.Summary.Known != 2 {
		t.Errorf("known = %d, want 2 (photo-1's thumbnail, banner's medium size)", res.Summary.Known)
	}
}

func TestScanFormats(t *testing.T) {
	dir := testenv.WriteFiles(t, map[string]string{
		"a.html": `<p><img srcset="https://old.example.com/a-1x.png 1x, https://old.example.com/a-2x.png 2x" src="https://old.example.com/a.png?w=1&amp;h=2"></p>
<video poster="https://old.example.com/v/poster"><source src="https://old.example.com/v/clip.mp4"></video>
<meta property="og:image" content="https://old.example.com/share">
<a href="https://old.example.com/photo.jpg.html">a page named like an image</a>
<a href="https://old.example.com/files/report.pdf">report</a>
<a href="https://old.example.com/contact">contact</a>`,
		"b.json":  `{"hero":"https:\/\/old.example.com\/img\/caf\u00e9.jpg","items":[{"u":"https://old.example.com/img/x.webp"}]}`,
		"c.md":    "![alt](https://old.example.com/md/pic.gif) and [doc](https://old.example.com/md/notes.docx)\n",
		"d.css":   "body { background: url('https://old.example.com/css/bg.avif') }\n",
		"e.sql":   "INSERT INTO wp_posts VALUES (1,'<img src=\\\"https://old.example.com/sql/s.jpeg\\\">');\n",
		"f.txt":   "see https://old.example.com/txt/t.heic, thanks\n",
		"g.jsonl": "{\"a\":\"https://old.example.com/jl/one.mp3\"}\n{\"a\":\"https://old.example.com/jl/two.svg\"}\n",
	})
	res := scanFiles(t, dir, Options{}, "a.html", "b.json", "c.md", "d.css", "e.sql", "f.txt", "g.jsonl")
	want := []string{
		"https://old.example.com/a-1x.png",
		"https://old.example.com/a-2x.png",
		"https://old.example.com/a.png?w=1&h=2", // entity decoded
		"https://old.example.com/v/poster",      // a poster is media whatever its name
		"https://old.example.com/v/clip.mp4",
		"https://old.example.com/share",
		"https://old.example.com/files/report.pdf",
		"https://old.example.com/img/café.jpg", // JSON escapes decoded
		"https://old.example.com/img/x.webp",
		"https://old.example.com/md/pic.gif",
		"https://old.example.com/md/notes.docx",
		"https://old.example.com/css/bg.avif",
		"https://old.example.com/sql/s.jpeg",
		"https://old.example.com/txt/t.heic",
		"https://old.example.com/jl/one.mp3",
		"https://old.example.com/jl/two.svg",
	}
	checkURLs(t, res, want)
	if res.Summary.Pages != 1 || res.Summary.NotMedia != 1 {
		t.Errorf("pages %d, not media %d; want 1 and 1", res.Summary.Pages, res.Summary.NotMedia)
	}
	if name := rowOf(t, res, "https://old.example.com/img/café.jpg").DisplayName; name != "café.jpg" {
		t.Errorf("display_name = %q", name)
	}
}

// Shopify's and WooCommerce's product exports: image columns hold media
// whatever the URL looks like, and HTML bodies inside cells are HTML.
func TestScanProductCSV(t *testing.T) {
	dir := testenv.WriteFiles(t, map[string]string{
		"shopify.csv": "Handle,Title,Body (HTML),Image Src,Variant Image\n" +
			`shirt,Shirt,"<p>Soft <img src=""https://cdn.old-shop.com/body/detail.png""></p>",https://cdn.old-shop.com/files/shirt?v=17,https://cdn.old-shop.com/files/shirt-blue.jpg` + "\n" +
			"shirt,,,https://cdn.old-shop.com/files/shirt-back.jpg,\n",
		"woo.csv": "ID,Name,Images,Description\n" +
			`7,Mug,"https://old.example.com/wp-content/uploads/mug.jpg, https://old.example.com/wp-content/uploads/mug-side.jpg","<img src=&quot;x&quot;> see https://old.example.com/wp-content/uploads/mug.jpg"` + "\n",
	})
	res := scanFiles(t, dir, Options{}, "shopify.csv", "woo.csv")
	want := []string{
		"https://cdn.old-shop.com/body/detail.png",
		"https://cdn.old-shop.com/files/shirt?v=17",
		"https://cdn.old-shop.com/files/shirt-blue.jpg",
		"https://cdn.old-shop.com/files/shirt-back.jpg",
		"https://old.example.com/wp-content/uploads/mug.jpg",
		"https://old.example.com/wp-content/uploads/mug-side.jpg",
	}
	checkURLs(t, res, want)
	if mug := rowOf(t, res, "https://old.example.com/wp-content/uploads/mug.jpg"); mug.Occurrences != 2 || mug.FoundIn != filepath.Join(dir, "woo.csv")+":2" {
		t.Errorf("mug = %+v", mug)
	}
	if name := rowOf(t, res, "https://cdn.old-shop.com/files/shirt?v=17").DisplayName; name != "shirt" {
		t.Errorf("display_name = %q", name)
	}
}

// The same Shopify export saved by a spreadsheet with semicolons (Excel in
// many locales) or tabs is scanned like the comma one; a header that does
// not tell its delimiter is read with commas, with a warning.
func TestScanSpreadsheetCSV(t *testing.T) {
	comma := "Handle,Title,Body (HTML),Image Src,Variant Image\n" +
		`shirt,Shirt,"<p>Soft; warm <img src=""https://cdn.old-shop.com/body/detail.png""></p>",https://cdn.old-shop.com/files/shirt?v=17,https://cdn.old-shop.com/files/shirt-blue.jpg` + "\n"
	semicolon := "Handle;Title;Body (HTML);Image Src;Variant Image\r\n" +
		`shirt;Shirt;"<p>Soft; warm <img src=""https://cdn.old-shop.com/body/detail.png""></p>";https://cdn.old-shop.com/files/shirt?v=17;https://cdn.old-shop.com/files/shirt-blue.jpg` + "\r\n"
	dir := testenv.WriteFiles(t, map[string]string{
		"comma.csv":     comma,
		"semicolon.csv": semicolon,
		"tab.csv": "Handle\tTitle\tBody (HTML)\tImage Src\tVariant Image\n" +
			`shirt	Shirt	"<p>Soft; warm <img src=""https://cdn.old-shop.com/body/detail.png""></p>"	https://cdn.old-shop.com/files/shirt?v=17	https://cdn.old-shop.com/files/shirt-blue.jpg` + "\n",
		"unclear.csv": "Handle;Title,Image Src\nx;y,https://cdn.old-shop.com/files/other?v=1\n",
	})
	want := urls(scanFiles(t, dir, Options{}, "comma.csv"))
	if len(want) != 3 {
		t.Fatalf("comma.csv: %q", want)
	}
	for _, name := range []string{"semicolon.csv", "tab.csv"} {
		res := scanFiles(t, dir, Options{}, name)
		if got := urls(res); !reflect.DeepEqual(got, want) || len(res.Summary.Warnings) != 0 {
			t.Errorf("%s: %q, warnings %v; want %q as from the comma file", name, got, res.Summary.Warnings, want)
		}
	}
	res := scanFiles(t, dir, Options{}, "unclear.csv")
	if len(res.Summary.Warnings) != 1 || !strings.Contains(res.Summary.Warnings[0].Msg, "comma (,) and semicolon (;)") {
		t.Errorf("unclear.csv: warnings %v, want one naming the delimiters seen", res.Summary.Warnings)
	}
}

func TestScanRelativeURLs(t *testing.T) {
	files := map[string]string{
		"a.html":    `<img src="/wp-content/uploads/a.png"><img src="img/b.png"><p>/not/a/url.png in text</p>`,
		"based.htm": `<head><base href="https://cdn.example.net/assets/"></head><img src="c.png">`,
		"s.css":     `div { background: url(../img/d.jpg) }`,
	}
	dir := testenv.WriteFiles(t, files)

	res := scanFiles(t, dir, Options{}, "a.html", "based.htm", "s.css")
	if got := urls(res); !reflect.DeepEqual(got, []string{"https://cdn.example.net/assets/c.png"}) {
		t.Errorf("without --base-url: %q", got)
	}
	if res.Summary.Relative != 3 {
		t.Errorf("relative = %d, want 3", res.Summary.Relative)
	}

	base, _ := url.Parse("https://old.example.com/blog/")
	res = scanFiles(t, dir, Options{BaseURL: base}, "a.html", "based.htm", "s.css")
	want := []string{
		"https://old.example.com/wp-content/uploads/a.png",
		"https://old.example.com/blog/img/b.png",
		"https://cdn.example.net/assets/c.png", // the file's <base href> wins
		"https://old.example.com/img/d.jpg",
	}
	if got := urls(res); !reflect.DeepEqual(got, want) {
		t.Errorf("with --base-url: %q", got)
	}
}

func TestScanKeepFolders(t *testing.T) {
	long := strings.Repeat("deep-folder-name/", 8)
	dir := testenv.WriteFiles(t, map[string]string{
		"a.html": `<img src="` + up + `2023/05/a.jpg"><img src="https://old.example.com/root.png">` +
			`<img src="https://old.example.com/` + long + `2023/b.jpg"><img src="https://old.example.com/caf%C3%A9%20menus/c.jpg">`,
	})
	res := scanFiles(t, dir, Options{KeepFolders: true}, "a.html")
	var got []string
	for _, r := range res.Rows {
		got = append(got, r.FilePath)
	}
	want := []string{
		"/wp-content/uploads/2023/05",
		"",
		"/" + strings.Repeat("deep-folder-name/", 5) + "2023", // leading folders dropped to fit 100
		"/café menus",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("file paths %q, want %q", got, want)
	}
	for _, p := range got {
		if len([]rune(p)) > MaxFilePath {
			t.Errorf("%q is longer than %d", p, MaxFilePath)
		}
	}
	var buf bytes.Buffer
	res.WriteManifest(&buf)
	if header, _, _ := strings.Cut(buf.String(), "\n"); header != "source_url,display_name,file_path,variants,found_in,occurrences" {
		t.Errorf("header %q", header)
	}
	res = scanFiles(t, dir, Options{}, "a.html")
	buf.Reset()
	res.WriteManifest(&buf)
	if header, _, _ := strings.Cut(buf.String(), "\n"); header != "source_url,display_name,variants,found_in,occurrences" {
		t.Errorf("header without --keep-folders %q", header)
	}
}

// Spellings of one file are one row: the first spelling is kept and the
// occurrences of all are counted.
func TestScanDedup(t *testing.T) {
	dir := testenv.WriteFiles(t, map[string]string{
		"a.html": `<img src="https://old.example.com/x/a.jpg#main">
<img src="HTTPS://OLD.EXAMPLE.COM:443/x/a.jpg">
<img src="http://old.example.com/x/a.jpg">
<img src="//old.example.com/x/a.jpg#top">
<img src="https://old.example.com/x/caf%C3%A9.jpg"><img src="https://old.example.com/x/café.jpg">
<img src="https://old.example.com/x/a.jpg?v=2">`,
		"b.json": `["https:\/\/old.example.com\/x\/a.jpg"]`,
	})
	res := scanFiles(t, dir, Options{}, "a.html", "b.json")
	want := []string{
		"https://old.example.com/x/a.jpg",
		"https://old.example.com/x/caf%C3%A9.jpg",
		"https://old.example.com/x/a.jpg?v=2", // another query, another file
	}
	if got := urls(res); !reflect.DeepEqual(got, want) {
		t.Errorf("rows %q", got)
	}
	a := res.Rows[0]
	if a.Occurrences != 5 || a.FoundIn != filepath.Join(dir, "a.html")+":1" {
		t.Errorf("a.jpg: %d occurrences, found in %s", a.Occurrences, a.FoundIn)
	}
	if res.Rows[1].DisplayName != "café.jpg" || res.Rows[1].Occurrences != 2 {
		t.Errorf("café: %+v", res.Rows[1])
	}
}

func TestScanHostsAndKinds(t *testing.T) {
	dir := testenv.WriteFiles(t, map[string]string{
		"a.html": `<img src="https://old.example.com/a.jpg"><img src="https://cdn.example.com:8443/b.png">
<img src="https://example.com/c.gif"><img src="https://other.net/d.jpg">
<a href="https://old.example.com/e.pdf">e</a><a href="https://old.example.com/f.mp4">f</a><img src="https://old.example.com/g">`,
	})
	res := scanFiles(t, dir, Options{Hosts: []string{"*.example.com"}}, "a.html")
	want := []string{"https://old.example.com/a.jpg", "https://cdn.example.com:8443/b.png", "https://example.com/c.gif",
		"https://old.example.com/e.pdf", "https://old.example.com/f.mp4", "https://old.example.com/g"}
	if got := urls(res); !reflect.DeepEqual(got, want) {
		t.Errorf("*.example.com: %q", got)
	}
	if res.Summary.OtherHosts != 1 {
		t.Errorf("other hosts = %d", res.Summary.OtherHosts)
	}
	res = scanFiles(t, dir, Options{Hosts: []string{"old.example.com"}, Kinds: []content.Kind{content.KindImage}}, "a.html")
	if got := urls(res); !reflect.DeepEqual(got, []string{"https://old.example.com/a.jpg", "https://old.example.com/g"}) {
		t.Errorf("old.example.com images: %q", got)
	}
	if res.Summary.OtherKinds != 2 || res.Summary.OtherHosts != 3 {
		t.Errorf("summary %+v", res.Summary)
	}
	res = scanFiles(t, dir, Options{Kinds: []content.Kind{content.KindDocument, content.KindVideo}}, "a.html")
	if got := urls(res); !reflect.DeepEqual(got, []string{"https://old.example.com/e.pdf", "https://old.example.com/f.mp4"}) {
		t.Errorf("documents and video: %q", got)
	}
}

func TestParseKinds(t *testing.T) {
	for in, want := range map[string][]content.Kind{
		"all":              nil,
		"images":           {content.KindImage},
		" Images, video,":  {content.KindImage, content.KindVideo},
		"documents,images": {content.KindDocument, content.KindImage},
		"images,all":       nil,
	} {
		got, err := ParseKinds(in)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("ParseKinds(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "photos", "images,pics", ","} {
		if _, err := ParseKinds(in); err == nil {
			t.Errorf("ParseKinds(%q) accepted", in)
		}
	}
}

// URLs migrate would refuse are left out and counted, never written.
func TestScanRejectsWhatMigrateWouldRefuse(t *testing.T) {
	long := "https://old.example.com/" + strings.Repeat("x", MaxSourceURL) + ".jpg"
	dir := testenv.WriteFiles(t, map[string]string{
		"a.html": `<img src="` + long + `"><img src="https://bad host.example.com/a.jpg"><img src="https://old.example.com/ok.jpg">`,
		// A Latin-1 file: the é of the URL is byte E9, sent as %E9.
		"latin1.txt": "https://old.example.com/caf\xe9.jpg\n",
	})
	res := scanFiles(t, dir, Options{}, "a.html", "latin1.txt")
	if got := urls(res); !reflect.DeepEqual(got, []string{"https://old.example.com/ok.jpg", "https://old.example.com/caf%E9.jpg"}) {
		t.Errorf("rows %q", got)
	}
	if res.Summary.TooLong != 1 {
		t.Errorf("too long = %d, want 1", res.Summary.TooLong)
	}
}

func TestScanBadFiles(t *testing.T) {
	dir := testenv.WriteFiles(t, map[string]string{
		"photo.jpg":     "\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00",
		"cut.json":      `{"a": "https://old.example.com/a.png", "b": [1, 2`,
		"broken.csv":    "Image Src,Title\nhttps://old.example.com/b.png,\"unclosed\n",
		"cut.xml":       `<?xml version="1.0"?><rss><channel><item><enclosure url="https://old.example.com/c.mp3"/>`,
		".hidden/x.txt": "https://old.example.com/hidden.png",                     // a hidden folder is skipped
		"sub/.htaccess": "Redirect 301 /logo.png https://old.example.com/e.png\n", // a hidden file is read
		"sub/ok.txt":    "https://old.example.com/d.png",
	})
	res, err := Run(context.Background(), []string{dir, filepath.Join(dir, "missing.html")}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"https://old.example.com/b.png", "https://old.example.com/a.png", "https://old.example.com/c.mp3", "https://old.example.com/e.png", "https://old.example.com/d.png"}
	if got := urls(res); !reflect.DeepEqual(got, want) {
		t.Errorf("rows %q, want %q", got, want)
	}
	s := res.Summary
	if !reflect.DeepEqual(s.Binary, []string{filepath.Join(dir, "photo.jpg")}) {
		t.Errorf("binary %q", s.Binary)
	}
	if len(s.Unreadable) != 1 || s.Unreadable[0].Path != filepath.Join(dir, "missing.html") {
		t.Errorf("unreadable %v", s.Unreadable)
	}
	warned := map[string]bool{}
	for _, w := range s.Warnings {
		warned[filepath.Base(w.Path)] = true
	}
	for _, name := range []string{"cut.json", "broken.csv", "cut.xml"} {
		if !warned[name] {
			t.Errorf("no warning names %s; warnings: %v", name, s.Warnings)
		}
	}
}

func TestScanNothingFound(t *testing.T) {
	dir := testenv.WriteFiles(t, map[string]string{"a.txt": "no links here\n"})
	res := scanFiles(t, dir, Options{}, "a.txt")
	if len(res.Rows) != 0 || res.Summary.Files[content.Text] != 1 {
		t.Errorf("rows %q, summary %+v", urls(res), res.Summary)
	}
	var buf bytes.Buffer
	res.WriteManifest(&buf)
	if buf.String() != "source_url,display_name,variants,found_in,occurrences\n" {
		t.Errorf("manifest %q", buf.String())
	}
}

func TestScanCancelled(t *testing.T) {
	dir := testenv.WriteFiles(t, map[string]string{"a.txt": "https://old.example.com/a.png\n"})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, []string{dir}, Options{}); err != context.Canceled {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestDisplayNames(t *testing.T) {
	for _, tc := range []struct {
		url, title, want string
	}{
		{"https://x.example/a/photo.jpg", "", "photo.jpg"},
		{"https://x.example/a/bg%20tile.png?v=1", "", "bg tile.png"},
		{"https://x.example/a/photo.jpg", "Sunset", "Sunset.jpg"},
		{"https://x.example/a/photo.jpg", "Sunset.JPG", "Sunset.JPG"},
		{"https://x.example/a/photo.jpg", "Dr. Smith", "Dr. Smith.jpg"},
		{"https://x.example/a/photo.jpg", "logo.png", "logo.png"},
		{"https://x.example/a/photo.jpg", "Version 2.0", "Version 2.0.jpg"},
		{"https://x.example/", "", "x.example"},
		{"https://x.example/a/" + strings.Repeat("n", 1200) + ".jpg", "", strings.Repeat("n", MaxDisplayName-4) + ".jpg"},
	} {
		e := &scanEntry{url: tc.url}
		if tc.title != "" {
			e.attachment = originalOf(&Attachment{URL: tc.url, Title: tc.title})
		}
		if got := displayName(e); got != tc.want {
			t.Errorf("%s %q: %q, want %q", tc.url, tc.title, got, tc.want)
		}
	}
}

// errAfter is a context whose Err turns to Canceled after n calls: a user
// pressing Ctrl-C in the middle of a big file.
type errAfter struct {
	context.Context
	n int
}

func (c *errAfter) Err() error {
	if c.n--; c.n < 0 {
		return context.Canceled
	}
	return nil
}

func TestScanCancelledWithinAFile(t *testing.T) {
	line := "see https://old.example.com/a.png and more text\n"
	dir := testenv.WriteFiles(t, map[string]string{"big.txt": strings.Repeat(line, 100_000)}) // 4.8 MB
	ctx := &errAfter{Context: context.Background(), n: 3}
	if _, err := Run(ctx, []string{dir}, Options{}); err != context.Canceled {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

// Spellings left out are remembered in a bounded cache; once it is full and
// forgotten, they are decided again, with the same result and counts.
func TestScanForgetsLeftOutSpellings(t *testing.T) {
	defer func(n int) { maxLeft = n }(maxLeft)
	maxLeft = 4
	var b strings.Builder
	for range 2 {
		for i := range 10 {
			fmt.Fprintf(&b, "<a href=\"https://old.example.com/p/%d.html\">p</a><a href=\"https://old.example.com/about/%d\">a</a>", i, i)
			fmt.Fprintf(&b, "<img src=\"https://old.example.com/img/%d.png\">\n", i%3)
		}
	}
	dir := testenv.WriteFiles(t, map[string]string{"a.html": b.String()})
	res := scanFiles(t, dir, Options{}, "a.html")
	checkURLs(t, res, []string{"https://old.example.com/img/0.png", "https://old.example.com/img/1.png", "https://old.example.com/img/2.png"})
	if s := res.Summary; s.Pages != 20 || s.NotMedia != 20 || s.URLs != 60 {
		t.Errorf("pages %d, not media %d, URLs %d; want 20, 20, 60", s.Pages, s.NotMedia, s.URLs)
	}
	if n := res.Rows[0].Occurrences; n != 8 {
		t.Errorf("img/0.png occurrences %d, want 8", n)
	}
}

func TestJoinVariants(t *testing.T) {
	got := joinVariants([]string{"https://x.example/a-300x200.jpg", "https://x.example/a-150x150.jpg;jsessionid=1"})
	if got != "https://x.example/a-300x200.jpg;https://x.example/a-150x150.jpg%3Bjsessionid=1" {
		t.Errorf("joinVariants = %q", got)
	}
	if content.Key("https://x.example/a-150x150.jpg%3Bjsessionid=1") != content.Key("https://x.example/a-150x150.jpg;jsessionid=1") {
		t.Error("the escaped ';' is another URL to rewrite")
	}
}

// XML that is not a WordPress export: a sitemap's image:loc and an RSS
// feed's enclosures and escaped HTML are media; <loc> pages and <link>s
// are not. And a TSV's image column.
func TestScanFeedsSitemapsAndTSV(t *testing.T) {
	dir := testenv.WriteFiles(t, map[string]string{
		"sitemap.xml": `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
<url><loc>https://old.example.com/shop/shirt</loc>
<image:image><image:loc>https://cdn.old.example.com/i/shirt-front</image:loc></image:image></url>
</urlset>`,
		"feed.rss": `<?xml version="1.0"?><rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel>
<item><title>Episode 1</title><link>https://old.example.com/ep1</link>
<description>&lt;p&gt;&lt;img src="https://old.example.com/ep1/cover.png"&gt;&lt;/p&gt;</description>
<enclosure url="https://old.example.com/audio/ep1" length="1" type="audio/mpeg"/>
<media:thumbnail url="https://old.example.com/thumbs/ep1"/></item></channel></rss>`,
		"products.tsv": "sku\tImage URL\tnotes\nA1\thttps://old.example.com/p/a1\tsee https://old.example.com/about\n",
	})
	res := scanFiles(t, dir, Options{}, "sitemap.xml", "feed.rss", "products.tsv")
	checkURLs(t, res, []string{
		"https://cdn.old.example.com/i/shirt-front",
		"https://old.example.com/ep1/cover.png",
		"https://old.example.com/audio/ep1",
		"https://old.example.com/thumbs/ep1",
		"https://old.example.com/p/a1",
	})
	if s := res.Summary; s.Files[content.XML] != 2 || s.Files[content.TSV] != 1 || s.WXRFiles != 0 || s.NotMedia != 6 { // 3 pages and links, 3 namespace URIs
		t.Errorf("summary %+v", s)
	}
}

// A WordPress database dump: wp_posts names the upload (its guid), and
// wp_postmeta's serialized metadata (escaped as mysqldump writes it) names
// the sizes, which fold into it even when named unlike -WxH.
func TestScanDatabaseDumpMetadata(t *testing.T) {
	meta := `a:5:{s:5:\"width\";i:2560;s:6:\"height\";i:1920;s:4:\"file\";s:24:\"2023/05/photo-scaled.jpg\";s:5:\"sizes\";a:2:{s:6:\"medium\";a:1:{s:4:\"file\";s:32:\"photo-e1690000000000-300x225.jpg\";}s:9:\"thumbnail\";a:1:{s:4:\"file\";s:17:\"photo-150x150.jpg\";}}s:14:\"original_image\";s:9:\"photo.jpg\";}`
	dump := "-- MySQL dump 10.13\n" +
		"INSERT INTO `wp_posts` VALUES (7,1,'2023-05-01','<img src=\\\"" + up + "2023/05/photo-e1690000000000-300x225.jpg\\\">','Sunset','inherit','attachment','" + up + "2023/05/photo.jpg');\n" +
		"INSERT INTO `wp_postmeta` VALUES (1,7,'_wp_attached_file','2023/05/photo-scaled.jpg'),(2,7,'_wp_attachment_metadata','" + meta + "'),(3,7,'_edit_lock','1');\n"
	dir := testenv.WriteFiles(t, map[string]string{"dump.sql": dump})
	res := scanFiles(t, dir, Options{}, "dump.sql")
	checkURLs(t, res, []string{up + "2023/05/photo.jpg"})
	if len(res.Rows) == 1 {
		want := []string{up + "2023/05/photo-e1690000000000-300x225.jpg", up + "2023/05/photo-150x150.jpg", up + "2023/05/photo-scaled.jpg"}
		if got := res.Rows[0].Variants; !reflect.DeepEqual(got, want) {
			t.Errorf("variants %q, want %q", got, want)
		}
	}
}

func TestReadSQLMetadataAcrossReads(t *testing.T) {
	meta := `a:3:{s:4:\"file\";s:11:\"2023/05/a.png\";s:5:\"sizes\";a:1:{s:1:\"s\";a:1:{s:4:\"file\";s:13:\"a-300x200.png\";}}s:1:\"x\";s:3:\"it''s\";}`
	row := "(2,7,'_wp_attachment_metadata', '" + meta + "')"
	// A comment holding a quote, and a long post before the rows.
	text := "-- it's a dump\nINSERT INTO `wp_posts` VALUES (1,'" + strings.Repeat("x", 3*maxWXRField/2) + "');\n" +
		"INSERT INTO `wp_postmeta` VALUES " + strings.Repeat(row+",\n", 3) + row + ";\n"
	for _, reads := range []func(io.Reader) io.Reader{
		func(r io.Reader) io.Reader { return r },
		iotest.OneByteReader,
		iotest.HalfReader,
	} {
		var got []sqlMetadata
		if err := readSQLMetadata(reads(strings.NewReader(text)), func(m sqlMetadata) { got = append(got, m) }); err != nil {
			t.Fatal(err)
		}
		if len(got) != 4 || got[0].file != "2023/05/a.png" || !reflect.DeepEqual(got[3].sizes, []string{"a-300x200.png"}) {
			t.Errorf("got %+v", got)
		}
	}
}

func FuzzReadSQLMetadata(f *testing.F) {
	f.Add("INSERT INTO `wp_postmeta` VALUES (2,7,'_wp_attachment_metadata','a:2:{s:4:\\\"file\\\";s:5:\\\"a.png\\\";s:5:\\\"sizes\\\";a:0:{}}');")
	f.Add(`INSERT INTO x (a, "b") VALUE ('_wp_attachment_metadata' , 'it''s \\' x), (f(1,')'), /* ' */ 2) -- '`)
	f.Fuzz(func(t *testing.T, in string) {
		readSQLMetadata(iotest.HalfReader(strings.NewReader(in)), func(sqlMetadata) {})
	})
}

// Progress counts every byte of every file, binary files included, up to
// the total it announces.
func TestScanProgress(t *testing.T) {
	files := map[string]string{
		"a.html":     `<img src="https://old.example.com/a.jpg">` + strings.Repeat("text ", 100_000),
		"b/c.json":   `{"image": "https://old.example.com/c.png"}`,
		"b/logo.png": "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
	}
	total := 0
	for _, text := range files {
		total += len(text)
	}
	dir := testenv.WriteFiles(t, files)
	var calls int
	var last [2]int64
	_, err := Run(context.Background(), []string{dir}, Options{Progress: func(read, all int64) {
		if read < last[0] || all != int64(total) {
			t.Errorf("progress %d of %d after %d of %d", read, all, last[0], last[1])
		}
		calls++
		last = [2]int64{read, all}
	}})
	if err != nil {
		t.Fatal(err)
	}
	if calls < 3 || last != [2]int64{int64(total), int64(total)} {
		t.Errorf("%d calls, last %v, want %d of %d", calls, last, total, total)
	}
}

// What WordPress says of its attachments becomes the manifest's WordPress
// columns, from exports and from dumps whose tables are in two files:
// several exports of one site merge, two attachments of one file keep
// both IDs, and a scan of files WordPress says nothing of has no such
// columns.
func TestScanWordPressColumns(t *testing.T) {
	item := func(id int, title, file, alt, caption string) string {
		return `<item><title>` + title + `</title><wp:post_id>` + strconv.Itoa(id) + `</wp:post_id>
<excerpt:encoded><![CDATA[` + caption + `]]></excerpt:encoded>
<wp:post_type><![CDATA[attachment]]></wp:post_type><wp:attachment_url><![CDATA[` + up + file + `]]></wp:attachment_url>
<wp:postmeta><wp:meta_key><![CDATA[_wp_attachment_image_alt]]></wp:meta_key><wp:meta_value><![CDATA[` + alt + `]]></wp:meta_value></wp:postmeta></item>
`
	}
	wxr := func(items ...string) string {
		return `<?xml version="1.0" encoding="UTF-8"?><rss xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:wp="http://wordpress.org/export/1.2/"><channel>` +
			strings.Join(items, "") + `</channel></rss>`
	}
	posts := "INSERT INTO `wp_posts` (`ID`, `post_title`, `post_excerpt`, `guid`, `post_type`) VALUES " +
		"(40,'Dump photo','A caption, with \\'quotes\\'','http://127.0.0.1/wp/wp-content/uploads/2020/01/d.jpg','attachment')," +
		"(41,'A post','','http://127.0.0.1/wp/?p=41','post');\n"
	postmeta := "INSERT INTO `wp_postmeta` VALUES (1,40,'_wp_attached_file','2020/01/d.jpg'),(2,40,'_wp_attachment_image_alt','Alt of d');\n"
	dir := testenv.WriteFiles(t, map[string]string{
		"a.xml":        wxr(item(7, "Red shirt", "2023/05/red.jpg", "A red shirt", "Our best"), item(8, "Same file", "2023/05/red.jpg", "", "")),
		"b.xml":        wxr(item(9, "Blue", "2023/05/blue.jpg", "", ""), item(7, "Red shirt again", "2023/05/red.jpg", "", "")),
		"posts.sql":    posts,
		"postmeta.sql": postmeta,
		"page.html":    `<img src="` + up + `2023/05/blue.jpg"><img src="http://localhost/site/wp-content/uploads/2020/01/d.jpg">`,
		"other/x.html": `<img src="https://old.example.com/x.png">`,
	})
	res := scanFiles(t, dir, Options{}, "a.xml", "b.xml", "page.html", "posts.sql", "postmeta.sql")
	var b strings.Builder
	if err := res.WriteManifest(&b); err != nil {
		t.Fatal(err)
	}
	records, err := csv.NewReader(strings.NewReader(b.String())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, r := range records[1:] {
		got[r[0]] = r[5:]
	}
	if h := strings.Join(records[0], ","); h != "source_url,display_name,variants,found_in,occurrences,wp_attachment_id,alt_text,title,caption" {
		t.Errorf("header %s", h)
	}
	want := map[string][]string{
		up + "2023/05/red.jpg":                                   {"7;8", "A red shirt", "Red shirt", "Our best"},
		up + "2023/05/blue.jpg":                                  {"9", "", "Blue", ""},
		"http://127.0.0.1/wp/wp-content/uploads/2020/01/d.jpg":   {"40", "Alt of d", "Dump photo", "A caption, with 'quotes'"},
		"http://localhost/site/wp-content/uploads/2020/01/d.jpg": {"40", "Alt of d", "Dump photo", "A caption, with 'quotes'"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("WordPress columns:\n%q\nwant\n%q", got, want)
	}

	plain := scanFiles(t, dir, Options{}, "other/x.html")
	b.Reset()
	plain.WriteManifest(&b)
	if first, _, _ := strings.Cut(b.String(), "\n"); first != "source_url,display_name,variants,found_in,occurrences" {
		t.Errorf("a scan without WordPress: header %s", first)
	}
}

// Ghost's __GHOST_URL__ is the site's address: with a base URL it is
// resolved, a root-relative image under an image key too; without one,
// both are counted as relative URLs left out.
func TestScanGhost(t *testing.T) {
	dir := testenv.WriteFiles(t, map[string]string{"ghost.json": `{"db":[{"data":{"posts":[{"feature_image":"__GHOST_URL__\/content\/images\/a.jpg",` +
		`"html":"<img src=\"__GHOST_URL__/content/images/b.png\"><img src=\"{{feature_image}}\">","og_image":"/content/images/c.jpg","canonical_url":"2011/01/d.jpg"}]}}]}`})
	base, _ := url.Parse("https://blog.example.com/")
	res := scanFiles(t, dir, Options{BaseURL: base}, "ghost.json")
	checkURLs(t, res, []string{"https://blog.example.com/content/images/a.jpg", "https://blog.example.com/content/images/b.png", "https://blog.example.com/content/images/c.jpg"})
	res = scanFiles(t, dir, Options{}, "ghost.json")
	if len(res.Rows) != 0 || res.Summary.Relative != 3 {
		t.Errorf("without a base URL: %d rows, %d relative, want 0 and 3", len(res.Rows), res.Summary.Relative)
	}
}
