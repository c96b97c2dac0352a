package content

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
