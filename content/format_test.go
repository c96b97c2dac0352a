package content

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/url"
	"strings"
	"testing"
	"testing/iotest"
)

// oldSite is the base URL the format tests resolve relative URLs against.
var oldSite, _ = url.Parse("https://old.example.com/blog/post/")

// found is a Ref as the tests compare it.
type found struct {
	url string
	ctx Context
}

// findAll runs Find and returns the absolute URLs found with their
// contexts, failing on an error.
func findAll(t *testing.T, f Format, in string) []found {
	t.Helper()
	var got []found
	_, err := Find(strings.NewReader(in), f, Options{BaseURL: oldSite}, func(r Ref) error {
		got = append(got, found{r.URL, r.Context})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// eachRead are the ways a test reads its input: whole, and a byte at a
// time (what a value is must not depend on how the reads cut it).
var eachRead = []func(*strings.Reader) io.Reader{
	func(r *strings.Reader) io.Reader { return r },
	func(r *strings.Reader) io.Reader { return iotest.OneByteReader(r) },
}

// rewriteAll rewrites in, replacing each URL found in want's keys (by
// Ref.Text) with its value, and checks that reading in any chunk size
// gives the same output.
func rewriteAll(t *testing.T, f Format, in string, repl map[string]string) (string, Stats) {
	t.Helper()
	run := func(r func(string) *strings.Reader, wrap func(*strings.Reader) interface{ Read([]byte) (int, error) }) (string, Stats) {
		var out bytes.Buffer
		st, err := Rewrite(wrap(r(in)), &out, f, Options{BaseURL: oldSite}, func(ref Ref) (string, bool) {
			n, ok := repl[ref.Text]
			return n, ok
		})
		if err != nil {
			t.Fatal(err)
		}
		return out.String(), st
	}
	whole, st := run(strings.NewReader, func(r *strings.Reader) interface{ Read([]byte) (int, error) } { return r })
	bytewise, _ := run(strings.NewReader, func(r *strings.Reader) interface{ Read([]byte) (int, error) } { return iotest.OneByteReader(r) })
	if whole != bytewise {
		t.Errorf("output depends on how the input is read:\nwhole:    %q\nbytewise: %q", whole, bytewise)
	}
	return whole, st
}

func TestFindPerFormat(t *testing.T) {
	const o = "https://old.example.com"
	tests := []struct {
		name   string
		format Format
		in     string
		want   []found
	}{
		{"html attributes", HTML, `<img src="/a.jpg" srcset="b-300x200.jpg 300w, //old.example.com/c.jpg 2x" data-src="../d.png">` +
			`<video poster="e.jpg"><source src="f.mp4"></video><a href="g.pdf">g</a><meta property="og:image" content="/h.webp">` +
			`<div style="background: url(&quot;i.png&quot;)"></div><img alt="see https://old.example.com/j.gif">`,
			[]found{{o + "/a.jpg", ContextImage}, {o + "/blog/post/b-300x200.jpg", ContextSrcset}, {o + "/c.jpg", ContextSrcset},
				{o + "/blog/d.png", ContextImage}, {o + "/blog/post/e.jpg", ContextPoster}, {o + "/blog/post/f.mp4", ContextSource},
				{o + "/blog/post/g.pdf", ContextLink}, {o + "/h.webp", ContextOGImage}, {o + "/blog/post/i.png", ContextCSS},
				{o + "/j.gif", ContextText}}},
		{"html text, comments, scripts, entities", HTML, "<p>https://old.example.com/a.jpg?x=1&amp;y=2, and (//old.example.com/b.png).</p>" +
			`<!-- wp:image {"url":"https://old.example.com/c.jpg"} --><script>var u = "https://old.example.com/d.jpg"; // not //a comment</script>` +
			`<script type="application/ld+json">{"image":"https:\/\/old.example.com\/e.jpg"}</script><style>.x{background:url('/f.png')}</style>` +
			`<p>2011/01/photo.jpg stays a path</p>`,
			[]found{{o + "/a.jpg?x=1&y=2", ContextText}, {o + "/b.png", ContextText}, {o + "/c.jpg", ContextKey},
				{o + "/d.jpg", ContextText}, {o + "/e.jpg", ContextImageKey}, {o + "/f.png", ContextCSS}}},
		{"base href wins", HTML, `<base href="https://cdn.example.com/site/"><img src="a.jpg">`,
			[]found{{"https://cdn.example.com/site/", ContextLink}, {"https://cdn.example.com/site/a.jpg", ContextImage}}},
		{"schemes that are not http", HTML, `<a href="mailto:a@b.c">m</a><img src="data:image/png;base64,AAAA"><a href="#top">t</a><a href="javascript:void(0)">j</a>`,
			nil},
		{"wxr", XML, `<rss><channel><item><link>https://old.example.com/?p=1</link><wp:attachment_url><![CDATA[https://old.example.com/wp-content/uploads/a.jpg]]></wp:attachment_url>` +
			`<content:encoded><![CDATA[<img src="/wp-content/uploads/b-300x200.jpg" srcset="/c.jpg 2x">]]></content:encoded>` +
			`<description>&lt;img src=&quot;https://old.example.com/d.png&quot;&gt;</description><enclosure url="https://old.example.com/e.mp3" type="audio/mpeg"/></item></channel></rss>`,
			[]found{{o + "/?p=1", ContextURLElement}, {o + "/wp-content/uploads/a.jpg", ContextAttachment},
				{o + "/wp-content/uploads/b-300x200.jpg", ContextImage}, {o + "/c.jpg", ContextSrcset},
				{o + "/d.png", ContextImage}, {o + "/e.mp3", ContextEnclosure}}},
		{"sitemap", XML, `<?xml version="1.0"?><urlset><url><loc>https://old.example.com/p/</loc><image:image><image:loc>https://old.example.com/a.jpg</image:loc></image:image></url></urlset>`,
			[]found{{o + "/p/", ContextURLElement}, {o + "/a.jpg", ContextImageLoc}}},
		{"markdown", Markdown, "![alt](/img/a.png \"title\") and [doc](b.pdf)\n[ref]: ../c.jpg\n<https://old.example.com/d.gif> <img src=\"e.jpg\"> https://old.example.com/f.png.\n",
			[]found{{o + "/img/a.png", ContextImage}, {o + "/blog/post/b.pdf", ContextLink}, {o + "/blog/c.jpg", ContextLink},
				{o + "/d.gif", ContextText}, {o + "/blog/post/e.jpg", ContextImage}, {o + "/f.png", ContextText}}},
		{"json", JSON, `{"https://old.example.com/key.jpg": "x", "img": "https:\/\/old.example.com\/caf\u00e9.jpg", "rel": "2011/01/photo.jpg", "n": [1, true, null], "html": "<img src=\"https://old.example.com/b.png\">"}`,
			[]found{{o + "/café.jpg", ContextText}, {o + "/b.png", ContextImage}}},
		{"json: a value that is a media file's URL, spaces in its name, is one URL; prose is not", JSON,
			`{"menu": "https://old.example.com/caf\u00e9 menu.png", "note": "https://old.example.com/a.png is our logo", "two": "https://old.example.com/b.png https://old.example.com/c.png"}`,
			[]found{{o + "/café menu.png", ContextText}, {o + "/a.png", ContextText}, {o + "/b.png", ContextText}, {o + "/c.png", ContextText}}},
		{"json lines", JSONLines, "{\"a\":\"https://old.example.com/a.jpg\"}\n{\"b\":\"//old.example.com/b.jpg\"}\n",
			[]found{{o + "/a.jpg", ContextText}, {o + "/b.jpg", ContextText}}},
		{"product csv", CSV, "Handle,Body (HTML),Image Src,Images\r\nshirt,\"<p>Soft</p><img src=\"\"https://old.example.com/a.jpg\"\">\",https://old.example.com/b.jpg,\"https://old.example.com/c.jpg, https://old.example.com/d.jpg\"\r\n",
			[]found{{o + "/a.jpg", ContextImage}, {o + "/b.jpg", ContextMediaCell}, {o + "/c.jpg", ContextMediaCell}, {o + "/d.jpg", ContextMediaCell}}},
		{"tsv", TSV, "name\tphoto\nx\thttps://old.example.com/a.jpg\n",
			[]found{{o + "/a.jpg", ContextMediaCell}}},
		{"product csv saved with semicolons", CSV, "Handle;Body (HTML);Image Src;Images\r\nshirt;\"<p>Soft; warm</p><img src=\"\"https://old.example.com/a.jpg\"\">\";https://old.example.com/b.jpg;\"https://old.example.com/c.jpg, https://old.example.com/d.jpg\"\r\n",
			[]found{{o + "/a.jpg", ContextImage}, {o + "/b.jpg", ContextMediaCell}, {o + "/c.jpg", ContextMediaCell}, {o + "/d.jpg", ContextMediaCell}}},
		{"csv saved with tabs", CSV, "name\tphoto\nx\t\"https://old.example.com/a.jpg\"\n",
			[]found{{o + "/a.jpg", ContextMediaCell}}},
		{"css", CSS, "@import \"theme.css\";\n.a{background:url(../img/a.png)}\n.b{background-image:url( 'https://old.example.com/b.jpg' )}\n/* was https://old.example.com/c.gif */",
			[]found{{o + "/blog/post/theme.css", ContextCSS}, {o + "/blog/img/a.png", ContextCSS}, {o + "/b.jpg", ContextCSS}, {o + "/c.gif", ContextText}}},
		{"sql", SQL, "INSERT INTO `wp_posts` VALUES (1,'<img src=\\\"https://old.example.com/a.jpg\\\">','it''s https://old.example.com/b.jpg','2011/01/c.jpg');\n",
			[]found{{o + "/a.jpg", ContextImage}, {o + "/b.jpg", ContextText}}},
		{"text", Text, "Photo: https://old.example.com/a.jpg. Relative ../b.jpg and /c.jpg are not URLs here.",
			[]found{{o + "/a.jpg", ContextText}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := findAll(t, tt.format, tt.in)
			if len(got) != len(tt.want) {
				t.Fatalf("found %d URLs, want %d:\n got %v\nwant %v", len(got), len(tt.want), got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("URL %d: got %v, want %v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestRefFields(t *testing.T) {
	in := "line one\n<img src=\"/a.jpg?x=1&amp;y=2\">\n"
	var refs []Ref
	if _, err := Find(strings.NewReader(in), HTML, Options{BaseURL: oldSite}, func(r Ref) error {
		refs = append(refs, r)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	want := Ref{Raw: "/a.jpg?x=1&amp;y=2", Text: "/a.jpg?x=1&y=2", URL: "https://old.example.com/a.jpg?x=1&y=2",
		Line: 2, Offset: 19, Context: ContextImage, Where: "img src", Relative: true, Escaped: true}
	if len(refs) != 1 || refs[0] != want {
		t.Fatalf("got %+v\nwant %+v", refs, want)
	}
	// Without a base a relative URL is reported, unresolved.
	if _, err := Find(strings.NewReader(in), HTML, Options{}, func(r Ref) error {
		if r.URL != "" || !r.Relative {
			t.Errorf("without a base: URL %q, Relative %v", r.URL, r.Relative)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

// The replacement is written in the escaping of the place it goes, and
// nothing else changes.
func TestRewriteEscaping(t *testing.T) {
	const wix = "https://static.wixstatic.com/media/x.jpg"
	fill := "https://static.wixstatic.com/media/x.jpg/v1/fill/w_300,h_200,al_c,q_80,enc_auto/x.jpg"
	amp := "https://static.wixstatic.com/media/x.jpg?a=1&b=\"2\""
	tests := []struct {
		name   string
		format Format
		in     string
		repl   map[string]string
		want   string
	}{
		{"html double-quoted attribute", HTML, `<img src="https://old.example.com/a.jpg" alt=x>`,
			map[string]string{"https://old.example.com/a.jpg": amp}, `<img src="https://static.wixstatic.com/media/x.jpg?a=1&amp;b=&quot;2&quot;" alt=x>`},
		{"html single-quoted attribute", HTML, `<img src='https://old.example.com/a.jpg'>`,
			map[string]string{"https://old.example.com/a.jpg": "https://w/x'y&z"}, `<img src='https://w/x&#39;y&amp;z'>`},
		{"html text", HTML, `<p>see https://old.example.com/a.jpg.</p>`,
			map[string]string{"https://old.example.com/a.jpg": amp}, `<p>see https://static.wixstatic.com/media/x.jpg?a=1&amp;b=&quot;2&quot;.</p>`},
		{"srcset keeps descriptors", HTML, `<img srcset="a-300x200.jpg 300w,b.jpg  2x">`,
			map[string]string{"a-300x200.jpg": fill, "b.jpg": wix}, `<img srcset="` + fill + ` 300w,` + wix + `  2x">`},
		{"json keeps \\/", JSON, `{"a": "https:\/\/old.example.com\/a.jpg", "b":"https://old.example.com/a.jpg"}`,
			map[string]string{"https://old.example.com/a.jpg": wix},
			`{"a": "https:\/\/static.wixstatic.com\/media\/x.jpg", "b":"https://static.wixstatic.com/media/x.jpg"}`},
		{"json escapes quotes", JSON, `{"a":"https://old.example.com/a.jpg"}`,
			map[string]string{"https://old.example.com/a.jpg": `https://w/"q"`}, `{"a":"https://w/\"q\""}`},
		{"csv bare cell gets quoted", CSV, "a,Image Src,c\n1,https://old.example.com/a.jpg,3\n",
			map[string]string{"https://old.example.com/a.jpg": fill}, "a,Image Src,c\n1,\"" + fill + "\",3\n"},
		{"csv quoted cell doubles quotes", CSV, "a,b\n1,\"<img src=\"\"https://old.example.com/a.jpg\"\">\"\n",
			map[string]string{"https://old.example.com/a.jpg": `https://w/"x"`}, "a,b\n1,\"<img src=\"\"https://w/&quot;x&quot;\"\">\"\n"},
		{"semicolon csv: a cell is quoted for a ';', not for a ','", CSV, "a;Image Src;c\n1;https://old.example.com/a.jpg;https://old.example.com/a.jpg\n",
			map[string]string{"https://old.example.com/a.jpg": "https://w/a;b.jpg"}, "a;Image Src;c\n1;\"https://w/a;b.jpg\";\"https://w/a;b.jpg\"\n"},
		{"semicolon csv keeps fill URLs bare", CSV, "a;Image Src;c\r\n1;https://old.example.com/a.jpg;3\r\n",
			map[string]string{"https://old.example.com/a.jpg": fill}, "a;Image Src;c\r\n1;" + fill + ";3\r\n"},
		{"tab csv keeps its quoting", CSV, "a\tImage Src\n\"1\"\t\"https://old.example.com/a.jpg\"\n",
			map[string]string{"https://old.example.com/a.jpg": fill}, "a\tImage Src\n\"1\"\t\"" + fill + "\"\n"},
		{"tsv cell needs no quotes", TSV, "a\tImage\n1\thttps://old.example.com/a.jpg\n",
			map[string]string{"https://old.example.com/a.jpg": fill}, "a\tImage\n1\t" + fill + "\n"},
		{"sql literal", SQL, `INSERT INTO t VALUES ('https://old.example.com/a.jpg');`,
			map[string]string{"https://old.example.com/a.jpg": "https://w/it's"}, `INSERT INTO t VALUES ('https://w/it\'s');`},
		{"php serialized length in bytes", SQL, `INSERT INTO wp_postmeta VALUES (1,'a:1:{s:3:\"url\";s:29:\"https://old.example.com/a.jpg\";}');`,
			map[string]string{"https://old.example.com/a.jpg": "https://static.wixstatic.com/media/café.jpg"},
			`INSERT INTO wp_postmeta VALUES (1,'a:1:{s:3:\"url\";s:44:\"https://static.wixstatic.com/media/café.jpg\";}');`},
		{"nested serialized strings", Text, `a:1:{i:0;s:35:"a:1:{s:1:"u";s:13:"https://o/a.b";}";}`,
			map[string]string{"https://o/a.b": "https://o/abc.b"}, `a:1:{i:0;s:37:"a:1:{s:1:"u";s:15:"https://o/abc.b";}";}`},
		{"wxr meta in cdata", XML, `<wp:meta_value><![CDATA[a:1:{s:3:"url";s:29:"https://old.example.com/a.jpg";}]]></wp:meta_value>`,
			map[string]string{"https://old.example.com/a.jpg": wix}, `<wp:meta_value><![CDATA[a:1:{s:3:"url";s:40:"` + wix + `";}]]></wp:meta_value>`},
		{"css url", CSS, `.a{background:url(/a.jpg)} .b{background:url("/a.jpg")}`,
			map[string]string{"/a.jpg": wix}, `.a{background:url(` + wix + `)} .b{background:url("` + wix + `")}`},
		{"markdown", Markdown, "![a](/a.jpg \"t\")\n[r]: /a.jpg\n",
			map[string]string{"/a.jpg": wix}, "![a](" + wix + " \"t\")\n[r]: " + wix + "\n"},
		{"fragment and query kept apart", HTML, `<a href="https://old.example.com/a.pdf#page=2">`,
			map[string]string{"https://old.example.com/a.pdf#page=2": wix + "#page=2"}, `<a href="` + wix + `#page=2">`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := rewriteAll(t, tt.format, tt.in, tt.repl)
			if got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

// Every byte that is not part of a replaced URL stays: BOM, CRLF, quoting,
// spacing, and text that is not valid UTF-8.
func TestRewritePreservesBytes(t *testing.T) {
	inputs := map[Format]string{
		HTML:      "\ufeff<!DOCTYPE html>\r\n<IMG  SRC = 'https://old.example.com/a.jpg'  >\r\n\t<p>caf\xe9 https://old.example.com/a.jpg</p><br/>\r\n",
		XML:       "<?xml version=\"1.0\"?>\r\n<rss>\r\n  <item><link>https://old.example.com/a.jpg</link><x a='1'/></item>\r\n</rss>",
		JSON:      "{ \"a\" :  \"https:\\/\\/old.example.com\\/a.jpg\" ,\r\n  \"b\":[ 1 , 2 ] }\r\n",
		JSONLines: "{\"a\":\"https://old.example.com/a.jpg\"}\r\n\r\n{\"b\": 2}\r\n",
		CSV:       "a,\"b\",c\r\n\"x\",https://old.example.com/a.jpg,\"y,z\"\r\n,,\r\n",
		TSV:       "a\tb\r\nx\thttps://old.example.com/a.jpg\r\n",
		SQL:       "-- dump\r\nINSERT INTO t VALUES ('https://old.example.com/a.jpg','x\\'y');\r\n",
		CSS:       ".a { background : url( https://old.example.com/a.jpg ) ; }\r\n",
		Markdown:  "# T\r\n\r\n![x]( https://old.example.com/a.jpg )\r\n",
		Text:      "https://old.example.com/a.jpg\r\n\xff\xfe\r\n",
	}
	const old, wix = "https://old.example.com/a.jpg", "https://static.wixstatic.com/media/x.jpg"
	for f, in := range inputs {
		t.Run(f.String(), func(t *testing.T) {
			// Replacing every URL by itself changes nothing.
			var out bytes.Buffer
			if _, err := Rewrite(strings.NewReader(in), &out, f, Options{BaseURL: oldSite}, func(r Ref) (string, bool) {
				return r.Text, true
			}); err != nil {
				t.Fatal(err)
			}
			if out.String() != in {
				t.Errorf("identity rewrite changed the file:\n got %q\nwant %q", out.String(), in)
			}
			// Replacing changes only the URLs.
			got, st := rewriteAll(t, f, in, map[string]string{old: wix})
			if st.Replaced == 0 {
				t.Fatalf("nothing replaced in %q", in)
			}
			want := strings.ReplaceAll(strings.ReplaceAll(in, old, wix), `https:\/\/old.example.com\/a.jpg`, `https:\/\/static.wixstatic.com\/media\/x.jpg`)
			if got != want {
				t.Errorf("got  %q\nwant %q", got, want)
			}
			// And rewriting the output again changes nothing.
			again, st := rewriteAll(t, f, got, map[string]string{old: wix})
			if again != got || st.Replaced != 0 {
				t.Errorf("second rewrite changed %d URLs:\n%q", st.Replaced, again)
			}
		})
	}
}

// Malformed files are read as text from the problem on, with a warning,
// and never cut short.
func TestRewriteMalformed(t *testing.T) {
	const old, wix = "https://old.example.com/a.jpg", "https://static.wixstatic.com/media/x.jpg"
	tests := []struct {
		name   string
		format Format
		in     string
	}{
		{"json with a bare word", JSON, `{"a": "https://old.example.com/a.jpg", oops "https://old.example.com/a.jpg"}`},
		{"json string never closed", JSON, `{"a": "https://old.example.com/a.jpg", "b": "https://old.example.com/a.jpg`},
		{"csv quote never closed", CSV, "a,b\n1,\"https://old.example.com/a.jpg\n2,https://old.example.com/a.jpg\n"},
		{"xml cdata never closed", XML, "<a><![CDATA[https://old.example.com/a.jpg <b>https://old.example.com/a.jpg"},
		{"sql literal never closed", SQL, "INSERT INTO t VALUES ('https://old.example.com/a.jpg"},
		{"html comment never closed", HTML, "<p>https://old.example.com/a.jpg<!-- https://old.example.com/a.jpg"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, st := rewriteAll(t, tt.format, tt.in, map[string]string{old: wix})
			if want := strings.ReplaceAll(tt.in, old, wix); got != want {
				t.Errorf("got  %q\nwant %q", got, want)
			}
			if len(st.Warnings) == 0 {
				t.Error("no warning")
			}
		})
	}
}

// A text run longer than a chunk, and a value longer than the token limit,
// are handled without holding the file.
func TestRewriteLongInput(t *testing.T) {
	const old, wix = "https://old.example.com/a.jpg", "https://static.wixstatic.com/media/x.jpg"
	var in strings.Builder
	for i := range 20000 {
		in.WriteString("word ")
		if i%1000 == 0 {
			in.WriteString(old + " ")
		}
	}
	text := "<p>" + in.String() + "</p>"
	got, st := rewriteAll(t, HTML, text, map[string]string{old: wix})
	if st.Replaced != 20 || got != strings.ReplaceAll(text, old, wix) {
		t.Errorf("replaced %d of 20", st.Replaced)
	}
	// An attribute longer than MaxToken is passed through with a warning.
	long := `<img src="` + old + `" title="` + strings.Repeat("x", 300<<10) + `"> ` + old
	var out bytes.Buffer
	st, err := Rewrite(strings.NewReader(long), &out, HTML, Options{MaxToken: 128 << 10}, func(r Ref) (string, bool) { return wix, true })
	if err != nil {
		t.Fatal(err)
	}
	if out.Len() < len(long) || len(st.Warnings) == 0 || !strings.HasSuffix(out.String(), wix) {
		t.Errorf("long tag: %d bytes out of %d, warnings %v", out.Len(), len(long), st.Warnings)
	}
}

func TestDetectFormat(t *testing.T) {
	tests := []struct {
		name, head string
		want       Format
		ok         bool
	}{
		{"page.html", "<!DOCTYPE html><html>", HTML, true},
		{"export.xml", "<?xml version=\"1.0\"?><rss>", XML, true},
		{"feed.html", "<?xml version=\"1.0\"?><rss>", XML, true},
		{"data.json", "  {\"a\": 1}", JSON, true},
		{"data.json", "{\"a\":1}\n{\"a\":2}\n", JSONLines, true},
		{"notes.json", "just words", Text, true},
		{"products.csv", "Handle,Title", CSV, true},
		{"dump.sql", "-- MySQL dump", SQL, true},
		{"no-extension", "-- MySQL dump 10.13", SQL, true},
		{"no-extension", "<!doctype html>", HTML, true},
		{"readme.md", "# Title", Markdown, true},
		{"post.md", "---\ntitle: \"Hello\"\ncover:\n  image: /a.png\n---\n# Hello", FrontMatter, true},
		{"post.md", "---\n\nA rule, then text.", Markdown, true},
		{"notes.txt", "---\ntitle: x\n---\n", Text, true},
		{"page.xml", "<div>not XML</div>", XML, true},
		{"page.html", "plain words", Text, true},
		{"lines.jsonl", "{\"a\": [\n1]}", JSONLines, true},
		{"photo.jpg", "\xff\xd8\xff\xe0\x00\x10JFIF\x00", Text, false},
		{"notes.txt", "caf\xe9 au lait", Text, true},
	}
	for _, tt := range tests {
		got, ok := DetectFormat(tt.name, []byte(tt.head))
		if got != tt.want || ok != tt.ok {
			t.Errorf("DetectFormat(%q, %q) = %v, %v; want %v, %v", tt.name, tt.head, got, ok, tt.want, tt.ok)
		}
	}
}

// A file cut short warns, and is still rewritten up to its end.
func TestTruncatedWarns(t *testing.T) {
	for _, tt := range []struct {
		format Format
		in     string
	}{
		{JSON, `{"a": "https://old.example.com/a.png", "b": [1, 2`},
		{XML, `<?xml version="1.0"?><rss><channel><item><enclosure url="https://old.example.com/c.mp3"/>`},
	} {
		var urls int
		st, err := Find(strings.NewReader(tt.in), tt.format, Options{}, func(Ref) error { urls++; return nil })
		if err != nil || urls != 1 || len(st.Warnings) != 1 || !strings.Contains(st.Warnings[0].Msg, "truncated") {
			t.Errorf("%v %q: %d URLs, warnings %v, %v", tt.format, tt.in, urls, st.Warnings, err)
		}
	}
	// Complete files do not warn.
	for _, tt := range []struct {
		format Format
		in     string
	}{
		{JSON, `{"a": ["https://old.example.com/a.png", {"b": 2}]}` + "\n"},
		{JSONLines, "{\"a\": 1}\n[2]\n"},
		{XML, `<?xml version="1.0"?><rss><channel><item><title>x</title><enclosure url="https://x/c.mp3"/></item></channel></rss>` + "\n"},
	} {
		if st, _ := Find(strings.NewReader(tt.in), tt.format, Options{}, func(Ref) error { return nil }); len(st.Warnings) != 0 {
			t.Errorf("%v %q: warnings %v", tt.format, tt.in, st.Warnings)
		}
	}
}

// A valid CSV, JSON or XML file stays valid after a rewrite, with the same
// records and fields, whatever the replacement holds.
func TestRewriteKeepsFilesValid(t *testing.T) {
	const old = "https://old.example.com/a.jpg"
	repl := map[string]string{old: `https://static.wixstatic.com/media/x.jpg/v1/fill/w_3,h_2/"q"&<x>\.jpg`}
	csvIn := "id,Image Src,Body\n1," + old + ",\"<img src=\"\"" + old + "\"\">, more\"\n2,\"" + old + "\",x\n"
	got, _ := rewriteAll(t, CSV, csvIn, repl)
	before, err1 := csv.NewReader(strings.NewReader(csvIn)).ReadAll()
	after, err2 := csv.NewReader(strings.NewReader(got)).ReadAll()
	if err1 != nil || err2 != nil || len(after) != len(before) {
		t.Fatalf("csv: %v %v, %d records became %d:\n%s", err1, err2, len(before), len(after), got)
	}
	for i := range before {
		if len(after[i]) != len(before[i]) {
			t.Errorf("csv record %d: %d fields became %d", i, len(before[i]), len(after[i]))
		}
	}
	if after[1][1] != repl[old] || after[2][1] != repl[old] {
		t.Errorf("csv cells: %q, %q", after[1][1], after[2][1])
	}

	// The same file saved with semicolons stays a valid semicolon CSV.
	semiIn := strings.ReplaceAll(strings.ReplaceAll(csvIn, ",", ";"), "\"\">; more", "\"\">, more")
	got, _ = rewriteAll(t, CSV, semiIn, map[string]string{old: "https://w/a;b,c.jpg"})
	semi := csv.NewReader(strings.NewReader(got))
	semi.Comma = ';'
	after, err := semi.ReadAll()
	if err != nil || len(after) != 3 || len(after[1]) != 3 || after[1][1] != "https://w/a;b,c.jpg" || after[2][1] != "https://w/a;b,c.jpg" {
		t.Errorf("semicolon csv: %v %q:\n%s", err, after, got)
	}

	jsonIn := `{"a": "` + old + `", "b": ["https:\/\/old.example.com\/a.jpg", {"c": "<img src=\"` + old + `\">"}]}`
	got, _ = rewriteAll(t, JSON, jsonIn, repl)
	var v struct {
		A string `json:"a"`
		B []any  `json:"b"`
	}
	if err := json.Unmarshal([]byte(got), &v); err != nil || v.A != repl[old] || v.B[0] != repl[old] {
		t.Errorf("json: %v, %q %v:\n%s", err, v.A, v.B, got)
	}

	xmlIn := `<?xml version="1.0"?><rss><item><link>` + old + `</link><enclosure url="` + old + `"/><description><![CDATA[<img src="` + old + `">]]></description></item></rss>`
	got, _ = rewriteAll(t, XML, xmlIn, repl)
	var doc struct {
		Link      string `xml:"item>link"`
		Enclosure struct {
			URL string `xml:"url,attr"`
		} `xml:"item>enclosure"`
	}
	if err := xml.Unmarshal([]byte(got), &doc); err != nil || doc.Link != repl[old] || doc.Enclosure.URL != repl[old] {
		t.Errorf("xml: %v, %q %q:\n%s", err, doc.Link, doc.Enclosure.URL, got)
	}
}

// WordPress block comments hold JSON with '&' written \u0026: the URL is
// read whole and rewritten in JSON.
func TestBlockCommentJSON(t *testing.T) {
	const old = "https://old.example.com/a.jpg?w=1&h=2"
	in := `<!-- wp:image {"id":12,"url":"https://old.example.com/a.jpg?w=1\u0026h=2","sizeSlug":"large"} -->` + "\n" +
		`<figure><img src="https://old.example.com/a.jpg?w=1&amp;h=2"/></figure><!-- /wp:image -->`
	got, st := rewriteAll(t, HTML, in, map[string]string{old: "https://static.wixstatic.com/media/x.jpg"})
	want := `<!-- wp:image {"id":12,"url":"https://static.wixstatic.com/media/x.jpg","sizeSlug":"large"} -->` + "\n" +
		`<figure><img src="https://static.wixstatic.com/media/x.jpg"/></figure><!-- /wp:image -->`
	if got != want || st.Replaced != 2 {
		t.Errorf("%d replaced:\n%s", st.Replaced, got)
	}
}
