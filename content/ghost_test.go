package content

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
)

// ghostPost is a Ghost export's post: root-relative and __GHOST_URL__
// images in fields named for images, a mobiledoc (JSON in a JSON string)
// with a Markdown card whose image is inside a link, an image card, a code
// card holding a template, and an HTML field.
var ghostPost = func() string {
	mobiledoc, _ := json.Marshal(map[string]any{"version": "0.3.1", "cards": []any{
		[]any{"markdown", map[string]string{"markdown": "[![m](https://static.ghost.org/m.jpg)](https://ghost.org/x/) and ![r](/content/images/r.png)"}},
		[]any{"image", map[string]string{"src": "__GHOST_URL__/content/images/c.jpg", "caption": "2011/01/stored.jpg"}},
		[]any{"code", map[string]string{"code": `<img src="{{feature_image}}"><a href="${url}">`}},
	}})
	post, _ := json.Marshal(map[string]any{"posts": []any{map[string]any{
		"feature_image": "/content/images/a.jpg",
		"og_image":      "__GHOST_URL__/content/images/og.jpg",
		"profile_image": "2011/01/b.jpg",
		"mobiledoc":     string(mobiledoc),
		"html":          `<img src="__GHOST_URL__/content/images/d.jpg"><a href="/about/">x</a>`,
	}}})
	return string(post)
}()

func TestGhostFind(t *testing.T) {
	const b = "https://blog.example.com"
	got := findAllWith(t, JSON, ghostPost, Options{BaseURL: mustURL(b + "/export/"), SiteURL: mustURL(b + "/")})
	want := []found{
		{b + "/about/", ContextLink},
		{b + "/content/images/d.jpg", ContextImage},
		{b + "/content/images/a.jpg", ContextImageKey},
		{"https://static.ghost.org/m.jpg", ContextImage},
		{"https://ghost.org/x/", ContextLink},
		{b + "/content/images/r.png", ContextImage},
		{b + "/content/images/c.jpg", ContextKey},
		{b + "/content/images/og.jpg", ContextImageKey},
	}
	if !sameFound(got, want) {
		t.Errorf("found:\n%v\nwant (any order):\n%v", got, want)
	}
	// Without a site address, __GHOST_URL__ is relative and unresolved.
	var relative int
	Find(strings.NewReader(ghostPost), JSON, Options{}, func(r Ref) error {
		if strings.HasPrefix(r.Text, GhostURL) {
			if r.URL != "" || !r.Relative {
				t.Errorf("%s without a base: %+v", r.Text, r)
			}
			relative++
		}
		return nil
	})
	if relative != 3 {
		t.Errorf("%d __GHOST_URL__ refs without a base, want 3", relative)
	}
}

// A Markdown card's image inside a link is replaced whole, through both
// JSON layers; the output is still JSON holding JSON.
func TestGhostRewrite(t *testing.T) {
	const wix = "https://static.wixstatic.com/media/m.jpg"
	out, st := rewriteAll(t, JSON, ghostPost, map[string]string{"https://static.ghost.org/m.jpg": wix, "__GHOST_URL__/content/images/c.jpg": wix})
	if st.Replaced != 2 {
		t.Errorf("%d replaced", st.Replaced)
	}
	var doc struct {
		Posts []struct{ Mobiledoc string }
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || len(doc.Posts) != 1 || !json.Valid([]byte(doc.Posts[0].Mobiledoc)) {
		t.Fatalf("output is not JSON holding JSON: %v\n%s", err, out)
	}
	md := doc.Posts[0].Mobiledoc
	if !strings.Contains(md, "[![m]("+wix+")](https://ghost.org/x/)") || !strings.Contains(md, `"src":"`+wix+`"`) {
		t.Errorf("mobiledoc: %s", md)
	}
}

// URL ends in text, as linkifiers find them; placeholders and escape
// debris are never URLs.
func TestURLEnds(t *testing.T) {
	tests := []struct{ in, want string }{
		{"see https://x.example/a_(1).jpg) now", "https://x.example/a_(1).jpg"},
		{"(https://x.example/b.jpg).", "https://x.example/b.jpg"},
		{"[![a](https://x.example/c.jpg)](https://x.example/)", "https://x.example/c.jpg https://x.example/"},
		{"[https://x.example/d.jpg]", "https://x.example/d.jpg"},
		{"https://x.example/e.jpg, https://x.example/f[1].jpg; 'https://x.example/g.jpg'", "https://x.example/e.jpg https://x.example/f[1].jpg https://x.example/g.jpg"},
		{"<https://x.example/h.jpg>!", "https://x.example/h.jpg"},
		{"https://x.example/{{id}}.jpg https://x.example/${id}", "https://x.example/ https://x.example/"},
	}
	for _, tt := range tests {
		var got []string
		for _, f := range findAll(t, Text, tt.in) {
			got = append(got, f.url)
		}
		if strings.Join(got, " ") != tt.want {
			t.Errorf("%q: %q, want %q", tt.in, got, tt.want)
		}
	}
	for _, v := range []string{`{{feature_image}}`, `{% asset x %}`, `<%= url %>`, `${src}`, `\"https://x.example/a.jpg\"`, `&quot;/a.jpg&quot;`} {
		if got := findAll(t, HTML, `<img src="`+strings.ReplaceAll(v, `"`, "&#34;")+`">`); len(got) != 0 && !strings.Contains(v, "&quot;") {
			t.Errorf("%s found: %v", v, got)
		}
	}
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

func findAllWith(t *testing.T, f Format, in string, opts Options) []found {
	t.Helper()
	var got []found
	if _, err := Find(strings.NewReader(in), f, opts, func(r Ref) error {
		got = append(got, found{r.URL, r.Context})
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return got
}

func sameFound(a, b []found) bool {
	if len(a) != len(b) {
		return false
	}
	count := map[found]int{}
	for _, f := range a {
		count[f]++
	}
	for _, f := range b {
		count[f]--
	}
	for _, n := range count {
		if n != 0 {
			return false
		}
	}
	return true
}
