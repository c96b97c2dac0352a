package content

import (
	"strings"
	"testing"
)

// Front matter as Hugo and Jekyll write it: values under image keys
// (nested, in lists, quoted any way YAML quotes) are URLs, resolved when
// root-relative; other values are text; the body is Markdown.
func TestFrontMatterFind(t *testing.T) {
	const o = "https://old.example.com"
	in := `---
title: "Hardware: a post about https://old.example.com/in-title.png"
slug: hardware
image: /images/a.png
thumbnail: 'https://old.example.com/it''s.jpg'
cover:
  image: "/images/b\u002Dcover.png"
  alt: "a cover"
  caption: 2011/01/stored-path.jpg
images: ["/images/c.png", 'd/relative.png', https://cdn.example.com/e.webp]
gallery:
  - src: /images/f.jpg
    title: F
  - src: /images/g.jpg
resources:
- /images/not-a-key-place.png
description: |
  See https://old.example.com/h.gif
  and /images/not-a-url.png
featured_image: /images/i.jpg # a comment
---

![alt](/images/j.png "title") and https://old.example.com/k.pdf
`
	got := findAll(t, FrontMatter, in)
	want := []found{
		{o + "/in-title.png", ContextText},
		{o + "/images/a.png", ContextImageKey},
		{o + "/it's.jpg", ContextImageKey},
		{o + "/images/b-cover.png", ContextImageKey},
		{o + "/images/c.png", ContextImageKey},
		{"https://cdn.example.com/e.webp", ContextImageKey},
		{o + "/images/f.jpg", ContextKey},
		{o + "/images/g.jpg", ContextKey},
		{o + "/h.gif", ContextText},
		{o + "/images/i.jpg", ContextImageKey},
		{o + "/images/j.png", ContextImage},
		{o + "/k.pdf", ContextText},
	}
	if len(got) != len(want) {
		t.Fatalf("found %d URLs, want %d:\n%v", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("URL %d: %v, want %v", i, got[i], want[i])
		}
	}
}

// A replacement takes the quoting of its value, and nothing else moves.
func TestFrontMatterRewrite(t *testing.T) {
	const wix = `https://static.wixstatic.com/media/a"b.png`
	in := "---\nimage: /a.png\ncover:\n  image: \"/a.png\" # the cover\nthumb: '/a.png'\nimages: [/a.png, \"/a.png\"]\n---\nText ![x](/a.png)\n"
	out, st := rewriteAll(t, FrontMatter, in, map[string]string{"/a.png": wix})
	want := "---\nimage: " + wix + "\ncover:\n  image: \"https://static.wixstatic.com/media/a\\\"b.png\" # the cover\nthumb: '" + wix + "'\nimages: [" + wix + ", \"https://static.wixstatic.com/media/a\\\"b.png\"]\n---\nText ![x](" + wix + ")\n"
	if out != want || st.Replaced != 6 {
		t.Errorf("%d replaced:\n%s\nwant:\n%s", st.Replaced, out, want)
	}
	// A replacement with commas in a flow sequence's plain scalar is
	// quoted, so the list keeps its items.
	const fill = "https://static.wixstatic.com/media/x.jpg/v1/fill/w_300,h_200,al_c/x.jpg"
	out, _ = rewriteAll(t, FrontMatter, "---\nimages: [/a.png, /b.png]\nimage: /a.png\n---\n", map[string]string{"/a.png": fill})
	if want := "---\nimages: ['" + fill + "', /b.png]\nimage: " + fill + "\n---\n"; out != want {
		t.Errorf("flow sequence:\n%s\nwant\n%s", out, want)
	}
	// No front matter after all (no closing line): the whole file is read,
	// and a file without the opening line is plain Markdown.
	for _, in := range []string{"---\nimage: /a.png\n", "# Title\n![x](/a.png)\n"} {
		if out, st := rewriteAll(t, FrontMatter, in, map[string]string{"/a.png": "https://w/x.png"}); st.Replaced != 1 || strings.Contains(out, "/a.png") {
			t.Errorf("%q -> %q", in, out)
		}
	}
}
