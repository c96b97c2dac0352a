package content

import (
	"bytes"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/wixmigrate/wixmigrate/internal/testenv"
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

// longFragments are longer than a text chunk, one of them longer than the
// token limit the test sets, so cuts and limits are crossed too.
var longFragments = []string{strings.Repeat("y", 70000), strings.Repeat("z ", 40000), strings.Repeat("w", 140000)}

// maxLongFragments is how many long fragments one document may hold: two
// cross every cut and limit, and each more only adds bytes to scan (slow
// under -race) without reaching another edge.
const maxLongFragments = 2

func randomDoc(r *rand.Rand, long bool) string {
	var b strings.Builder
	longs := 0
	for range r.IntN(80) {
		if long && longs < maxLongFragments && r.IntN(10) == 0 {
			longs++
			b.WriteString(longFragments[r.IntN(len(longFragments))])
			continue
		}
		b.WriteString(fragments[r.IntN(len(fragments))])
	}
	return b.String()
}

// For any input, in any format: replacing URLs by themselves changes no
// byte, reading in any chunk size gives the same output, nothing panics,
// and rewriting an output again changes nothing. The documents hold the old
// URL often enough that every format's replaces some: a property of a
// rewrite that never happens would hold trivially.
func TestRewriteProperties(t *testing.T) {
	t.Parallel()
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
	formats := Formats()
	replaced := map[Format]int{}
	// A seeded run: the same documents each time. Every format 50 times in
	// the short run, 300 times in the full one.
	docs := 50 * len(formats)
	if testenv.Full() {
		docs = 300 * len(formats)
	}
	for i := range docs {
		long := i%100 == 0
		in := randomDoc(r, long)
		f := formats[i%len(formats)]
		opts := Options{BaseURL: oldSite, MaxToken: 1 << 17}
		var same bytes.Buffer
		if _, err := Rewrite(strings.NewReader(in), &same, f, opts, func(ref Ref) (string, bool) { return ref.Text, true }); err != nil {
			t.Fatal(err)
		}
		if same.String() != in {
			t.Fatalf("%v: identity rewrite changed %d bytes into %d: %.300q", f, len(in), same.Len(), in)
		}
		var whole, bytewise bytes.Buffer
		st, err := Rewrite(strings.NewReader(in), &whole, f, opts, replaceOld)
		if err != nil {
			t.Fatal(err)
		}
		replaced[f] += st.Replaced
		if st.Replaced > 0 && whole.String() == in {
			t.Fatalf("%v: %d URLs counted replaced, the output is the input: %.300q", f, st.Replaced, in)
		}
		var small io.Reader = iotest.OneByteReader(strings.NewReader(in))
		if long { // a byte at a time over 100 kB would only make the test slow
			small = &chunkReader{r: strings.NewReader(in), rand: r}
		}
		if _, err := Rewrite(small, &bytewise, f, opts, replaceOld); err != nil {
			t.Fatal(err)
		}
		if whole.String() != bytewise.String() {
			w, b := whole.String(), bytewise.String()
			d := 0
			for d < len(w) && d < len(b) && w[d] == b[d] {
				d++
			}
			t.Fatalf("%v: output depends on read size (%d bytes vs %d), first difference at %d:\nin       %q\nwhole    %q\nbytewise %q",
				f, len(w), len(b), d, in[max(0, d-200):min(len(in), d+200)], w[max(0, d-200):min(len(w), d+200)], b[max(0, d-200):min(len(b), d+200)])
		}
		var again bytes.Buffer
		st, err = Rewrite(strings.NewReader(whole.String()), &again, f, opts, replaceOld)
		if err != nil {
			t.Fatal(err)
		}
		if st.Replaced != 0 || again.String() != whole.String() {
			t.Fatalf("%v: not idempotent (%d URLs replaced again) for %.300q", f, st.Replaced, in)
		}
	}
	for _, f := range formats {
		if replaced[f] == 0 {
			t.Errorf("%v: no URL replaced in its %d documents: the properties were checked on no rewrite", f, docs/len(formats))
		}
	}
	t.Logf("URLs replaced by format: %v", replaced)
}

// chunkReader reads at most a random few hundred bytes at a time.
type chunkReader struct {
	r    io.Reader
	rand *rand.Rand
}

func (c *chunkReader) Read(p []byte) (int, error) {
	return c.r.Read(p[:min(len(p), 1+c.rand.IntN(700))])
}
