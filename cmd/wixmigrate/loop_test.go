package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/wixmigrate/wixmigrate/content"
	"github.com/wixmigrate/wixmigrate/content/scan"
	"github.com/wixmigrate/wixmigrate/wixsim"
)

// loopSite is an old WordPress site with a shop: its media on a local
// origin, and its content exports referring to them in every way the
// formats allow.
type loopSite struct {
	origin  *origin
	media   string // the origin's folder
	exports string // the content exports' folder
}

// loopMedia are the files the old site serves (width × height). Size
// variants are not among them: nothing fetches them.
var loopMedia = map[string][2]int{
	"wp-content/uploads/2023/05/photo-1-scaled.png":  {1200, 900},
	"wp-content/uploads/2023/06/banner-1200x400.png": {1200, 400}, // an original named like a variant
	"wp-content/uploads/2023/06/gallery.png":         {800, 600},
	"wp-content/uploads/2023/06/poster-1024x768.png": {1024, 768}, // looks like a variant, has no original
	"wp-content/uploads/2023/07/café menu.png":       {600, 800},
	"shop/files/shirt.png":                           {500, 500},
	"shop/files/shirt-blue.png":                      {500, 500},
	"shop/files/detail.png":                          {400, 300},
	"pages/img/team.png":                             {300, 200}, // only a path-relative URL in pages/about/ names it
}

func newLoopSite(t *testing.T) *loopSite {
	t.Helper()
	s := &loopSite{media: t.TempDir(), exports: t.TempDir()}
	n := 0
	for name, size := range loopMedia {
		n++
		// Two colours: a 1-bit PNG, quick to encode at these sizes.
		img := image.NewPaletted(image.Rect(0, 0, size[0], size[1]), color.Palette{color.Black, color.White})
		for bit := range 8 {
			img.Pix[bit] = uint8(n >> bit & 1) // distinct bytes per file
		}
		var buf bytes.Buffer
		if err := png.Encode(&buf, img); err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(s.media, filepath.FromSlash(name)), buf.String())
	}
	o, err := startOrigin(s.media)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(o.Close)
	s.origin = o
	site := o.URL
	up := site + "/wp-content/uploads/"
	meta := func(file string, w, h int, sizes ...string) string {
		var b strings.Builder
		fmt.Fprintf(&b, `a:4:{s:5:"width";i:%d;s:6:"height";i:%d;s:4:"file";s:%d:"%s";s:5:"sizes";a:%d:{`, w, h, len(file), file, len(sizes))
		for i, name := range sizes {
			fmt.Fprintf(&b, `s:%d:"size%d";a:1:{s:4:"file";s:%d:"%s";}`, len(fmt.Sprint("size", i)), i, len(name), name)
		}
		return b.String() + "}}"
	}
	// An image WordPress scaled down on upload also names the upload as it
	// came; the <guid> points at it, and it is not served here: scan folds
	// it into the scaled file's row, so nothing fetches it.
	metaOriginal := func(file string, w, h int, original string, sizes ...string) string {
		m := strings.Replace(meta(file, w, h, sizes...), "a:4:{", "a:5:{", 1)
		return m[:len(m)-1] + fmt.Sprintf(`s:14:"original_image";s:%d:"%s";}`, len(original), original)
	}
	files := map[string]string{
		"wordpress/export.xml": `<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Old site</title><link>` + site + `</link>
<item><title>Hello</title><link>` + site + `/2023/05/hello/</link>
<content:encoded><![CDATA[<p><img src="` + up + `2023/05/photo-1-300x225.png" srcset="` + up + `2023/05/photo-1-300x225.png 300w, ` + up + `2023/05/photo-1-1024x768.png 1024w, ` + up + `2023/05/photo-1-scaled.png 1200w"></p>
<p><img src="` + up + `2023/05/photo-1-e1690000000000-300x225.png" alt="edited in WordPress: only the metadata ties it to its original"></p>
<p><a href="` + site + `/2023/05/hello/photo.png.html">attachment page</a> <img src="` + up + `2023/06/banner-1200x400-300x100.png"></p>]]></content:encoded>
<wp:post_type>post</wp:post_type></item>
<item><title>Sunset</title><guid isPermaLink="false">` + up + `2023/05/photo-1.png</guid>
<wp:post_type>attachment</wp:post_type><wp:attachment_url>` + up + `2023/05/photo-1-scaled.png</wp:attachment_url>
<wp:postmeta><wp:meta_key>_wp_attachment_metadata</wp:meta_key><wp:meta_value><![CDATA[` +
			metaOriginal("2023/05/photo-1-scaled.png", 1200, 900, "photo-1.png", "photo-1-300x225.png", "photo-1-1024x768.png", "photo-1-150x150.png", "photo-1-e1690000000000-300x225.png") + `]]></wp:meta_value></wp:postmeta></item>
<item><title>banner-1200x400</title><wp:post_type>attachment</wp:post_type><wp:attachment_url>` + up + `2023/06/banner-1200x400.png</wp:attachment_url>
<wp:postmeta><wp:meta_key>_wp_attachment_metadata</wp:meta_key><wp:meta_value><![CDATA[` +
			meta("2023/06/banner-1200x400.png", 1200, 400, "banner-1200x400-300x100.png") + `]]></wp:meta_value></wp:postmeta></item>
</channel></rss>
`,
		"pages/gallery.html": `<!DOCTYPE html><html><body>
<img src="/wp-content/uploads/2023/06/gallery.png" srcset="/wp-content/uploads/2023/06/gallery-300x225.png 300w, /wp-content/uploads/2023/06/gallery.png 800w">
<img src="` + up + `2023/06/poster-1024x768.png" alt="named like a variant">
<img src="` + up + `2023/07/caf%C3%A9%20menu.png"><a href="` + site + `/contact">contact</a>
<img src="https://cdn.elsewhere.example/logo.png">
</body></html>
`,
		"pages/about/team.html": `<img src="../img/team.png" alt="resolved against the page's place, as in a mirror of the site">`,
		"shop/products.csv": "Handle,Title,Body (HTML),Image Src,Variant Image\n" +
			`shirt,Shirt,"<p>Soft <img src=""` + site + `/shop/files/detail.png""></p>",` + site + `/shop/files/shirt.png,` + site + "/shop/files/shirt-blue.png\n",
		"shop/products.json": `{"products":[{"image":"` + strings.ReplaceAll(site, "/", `\/`) + `\/shop\/files\/shirt.png","menu":"` + up + `2023/07/caf\u00e9 menu.png"}]}` + "\n",
	}
	for name, text := range files {
		writeFile(t, filepath.Join(s.exports, filepath.FromSlash(name)), text)
	}
	return s
}

func writeFile(t *testing.T, p, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// The whole loop on the simulator: scan the exports into a manifest,
// migrate it, rewrite the same exports with the report; no media URL of
// the old site is left in them.
func TestScanMigrateRewriteLeavesNoOldMediaURL(t *testing.T) {
	t.Parallel()
	site := newLoopSite(t)
	sim := wixsim.NewServer(wixsim.Options{APIKey: "test-key"})
	t.Cleanup(sim.Close)
	work := t.TempDir()
	manifestPath := filepath.Join(work, "media.csv")

	code, _, errs := runScanTest(t, "--out", manifestPath, "--base-url", site.origin.URL+"/", "--host", "127.0.0.1", site.exports)
	if code != exitOK || strings.Contains(errs, "warning") {
		t.Fatalf("scan: exit %d\n%s", code, errs)
	}
	manifestText, _ := os.ReadFile(manifestPath)
	if got := strings.Count(string(manifestText), "\n") - 1; got != len(loopMedia) {
		t.Errorf("scan wrote %d rows, want one per file the site serves (%d):\n%s", got, len(loopMedia), manifestText)
	}

	env := map[string]string{"WIX_API_KEY": "test-key", "WIX_SITE_ID": "site-a"}
	var mout, merr bytes.Buffer
	code = migrateWithEnv(context.Background(), []string{"--manifest", manifestPath, "--api-base", sim.URL,
		"--rate", "0", "--poll-interval", "5ms", "--quiet"}, &mout, &merr, func(k string) string { return env[k] })
	if code != exitOK {
		t.Fatalf("migrate: exit %d\n%s\n%s", code, mout.String(), merr.String())
	}
	reportPath := filepath.Join(work, "media.report.csv")

	out := filepath.Join(work, "rewritten")
	unmapped := filepath.Join(work, "unmapped.csv")
	var rout, rerr bytes.Buffer
	code = run([]string{"rewrite", "--report", reportPath, "--out", out, "--base-url", site.origin.URL + "/",
		"--unmapped", unmapped, site.exports}, &rout, &rerr)
	if code != exitOK {
		t.Fatalf("rewrite: exit %d\n%s\n%s", code, rout.String(), rerr.String())
	}

	// An oracle that owes nothing to the scanner: a plain search of every
	// rewritten file for the old host finds it only in links to pages, and
	// the old site's media paths are nowhere, whatever their form
	// (absolute, root- or path-relative, JSON-escaped).
	pages := map[string]bool{site.origin.URL: true, site.origin.URL + "/2023/05/hello/": true,
		site.origin.URL + "/2023/05/hello/photo.png.html": true, site.origin.URL + "/contact": true}
	hostRef := regexp.MustCompile(`(?:https?:(?:\\?/){2})?` + regexp.QuoteMeta(strings.TrimPrefix(site.origin.URL, "http://")) + `[^\s"'<>,)]*`)
	files := 0
	walked := filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files++
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		text := string(b)
		for _, ref := range hostRef.FindAllString(text, -1) {
			if !pages[strings.ReplaceAll(ref, `\/`, "/")] {
				t.Errorf("%s: the old host is left in %q", p, ref)
			}
		}
		for _, path := range []string{"wp-content/uploads", "wp-content\\/uploads", "shop/files", "shop\\/files", "img/team.png"} {
			if strings.Contains(text, path) {
				t.Errorf("%s: an old media path (%s) is left", p, path)
			}
		}
		return nil
	})
	if walked != nil {
		t.Fatal(walked)
	}
	if files != 5 {
		t.Errorf("the rewritten exports hold %d files, want the 5 exports", files)
	}
	// And the scanner that made the manifest agrees.
	base, _ := url.Parse(site.origin.URL + "/")
	left, err := scan.Run(context.Background(), []string{out}, scan.Options{
		BaseURL: base, Hosts: []string{content.Host(site.origin.URL)},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range left.Rows {
		t.Errorf("old media URL left: %s (%s), variants %q", row.SourceURL, row.FoundIn, row.Variants)
	}
	// And the variants became scaled Wix URLs.
	post, err := os.ReadFile(filepath.Join(out, "wordpress", "export.xml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, size := range []string{"/v1/fill/w_300,h_225,", "/v1/fill/w_300,h_100,"} {
		if !strings.Contains(string(post), size) {
			t.Errorf("no scaled Wix URL with %s in the rewritten export:\n%s", size, post)
		}
	}
	if n := strings.Count(string(post), "/v1/fill/"); n != 5 {
		t.Errorf("%d scaled Wix URLs in the rewritten export, want 5 (img, two srcset sizes, the edited copy, the banner's):\n%s", n, post)
	}
	// Links to pages and other hosts were left alone.
	page, _ := os.ReadFile(filepath.Join(out, "pages", "gallery.html"))
	if !strings.Contains(string(page), site.origin.URL+"/contact") || !strings.Contains(string(page), "https://cdn.elsewhere.example/logo.png") {
		t.Errorf("a link that is not old-site media changed:\n%s", page)
	}
}
