package content

import (
	"errors"
	"reflect"
	"testing"
)

// wpImageMeta is _wp_attachment_metadata as WordPress 6 writes it for a big
// JPEG it scaled down, with an uploaded name that clashed ("photo-1").
const wpImageMeta = `a:7:{s:5:"width";i:2560;s:6:"height";i:1920;s:4:"file";s:26:"2023/05/photo-1-scaled.jpg";s:8:"filesize";i:402311;s:5:"sizes";a:2:{s:6:"medium";a:5:{s:4:"file";s:19:"photo-1-300x225.jpg";s:5:"width";i:300;s:6:"height";i:225;s:9:"mime-type";s:10:"image/jpeg";s:8:"filesize";i:12034;}s:9:"thumbnail";a:4:{s:4:"file";s:19:"photo-1-150x150.jpg";s:5:"width";i:150;s:6:"height";i:150;s:9:"mime-type";s:10:"image/jpeg";}}s:10:"image_meta";a:3:{s:8:"aperture";s:3:"2.8";s:5:"title";s:0:"";s:8:"keywords";a:0:{}}s:14:"original_image";s:11:"photo-1.jpg";}`

func TestUnserializePHPWordPressMetadata(t *testing.T) {
	v, repaired, err := UnserializePHP([]byte(wpImageMeta))
	if err != nil || repaired != 0 {
		t.Fatalf("err %v, repaired %d", err, repaired)
	}
	meta := v.(*PHPArray)
	if got := meta.String("file"); got != "2023/05/photo-1-scaled.jpg" {
		t.Errorf("file = %q", got)
	}
	if w, ok := meta.Int("width"); !ok || w != 2560 {
		t.Errorf("width = %d, %v", w, ok)
	}
	sizes := meta.Array("sizes")
	if sizes == nil || len(sizes.Keys) != 2 {
		t.Fatalf("sizes = %#v", sizes)
	}
	if !reflect.DeepEqual(sizes.Keys, []any{"medium", "thumbnail"}) {
		t.Errorf("sizes in order %v", sizes.Keys)
	}
	if got := sizes.Array("thumbnail").String("file"); got != "photo-1-150x150.jpg" {
		t.Errorf("thumbnail file = %q", got)
	}
	if got := meta.String("original_image"); got != "photo-1.jpg" {
		t.Errorf("original_image = %q", got)
	}
}

func TestUnserializePHPValues(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want any
	}{
		{`N;`, nil},
		{`b:1;`, true},
		{`b:0;`, false},
		{`i:-42;`, int64(-42)},
		{`i:+42;`, int64(42)},
		{`i:007;`, int64(7)},
		{`i:999999999999999999;`, int64(999999999999999999)},   // 18 digits
		{`i:9223372036854775807;`, int64(9223372036854775807)}, // 19: the largest
		{`s:03:"abc";`, "abc"},
		{`s:-1:"";`, ""}, // a length that cannot be is repaired like a stale one
		{`a:01:{i:0;i:1;}`, &PHPArray{Keys: []any{int64(0)}, Values: []any{int64(1)}}},
		{`d:0.5;`, 0.5},
		{`s:0:"";`, ""},
		// Lengths are bytes, not characters: é is two.
		{`s:5:"café";`, "café"},
		// A string may hold quotes and semicolons.
		{`s:6:"a";b"c";`, `a";b"c`},
		{`a:2:{i:0;s:1:"x";i:7;b:1;}`, &PHPArray{Keys: []any{int64(0), int64(7)}, Values: []any{"x", true}}},
		{`O:8:"stdClass":1:{s:1:"a";i:1;}`, &PHPArray{Keys: []any{"a"}, Values: []any{int64(1)}}},
		// The words metadata repeats (keys, size names, MIME types) are
		// shared, not copied: they read as any other string, wherever.
		{`s:5:"width";`, "width"},
		{`s:10:"image/jpeg";`, "image/jpeg"},
		// A word's prefix, or the word with more after it, is its own string.
		{`s:4:"widt";`, "widt"},
		{`s:6:"widths";`, "widths"},
		// A stale length that ends inside a word is repaired to the word.
		{`s:3:"width";`, "width"},
		{`s:9:"sizes";`, "sizes"},
		// Nested arrays, each with its own keys and values.
		{`a:2:{s:5:"sizes";a:1:{s:6:"medium";a:2:{s:4:"file";s:5:"m.jpg";s:9:"mime-type";s:9:"image/png";}}s:5:"width";i:1600;}`,
			&PHPArray{Keys: []any{"sizes", "width"}, Values: []any{
				&PHPArray{Keys: []any{"medium"}, Values: []any{
					&PHPArray{Keys: []any{"file", "mime-type"}, Values: []any{"m.jpg", "image/png"}}}},
				int64(1600)}}},
		{`a:0:{}`, &PHPArray{Keys: []any{}, Values: []any{}}},
		// A class name that is a word is still only a class name.
		{`O:4:"file":1:{s:4:"file";s:1:"x";}`, &PHPArray{Keys: []any{"file"}, Values: []any{"x"}}},
	} {
		got, _, err := UnserializePHP([]byte(tc.in))
		if err != nil {
			t.Errorf("%s: %v", tc.in, err)
			continue
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s = %#v, want %#v", tc.in, got, tc.want)
		}
	}
}

// Keys and values share one allocation: appending to one must not write
// over the other.
func TestUnserializePHPArrayAppendIsSafe(t *testing.T) {
	v, _, err := UnserializePHP([]byte(`a:2:{s:1:"a";i:1;s:1:"b";i:2;}`))
	if err != nil {
		t.Fatal(err)
	}
	arr := v.(*PHPArray)
	arr.Keys = append(arr.Keys, "c")
	if !reflect.DeepEqual(arr.Values, []any{int64(1), int64(2)}) {
		t.Errorf("values after appending a key = %v", arr.Values)
	}
}

func TestUnserializePHPIntegerKeysMatchStrings(t *testing.T) {
	v, _, err := UnserializePHP([]byte(`a:1:{i:5;s:4:"five";}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := v.(*PHPArray).String("5"); got != "five" {
		t.Errorf(`Get("5") = %q`, got)
	}
}

// A search-and-replace that ignored the length prefixes (the classic broken
// WordPress migration) leaves strings WordPress cannot load; their file
// names are still worth reading.
func TestUnserializePHPStaleLengthIsRepaired(t *testing.T) {
	in := `a:2:{s:4:"file";s:10:"2023/05/a-much-longer-name.jpg";s:5:"width";i:300;}`
	v, repaired, err := UnserializePHP([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if repaired != 1 {
		t.Errorf("repaired = %d, want 1", repaired)
	}
	meta := v.(*PHPArray)
	if got := meta.String("file"); got != "2023/05/a-much-longer-name.jpg" {
		t.Errorf("file = %q", got)
	}
	if w, _ := meta.Int("width"); w != 300 {
		t.Errorf("width after the repaired string = %d", w)
	}
}

func TestUnserializePHPMalformed(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{``, "byte 0: unexpected end, want a value"},
		{`x:1;`, "byte 0: unknown type 'x'"},
		{`i:12`, "byte 2: unexpected end, want ';'"},
		{`i:twelve;`, `byte 2: "twelve" is not an integer`},
		{`s:5:"abc`, "byte 5: string of 5 bytes runs past the end"},
		{`a:2:{i:0;i:1;}`, "byte 13: unexpected end, want a value"},
		{`a:99999999999:{}`, "byte 14: array of 99999999999 entries does not fit in the data"},
		{`a:1:{a:0:{}i:1;}`, "byte 5: array key is *content.PHPArray, want a string or an integer"}, // an array as a key
		{`a:1:{i:0;i:1;`, "byte 13: unexpected end, want '}'"},                                      // truncated
		{`b:;`, `byte 2: "" is not an integer`},
		{`i:9223372036854775808;`, `byte 2: "9223372036854775808" is not an integer`}, // overflows
		{`i:1 ;`, `byte 2: "1 " is not an integer`},
		{`d:x;`, `byte 4: "x" is not a number`},
		// Words metadata repeats fail where any string fails.
		{`a:1:{s:5:"width"i:1;}`, "byte 10: string of 5 bytes runs past the end"},
		{`a:2:{s:4:"file";s:3:"x";}`, "byte 24: unexpected end, want a value"},
		{`a:2:{s:5:"width";i:1;s:5:"sizes";a:1:{s:6:"medium";a:1:{s:4:"file";s:3:"x";}}`, "byte 77: unexpected end, want '}'"},
	} {
		_, _, err := UnserializePHP([]byte(tc.in))
		var syntax *PHPSyntaxError
		if !errors.As(err, &syntax) {
			t.Errorf("%q: err = %v, want a *PHPSyntaxError", tc.in, err)
			continue
		}
		if want := "PHP-serialized data, " + tc.want; err.Error() != want {
			t.Errorf("%q: err = %q, want %q", tc.in, err, want)
		}
	}
}

func TestUnserializePHPDepthIsBounded(t *testing.T) {
	in := ""
	for range 100 {
		in += "a:1:{i:0;"
	}
	in += "N;"
	for range 100 {
		in += "}"
	}
	if _, _, err := UnserializePHP([]byte(in)); err == nil {
		t.Error("100 levels of nesting accepted")
	}
}

func FuzzUnserializePHP(f *testing.F) {
	f.Add([]byte(wpImageMeta))
	f.Add([]byte(`a:1:{s:4:"file";s:3:"x";}`))
	f.Add([]byte(`O:1:"a":1:{s:1:"b";d:1.5;}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		v, _, err := UnserializePHP(data)
		if err == nil && v == nil && string(data[:2]) != "N;" {
			t.Errorf("%q: nil value without an error", data)
		}
	})
}
