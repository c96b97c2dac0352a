package content

import (
	"bytes"
	"html"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// layer is one level of escaping around a value: decode turns the raw bytes
// into the text they stand for, with offs[i] the raw offset of text byte i
// (len(text)+1 entries; nil when text is raw itself); encode writes s the
// way this value escapes it (s itself when nothing needs escaping, the
// common case for a URL, which then costs no allocation).
type layer interface {
	decode(raw []byte) (text []byte, offs []int32)
	encode(s string) string
}

// byteSet is a set of bytes, for escaping without a call per byte.
type byteSet [256]bool

func newByteSet(chars string) *byteSet {
	var s byteSet
	for i := range len(chars) {
		s[chars[i]] = true
	}
	return &s
}

// escapeWith returns s with each byte in need replaced by esc's answer; s
// itself when no byte needs it.
func escapeWith(s string, need *byteSet, esc func(dst []byte, c byte) []byte) string {
	i := 0
	for i < len(s) && !need[s[i]] {
		i++
	}
	if i == len(s) {
		return s
	}
	dst := make([]byte, 0, len(s)+16)
	dst = append(dst, s[:i]...)
	for ; i < len(s); i++ {
		if c := s[i]; need[c] {
			dst = esc(dst, c)
		} else {
			dst = append(dst, c)
		}
	}
	return string(dst)
}

// controls are the bytes below 0x20.
const controls = "\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f"

// rawLayer is no escaping: CDATA, comments, script text, bare CSV cells.
type rawLayer struct{}

func (rawLayer) decode(raw []byte) ([]byte, []int32) { return raw, nil }
func (rawLayer) encode(s string) string              { return s }

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

// quoteLayer is a quoted CSV cell: a quote inside is doubled.
type quoteLayer struct {
	quote byte
}

func (l quoteLayer) decode(raw []byte) ([]byte, []int32) {
	pair := []byte{l.quote, l.quote}
	if !bytes.Contains(raw, pair) {
		return raw, nil
	}
	text := make([]byte, 0, len(raw))
	offs := make([]int32, 0, len(raw)+1)
	for i := 0; i < len(raw); i++ {
		text = append(text, raw[i])
		offs = append(offs, int32(i))
		if raw[i] == l.quote && i+1 < len(raw) && raw[i+1] == l.quote {
			i++
		}
	}
	return text, append(offs, int32(len(raw)))
}

var doubleQuote = newByteSet(`"`)

func (l quoteLayer) encode(s string) string {
	need := doubleQuote
	if l.quote != '"' {
		need = newByteSet(string(l.quote))
	}
	return escapeWith(s, need, func(dst []byte, c byte) []byte { return append(dst, c, c) })
}

// sqlLayer is a MySQL string literal: backslash escapes, and a doubled
// quote. doubled is set when the literal escapes its quote by doubling
// rather than with a backslash.
type sqlLayer struct {
	quote   byte
	doubled bool
	dquote  bool // the literal writes " as \"
}

func (l sqlLayer) decode(raw []byte) ([]byte, []int32) {
	if bytes.IndexByte(raw, '\\') < 0 && bytes.IndexByte(raw, l.quote) < 0 {
		return raw, nil
	}
	text := make([]byte, 0, len(raw))
	offs := make([]int32, 0, len(raw)+1)
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		offs = append(offs, int32(i))
		switch {
		case c == '\\' && i+1 < len(raw):
			i++
			switch d := raw[i]; d {
			case '0':
				c = 0
			case 'b':
				c = '\b'
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			case 't':
				c = '\t'
			case 'Z':
				c = 0x1a
			case '%', '_': // MySQL keeps the backslash of these two
				text = append(text, '\\')
				offs = append(offs, int32(i))
				c = d
			default:
				c = d
			}
		case c == l.quote && i+1 < len(raw) && raw[i+1] == l.quote:
			i++
		}
		text = append(text, c)
	}
	return text, append(offs, int32(len(raw)))
}

var (
	sqlEscaped       = newByteSet("'\\\n\r\x00")
	sqlEscapedDquote = newByteSet("'\\\n\r\x00\"")
)

func (l sqlLayer) encode(s string) string {
	need := sqlEscaped
	if l.dquote {
		need = sqlEscapedDquote
	}
	return escapeWith(s, need, func(dst []byte, c byte) []byte {
		switch {
		case c == l.quote && l.doubled:
			return append(dst, c, c)
		case c == '\n':
			return append(dst, '\\', 'n')
		case c == '\r':
			return append(dst, '\\', 'r')
		case c == 0:
			return append(dst, '\\', '0')
		}
		return append(dst, '\\', c)
	})
}
