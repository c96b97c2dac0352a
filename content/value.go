package content

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strings"
)

// role says how URLs are found in a value.
type role int

const (
	roleText        role = iota // absolute and protocol-relative URLs anywhere; embedded HTML scanned as HTML
	roleURL                     // the whole value, trimmed, is one URL (relative resolved)
	roleSrcset                  // a srcset list: "url [descriptor], ..."
	roleCSS                     // CSS: url(...) and @import targets (relative resolved), absolute URLs elsewhere
	roleMarkdown                // Markdown text: link and image targets, reference definitions, absolute URLs
	roleAbsolute                // absolute URLs only, never scanned as HTML (a media column's list)
	roleJSON                    // embedded JSON (a JSON-LD script)
	roleKeyURL                  // under a key that names a URL (see urlKey): one absolute or root-relative URL, else absolute URLs in text
	roleMarkdownDoc             // a Markdown document (a Ghost card's markdown), scanned as Markdown
	roleString                  // a JSON string: as roleText, and a value that is one absolute URL of a media file is that URL, spaces and all
)

// place is where a value sits: its context and name for the Refs in it.
// The name is kept in two parts (a tag and its attribute) and joined only
// when a URL is found, so the values without one cost no allocation.
type place struct {
	ctx   Context
	where string
	attr  string // with where, names "tag attr"
}

// placeName is p's name, "tag attr" joined once per pair and kept.
func (e *engine) placeName(p place) string {
	if p.attr == "" {
		return p.where
	}
	key := [2]string{p.where, p.attr}
	if key == e.lastPlace {
		return e.lastName
	}
	if name, ok := e.placeNames[key]; ok {
		e.lastPlace, e.lastName = key, name
		return name
	}
	name := p.where + " " + p.attr
	if len(e.placeNames) < 1024 {
		if e.placeNames == nil {
			e.placeNames = map[[2]string]string{}
		}
		e.placeNames[key] = name
	}
	return name
}

// span is a URL found in a value's decoded text.
type span struct {
	start, end int
	ctx        Context
	resolve    bool // a URL is expected here: relative URLs are resolved
}

// value finds URLs in buf[start:end], a value escaped by lay, and applies
// the replacements.
func (s *stream) value(start, end int, lay layer, r role, p place) {
	s.apply(s.valueEdits(start, end, lay, r, p))
}

// valueEdits is value without applying: the edits in buf coordinates.
func (s *stream) valueEdits(start, end int, lay layer, r role, p place) []edit {
	if start >= end || s.e.err != nil {
		return nil
	}
	raw := s.buf[start:end]
	if !mayHoldURL(raw, r) {
		return nil
	}
	text, offs := lay.decode(raw)
	inner := s.inner[:0] // in text coordinates, replacement as text
	switch {
	case (r == roleText || r == roleString) && isJSONDocument(text):
		r = roleJSON // JSON in a string: Ghost's mobiledoc and lexical
		fallthrough
	case (r == roleText || r == roleString) && hasTag(text), r == roleJSON, r == roleMarkdownDoc:
		n := newNested(s, text, start, offs)
		switch r {
		case roleJSON:
			scanJSON(n)
		case roleMarkdownDoc:
			scanMarkdown(n)
		default:
			scanMarkup(n, markupHTML)
		}
		inner = append(inner, n.edits...)
		n.release()
	default:
		s.spans = findSpans(text, r, p.ctx, s.spans[:0])
		for _, sp := range s.spans {
			rawStart, rawEnd := rawAt(start, offs, sp.start), rawAt(start, offs, sp.end)
			ref := Ref{Raw: string(s.buf[rawStart:rawEnd]), Context: sp.ctx, Where: s.e.placeName(p)}
			ref.Text = ref.Raw
			if t := text[sp.start:sp.end]; string(t) != ref.Raw {
				ref.Text = string(t)
			}
			if repl, ok := s.ref(&ref, rawStart, sp.resolve); ok {
				inner = append(inner, edit{sp.start, sp.end, repl})
			}
		}
	}
	s.inner = inner
	if len(inner) == 0 {
		return nil
	}
	inner = fixSerializedLengths(text, inner)
	out := s.out[:0]
	for _, ed := range inner {
		out = append(out, edit{rawAt(start, offs, ed.start), rawAt(start, offs, ed.end), lay.encode(ed.repl)})
	}
	s.out = out
	return out
}

// rawAt maps offset i of a value's decoded text to the buffer: the value
// starts at start, and offs maps text to raw offsets (nil: the same).
func rawAt(start int, offs []int32, i int) int {
	if offs == nil {
		return start + i
	}
	return start + int(offs[i])
}

// ref completes a found URL's Ref (raw offset i in buf), reports it and
// asks for its replacement.
func (s *stream) ref(ref *Ref, i int, resolve bool) (string, bool) {
	ref.Escaped = ref.Raw != ref.Text
	abs, relative, ok := s.e.absolute(ref.Text, resolve)
	if !ok {
		return "", false
	}
	ref.URL, ref.Relative = abs, relative
	ref.Line = s.lineOf(s.rootPos(i))
	ref.Offset = s.offset(i)
	s.e.stats.Refs++
	if s.e.find != nil {
		if err := s.e.find(*ref); err != nil {
			s.e.err = err
		}
		return "", false
	}
	if s.e.replace == nil {
		return "", false
	}
	repl, ok := s.e.replace(*ref)
	if !ok || repl == ref.Text {
		return "", false
	}
	s.e.stats.Replaced++
	return repl, true
}

// absolute makes a found URL absolute. ok is false for what is not an
// http(s) URL (mailto:, data:, #fragment, an empty value), never one (a
// template's placeholder, a value still in escaping's quotes), or a
// relative URL where none is expected. A URL starting with Ghost's
// __GHOST_URL__ is on the site: at Options.SiteURL.
func (e *engine) absolute(u string, resolve bool) (abs string, relative, ok bool) {
	switch {
	case u == "" || u[0] == '#' || neverURL(u):
		return "", false, false
	case strings.HasPrefix(u, GhostURL):
		if e.site == nil {
			return "", true, true
		}
		return strings.TrimSuffix(e.site.String(), "/") + u[len(GhostURL):], true, true
	case strings.HasPrefix(u, "//"):
		scheme := "https"
		if e.base != nil {
			scheme = e.base.Scheme
		}
		return scheme + ":" + u, true, true
	}
	if scheme, ok := schemeOf(u); ok {
		if !strings.EqualFold(scheme, "http") && !strings.EqualFold(scheme, "https") {
			return "", false, false
		}
		return u, false, true
	}
	if !resolve {
		return "", false, false
	}
	if e.base == nil {
		return "", true, true
	}
	ref, err := url.Parse(u)
	if err != nil {
		return "", false, false
	}
	return e.base.ResolveReference(ref).String(), true, true
}

// GhostURL is how Ghost 4+ writes its site's own address in an export.
const GhostURL = "__GHOST_URL__"

// neverURL reports whether a value found where a URL may be is none: a
// template's placeholder ({{...}}, {%...%}, <%...%>, ${...}), or a value
// still wrapped in escape debris (\" or &quot;) after its escaping was
// decoded.
func neverURL(u string) bool {
	for _, open := range [...]string{"{{", "{%", "<%", "${"} {
		if strings.Contains(u, open) {
			return true
		}
	}
	for _, debris := range [...]string{`\"`, "&quot;", `\'`} {
		if strings.HasPrefix(u, debris) || strings.HasSuffix(u, debris) {
			return true
		}
	}
	return false
}

// schemeOf returns the scheme u starts with, if any.
func schemeOf(u string) (string, bool) {
	for i := 0; i < len(u); i++ {
		c := u[i]
		switch {
		case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
		case i > 0 && ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'):
		case c == ':' && i > 0:
			return u[:i], true
		default:
			return "", false
		}
	}
	return "", false
}

// mayHoldURL is a cheap test that lets most values skip decoding: text
// roles need a "//" (or a markup tag, or an escaped slash); roles where a
// URL is expected need something.
func mayHoldURL(raw []byte, r role) bool {
	switch r {
	case roleText, roleAbsolute, roleJSON, roleString:
		// Every absolute URL has "//", "\/" (JSON) or an escaped slash
		// ("&#47;", "&sol;"), and a Ghost URL "__GHOST_URL__/"; embedded
		// HTML starts with '<'.
		if bytes.IndexByte(raw, '/') >= 0 {
			if bytes.Contains(raw, slashSlash) || bytes.Contains(raw, escapedSlash) || bytes.Contains(raw, ghostURL) {
				return true
			}
		}
		if r != roleAbsolute && bytes.IndexByte(raw, '<') >= 0 {
			return true
		}
		if (r == roleText || r == roleString) && bytes.IndexByte(raw, '{') >= 0 {
			return true // a JSON document, whose URLs may be root-relative
		}
		return bytes.IndexByte(raw, '&') >= 0 && (bytes.Contains(raw, []byte("&#47;")) || bytes.Contains(raw, []byte("&sol;")))
	}
	return len(bytes.TrimSpace(raw)) > 0
}

var (
	schemeSep    = []byte("://")
	slashSlash   = []byte("//")
	escapedSlash = []byte(`\/`)
)

// isJSONDocument reports whether a value's text is a JSON object or array
// (a document stored in a string), so it is scanned as JSON.
func isJSONDocument(text []byte) bool {
	t := bytes.TrimSpace(text)
	return len(t) > 1 && (t[0] == '{' && t[len(t)-1] == '}' || t[0] == '[' && t[len(t)-1] == ']') && json.Valid(t)
}

// hasTag reports whether text holds an HTML tag, so it is scanned as HTML.
func hasTag(text []byte) bool {
	for i := 0; ; {
		j := bytes.IndexByte(text[i:], '<')
		if j < 0 {
			return false
		}
		i += j + 1
		if i < len(text) && isLetter(text[i]) && bytes.IndexByte(text[i:], '>') > 0 {
			return true
		}
	}
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// findSpans appends the URLs of a decoded value to spans.
func findSpans(text []byte, r role, ctx Context, spans []span) []span {
	switch r {
	case roleURL:
		a, b := trimSpace(text, 0, len(text))
		if a == b {
			return spans
		}
		return append(spans, span{a, b, ctx, true})
	case roleSrcset:
		return srcsetSpans(text, ctx, spans)
	case roleCSS:
		return append(spans, cssSpans(text)...)
	case roleMarkdown:
		return append(spans, markdownSpans(text)...)
	case roleString:
		// A file name with spaces, as exports store it ("café menu.png"):
		// the whole value, when it is one absolute URL of a media file on
		// one line. Prose with a URL in it ends in a word, not a media
		// file's extension; a list of URLs holds more than one "://".
		a, b := trimSpace(text, 0, len(text))
		if v := text[a:b]; bytes.IndexByte(v, ' ') > 0 && bytes.IndexAny(v, "\t\n\r\"<>") < 0 && bytes.Count(v, schemeSep) == 1 &&
			(hasPrefixFold(v, "https://") || hasPrefixFold(v, "http://")) && MediaKind(string(v)) != KindNone {
			return append(spans, span{a, b, ctx, false})
		}
	case roleKeyURL:
		// The whole value is the URL when it is one: absolute or
		// root-relative, with no white space. A stored path
		// ("2011/01/a.jpg") is not resolved.
		a, b := trimSpace(text, 0, len(text))
		if v := text[a:b]; len(v) > 1 && bytes.IndexAny(v, " \t\n") < 0 &&
			(v[0] == '/' || hasPrefixFold(v, "https://") || hasPrefixFold(v, "http://") || bytes.HasPrefix(v, ghostURL)) {
			return append(spans, span{a, b, ctx, true})
		}
	}
	return absoluteSpans(text, ctx, spans)
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }

func trimSpace(b []byte, a, e int) (int, int) {
	for a < e && isSpace(b[a]) {
		a++
	}
	for e > a && isSpace(b[e-1]) {
		e--
	}
	return a, e
}

// absoluteSpans finds http(s) and protocol-relative URLs in free text,
// appending to spans. A protocol-relative URL counts only after a boundary
// (start, space, quote, '(', '=', '>'), so "a//b" and "// comment" do not.
func absoluteSpans(text []byte, ctx Context, spans []span) []span {
	if bytes.Contains(text, ghostURL) {
		return ghostSpans(text, ctx, spans)
	}
	return plainSpans(text, 0, ctx, spans)
}

// plainSpans finds the http(s) and protocol-relative URLs of text, whose
// offsets are off in the value's text.
func plainSpans(text []byte, off int, ctx Context, spans []span) []span {
	for i := 0; ; {
		j := bytes.Index(text[i:], slashSlash)
		if j < 0 {
			return spans
		}
		j += i
		start := -1
		switch {
		case j >= 6 && equalFold(text[j-6:j], "https:"):
			start = j - 6
		case j >= 5 && equalFold(text[j-5:j], "http:"):
			start = j - 5
		case j == 0 || isBoundary(text[j-1]):
			start = j
		}
		if start < 0 || (start > 0 && isAlnum(text[start-1])) || j+2 >= len(text) || !isHostStart(text[j+2]) {
			i = j + 2
			continue
		}
		end := urlEnd(text, start, j+2)
		if start == j && !hasDottedHost(text[j+2:end]) {
			i = j + 2 // "//word" in a script is a comment, not a host
			continue
		}
		spans = append(spans, span{off + start, off + end, ctx, false})
		i = end
	}
}

var ghostURL = []byte(GhostURL)

// ghostSpans is absoluteSpans for text that also holds Ghost's
// __GHOST_URL__: the URLs starting with it, after a boundary, as well.
func ghostSpans(text []byte, ctx Context, spans []span) []span {
	covered := 0
	for i := 0; ; {
		j := bytes.Index(text[i:], ghostURL)
		if j < 0 {
			break
		}
		j += i
		i = j + len(ghostURL)
		if j > 0 && !isBoundary(text[j-1]) && text[j-1] != ']' {
			continue
		}
		spans = plainSpans(text[covered:j], covered, ctx, spans)
		end := urlEnd(text, j, i)
		spans = append(spans, span{j, end, ctx, true})
		covered = end
		i = end
	}
	return plainSpans(text[covered:], covered, ctx, spans)
}

// hasDottedHost reports whether a URL's authority (what follows "//")
// names a host with a dot, an IPv6 address or a port.
func hasDottedHost(b []byte) bool {
	for _, c := range b {
		switch c {
		case '.', '[', ':':
			return true
		case '/', '?', '#':
			return false
		}
	}
	return false
}

func equalFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range len(b) {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != s[i] {
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool { return isLetter(c) || '0' <= c && c <= '9' }

func isBoundary(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\r', '"', '\'', '(', '=', '>', ',', '[', '`':
		return true
	}
	return false
}

func isHostStart(c byte) bool { return isAlnum(c) || c == '[' || c >= 0x80 }

// urlEnd returns where a URL starting before i ends in free text, by the
// rules linkifiers follow: at white space, a quote, '<', '>', a backslash
// or another byte URLs do not hold; at a ')' or ']' that closes nothing
// opened inside the URL (Markdown's "[![a](URL)](link)"), while
// https://x/a_(1).jpg keeps its ')'; and trailing punctuation is not part
// of it.
func urlEnd(text []byte, start, i int) int {
	parens, brackets := 0, 0
loop:
	for ; i < len(text) && isURLByte(text[i]); i++ {
		switch text[i] {
		case '&':
			if hasPrefix(text[i:], "&quot;") || hasPrefix(text[i:], "&lt;") || hasPrefix(text[i:], "&gt;") || hasPrefix(text[i:], "&#39;") {
				break loop
			}
		case '(':
			parens++
		case '[':
			brackets++
		case ')':
			if parens == 0 {
				break loop
			}
			parens--
		case ']':
			if brackets == 0 {
				break loop
			}
			brackets--
		}
	}
	if i < len(text) && text[i] == '{' && text[i-1] == '$' {
		i-- // a template's ${...}
	}
	return trimURLTail(text, start, i)
}

func hasPrefix(b []byte, s string) bool { return len(b) >= len(s) && string(b[:len(s)]) == s }

func isURLByte(c byte) bool {
	switch c {
	case '"', '\'', '<', '>', '`', '\\', '{', '}', '|', '^', 0x7f:
		return false
	}
	return c > ' '
}

// trimURLTail drops sentence punctuation and unbalanced brackets from the
// end of text[start:end], where a URL in prose stops.
func trimURLTail(text []byte, start, end int) int {
	for end > start {
		switch c := text[end-1]; c {
		case '.', ',', ';', ':', '!', '?', '*':
			end--
			continue
		case ')', ']':
			open := byte('(')
			if c == ']' {
				open = '['
			}
			if bytes.Count(text[start:end], []byte{open}) < bytes.Count(text[start:end], []byte{c}) {
				end--
				continue
			}
		}
		return end
	}
	return end
}
