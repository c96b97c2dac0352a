package content

import "bytes"

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

// quoteLayer is a value quoted by doubling its quote inside: a quoted CSV
// cell, a single-quoted YAML scalar.
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

// quoteEdits turns the edits of an unquoted value, buf[start:end], whose
// replacements would break it (a CSV delimiter in a bare cell, a comma in
// a YAML flow sequence's plain scalar), into edits that quote the whole
// value with q: its other bytes' quotes doubled, the replacements encoded.
func quoteEdits(s *stream, start, end int, edits []edit, q quoteLayer) []edit {
	quote := string(q.quote)
	quoted := []edit{{start, start, quote}}
	requote := func(a, b int) {
		for i := a; i < b; i++ {
			if s.buf[i] == q.quote {
				quoted = append(quoted, edit{i, i + 1, quote + quote})
			}
		}
	}
	prev := start
	for _, ed := range edits {
		requote(prev, ed.start)
		quoted = append(quoted, edit{ed.start, ed.end, q.encode(ed.repl)})
		prev = ed.end
	}
	requote(prev, end)
	return append(quoted, edit{end, end, quote})
}
