package wixsim

import "testing"

// TestGuess: before its bytes arrive, a file's kind and ID extension come
// from the project's one MIME table, whatever the host's /etc/mime.types
// says, and a page's extension never becomes a media ID's.
func TestGuess(t *testing.T) {
	t.Parallel()
	cases := []struct {
		mimeType, name string
		kind           mediaKind
		ext            string
	}{
		{"", "song.m4a", kindAudio, "m4a"},
		{"audio/x-m4a", "", kindAudio, "m4a"}, // what sniffing calls it
		{"audio/mp4", "", kindAudio, "m4a"},
		{"image/jpeg", "x.png", kindImage, "jpg"},
		{"", "/a/Photo.JPEG", kindImage, "jpeg"},
		{"image/tiff", "", kindImage, "tiff"},
		{"", "clip.mov", kindVideo, "mov"},
		{"", "doc.pdf", kindDocument, "pdf"},
		{"text/html", "page.html", kindUnknown, ""},
		{"", "noext", kindUnknown, ""},
	}
	for _, c := range cases {
		kind, ext := guess(kindUnknown, c.mimeType, c.name)
		if kind != c.kind || ext != c.ext {
			t.Errorf("guess(%q, %q) = %v, %q; want %v, %q", c.mimeType, c.name, kind, ext, c.kind, c.ext)
		}
	}
}
