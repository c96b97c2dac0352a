package wix

import "testing"

func TestVideoPoster(t *testing.T) {
	f := File{MediaType: MediaVideo, Media: &FileMedia{Video: &VideoMedia{ID: "a_3.mp4",
		Posters: []Image{{ID: "p1.jpg", Width: 32, Height: 24}, {ID: "p2~mv2.jpg", Width: 64, Height: 48}}}}}
	uri := MediaURI(&f)
	if id, w, h, ok := VideoPoster(uri); !ok || id != "p2~mv2.jpg" || w != 64 || h != 48 {
		t.Errorf("VideoPoster(%q) = %q %d %d %v", uri, id, w, h, ok)
	}
	for _, u := range []string{"", "wix:video://v1/v.mp4/v.mp4", "wix:image://v1/a.jpg/a.jpg#originWidth=1&originHeight=1"} {
		if _, _, _, ok := VideoPoster(u); ok {
			t.Errorf("VideoPoster(%q) found a poster", u)
		}
	}
}
