package content

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/iotest"
)

// fragments are pieces of every format, cut where they may be cut in real
// files; documents made of them at random exercise the scanners' edges.
var fragments = []string{
	"<", ">", "</", "/>", "<!--", "-->", "<![CDATA[", "]]>", "<?xml ?>", "<img src=\"", "<a href='", "\"", "'", "=",
	" srcset=\"", " 300w, ", "<script>", "</script>", "<style>", "</style>", "url(", ")", "&amp;", "&#38;", "&quot;", "&",
	"{", "}", "[", "]", ":", ",", "\\\"", "\\/", "\\u00e9", "\\", "\n", "\r\n", "\t", " ", "s:29:\"", "\";", "s:5:\"",
	"https://old.example.com/a.jpg", "https:\\/\\/old.example.com\\/a.jpg", "//old.example.com/a.jpg", "/a.jpg",
	"a-300x200.jpg", "![x](", "](/a.jpg)", "[r]: /a.jpg", "INSERT INTO t VALUES (", "''", "\\'", "caf\xe9", "\xff",
	"word", "https://other.example.org/b.png", "data-src=\"", "?x=1&y=2", "#frag", "\ufeff",
}

func randomDoc(r *rand.Rand) string {
	var b strings.Builder
	for range r.IntN(80) {
		b.WriteString(fragments[r.IntN(len(fragments))])
	}
	return b.String()
}

// For any input, in any format: replacing URLs by themselves changes no
// byte, reading in any chunk size gives the same output, nothing panics,
// and rewriting an output again changes nothing.
func TestRewriteProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	const wix = "https://static.wixstatic.com/media/x.jpg/v1/fill/w_3,h_2/x.jpg"
	// Like a mapping: only the old URL's spellings map.
	old := map[string]bool{"https://old.example.com/a.jpg": true, "https://old.example.com/blog/post/a-300x200.jpg": true}
	replaceOld := func(ref Ref) (string, bool) {
		if old[ref.URL] {
			return wix, true
		}
		return "", false
	}
	formats := append([]Format{}, Formats...)
	for i := range 3000 {
		in := randomDoc(r)
		f := formats[i%len(formats)]
		opts := Options{BaseURL: oldSite, MaxToken: 1 << 17}
		var same bytes.Buffer
		if _, err := Rewrite(strings.NewReader(in), &same, f, opts, func(ref Ref) (string, bool) { return ref.Text, true }); err != nil {
			t.Fatal(err)
		}
		if same.String() != in {
			t.Fatalf("%v: identity rewrite changed\n%q\ninto\n%q", f, in, same.String())
		}
		var whole, bytewise bytes.Buffer
		if _, err := Rewrite(strings.NewReader(in), &whole, f, opts, replaceOld); err != nil {
			t.Fatal(err)
		}
		if _, err := Rewrite(iotest.OneByteReader(strings.NewReader(in)), &bytewise, f, opts, replaceOld); err != nil {
			t.Fatal(err)
		}
		if whole.String() != bytewise.String() {
			t.Fatalf("%v: output depends on read size for\n%q:\nwhole    %q\nbytewise %q", f, in, whole.String(), bytewise.String())
		}
		var again bytes.Buffer
		st, err := Rewrite(strings.NewReader(whole.String()), &again, f, opts, replaceOld)
		if err != nil {
			t.Fatal(err)
		}
		if st.Replaced != 0 || again.String() != whole.String() {
			t.Fatalf("%v: not idempotent for\n%q:\nfirst  %q\nsecond %q", f, in, whole.String(), again.String())
		}
	}
}
