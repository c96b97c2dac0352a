package content

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// PHPArray is an unserialized PHP array with its order kept: WordPress lists
// an image's sizes in the order it made them. Keys are strings or int64s,
// as PHP writes them.
type PHPArray struct {
	Keys   []any
	Values []any
}

// Get returns the value under key. PHP treats the keys "5" and 5 alike, and
// so does Get.
func (a *PHPArray) Get(key string) (any, bool) {
	if a == nil {
		return nil, false
	}
	for i, k := range a.Keys {
		switch k := k.(type) {
		case string:
			if k == key {
				return a.Values[i], true
			}
		case int64:
			if strconv.FormatInt(k, 10) == key {
				return a.Values[i], true
			}
		}
	}
	return nil, false
}

// String returns the string under key, or "" when there is none or it is not
// a string.
func (a *PHPArray) String(key string) string {
	v, _ := a.Get(key)
	s, _ := v.(string)
	return s
}

// Array returns the array under key, or nil.
func (a *PHPArray) Array(key string) *PHPArray {
	v, _ := a.Get(key)
	arr, _ := v.(*PHPArray)
	return arr
}

// Int returns the integer under key (a numeric string counts, as in PHP),
// or false when there is none.
func (a *PHPArray) Int(key string) (int64, bool) {
	v, _ := a.Get(key)
	switch v := v.(type) {
	case int64:
		return v, true
	case float64:
		return int64(v), true
	case string:
		n, err := strconv.ParseInt(v, 10, 64)
		return n, err == nil
	}
	return 0, false
}

// PHPSyntaxError says where a PHP-serialized value stops making sense.
type PHPSyntaxError struct {
	Offset int // byte offset into the input
	Msg    string
}

func (e *PHPSyntaxError) Error() string {
	return fmt.Sprintf("PHP-serialized data, byte %d: %s", e.Offset, e.Msg)
}

// maxPHPDepth bounds nesting, so a hostile or broken value cannot exhaust the
// stack; WordPress metadata nests four deep.
const maxPHPDepth = 64

// UnserializePHP decodes one value written by PHP's serialize(): N; b:; i:;
// d:; s:len:"..."; arrays a:n:{...}; objects O:len:"class":n:{...} (read as
// arrays of their properties); references r: and R: (read as their index).
// Strings are PHP's byte strings; values are nil, bool, int64, float64,
// string or *PHPArray.
//
// It never panics and never allocates more than the input justifies. Data
// that WordPress stored but can no longer load itself — a string whose
// length prefix went stale when a naive search-and-replace or a charset
// conversion changed its bytes — is still read: when the declared length
// does not end at `";`, the string runs to the first `";` that lets the rest
// parse, and repaired reports how many strings needed that. Anything else
// malformed is a *PHPSyntaxError.
func UnserializePHP(data []byte) (value any, repaired int, err error) {
	p := phpParser{data: data}
	v, err := p.value(0)
	if err != nil {
		return nil, p.repaired, err
	}
	return v, p.repaired, nil
}

type phpParser struct {
	data     []byte
	pos      int
	repaired int
}

func (p *phpParser) fail(format string, a ...any) error {
	return &PHPSyntaxError{Offset: p.pos, Msg: fmt.Sprintf(format, a...)}
}

func (p *phpParser) expect(c byte) error {
	if p.pos >= len(p.data) {
		return p.fail("unexpected end, want %q", c)
	}
	if p.data[p.pos] != c {
		return p.fail("found %q, want %q", p.data[p.pos], c)
	}
	p.pos++
	return nil
}

// until returns the bytes up to the next stop byte and moves past it.
func (p *phpParser) until(stop byte) ([]byte, error) {
	i := bytes.IndexByte(p.data[p.pos:], stop)
	if i < 0 {
		return nil, p.fail("unexpected end, want %q", stop)
	}
	b := p.data[p.pos : p.pos+i]
	p.pos += i + 1
	return b, nil
}

func (p *phpParser) integer(stop byte) (int64, error) {
	start := p.pos
	b, err := p.until(stop)
	if err != nil {
		return 0, err
	}
	if n, ok := smallInt(b); ok {
		return n, nil
	}
	n, convErr := strconv.ParseInt(string(b), 10, 64)
	if convErr != nil {
		p.pos = start
		return 0, p.fail("%q is not an integer", b)
	}
	return n, nil
}

// smallInt reads the integers serialized data is made of (lengths, counts,
// pixel sizes) without strconv's generality: up to 18 digits, which cannot
// overflow. ok is false for anything else, which strconv then reads.
func smallInt(b []byte) (n int64, ok bool) {
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

func (p *phpParser) value(depth int) (any, error) {
	if depth > maxPHPDepth {
		return nil, p.fail("nested deeper than %d", maxPHPDepth)
	}
	if p.pos+1 >= len(p.data) {
		return nil, p.fail("unexpected end, want a value")
	}
	kind := p.data[p.pos]
	if kind == 'N' {
		p.pos++
		return nil, p.expect(';')
	}
	p.pos++
	if err := p.expect(':'); err != nil {
		return nil, err
	}
	switch kind {
	case 'b':
		n, err := p.integer(';')
		if err != nil {
			return nil, err
		}
		return n != 0, nil
	case 'i', 'r', 'R':
		return p.integer(';')
	case 'd':
		b, err := p.until(';')
		if err != nil {
			return nil, err
		}
		f, convErr := strconv.ParseFloat(string(b), 64)
		if convErr != nil {
			switch string(b) { // PHP's spellings of the specials
			case "INF", "-INF", "NAN":
				f, _ = strconv.ParseFloat(string(b), 64)
			default:
				return nil, p.fail("%q is not a number", b)
			}
		}
		return f, nil
	case 's':
		b, err := p.str(';')
		if err != nil {
			return nil, err
		}
		if len(b) <= maxPHPWord {
			if boxed, ok := phpWords[string(b)]; ok {
				return boxed, p.expect(';')
			}
		}
		return string(b), p.expect(';')
	case 'a':
		return p.array(depth)
	case 'O':
		if _, err := p.str(':'); err != nil { // the class name
			return nil, err
		}
		if err := p.expect(':'); err != nil {
			return nil, err
		}
		return p.array(depth)
	}
	p.pos -= 2
	return nil, p.fail("unknown type %q", kind)
}

// str reads len:"bytes" up to its closing quote; end is the byte that
// follows the quote (';' after a string value, ':' after a class name).
// The bytes are data's, not a copy.
func (p *phpParser) str(end byte) ([]byte, error) {
	n, err := p.integer(':')
	if err != nil {
		return nil, err
	}
	if err := p.expect('"'); err != nil {
		return nil, err
	}
	start := p.pos
	closes := func(i int) bool {
		return p.data[i] == '"' && (i+1 == len(p.data) || p.data[i+1] == end)
	}
	if n >= 0 && n <= int64(len(p.data)-start-1) && closes(start+int(n)) {
		p.pos = start + int(n) + 1
		return p.data[start : start+int(n)], nil
	}
	// A stale length: take the string to the first closing quote.
	for i := start; i < len(p.data); i++ {
		if closes(i) {
			p.pos = i + 1
			p.repaired++
			return p.data[start:i], nil
		}
	}
	p.pos = start
	return nil, p.fail("string of %d bytes runs past the end", n)
}

// phpWords are the strings WordPress's attachment metadata repeats in
// every value (its keys, size names, MIME types), boxed once: a value of
// thousands of attachments would otherwise allocate each of them twice,
// its bytes and its interface value, in every one.
var phpWords = func() map[string]any {
	m := map[string]any{}
	for _, w := range strings.Fields(`width height file filesize sizes mime-type image_meta original_image
		thumbnail medium medium_large large full post-thumbnail 1536x1536 2048x2048
		aperture credit camera caption created_timestamp copyright focal_length iso shutter_speed
		title orientation keywords 0 1
		image/jpeg image/png image/gif image/webp image/avif image/svg+xml application/pdf`) {
		m[w] = w
	}
	return m
}()

// maxPHPWord is the longest of phpWords: a longer string (a file's path)
// is not looked up.
var maxPHPWord = func() int {
	n := 0
	for w := range phpWords {
		n = max(n, len(w))
	}
	return n
}()

func (p *phpParser) array(depth int) (*PHPArray, error) {
	n, err := p.integer(':')
	if err != nil {
		return nil, err
	}
	// Each entry takes at least 4 bytes ("i:0;N;" is 6), so a count the
	// rest of the input cannot hold is a lie, not an allocation size.
	if n < 0 || n > int64(len(p.data)-p.pos)/4 {
		return nil, p.fail("array of %d entries does not fit in the data", n)
	}
	if err := p.expect('{'); err != nil {
		return nil, err
	}
	// Keys and values share one allocation.
	entries := make([]any, 2*n)
	arr := &PHPArray{Keys: entries[:0:n], Values: entries[n : n : 2*n]}
	for range n {
		keyAt := p.pos
		key, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		switch key.(type) {
		case string, int64:
		default:
			p.pos = keyAt
			return nil, p.fail("array key is %T, want a string or an integer", key)
		}
		val, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		arr.Keys = append(arr.Keys, key)
		arr.Values = append(arr.Values, val)
	}
	if err := p.expect('}'); err != nil {
		return nil, err
	}
	return arr, nil
}
