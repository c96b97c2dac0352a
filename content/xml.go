package content

import (
	"bytes"
	"strings"
	"unicode/utf8"
)

// xmlFormat is XML: WordPress exports (WXR), RSS and Atom feeds, sitemaps.
// Element text is a value in XML's escaping; the elements of urlElements
// hold one URL each. An ElementHandler in Options.Structure is told the
// elements as they are read.
var xmlFormat = formatDef{
	name:       "xml",
	extensions: []string{".xml", ".wxr", ".rss", ".atom", ".rdf"},
	sniff: func(body []byte) int {
		switch {
		case hasPrefixFold(body, "<?xml"):
			if !declaresHTML(body) {
				return sniffSure
			}
		case hasPrefixFold(body, "<rss"), hasPrefixFold(body, "<urlset"),
			hasPrefixFold(body, "<feed"), hasPrefixFold(body, "<sitemapindex"):
			return sniffSure
		}
		return 0
	},
	accepts: startsWithTag,
	family:  "markup",
	scan:    func(s *stream) { scanMarkup(s, markupXML) },
}

// startsWithTag is the markup formats' accepts: a file that claims to be
// HTML or XML and does not start with '<' is read as text.
func startsWithTag(body []byte) bool { return len(body) == 0 || body[0] == '<' }

// declaresHTML reports whether an XML declaration's file is XHTML.
func declaresHTML(body []byte) bool {
	lower := bytes.ToLower(body[:min(len(body), 512)])
	return bytes.Contains(lower, []byte("<!doctype html")) || bytes.Contains(lower, []byte("<html"))
}

// urlElements are XML elements whose text is one URL.
var urlElements = map[string]Context{
	"loc": ContextURLElement, "link": ContextURLElement, "guid": ContextURLElement, "url": ContextURLElement,
	"image:loc": ContextImageLoc, "video:content_loc": ContextSource, "video:thumbnail_loc": ContextImageLoc,
	"wp:attachment_url": ContextAttachment, "wp:base_site_url": ContextURLElement, "wp:base_blog_url": ContextURLElement,
}

// ElementHandler is told an XML file's elements as the scanner reads them,
// in the same pass as its URLs (Options.Structure): a reader of WordPress
// exports takes its attachments this way. Names are lower-cased as written
// with their prefix ("wp:attachment_url"); text is UTF-8 whatever the
// encoding the file declares.
type ElementHandler interface {
	// StartElement is called at a start tag; a self-closing tag is
	// followed by its EndElement at once. attrs are the tag's attributes,
	// values decoded, valid during the call only (the slice is reused);
	// at is the tag's place.
	StartElement(name string, attrs []Attr, at Position)
	EndElement(name string, at Position)
	// CharData is an element's text, character references decoded, or a
	// CDATA section's. One element's text may come in several calls.
	CharData(text []byte)
}

// Position is where an element's tag is, for an ElementHandler. Its line
// is counted when asked, as few elements need one, and only during the
// call that gave it.
type Position struct {
	s *stream
	i int // buf offset of the tag's '<'
}

// Line is the tag's 1-based line.
func (p Position) Line() int { return p.s.lineOf(p.s.rootPos(p.i)) }

// Attr is an XML attribute, for an ElementHandler.
type Attr struct {
	Name, Value string
}

// startElement tells the handler of a start tag.
func (m *markupScanner) startElement(name string, attrs []attr, selfClosing bool) {
	s := m.s
	list := m.attrList[:0]
	for _, a := range attrs {
		v, _ := entityLayer{}.decode(s.rest()[a.start:a.end])
		if m.latin1 {
			v = latin1ToUTF8(v)
		}
		list = append(list, Attr{Name: a.name, Value: string(v)})
	}
	m.attrList = list
	at := Position{s, s.pos}
	m.elements.StartElement(name, list, at)
	if selfClosing {
		m.elements.EndElement(name, at)
	}
}

// declaresLatin1 reports whether an XML declaration names ISO-8859-1 or
// its Windows superset (whose extra characters do not occur in URLs and
// read as their Latin-1 code points), as old WordPress exports do.
func declaresLatin1(decl []byte) bool {
	lower := strings.ToLower(string(decl))
	i := strings.Index(lower, "encoding=")
	if i < 0 {
		return false
	}
	enc := strings.TrimLeft(lower[i+len("encoding="):], "\"' ")
	if j := strings.IndexAny(enc, "\"' ?"); j >= 0 {
		enc = enc[:j]
	}
	switch enc {
	case "iso-8859-1", "latin1", "latin-1", "windows-1252", "cp1252":
		return true
	}
	return false
}

// latin1ToUTF8 is text, single-byte Latin-1, as UTF-8.
func latin1ToUTF8(text []byte) []byte {
	high := false
	for _, c := range text {
		if c >= 0x80 {
			high = true
			break
		}
	}
	if !high {
		return text
	}
	out := make([]byte, 0, len(text)+len(text)/8)
	for _, c := range text {
		out = utf8.AppendRune(out, rune(c))
	}
	return out
}
