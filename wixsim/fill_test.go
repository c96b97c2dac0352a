package wixsim

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"testing"
)

func TestFillPath(t *testing.T) {
	for _, c := range []struct {
		path, id string
		w, h     int
		ok       bool
	}{
		{"4a685c_a~mv2.jpg", "4a685c_a~mv2.jpg", 0, 0, false},
		{"4a685c_a~mv2.jpg/v1/fill/w_240,h_180,al_c,lg_1,q_80,enc_auto/4a685c_a~mv2.jpg", "4a685c_a~mv2.jpg", 240, 180, true},
		{"4a685c_a~mv2.png/v1/fill/h_30,w_40/x.png", "4a685c_a~mv2.png", 40, 30, true},
		{"4a685c_a~mv2.jpg/v1/fill/w_0,h_180/x.jpg", "4a685c_a~mv2.jpg", 0, 0, false},
		{"4a685c_a~mv2.jpg/v1/fill/w_99999,h_180/x.jpg", "4a685c_a~mv2.jpg", 0, 0, false},
		{"4a685c_a~mv2.jpg/v1/fill/al_c/x.jpg", "4a685c_a~mv2.jpg", 0, 0, false},
	} {
		id, w, h, ok := fillPath(c.path)
		if id != c.id || w != c.w || h != c.h || ok != c.ok {
			t.Errorf("fillPath(%q) = %q %d %d %v; want %q %d %d %v", c.path, id, w, h, ok, c.id, c.w, c.h, c.ok)
		}
	}
}

// The fill is the source's centre, scaled: a wide image loses its sides.
func TestScaleToFill(t *testing.T) {
	t.Parallel()
	src := image.NewRGBA(image.Rect(0, 0, 300, 100))
	for x := range 300 {
		c := color.RGBA{255, 0, 0, 255} // red sides
		if x >= 100 && x < 200 {
			c = color.RGBA{0, 0, 255, 255} // a blue centre
		}
		for y := range 100 {
			src.Set(x, y, c)
		}
	}
	var in bytes.Buffer
	png.Encode(&in, src)
	out, mime, ok := scaleToFill(&in, "image/png", 40, 40)
	if !ok || mime != "image/png" {
		t.Fatalf("scaleToFill: ok %v, %q", ok, mime)
	}
	img, err := png.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 40 || b.Dy() != 40 {
		t.Fatalf("filled to %v, want 40×40", b)
	}
	for _, p := range []image.Point{{0, 0}, {39, 39}, {20, 20}} {
		if r, _, b, _ := img.At(p.X, p.Y).RGBA(); b>>8 < 200 || r>>8 > 50 {
			t.Errorf("pixel %v is not the blue centre: %v", p, img.At(p.X, p.Y))
		}
	}
	if _, _, ok := scaleToFill(bytes.NewReader([]byte("not an image")), "image/png", 40, 40); ok {
		t.Error("scaleToFill of bytes that are no image succeeded")
	}
}
