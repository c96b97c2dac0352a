package content

import (
	"bytes"
)

// srcsetSpans splits a srcset list into its candidates' URLs, as the HTML
// standard parses it: a URL runs to white space; a URL ending in ',' has no
// descriptor; descriptors run to the next ',' outside parentheses.
func srcsetSpans(text []byte, ctx Context, spans []span) []span {
	i := 0
	for i < len(text) {
		for i < len(text) && (isSpace(text[i]) || text[i] == ',') {
			i++
		}
		start := i
		for i < len(text) && !isSpace(text[i]) {
			i++
		}
		end := i
		if end > start && text[end-1] == ',' {
			for end > start && text[end-1] == ',' {
				end--
			}
		} else {
			depth := 0
			for i < len(text) && (text[i] != ',' || depth > 0) {
				switch text[i] {
				case '(':
					depth++
				case ')':
					depth--
				}
				i++
			}
		}
		if end > start {
			spans = append(spans, span{start, end, ctx, true})
		}
	}
	return spans
}

// looksLikeURLList reports whether a data-* value is a URL or a srcset-like
// list of URLs rather than prose or JSON.
func looksLikeURLList(text []byte) bool {
	t := bytes.TrimSpace(text)
	if len(t) == 0 || t[0] == '{' || t[0] == '[' {
		return false
	}
	for _, sp := range srcsetSpans(t, "", nil) {
		u := t[sp.start:sp.end]
		if bytes.IndexByte(u, '/') < 0 && bytes.IndexByte(u, '.') < 0 {
			return false
		}
	}
	// Descriptors are short ("300w", "2x"); prose has long runs between commas.
	for _, part := range bytes.Split(t, []byte{','}) {
		if len(bytes.Fields(part)) > 2 {
			return false
		}
	}
	return true
}

// cssSpans finds url(...) and @import targets (resolved), and absolute URLs
// outside them (in comments, custom properties).
func cssSpans(text []byte) []span {
	var spans []span
	covered := 0
	for i := 0; i < len(text); {
		j := indexFold(text[i:], "url(")
		k := indexFold(text[i:], "@import")
		if j < 0 && k < 0 {
			break
		}
		if j < 0 || (k >= 0 && k < j) {
			// @import "x" or @import url(x): the url( form is found next round.
			p := i + k + len("@import")
			for p < len(text) && isSpace(text[p]) {
				p++
			}
			if p < len(text) && (text[p] == '"' || text[p] == '\'') {
				q := indexBeforeNewline(text[p+1:], text[p])
				if q >= 0 {
					spans = appendAbsoluteBetween(spans, text, covered, p)
					spans = append(spans, span{p + 1, p + 1 + q, ContextCSS, true})
					covered = p + 2 + q
					i = covered
					continue
				}
			}
			i = p
			continue
		}
		p := i + j + len("url(")
		if i+j > 0 && (isAlnum(text[i+j-1]) || text[i+j-1] == '-') { // e.g. "myurl("
			i = p
			continue
		}
		for p < len(text) && isSpace(text[p]) {
			p++
		}
		// A url() token ends on its line: a quoted one at its quote, an
		// unquoted one at ')' with no white space, quote or '(' inside
		// (CSS's own rules), so what it covers never depends on text far
		// away.
		var a, b int
		if p < len(text) && (text[p] == '"' || text[p] == '\'') {
			q := indexBeforeNewline(text[p+1:], text[p])
			if q < 0 {
				i = p
				continue
			}
			a, b = p+1, p+1+q
		} else {
			q := p
			for q < len(text) && text[q] != ')' && !isSpace(text[q]) && text[q] != '"' && text[q] != '\'' && text[q] != '(' {
				q++
			}
			e := q
			for e < len(text) && isSpace(text[e]) && text[e] != '\n' {
				e++
			}
			if e >= len(text) || text[e] != ')' {
				i = p
				continue
			}
			a, b = p, q
		}
		spans = appendAbsoluteBetween(spans, text, covered, i+j)
		if a < b {
			spans = append(spans, span{a, b, ContextCSS, true})
		}
		covered = b
		i = b
	}
	return appendAbsoluteBetween(spans, text, covered, len(text))
}

// appendAbsoluteBetween adds the absolute URLs of text[a:b].
func appendAbsoluteBetween(spans []span, text []byte, a, b int) []span {
	if a >= b {
		return spans
	}
	n := len(spans)
	spans = absoluteSpans(text[a:b], ContextText, spans)
	for i := n; i < len(spans); i++ {
		spans[i].start += a
		spans[i].end += a
	}
	return spans
}

// indexFold is bytes.Index for a lower-case ASCII sep, ignoring case.
func indexFold(b []byte, sep string) int {
	first, upper := sep[0], sep[0]
	if 'a' <= first && first <= 'z' {
		upper = first - 'a' + 'A'
	}
	for i := 0; i+len(sep) <= len(b); i++ {
		j := bytes.IndexByte(b[i:], first)
		if upper != first {
			if k := bytes.IndexByte(b[i:], upper); k >= 0 && (j < 0 || k < j) {
				j = k
			}
		}
		if j < 0 {
			return -1
		}
		i += j
		if i+len(sep) <= len(b) && equalFold(b[i:i+len(sep)], sep) {
			return i
		}
	}
	return -1
}

// markdownSpans finds Markdown link and image targets ("](target)",
// reference definitions "[id]: target"), resolved, and absolute URLs
// elsewhere (autolinks, bare URLs).
func markdownSpans(text []byte) []span {
	var targets []span
	// Inline links and images: ](target "title").
	for i := 0; ; {
		j := bytes.Index(text[i:], []byte("]("))
		if j < 0 {
			break
		}
		j += i
		ctx := ContextLink
		if open := openingBracket(text, j); open > 0 && text[open-1] == '!' {
			ctx = ContextImage
		}
		a := j + 2
		for a < len(text) && (text[a] == ' ' || text[a] == '\t') {
			a++
		}
		b := a
		if a < len(text) && text[a] == '<' {
			a++
			b = a
			for b < len(text) && text[b] != '>' && text[b] != '\n' {
				b++
			}
		} else {
			depth := 0
			for b < len(text) && !isSpace(text[b]) {
				if text[b] == '(' {
					depth++
				} else if text[b] == ')' {
					if depth == 0 {
						break
					}
					depth--
				}
				b++
			}
		}
		if b > a {
			targets = append(targets, span{a, b, ctx, true})
		}
		i = max(b, j+2)
	}
	// Reference definitions, at a line's start: [id]: target
	for line := 0; line < len(text); {
		end := bytes.IndexByte(text[line:], '\n')
		if end < 0 {
			end = len(text)
		} else {
			end += line
		}
		if a, b, ok := referenceDefinition(text, line, end); ok {
			targets = append(targets, span{a, b, ContextLink, true})
		}
		line = end + 1
	}
	sortSpans(targets)
	var spans []span
	covered := 0
	for _, t := range targets {
		if t.start < covered {
			continue
		}
		spans = appendAbsoluteBetween(spans, text, covered, t.start)
		spans = append(spans, t)
		covered = t.end
	}
	return appendAbsoluteBetween(spans, text, covered, len(text))
}

// openingBracket is the index of the '[' that the ']' at close closes
// ("[![alt](img)](link)": the link's, not the image's), or -1.
func openingBracket(text []byte, close int) int {
	depth := 0
	for k := close - 1; k >= 0; k-- {
		switch text[k] {
		case ']':
			depth++
		case '[':
			if depth == 0 {
				return k
			}
			depth--
		case '\n':
			if k > 0 && text[k-1] == '\n' {
				return -1 // a paragraph's end: no link spans it
			}
		}
	}
	return -1
}

// referenceDefinition finds the target of "[id]: target" on text[line:end].
func referenceDefinition(text []byte, line, end int) (int, int, bool) {
	i := line
	for i < end && i-line < 3 && text[i] == ' ' {
		i++
	}
	if i >= end || text[i] != '[' {
		return 0, 0, false
	}
	close := bytes.Index(text[i:end], []byte("]:"))
	if close < 0 {
		return 0, 0, false
	}
	a := i + close + 2
	for a < end && (text[a] == ' ' || text[a] == '\t') {
		a++
	}
	if a < end && text[a] == '<' {
		a++
	}
	b := a
	for b < end && !isSpace(text[b]) && text[b] != '>' {
		b++
	}
	return a, b, b > a
}

func sortSpans(spans []span) {
	for i := 1; i < len(spans); i++ {
		for j := i; j > 0 && spans[j].start < spans[j-1].start; j-- {
			spans[j], spans[j-1] = spans[j-1], spans[j]
		}
	}
}

// indexBeforeNewline is bytes.IndexByte(b, c) when c comes before any line
// break, else -1: a CSS string does not span lines.
func indexBeforeNewline(b []byte, c byte) int {
	for i, x := range b {
		switch x {
		case c:
			return i
		case '\n', '\r':
			return -1
		}
	}
	return -1
}
