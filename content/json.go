package content

import (
	"bytes"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// jsonFormat is one JSON value; jsonLinesFormat is one per line. String
// values are values, in JSON's escaping; object keys name their places.
var (
	jsonFormat = formatDef{
		name:       "json",
		extensions: []string{".json"},
		sniff:      sniffJSON,
		accepts:    startsLikeJSON,
		family:     "json",
		scan:       scanJSON,
	}
	jsonLinesFormat = formatDef{
		name:       "jsonl",
		extensions: []string{".jsonl", ".ndjson"},
		sniff: func(body []byte) int {
			if !startsLikeJSON(body) {
				return 0
			}
			// One value per line is JSON Lines; a value spanning lines is JSON.
			if nl := bytes.IndexByte(body, '\n'); nl > 0 {
				first := bytes.TrimRight(body[:nl], " \t\r")
				rest := bytes.TrimLeft(body[nl:], " \t\r\n")
				if len(first) > 1 && (first[len(first)-1] == '}' || first[len(first)-1] == ']') &&
					len(rest) > 0 && rest[0] == '{' {
					return sniffLikely
				}
			}
			return sniffPossible
		},
		accepts: startsLikeJSON,
		family:  "json",
		scan:    scanJSON,
	}
)

func startsLikeJSON(body []byte) bool {
	return len(body) > 0 && (body[0] == '{' || body[0] == '[')
}

func sniffJSON(body []byte) int {
	if startsLikeJSON(body) {
		return sniffPossible
	}
	return 0
}

// scanJSON reads JSON or JSON Lines. String values are values (keys are
// left alone, and name the place of the value after them); everything
// between strings is only checked for being JSON, so a file that is not
// is read as text from the first byte that cannot be JSON, with a warning.
func scanJSON(s *stream) {
	var st jsonState
	for s.e.err == nil {
		rest := s.rest()
		q := bytes.IndexByte(rest, '"')
		if q < 0 {
			if bad := st.between(rest); bad >= 0 {
				s.pos += bad
				jsonFailed(s)
				return
			}
			s.pos = len(s.buf)
			if !s.more() {
				if len(st.keys) > 0 && !s.nested {
					s.warn(s.pos, "the file ends inside a JSON object or array (truncated?)")
				}
				return
			}
			continue
		}
		if bad := st.between(rest[:q]); bad >= 0 {
			s.pos += bad
			jsonFailed(s)
			return
		}
		end := jsonStringEnd(s, q+1)
		if end < 0 {
			s.pos += q
			s.warn(s.pos, "JSON string never closed; read as text")
			scanText(s, roleText)
			return
		}
		// A key is followed by ':'.
		after := end + 1
		for {
			rest = s.rest()
			for after < len(rest) && isSpace(rest[after]) {
				after++
			}
			if after < len(rest) || !s.more() {
				break
			}
		}
		rest = s.rest()
		if after < len(rest) && rest[after] == ':' {
			st.key = string(rest[q+1 : end])
		} else {
			raw := rest[q+1 : end]
			r, p := jsonRole(st.key)
			s.value(s.pos+q+1, s.pos+end, jsonLayer{slash: bytes.Contains(raw, escapedSlash)}, r, p)
		}
		s.pos += end + 1
	}
}

// jsonRole is how a string value under key is read: a URL where the key
// names one (src, image, *_url...: see urlKey), Markdown under "markdown"
// (a Ghost card), text otherwise (HTML in it read as HTML, JSON in it as
// JSON).
func jsonRole(key string) (role, place) {
	if ctx, ok := urlKey(key); ok {
		return roleKeyURL, place{ctx: ctx, where: key}
	}
	if key == "markdown" {
		return roleMarkdownDoc, place{ctx: ContextText, where: key}
	}
	return roleString, place{ctx: ContextText, where: key}
}

// jsonState is where a JSON scanner is: the key of the value being read,
// and the keys of the objects and arrays open around it (an array's values
// are under the key that holds the array).
type jsonState struct {
	key  string
	keys []string
}

// between takes the bytes between two strings: it returns the index of
// the first that cannot be JSON, or -1, and follows the objects and arrays
// opened and closed (a close with none open cannot be JSON).
func (st *jsonState) between(b []byte) int {
	for i, c := range b {
		switch {
		case c == '{', c == '[':
			st.keys = append(st.keys, st.key)
		case c == '}', c == ']':
			if len(st.keys) == 0 {
				return i
			}
			st.key = st.keys[len(st.keys)-1]
			st.keys = st.keys[:len(st.keys)-1]
		case isSpace(c), c == ',', c == ':',
			'0' <= c && c <= '9', c == '-', c == '+', c == '.', c == 'e', c == 'E':
		case c == 't' || c == 'r' || c == 'u' || c == 'f' || c == 'a' || c == 'l' || c == 's' || c == 'n':
		case i == 0 && c == 0xEF, c == 0xBB, c == 0xBF: // a byte order mark
		default:
			return i
		}
	}
	return -1
}

// jsonStringEnd finds the closing quote of a string whose content starts at
// from (relative to pos); -1 when the input ends first.
func jsonStringEnd(s *stream, from int) int {
	for {
		rest := s.rest()
		i := from
		for i < len(rest) {
			j := bytes.IndexAny(rest[i:], "\"\\")
			if j < 0 {
				i = len(rest)
				break
			}
			i += j
			if rest[i] == '"' {
				if !s.fits(i + 1) {
					return -1
				}
				return i
			}
			i += 2 // skip the escaped byte
		}
		if !s.more() {
			return -1
		}
	}
}

// jsonFailed warns and reads the rest as text.
func jsonFailed(s *stream) {
	s.warn(s.pos, "not valid JSON from here; read as text")
	scanText(s, roleText)
}

// jsonLayer is a JSON string's escapes. slash is set when the string wrote
// '/' as "\/", which a replacement then does too.
type jsonLayer struct {
	slash bool
}

func (jsonLayer) decode(raw []byte) ([]byte, []int32) {
	if bytes.IndexByte(raw, '\\') < 0 {
		return raw, nil
	}
	text := make([]byte, 0, len(raw))
	offs := make([]int32, 0, len(raw)+1)
	for i := 0; i < len(raw); {
		c := raw[i]
		if c != '\\' || i+1 >= len(raw) {
			text = append(text, c)
			offs = append(offs, int32(i))
			i++
			continue
		}
		n, r := 2, rune(-1)
		switch raw[i+1] {
		case '"', '\\', '/':
			r = rune(raw[i+1])
		case 'b':
			r = '\b'
		case 'f':
			r = '\f'
		case 'n':
			r = '\n'
		case 'r':
			r = '\r'
		case 't':
			r = '\t'
		case 'u':
			if u, ok := hex4(raw[i+2:]); ok {
				n, r = 6, rune(u)
				if utf16.IsSurrogate(r) {
					if lo, ok := hex4(raw[i+8:]); ok && i+7 < len(raw) && raw[i+6] == '\\' && raw[i+7] == 'u' {
						if dec := utf16.DecodeRune(r, rune(lo)); dec != utf8.RuneError {
							n, r = 12, dec
						}
					}
				}
			}
		}
		if r < 0 {
			text = append(text, c)
			offs = append(offs, int32(i))
			i++
			continue
		}
		start := len(text)
		text = utf8.AppendRune(text, r)
		for range len(text) - start {
			offs = append(offs, int32(i))
		}
		i += n
	}
	return text, append(offs, int32(len(raw)))
}

func hex4(b []byte) (uint16, bool) {
	if len(b) < 4 {
		return 0, false
	}
	v, err := strconv.ParseUint(string(b[:4]), 16, 16)
	return uint16(v), err == nil
}

var (
	jsonEscaped      = newByteSet(`"\` + controls)
	jsonEscapedSlash = newByteSet(`"\/` + controls)
)

func (l jsonLayer) encode(s string) string {
	need := jsonEscaped
	if l.slash {
		need = jsonEscapedSlash
	}
	return escapeWith(s, need, func(dst []byte, c byte) []byte {
		if c < 0x20 {
			return append(dst, '\\', 'u', '0', '0', "0123456789abcdef"[c>>4], "0123456789abcdef"[c&15])
		}
		return append(dst, '\\', c)
	})
}
