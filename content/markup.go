package content

import (
	"bytes"
	"html"
	"net/url"
	"strings"
	"sync"
)

// markupMode is the dialect a markup scanner reads.
type markupMode int

const (
	markupHTML     markupMode = iota
	markupXML                 // no raw-text elements; element text may be one URL (<loc>)
	markupMarkdown            // HTML tags inside Markdown text
)

// attr is a start tag's attribute; offsets are relative to the tag's '<'.
type attr struct {
	name       string // lower case
	start, end int    // the value, quotes excluded
	quote      byte   // '"', '\'', or 0 for an unquoted or missing value
	hasValue   bool
}

// markupScanner reads HTML, XML or Markdown's inline HTML from a stream:
// text between tags, tags and their attributes, comments, CDATA, and an
// HTML script or style element's content.
type markupScanner struct {
	s       *stream
	mode    markupMode
	names   nameCache
	attrs   []attr // a start tag's attributes, reused
	element string // the last start tag's name: the place of the text after it
	// urlContext is element's context when it is an XML element whose
	// text is one URL (urlElements): looked up once per start tag, not for
	// each text run and CDATA section inside.
	urlContext   Context
	isURLElement bool
	// XML elements still open, to tell a file cut short (HTML leaves
	// elements open by design, so only XML is checked).
	open []string
	// elements is told an XML file's structure (Options.Structure);
	// latin1 is set when the file declares a single-byte encoding, whose
	// text is given to it as UTF-8.
	elements ElementHandler
	latin1   bool
	attrList []Attr // the attributes given to elements, reused
}

// markupScanners are pooled: a nested value (HTML in a JSON string) needs
// one of its own, and each holds a name cache worth keeping.
var markupScanners = sync.Pool{New: func() any { return new(markupScanner) }}

// scanMarkup scans HTML, XML or Markdown with inline HTML.
func scanMarkup(s *stream, mode markupMode) {
	m := markupScanners.Get().(*markupScanner)
	m.s, m.mode, m.open, m.elements, m.latin1 = s, mode, m.open[:0], nil, false
	m.setElement("")
	if mode == markupXML && !s.nested {
		m.elements, _ = s.e.structure.(ElementHandler)
	}
	m.scan()
	m.s, m.elements = nil, nil
	markupScanners.Put(m)
}

func (m *markupScanner) scan() {
	s := m.s
	for s.e.err == nil {
		n, done := s.textRun("<")
		if done {
			break
		}
		if n > 0 {
			m.markupText(s.pos, s.pos+n)
			s.pos += n
			continue
		}
		n, name, closing := m.markupTag()
		if n == 0 {
			// Not a tag, or one cut off by the end of input: '<' is text.
			if m.elements != nil {
				m.elements.CharData([]byte{'<'})
			}
			s.pos++
			continue
		}
		switch {
		case closing:
			m.setElement("")
			if m.mode == markupXML {
				closed := m.names.lower(bytes.TrimSpace(bytes.TrimRight(s.rest()[2:n], ">")))
				if m.elements != nil {
					m.elements.EndElement(closed, Position{s, s.pos})
				}
				for i := len(m.open) - 1; i >= 0; i-- {
					if m.open[i] == closed {
						m.open = m.open[:i]
						break
					}
				}
			}
		case name != "":
			m.setElement(name)
			if m.mode == markupXML && !bytes.HasSuffix(s.rest()[:n], []byte("/>")) && len(m.open) < 1024 {
				m.open = append(m.open, name)
			}
		}
		s.pos += n
	}
	if m.mode == markupXML && !s.nested && len(m.open) > 0 && s.e.err == nil {
		s.warn(len(s.buf), "the file ends with <"+m.open[len(m.open)-1]+"> not closed (truncated?)")
	}
}

// setElement makes name the place of the text that follows.
func (m *markupScanner) setElement(name string) {
	m.element = name
	m.urlContext, m.isURLElement = "", false
	if m.mode == markupXML && name != "" {
		m.urlContext, m.isURLElement = urlElements[name]
	}
}

// markupText handles text between tags.
func (m *markupScanner) markupText(start, end int) {
	s := m.s
	switch m.mode {
	case markupMarkdown:
		s.value(start, end, rawLayer{}, roleMarkdown, place{ctx: ContextText})
	case markupXML:
		if m.elements != nil {
			text, _ := entityLayer{}.decode(s.buf[start:end])
			m.charData(text)
		}
		if m.isURLElement {
			s.value(start, end, entityLayer{}, roleURL, place{ctx: m.urlContext, where: m.element})
			return
		}
		s.value(start, end, entityLayer{}, roleText, place{ctx: ContextText, where: m.element})
	default:
		s.value(start, end, entityLayer{}, roleAbsolute, place{ctx: ContextText, where: m.element})
	}
}

// charData gives text to the ElementHandler, as UTF-8.
func (m *markupScanner) charData(text []byte) {
	if m.latin1 {
		text = latin1ToUTF8(text)
	}
	m.elements.CharData(text)
}

// markupTag handles the construct starting with '<' at pos: a comment,
// CDATA, a declaration, a processing instruction, an end tag or a start
// tag (with an HTML script or style element's content). It returns its
// length, 0 when it is not markup; name is a start tag's name.
func (m *markupScanner) markupTag() (n int, name string, closing bool) {
	s := m.s
	for len(s.rest()) < 16 && s.more() {
	}
	rest := s.rest()
	if len(rest) < 2 {
		return 0, "", false
	}
	switch c := rest[1]; {
	case hasPrefix(rest, "<!--"):
		end := s.index(4, "-->")
		if end < 0 {
			s.warn(s.pos, "comment never closed; read as text")
			return 0, "", false
		}
		body := s.rest()[4:end]
		// A block editor comment, <!-- wp:image {"url":"..."} -->, holds
		// JSON whose escapes (\u0026 for '&') are read as JSON.
		if open, close := bytes.IndexByte(body, '{'), bytes.LastIndexByte(body, '}'); hasPrefix(bytes.TrimLeft(body, " "), "wp:") && open > 0 && close > open {
			s.value(s.pos+4+open, s.pos+4+close+1, rawLayer{}, roleJSON, place{ctx: ContextText, where: "block attributes"})
			return end + 3, "", false
		}
		s.value(s.pos+4, s.pos+end, rawLayer{}, roleText, place{ctx: ContextText, where: "comment"})
		return end + 3, "", false
	case hasPrefix(rest, "<![CDATA["):
		end := s.index(9, "]]>")
		if end < 0 {
			s.warn(s.pos, "CDATA section never closed; read as text")
			return 0, "", false
		}
		if m.elements != nil {
			m.charData(s.rest()[9:end])
		}
		r, p := roleText, place{ctx: ContextText, where: m.element}
		if m.isURLElement {
			r, p = roleURL, place{ctx: m.urlContext, where: m.element}
		}
		s.value(s.pos+9, s.pos+end, rawLayer{}, r, p)
		return end + 3, "", false
	case c == '!' || c == '?':
		end := s.index(2, ">")
		if end < 0 {
			return 0, "", false
		}
		if c == '?' && m.mode == markupXML && hasPrefix(s.rest(), "<?xml ") {
			m.latin1 = declaresLatin1(s.rest()[:end])
		}
		return end + 1, "", false
	case c == '/':
		if len(rest) < 3 || !isLetter(rest[2]) {
			return 0, "", false
		}
		end := s.index(2, ">")
		if end < 0 {
			return 0, "", false
		}
		return end + 1, "", true
	case !isLetter(c):
		return 0, "", false
	}
	name, attrs, n, selfClosing, ok := m.startTag()
	if !ok {
		if !s.atEnd() && len(s.rest()) >= s.e.maxToken {
			s.warn(s.pos, "tag longer than the token limit; read as text")
		}
		return 0, "", false
	}
	if m.elements != nil {
		m.startElement(name, attrs, selfClosing)
	}
	m.tagAttributes(name, attrs)
	if m.mode == markupXML || selfClosing {
		return n, name, false
	}
	switch name {
	case "script", "style":
		end := m.closeTag(n, name)
		if end < 0 {
			return n, name, false
		}
		r := roleText
		if name == "style" {
			r = roleCSS
		} else if typ := attrValue(s.rest()[:n], attrs, "type"); strings.Contains(strings.ToLower(typ), "json") {
			r = roleJSON
		}
		s.value(s.pos+n, s.pos+end, rawLayer{}, r, place{ctx: ContextText, where: name})
		return end, "", false
	}
	return n, name, false
}

// closeTag finds "</name" (any case) at or after from; -1 when absent.
func (m *markupScanner) closeTag(from int, name string) int {
	s := m.s
	for {
		i := s.index(from, "</")
		if i < 0 {
			return -1
		}
		for len(s.rest()) < i+2+len(name) && s.more() {
		}
		rest := s.rest()
		if i+2+len(name) <= len(rest) && equalFold(rest[i+2:i+2+len(name)], name) {
			return i
		}
		from = i + 2
	}
}

// startTag parses the start tag at pos, reading more as needed.
func (m *markupScanner) startTag() (name string, attrs []attr, n int, selfClosing, ok bool) {
	s := m.s
	for {
		name, attrs, n, selfClosing, complete := parseStartTag(s.rest(), m.attrs[:0], &m.names)
		m.attrs = attrs
		if complete {
			return name, attrs, n, selfClosing, n > 0 && s.fits(n)
		}
		if !s.more() {
			return "", nil, 0, false, false
		}
	}
}

// parseStartTag parses "<name attr=value ...>" at the start of b. complete
// is false when b ends inside the tag; n is 0 for what is not a tag (such as
// an autolink "<https://...>").
func parseStartTag(b []byte, attrs []attr, names *nameCache) (name string, _ []attr, n int, selfClosing, complete bool) {
	i := 1
	for i < len(b) && !isSpace(b[i]) && b[i] != '>' && b[i] != '/' {
		i++
	}
	if i >= len(b) {
		return "", nil, 0, false, false
	}
	if b[i-1] == ':' && i+1 < len(b) && b[i] == '/' && b[i+1] == '/' {
		return "", nil, 0, false, true // an autolink: <https://...>
	}
	for _, c := range b[1:i] {
		if c == '<' || c == '"' || c == '\'' || c == '=' {
			return "", nil, 0, false, true // not a tag name
		}
	}
	name = names.lower(b[1:i])
	for {
		for i < len(b) && isSpace(b[i]) {
			i++
		}
		if i >= len(b) {
			return "", nil, 0, false, false
		}
		switch b[i] {
		case '>':
			return name, attrs, i + 1, false, true
		case '/':
			if i+1 >= len(b) {
				return "", nil, 0, false, false
			}
			if b[i+1] == '>' {
				return name, attrs, i + 2, true, true
			}
			i++
			continue
		case '<':
			return "", nil, 0, false, true
		}
		a := i
		for i < len(b) && !isSpace(b[i]) && b[i] != '=' && b[i] != '>' && b[i] != '/' && b[i] != '<' {
			i++
		}
		at := attr{name: names.lower(b[a:i])}
		j := i
		for j < len(b) && isSpace(b[j]) {
			j++
		}
		if j >= len(b) {
			return "", nil, 0, false, false
		}
		if b[j] != '=' {
			attrs = append(attrs, at)
			continue
		}
		j++
		for j < len(b) && isSpace(b[j]) {
			j++
		}
		if j >= len(b) {
			return "", nil, 0, false, false
		}
		at.hasValue = true
		if q := b[j]; q == '"' || q == '\'' {
			k := bytes.IndexByte(b[j+1:], q)
			if k < 0 {
				return "", nil, 0, false, false
			}
			at.quote, at.start, at.end = q, j+1, j+1+k
			i = j + 2 + k
		} else {
			k := j
			for k < len(b) && !isSpace(b[k]) && b[k] != '>' {
				k++
			}
			if k >= len(b) {
				return "", nil, 0, false, false
			}
			at.start, at.end = j, k
			i = k
		}
		attrs = append(attrs, at)
	}
}

// attrValue is the raw value of the named attribute, "" when absent.
func attrValue(tag []byte, attrs []attr, name string) string {
	for _, a := range attrs {
		if a.name == name && a.hasValue {
			return string(tag[a.start:a.end])
		}
	}
	return ""
}

// mediaMeta are <meta> names and properties whose content is media.
var mediaMeta = map[string]bool{
	"og:image": true, "og:image:url": true, "og:image:secure_url": true, "og:video": true,
	"og:video:url": true, "og:video:secure_url": true, "og:audio": true, "og:audio:url": true,
	"og:audio:secure_url": true, "twitter:image": true, "twitter:image:src": true,
	"twitter:player:stream": true, "msapplication-tileimage": true, "thumbnail": true,
}

// linkAttrs hold one URL in any element.
var linkAttrs = map[string]bool{
	"href": true, "src": true, "action": true, "cite": true, "longdesc": true, "formaction": true,
	"manifest": true, "icon": true, "codebase": true, "usemap": true, "profile": true,
	"xlink:href": true, "background": true, "data": true, "lowsrc": true, "dynsrc": true, "itemid": false,
}

// tagAttributes finds the URLs in a start tag's attribute values.
func (m *markupScanner) tagAttributes(tag string, attrs []attr) {
	s, mode := m.s, m.mode
	t := s.rest()
	isMediaMeta := tag == "meta" &&
		(mediaMeta[strings.ToLower(attrValue(t, attrs, "property"))] || mediaMeta[strings.ToLower(attrValue(t, attrs, "name"))] ||
			mediaMeta[strings.ToLower(attrValue(t, attrs, "itemprop"))])
	for _, a := range attrs {
		if !a.hasValue || a.start == a.end {
			continue
		}
		lay := entityLayer{quote: a.quote}
		start, end := s.pos+a.start, s.pos+a.end
		switch {
		case strings.HasSuffix(a.name, "srcset"):
			s.value(start, end, lay, roleSrcset, place{ContextSrcset, tag, a.name})
		case a.name == "style":
			s.value(start, end, lay, roleCSS, place{ContextCSS, tag, a.name})
		case a.name == "content" && tag == "meta":
			if isMediaMeta {
				s.value(start, end, lay, roleURL, place{ContextOGImage, tag, a.name})
			} else {
				s.value(start, end, lay, roleAbsolute, place{ContextText, tag, a.name})
			}
		case a.name == "poster":
			s.value(start, end, lay, roleURL, place{ContextPoster, tag, a.name})
		case a.name == "src" || (strings.HasPrefix(a.name, "data-") && strings.HasSuffix(a.name, "src")):
			ctx := ContextLink
			switch tag {
			case "img", "input", "image":
				ctx = ContextImage
			case "source", "video", "audio", "track", "embed":
				ctx = ContextSource
			}
			if a.name != "src" && ctx == ContextLink {
				ctx = ContextData
			}
			s.value(start, end, lay, roleURL, place{ctx, tag, a.name})
		case a.name == "url" && mode == markupXML:
			ctx := ContextURLElement
			if tag == "enclosure" || strings.HasPrefix(tag, "media:") {
				ctx = ContextEnclosure
			}
			s.value(start, end, lay, roleURL, place{ctx, tag, a.name})
		case linkAttrs[a.name]:
			s.value(start, end, lay, roleURL, place{ContextLink, tag, a.name})
		case strings.HasPrefix(a.name, "data-") && looksLikeURLList(s.buf[start:end]):
			s.value(start, end, lay, roleSrcset, place{ContextData, tag, a.name})
		default:
			s.value(start, end, lay, roleAbsolute, place{ContextText, tag, a.name})
		}
	}
	if tag == "base" && mode != markupXML && !s.nested {
		if href := attrValue(t, attrs, "href"); href != "" {
			text, _ := entityLayer{}.decode([]byte(href))
			if u, err := url.Parse(strings.TrimSpace(string(text))); err == nil {
				if s.e.base != nil {
					u = s.e.base.ResolveReference(u)
				}
				if u.IsAbs() {
					s.e.base = u
				}
			}
		}
	}
}

// commonNames interns the tag and attribute names most markup uses, so
// reading them allocates nothing.
var commonNames = func() map[string]string {
	m := map[string]string{}
	for _, n := range strings.Fields(`a img src srcset sizes alt title class id style width height href rel type
		p div span figure figcaption source picture video audio poster meta content property name link script
		loading decoding data-src data-srcset data-id target li ul ol h1 h2 h3 h4 h5 h6 br hr table tr td th
		tbody thead iframe input form button label section article header footer nav main aside em strong b i
		item title guid description pubdate dc:creator content:encoded excerpt:encoded wp:post_id
		wp:post_type wp:attachment_url wp:meta_key wp:meta_value wp:postmeta wp:post_name wp:status
		wp:post_parent category url loc lastmod image:image image:loc enclosure media:content`) {
		m[n] = n
	}
	return m
}()

// nameCache is a direct-mapped cache of common names in front of
// commonNames: most names repeat, and comparing a few bytes is cheaper than
// hashing them. Each markup scanner has its own.
type nameCache [256]string

// lower is b lower-cased (ASCII), interned when common. XML names are
// case-sensitive, but the names that decide anything here are lower case.
func (c *nameCache) lower(b []byte) string {
	var buf [48]byte
	if len(b) > len(buf) {
		return strings.ToLower(string(b))
	}
	l := buf[:len(b)]
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		l[i] = c
	}
	// A direct-mapped cache in front of the map: most names repeat, and
	// comparing a few bytes is cheaper than hashing them.
	if len(l) == 0 {
		return ""
	}
	slot := &c[(len(l)*31+int(l[0])*7+int(l[len(l)-1]))&(len(c)-1)]
	if *slot == string(l) {
		return *slot
	}
	if n, ok := commonNames[string(l)]; ok {
		*slot = n
		return n
	}
	return string(l)
}

// entityLayer is HTML/XML character references. quote is the attribute's
// quote ('"', '\”, or 0 for text and unquoted values).
type entityLayer struct {
	quote byte
}

func (entityLayer) decode(raw []byte) ([]byte, []int32) {
	if bytes.IndexByte(raw, '&') < 0 {
		return raw, nil
	}
	text := make([]byte, 0, len(raw))
	offs := make([]int32, 0, len(raw)+1)
	for i := 0; i < len(raw); {
		if raw[i] == '&' {
			if n, dec := entityAt(raw[i:]); n > 0 {
				for range len(dec) {
					offs = append(offs, int32(i))
				}
				text = append(text, dec...)
				i += n
				continue
			}
		}
		text = append(text, raw[i])
		offs = append(offs, int32(i))
		i++
	}
	return text, append(offs, int32(len(raw)))
}

// entityAt decodes the character reference that b starts with; n is 0 when
// b does not start with one. Only references ended by ';' are decoded, so a
// bare '&' in a URL's query stays as it is.
func entityAt(b []byte) (n int, dec string) {
	end := bytes.IndexByte(b[:min(len(b), 40)], ';')
	if end < 2 {
		return 0, ""
	}
	// &name; &#123; &#x1F; only: anything else between '&' and ';' is
	// text with a bare '&' in it.
	name := b[1:end]
	if name[0] == '#' {
		name = name[1:]
		hex := len(name) > 0 && (name[0] == 'x' || name[0] == 'X')
		if hex {
			name = name[1:]
		}
		if len(name) == 0 {
			return 0, ""
		}
		for _, c := range name {
			if !('0' <= c && c <= '9' || hex && isHex(c)) {
				return 0, ""
			}
		}
	} else {
		for _, c := range name {
			if !isAlnum(c) {
				return 0, ""
			}
		}
	}
	ref := string(b[:end+1])
	dec = html.UnescapeString(ref)
	if dec == ref {
		return 0, ""
	}
	return end + 1, dec
}

// The bytes an entity-escaped value escapes: in text and unquoted values,
// in double-quoted and in single-quoted attributes.
var (
	entityText   = newByteSet(`&<>"`)
	entityDouble = newByteSet(`&<"`)
	entitySingle = newByteSet(`&<'`)
)

func (l entityLayer) encode(s string) string {
	need := entityText
	switch l.quote {
	case '"':
		need = entityDouble
	case '\'':
		need = entitySingle
	}
	return escapeWith(s, need, func(dst []byte, c byte) []byte {
		switch c {
		case '&':
			return append(dst, "&amp;"...)
		case '<':
			return append(dst, "&lt;"...)
		case '>':
			return append(dst, "&gt;"...)
		case '"':
			return append(dst, "&quot;"...)
		}
		return append(dst, "&#39;"...)
	})
}
