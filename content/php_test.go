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
		{`d:0.5;`, 0.5},
		{`s:0:"";`, ""},
		// Lengths are bytes, not characters: é is two.
		{`s:5:"café";`, "café"},
		// A string may hold quotes and semicolons.
		{`s:6:"a";b"c";`, `a";b"c`},
		{`a:2:{i:0;s:1:"x";i:7;b:1;}`, &PHPArray{Keys: []any{int64(0), int64(7)}, Values: []any{"x", true}}},
		{`O:8:"stdClass":1:{s:1:"a";i:1;}`, &PHPArray{Keys: []any{"a"}, Values: []any{int64(1)}}},
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
	for _, in := range []string{
		``,
		`x:1;`,
		`i:12`,
		`i:twelve;`,
		`s:5:"abc`,
		`a:2:{i:0;i:1;}`,
		`a:99999999999:{}`,
		`a:1:{a:0:{}i:1;}`, // an array as a key
		`a:1:{i:0;i:1;`,    // truncated
		`b:;`,
		`d:x;`,
	} {
		_, _, err := UnserializePHP([]byte(in))
		var syntax *PHPSyntaxError
		if !errors.As(err, &syntax) {
			t.Errorf("%q: err = %v, want a *PHPSyntaxError", in, err)
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
