package content

import (
	"bytes"
)

// scanJSON reads JSON or JSON Lines. String values are values (keys are
// left alone, and name the place of the value after them); everything
// between strings is only checked for being JSON, so a file that is not
// is read as text from the first byte that cannot be JSON, with a warning.
func scanJSON(s *stream) {
	key := ""
	depth := 0 // objects and arrays open
	for s.e.err == nil {
		rest := s.rest()
		q := bytes.IndexByte(rest, '"')
		if q < 0 {
			if bad := notJSON(rest, &depth); bad >= 0 {
				s.pos += bad
				s.notJSON()
				return
			}
			s.pos = len(s.buf)
			if !s.more() {
				if depth > 0 && !s.nested {
					s.warn(s.pos, "the file ends inside a JSON object or array (truncated?)")
				}
				return
			}
			continue
		}
		if bad := notJSON(rest[:q], &depth); bad >= 0 {
			s.pos += bad
			s.notJSON()
			return
		}
		end := s.jsonStringEnd(q + 1)
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
			key = string(rest[q+1 : end])
		} else {
			raw := rest[q+1 : end]
			s.value(s.pos+q+1, s.pos+end, jsonLayer{slash: bytes.Contains(raw, escapedSlash)}, roleText, place{ctx: ContextText, where: key})
		}
		s.pos += end + 1
	}
}

// jsonStringEnd finds the closing quote of a string whose content starts at
// from (relative to pos); -1 when the input ends first.
func (s *stream) jsonStringEnd(from int) int {
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

// notJSON returns the index of the first byte of b that cannot appear
// between JSON strings, or -1; it counts the objects and arrays opened and
// closed into depth (a close with none open cannot be JSON).
func notJSON(b []byte, depth *int) int {
	for i, c := range b {
		switch {
		case c == '{', c == '[':
			*depth++
		case c == '}', c == ']':
			if *depth == 0 {
				return i
			}
			*depth--
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

// notJSON warns and reads the rest as text.
func (s *stream) notJSON() {
	s.warn(s.pos, "not valid JSON from here; read as text")
	scanText(s, roleText)
}
