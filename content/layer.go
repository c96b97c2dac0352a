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
// way this value escapes it.
type layer interface {
	decode(raw []byte) (text []byte, offs []int32)
	encode(dst []byte, s []byte) []byte
}

// rawLayer is no escaping: CDATA, comments, script text, bare CSV cells.
type rawLayer struct{}

func (rawLayer) decode(raw []byte) ([]byte, []int32) { return raw, nil }
func (rawLayer) encode(dst, s []byte) []byte         { return append(dst, s...) }

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
				for range dec {
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
	ref := string(b[:end+1])
	dec = html.UnescapeString(ref)
	if dec == ref {
		return 0, ""
	}
	return end + 1, dec
}

func (l entityLayer) encode(dst, s []byte) []byte {
	for _, c := range s {
		switch {
		case c == '&':
			dst = append(dst, "&amp;"...)
		case c == '<':
			dst = append(dst, "&lt;"...)
		case c == '>' && l.quote == 0:
			dst = append(dst, "&gt;"...)
		case c == '"' && l.quote != '\'':
			dst = append(dst, "&quot;"...)
		case c == '\'' && l.quote == '\'':
			dst = append(dst, "&#39;"...)
		default:
			dst = append(dst, c)
		}
	}
	return dst
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

func (l jsonLayer) encode(dst, s []byte) []byte {
	for _, c := range s {
		switch {
		case c == '"' || c == '\\':
			dst = append(dst, '\\', c)
		case c == '/' && l.slash:
			dst = append(dst, '\\', '/')
		case c < 0x20:
			dst = append(dst, `\u00`...)
			dst = append(dst, "0123456789abcdef"[c>>4], "0123456789abcdef"[c&15])
		default:
			dst = append(dst, c)
		}
	}
	return dst
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

func (l quoteLayer) encode(dst, s []byte) []byte {
	for _, c := range s {
		if c == l.quote {
			dst = append(dst, c)
		}
		dst = append(dst, c)
	}
	return dst
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

func (l sqlLayer) encode(dst, s []byte) []byte {
	for _, c := range s {
		switch {
		case c == l.quote && l.doubled:
			dst = append(dst, c, c)
		case c == l.quote || c == '\\' || (c == '"' && l.dquote):
			dst = append(dst, '\\', c)
		case c == '\n':
			dst = append(dst, '\\', 'n')
		case c == '\r':
			dst = append(dst, '\\', 'r')
		case c == 0:
			dst = append(dst, '\\', '0')
		default:
			dst = append(dst, c)
		}
	}
	return dst
}
