package content

import (
	"bytes"
)

// scanSQL reads an SQL dump: string literals ('...', with MySQL's
// backslash escapes or doubled quotes) are values; text outside them
// (statements, comments, COPY data) is searched for absolute URLs. A
// PHP-serialized value in a literal keeps its lengths right.
func scanSQL(s *stream) {
	for s.e.err == nil {
		n, done := s.textRun("'")
		if done {
			return
		}
		if n > 0 {
			s.value(s.pos, s.pos+n, rawLayer{}, roleAbsolute, place{ctx: ContextText})
			s.pos += n
			continue
		}
		end, lay := s.sqlLiteralEnd()
		if end < 0 {
			s.warn(s.pos, "SQL string literal never closed; read as text")
			scanText(s, roleText)
			return
		}
		s.value(s.pos+1, s.pos+end, lay, roleText, place{ctx: ContextText, where: ""})
		s.pos += end + 1
	}
}

// sqlLiteralEnd finds the closing quote of the literal opening at pos, and
// the literal's escaping style.
func (s *stream) sqlLiteralEnd() (int, sqlLayer) {
	lay := sqlLayer{quote: '\''}
	i := 1
	for {
		rest := s.rest()
		for i < len(rest) {
			j := bytes.IndexAny(rest[i:], `'\`)
			if j < 0 {
				i = len(rest)
				break
			}
			i += j
			if rest[i] == '\\' {
				if i+1 < len(rest) && rest[i+1] == '"' {
					lay.dquote = true
				}
				i += 2
				continue
			}
			if i+1 < len(rest) && rest[i+1] == '\'' {
				lay.doubled = true
				i += 2
				continue
			}
			if i+1 < len(rest) || s.eof {
				if !s.fits(i + 1) {
					return -1, lay
				}
				return i, lay
			}
			break
		}
		if !s.more() {
			if rest := s.rest(); i < len(rest) && rest[i] == '\'' && s.fits(i+1) {
				return i, lay
			}
			return -1, lay
		}
	}
}
