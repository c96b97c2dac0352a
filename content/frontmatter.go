package content

import (
	"bytes"
	"strings"
)

// frontMatterFormat is Markdown with YAML front matter, as Hugo and Jekyll
// write a post: a block between "---" lines at the top of the file. A value
// under a key that names an image or a URL (image, cover, thumbnail,
// images, *_image, url...; see urlKey), also nested (cover: image:) or in a
// list, is a place where a URL is expected: an absolute or root-relative
// URL there is found. Other values are text, searched for absolute URLs.
// The body after the block is Markdown.
var frontMatterFormat = formatDef{
	name:   "markdown+yaml",
	family: "markdown",
	sniff: func(body []byte) int {
		first, rest, ok := bytes.Cut(body, []byte("\n"))
		if !ok || string(bytes.TrimRight(first, " \t\r")) != "---" {
			return 0
		}
		// The next line is a key: "title: ..." (or a comment).
		line, _, _ := bytes.Cut(rest, []byte("\n"))
		if _, _, _, ok := yamlKeyAt(line, 0); ok || bytes.HasPrefix(line, []byte("#")) {
			return sniffSure
		}
		return 0
	},
	scan: scanFrontMatter,
}

// yamlKey is a mapping key whose value is being read, and its indentation.
type yamlKey struct {
	indent int
	name   string
}

// scanFrontMatter reads the front matter line by line, then the rest as
// Markdown.
func scanFrontMatter(s *stream) {
	var keys []yamlKey // the keys enclosing the current line
	block := -1        // inside a block scalar (| or >): its key's indentation
	for first := true; s.e.err == nil; first = false {
		n, done := s.textRun("\n")
		if done {
			return
		}
		line := s.rest()[:n]
		trimmed := bytes.TrimRight(line, " \t\r")
		switch {
		case first:
			// The opening "---" (the sniff saw it; a file named .md that
			// does not open with it has no front matter to read).
			if string(bytes.TrimPrefix(trimmed, utf8BOM)) != "---" {
				scanMarkdown(s)
				return
			}
		case string(trimmed) == "---" || string(trimmed) == "...":
			nextLine(s, n)
			scanMarkdown(s)
			return
		default:
			keys, block = yamlLine(s, line, keys, block)
		}
		nextLine(s, n)
	}
}

// nextLine moves past a line of n bytes and its line break.
func nextLine(s *stream, n int) {
	s.pos += n
	if rest := s.rest(); len(rest) > 0 && rest[0] == '\n' {
		s.pos++
	}
}

// yamlLine finds the URLs of one line of front matter at pos, and returns
// the keys enclosing the next line.
func yamlLine(s *stream, line []byte, keys []yamlKey, block int) ([]yamlKey, int) {
	indent := 0
	for indent < len(line) && line[indent] == ' ' {
		indent++
	}
	body := bytes.TrimRight(line[indent:], " \t\r")
	if block >= 0 {
		if len(body) == 0 || indent > block {
			s.value(s.pos, s.pos+len(line), rawLayer{}, roleText, place{ctx: ContextText, where: yamlWhere(keys)})
			return keys, block
		}
		block = -1
	}
	if len(body) == 0 || body[0] == '#' {
		return keys, block
	}
	// List markers count as indentation for what follows them.
	i := indent
	for i+1 < len(line) && line[i] == '-' && (line[i+1] == ' ' || line[i+1] == '\t') {
		i += 2
		for i < len(line) && line[i] == ' ' {
			i++
		}
	}
	if i < len(line) && line[i] == '-' && len(bytes.TrimSpace(line[i+1:])) == 0 {
		return keys, block // "-" alone: the item's content follows
	}
	// Close the keys this line is not inside; a list may sit at its
	// key's own indentation ("images:" then "- a.jpg").
	item := i > indent
	for len(keys) > 0 && (keys[len(keys)-1].indent > indent || keys[len(keys)-1].indent == indent && !item) {
		keys = keys[:len(keys)-1]
	}
	start := i
	if keyStart, keyEnd, valueAt, ok := yamlKeyAt(line, i); ok {
		keys = append(keys, yamlKey{indent: i, name: string(unquoteYAMLKey(line[keyStart:keyEnd]))})
		start = valueAt
	}
	for start < len(line) && (line[start] == ' ' || line[start] == '\t') {
		start++
	}
	if start >= len(line) || line[start] == '#' || line[start] == '\r' {
		return keys, block
	}
	if c := line[start]; (c == '|' || c == '>') && len(bytes.TrimSpace(bytes.TrimLeft(line[start+1:], "+-0123456789"))) == 0 {
		return keys, indentOf(keys, indent)
	}
	yamlValue(s, line, start, keys)
	return keys, block
}

// indentOf is the indentation of the innermost key, or of the line.
func indentOf(keys []yamlKey, indent int) int {
	if len(keys) > 0 {
		return keys[len(keys)-1].indent
	}
	return indent
}

// yamlKeyAt reads "key:" at line[i]: a plain key ends at ':' followed by
// white space or the line's end; a quoted key at its quote.
func yamlKeyAt(line []byte, i int) (start, end, valueAt int, ok bool) {
	if i >= len(line) {
		return 0, 0, 0, false
	}
	if q := line[i]; q == '"' || q == '\'' {
		j := bytes.IndexByte(line[i+1:], q)
		if j < 0 {
			return 0, 0, 0, false
		}
		k := i + 1 + j + 1
		if k < len(line) && line[k] == ':' && (k+1 == len(line) || isSpace(line[k+1])) {
			return i, k, k + 1, true
		}
		return 0, 0, 0, false
	}
	for j := i; j < len(line); j++ {
		switch c := line[j]; {
		case c == ':' && (j+1 == len(line) || isSpace(line[j+1])):
			if j == i {
				return 0, 0, 0, false
			}
			return i, j, j + 1, true
		case c == '#' && j > i && isSpace(line[j-1]), c == '[' || c == '{' || c == '"' || c == '\'' || c == '|' || c == '>':
			if j == i || c == '#' {
				return 0, 0, 0, false
			}
		}
	}
	return 0, 0, 0, false
}

func unquoteYAMLKey(k []byte) []byte {
	if len(k) >= 2 && (k[0] == '"' || k[0] == '\'') {
		return k[1 : len(k)-1]
	}
	return k
}

// yamlWhere names the innermost key, for Ref.Where.
func yamlWhere(keys []yamlKey) string {
	if len(keys) == 0 {
		return ""
	}
	return keys[len(keys)-1].name
}

// yamlValue finds the URLs of the scalar, or flow sequence of scalars,
// starting at line[start] (line is at pos).
func yamlValue(s *stream, line []byte, start int, keys []yamlKey) {
	r, p := roleText, place{ctx: ContextText, where: yamlWhere(keys)}
	if ctx, ok := urlKey(p.where); ok {
		r, p.ctx = roleKeyURL, ctx
	}
	if line[start] == '[' {
		// A flow sequence on one line: [a, "b", 'c'].
		for i := start + 1; i < len(line); {
			for i < len(line) && (line[i] == ' ' || line[i] == ',') {
				i++
			}
			if i >= len(line) || line[i] == ']' {
				return
			}
			i = yamlScalar(s, line, i, ",]", r, p)
		}
		return
	}
	yamlScalar(s, line, start, "", r, p)
}

// yamlScalar finds the URLs of the scalar at line[i], which a byte of
// stops also ends when unquoted, and returns where it ends.
func yamlScalar(s *stream, line []byte, i int, stops string, r role, p place) int {
	switch q := line[i]; q {
	case '"':
		end := i + 1
		for end < len(line) && line[end] != '"' {
			if line[end] == '\\' {
				end++
			}
			end++
		}
		if end >= len(line) {
			end = len(line) // a string continued on the next line: this line's part
		}
		raw := line[i+1 : end]
		s.value(s.pos+i+1, s.pos+end, jsonLayer{slash: bytes.Contains(raw, escapedSlash)}, r, p)
		return end + 1
	case '\'':
		end := i + 1
		for end < len(line) && !(line[end] == '\'' && (end+1 >= len(line) || line[end+1] != '\'')) {
			if line[end] == '\'' {
				end++
			}
			end++
		}
		end = min(end, len(line))
		s.value(s.pos+i+1, s.pos+end, quoteLayer{'\''}, r, p)
		return end + 1
	}
	end := i
	for end < len(line) && bytes.IndexByte([]byte(stops), line[end]) < 0 && !(line[end] == '#' && end > i && isSpace(line[end-1])) {
		end++
	}
	a, b := trimSpace(line, i, end)
	edits := s.valueEdits(s.pos+a, s.pos+b, rawLayer{}, r, p)
	for _, ed := range edits {
		// A plain scalar cannot hold what would end it: ": " or " #",
		// or in a flow sequence ",[]{}" (a size variant's Wix URL has
		// commas). Then the scalar is single-quoted.
		if strings.Contains(ed.repl, ": ") || strings.Contains(ed.repl, " #") || stops != "" && strings.ContainsAny(ed.repl, ",[]{}") {
			edits = quoteEdits(s, s.pos+a, s.pos+b, edits, quoteLayer{'\''})
			break
		}
	}
	s.apply(edits)
	return end
}
