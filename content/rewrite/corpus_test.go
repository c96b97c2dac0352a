package rewrite

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/wixmigrate/wixmigrate/content"
	"github.com/wixmigrate/wixmigrate/content/scan"
	"github.com/wixmigrate/wixmigrate/internal/testenv"
)

var update = flag.Bool("update", false, "write testdata/corpus/*.csv from what scan finds in ../shared/corpus (then check each row by hand)")

// corpusSites are the real exports of ../shared/corpus, grouped as one
// site's (a database's tables dumped apart are one site), with the base
// URL its README gives.
var corpusSites = []struct {
	name  string
	base  string
	files []string
}{
	{"wptest", "http://wptest.io/demo/", []string{"wptest.xml"}},
	{"woo_sample_products_xml", "", []string{"woo_sample_products.xml"}},
	{"woo_sample_products_csv", "", []string{"woo_sample_products.csv"}},
	{"ghost_export", "https://blog.example.com/", []string{"ghost_export.json"}},
	{"ghost_export_v1_valid", "https://blog.example.com/", []string{"ghost_export_v1_valid.json"}},
	{"shopify_products", "", []string{"shopify_products.csv"}},
	{"shopify_products_jewelery", "", []string{"shopify_products_jewelery.csv"}},
	{"wp_sqldump", "", []string{"wp_sqldump_wp_posts.sql", "wp_sqldump_wp_postmeta.sql"}},
	{"wp_sqldump_greengravel", "", []string{"wp_sqldump_wp_posts_greengravel.sql"}},
	{"hugo_post", "https://jolyon.example/", []string{"hugo_post_hardware_hankerings.md"}},
}

// corpusDir is ../shared/corpus beside the repository, or the test is
// skipped.
func corpusDir(t *testing.T) string {
	dir, err := filepath.Abs(filepath.Join("..", "..", "..", "shared", "corpus"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("no corpus of real exports at %s (../shared/corpus beside the repository): %v", dir, err)
	}
	return dir
}

// The corpus as a test: scan finds in each real export the media counted
// by hand (testdata/corpus, checked row by row), and nothing else; a
// report mapping them all to Wix makes rewrite leave none of them behind
// (by a plain string search), change no other byte (PHP-serialized lengths
// aside, which stay right), and keep each file parsing as its format; and
// rewriting again changes nothing.
func TestCorpus(t *testing.T) {
	dir := corpusDir(t)
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		covered := e.Name() == "README.md"
		for _, site := range corpusSites {
			covered = covered || slices.Contains(site.files, e.Name())
		}
		if !covered {
			t.Errorf("corpus file %s is in no site of this test: add it, with its expected manifest", e.Name())
		}
	}
	for _, site := range corpusSites {
		t.Run(site.name, func(t *testing.T) {
			t.Parallel()
			in := t.TempDir()
			var paths []string
			for _, name := range site.files {
				data, err := os.ReadFile(filepath.Join(dir, name))
				if err != nil {
					t.Fatal(err)
				}
				paths = append(paths, filepath.Join(in, name))
				if err := os.WriteFile(paths[len(paths)-1], data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			var base *url.URL
			if site.base != "" {
				base, _ = url.Parse(site.base)
			}
			checkCorpusSite(t, site.name, in, paths, base)
		})
	}
}

func checkCorpusSite(t *testing.T, name, in string, paths []string, base *url.URL) {
	res, err := scan.Run(context.Background(), paths, scan.Options{BaseURL: base})
	if err != nil {
		t.Fatal(err)
	}
	var manifest bytes.Buffer
	if err := res.WriteManifest(&manifest); err != nil {
		t.Fatal(err)
	}
	// The expected manifest names the files without their folder.
	got := strings.ReplaceAll(manifest.String(), in+string(filepath.Separator), "")
	golden := filepath.Join("testdata", "corpus", name+".csv")
	if *update {
		if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -run TestCorpus -update, then check the manifest by hand)", err)
	}
	if got != string(want) {
		t.Errorf("scan's manifest differs from %s:\n%s", golden, lineDiff(string(want), got))
	}
	for _, w := range res.Summary.Warnings {
		t.Logf("scan warning: %s", w)
	}
	checkAttachmentIDs(t, res, paths)

	manifestPath := filepath.Join(t.TempDir(), "manifest.csv")
	if err := os.WriteFile(manifestPath, manifest.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	reportPath := filepath.Join(t.TempDir(), "report.csv")
	wixURLs := testenv.ReadyReport(t, manifestPath, reportPath)
	out := filepath.Join(t.TempDir(), "out")
	var changes []Change
	rw, err := Run(context.Background(), Config{Reports: []string{reportPath}, Out: out, BaseURL: base, Paths: paths,
		OnChange: func(c Change) { changes = append(changes, c) }})
	if err != nil {
		t.Fatal(err)
	}
	if rw.Totals[MatchUnmapped] != 0 || rw.Unresolved != 0 || rw.Skipped != 0 {
		t.Errorf("rewrite left %d unmapped, %d unresolved, %d skipped", rw.Totals[MatchUnmapped], rw.Unresolved, rw.Skipped)
	}
	var news, olds []string
	for _, c := range changes {
		news, olds = append(news, c.New), append(olds, c.Old)
	}
	mapped := mappedURLs(res, base)
	for _, p := range paths {
		before, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		after, err := os.ReadFile(filepath.Join(out, filepath.Base(p)))
		if err != nil {
			t.Fatal(err)
		}
		file := filepath.Base(p)
		for _, u := range mapped {
			for _, spelling := range []string{u, strings.ReplaceAll(u, "/", `\/`)} {
				if bytes.Contains(after, []byte(spelling)) {
					t.Errorf("%s: %s is still there after rewrite", file, spelling)
				}
			}
		}
		if err := sameOutsideURLs(before, after, news, olds); err != nil {
			t.Errorf("%s: %v", file, err)
		}
		if b, a := serializedStrings(before), serializedStrings(after); b != a {
			t.Errorf("%s: %d PHP-serialized strings with right lengths before, %d after", file, b, a)
		}
		checkParses(t, file, before, after)
	}
	if len(wixURLs) != len(res.Rows) {
		t.Errorf("report of %d rows for %d manifest rows", len(wixURLs), len(res.Rows))
	}

	// Rewriting the output again changes nothing.
	var outPaths []string
	for _, p := range paths {
		outPaths = append(outPaths, filepath.Join(out, filepath.Base(p)))
	}
	again, err := Run(context.Background(), Config{Reports: []string{reportPath}, InPlace: true, DryRun: true, BaseURL: base, Paths: outPaths})
	if err != nil {
		t.Fatal(err)
	}
	if again.FilesChanged != 0 {
		t.Errorf("rewriting the output again changes %d files", again.FilesChanged)
	}
}

// Posts and products name their images by attachment ID: the featured
// image (_thumbnail_id), a product's gallery (_product_image_gallery,
// "32,33").
var (
	wxrImageIDs = regexp.MustCompile(`<wp:meta_key>(?:<!\[CDATA\[)?(?:_thumbnail_id|_product_image_gallery)(?:\]\]>)?</wp:meta_key>\s*<wp:meta_value>(?:<!\[CDATA\[)?([0-9, ]*)`)
	sqlImageIDs = regexp.MustCompile(`'(?:_thumbnail_id|_product_image_gallery)',\s*'([0-9, ]*)'`)
)

// checkAttachmentIDs checks that every attachment ID the WordPress files
// use for an image is in the manifest's wp_attachment_id column, so a
// content script finds its Wix file in the report.
func checkAttachmentIDs(t *testing.T, res *scan.Result, paths []string) {
	have := map[string]bool{}
	for _, row := range res.Rows {
		for _, id := range row.AttachmentIDs {
			have[strconv.FormatInt(id, 10)] = true
		}
	}
	used := 0
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, re := range []*regexp.Regexp{wxrImageIDs, sqlImageIDs} {
			for _, m := range re.FindAllSubmatch(data, -1) {
				for id := range strings.SplitSeq(string(m[1]), ",") {
					if id = strings.TrimSpace(id); id != "" {
						used++
						if !have[id] {
							t.Errorf("%s: attachment %s is used for an image but is in no row's wp_attachment_id", filepath.Base(p), id)
						}
					}
				}
			}
		}
	}
	if used > 0 {
		t.Logf("%d image references by attachment ID checked against the manifest", used)
	}
}

// mappedURLs are the URLs the manifest maps (its rows and their listed
// variants) and, for a site with a base URL, their paths: a root-relative
// or __GHOST_URL__ spelling left behind shows as its path.
func mappedURLs(res *scan.Result, base *url.URL) []string {
	var urls []string
	for _, row := range res.Rows {
		for _, u := range append([]string{row.SourceURL}, row.Variants...) {
			urls = append(urls, u)
			if base != nil && content.Host(u) == strings.ToLower(base.Hostname()) {
				if p := content.URLPath(u); len(p) > 1 {
					urls = append(urls, p)
				}
			}
		}
	}
	return urls
}

// sameOutsideURLs checks that after is before with URLs (olds, as the
// file or a value in it writes them) replaced by ones of news (in any escaping: as is, or with '/' written "\/" once or
// twice), and the digits of PHP-serialized lengths changed: every other
// byte is the same.
func sameOutsideURLs(before, after []byte, news, oldURLs []string) error {
	var olds [][]byte
	for _, o := range oldURLs {
		olds = append(olds, []byte(o))
	}
	slices.SortFunc(olds, func(a, b []byte) int { return len(b) - len(a) })
	var spellings [][]byte
	for _, n := range news {
		for _, slash := range []string{"/", `\/`, `\\/`, `\\\/`} {
			spellings = append(spellings, []byte(strings.ReplaceAll(n, "/", slash)))
		}
	}
	// Longest first: a URL is not taken for a prefix of a longer one.
	slices.SortFunc(spellings, func(a, b []byte) int { return len(b) - len(a) })
	spellings = slices.CompactFunc(spellings, bytes.Equal)
	i, j := 0, 0
	for i < len(before) || j < len(after) {
		if i < len(before) && j < len(after) && before[i] == after[j] {
			i++
			j++
			continue
		}
		// A serialized string's length: digits before :" on both sides.
		if di, dj := digitsAt(before, i), digitsAt(after, j); di > 0 && dj > 0 {
			i, j = i+di, j+dj
			continue
		}
		// A replaced URL: the new one starts here or a few bytes before
		// (where old and new agree, as on "https://"), and the old one
		// ends where the two files agree again.
		var repl []byte
	find:
		for back := 0; back <= min(i, j, 64); back++ {
			if !bytes.Equal(before[i-back:i], after[j-back:j]) {
				break
			}
			for _, s := range spellings {
				if bytes.HasPrefix(after[j-back:], s) {
					repl, i, j = s, i-back, j-back
					break find
				}
			}
		}
		if repl == nil {
			return errors.New("changed outside a URL at byte " + strconv.Itoa(i) + ": " + strconv.Quote(string(before[i:min(len(before), i+60)])) + " became " + strconv.Quote(string(after[j:min(len(after), j+60)])))
		}
		j += len(repl)
		k := -1
		for _, old := range olds {
			if bytes.HasPrefix(before[i:], old) {
				k = i + len(old)
				break
			}
		}
		if k < 0 { // the old URL as an outer layer escapes it
			for k = i; k < len(before) && !agree(before[k:], after[j:]); k++ {
			}
		}
		if k-i > 4096 {
			return errors.New("a replacement at byte " + strconv.Itoa(i) + " spans " + strconv.Itoa(k-i) + " bytes: " + strconv.Quote(string(before[i:min(len(before), i+100)])) + " became " + strconv.Quote(string(after[j-len(repl):min(len(after), j+100)])))
		}
		i = k
	}
	return nil
}

// agree reports whether a and b start alike for a few bytes (or both end).
func agree(a, b []byte) bool {
	n := min(12, len(a), len(b))
	if n == 0 {
		return len(a) == len(b)
	}
	return bytes.Equal(a[:n], b[:n])
}

// digitsAt is the length of the run of digits at b[i] when it is followed
// by `:"` or `:\"` (a serialized string's length), else 0.
func digitsAt(b []byte, i int) int {
	for i > 0 && b[i-1] >= '0' && b[i-1] <= '9' {
		i-- // the lengths may differ from their first digit on, or after
	}
	k := i
	for k < len(b) && b[k] >= '0' && b[k] <= '9' {
		k++
	}
	if k == i || i < 2 || string(b[i-2:i]) != "s:" || !(bytes.HasPrefix(b[k:], []byte(`:"`)) || bytes.HasPrefix(b[k:], []byte(`:\"`))) {
		return 0
	}
	return k - i
}

var serialized = regexp.MustCompile(`s:(\d+):"`)

// serializedStrings counts the PHP-serialized strings whose length is
// right, once the file's SQL escaping (\" \\) is undone.
func serializedStrings(b []byte) int {
	text := bytes.ReplaceAll(bytes.ReplaceAll(b, []byte(`\\`), []byte{0}), []byte(`\"`), []byte(`"`))
	n := 0
	for _, m := range serialized.FindAllSubmatchIndex(text, -1) {
		length, _ := strconv.Atoi(string(text[m[2]:m[3]]))
		if end := m[1] + length; end+2 <= len(text) && string(text[end:end+2]) == `";` {
			n++
		}
	}
	return n
}

// checkParses checks that the output parses as its format wherever the
// input did: XML, JSON (and the JSON documents in its strings), CSV with
// the same records and fields, and the engine's own reading of SQL and
// Markdown with front matter (no new warning).
func checkParses(t *testing.T, file string, before, after []byte) {
	parse := func(b []byte) error {
		switch filepath.Ext(file) {
		case ".xml":
			d := xml.NewDecoder(bytes.NewReader(b))
			d.Strict, d.Entity = false, xml.HTMLEntity
			for {
				if _, err := d.Token(); err == io.EOF {
					return nil
				} else if err != nil {
					return err
				}
			}
		case ".json":
			var v any
			if err := json.Unmarshal(b, &v); err != nil {
				return err
			}
			return jsonInJSON(v)
		case ".csv":
			r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\ufeff"))))
			r.FieldsPerRecord = -1
			records, err := r.ReadAll()
			if err != nil {
				return err
			}
			var shape []string
			for _, rec := range records {
				shape = append(shape, strconv.Itoa(len(rec)))
			}
			return errors.New(strings.Join(shape, ",")) // compared below
		}
		format, _ := content.DetectFormat(file, b)
		st, err := content.Find(bytes.NewReader(b), format, content.Options{}, func(content.Ref) error { return nil })
		if err != nil {
			return err
		}
		if len(st.Warnings) > 0 {
			return errors.New(st.Warnings[0].String())
		}
		return nil
	}
	eb, ea := parse(before), parse(after)
	if filepath.Ext(file) == ".csv" {
		if eb.Error() != ea.Error() {
			t.Errorf("%s: CSV records of %s fields before, %s after", file, eb, ea)
		}
		return
	}
	if eb == nil && ea != nil {
		t.Errorf("%s: the output does not parse as the input did: %v", file, ea)
	}
}

// jsonInJSON checks that the strings of v that held JSON documents still
// do.
func jsonInJSON(v any) error {
	switch v := v.(type) {
	case map[string]any:
		for _, x := range v {
			if err := jsonInJSON(x); err != nil {
				return err
			}
		}
	case []any:
		for _, x := range v {
			if err := jsonInJSON(x); err != nil {
				return err
			}
		}
	case string:
		if t := strings.TrimSpace(v); strings.HasPrefix(t, `{"`) && !json.Valid([]byte(t)) {
			return errors.New("a JSON document in a string does not parse: " + t[:min(len(t), 80)])
		}
	}
	return nil
}

// lineDiff shows the lines only one side has.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for _, l := range w {
		if !slices.Contains(g, l) {
			b.WriteString("- " + l + "\n")
		}
	}
	for _, l := range g {
		if !slices.Contains(w, l) {
			b.WriteString("+ " + l + "\n")
		}
	}
	return b.String()
}
