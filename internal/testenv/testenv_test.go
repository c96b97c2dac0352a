package testenv

import (
	"bytes"
	"image/png"
	"io"
	"net/http"
	"testing"
)

func TestPNGDecodes(t *testing.T) {
	t.Parallel()
	for _, size := range [][2]int{{1, 1}, {10, 20}, {300, 300}} { // 300×300 spans several stored blocks
		b := PNG(7, size[0], size[1])
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%v: %v", size, err)
		}
		if got := img.Bounds().Size(); got.X != size[0] || got.Y != size[1] {
			t.Errorf("%v: decoded %v", size, got)
		}
	}
	if bytes.Equal(PNG(1, 2, 2), PNG(2, 2, 2)) {
		t.Error("PNG(1) = PNG(2)")
	}
}

func TestOrigin(t *testing.T) {
	t.Parallel()
	o := Origin(t, map[string][]byte{"/x/cat.png": []byte("cat")})
	for path, want := range map[string]int{"/img/3.png": 200, "/page.html": 200, "/protected/a.png": 403,
		"/img/x.png": 404, "/gone/1.png": 404, "/x/cat.png": 200} {
		resp, err := http.Get(o.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("%s: %d, want %d", path, resp.StatusCode, want)
		}
		if path == "/img/3.png" && !bytes.Equal(body, PNG(3, 13, 20)) {
			t.Errorf("%s: not PNG(3, 13, 20)", path)
		}
	}
}
