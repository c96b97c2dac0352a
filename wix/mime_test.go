package wix

import (
	"strings"
	"testing"
)

func TestMediaTypeOfMIME(t *testing.T) {
	t.Parallel()
	cases := map[string]MediaType{
		"image/jpeg": MediaImage, "Image/PNG; q=1": MediaImage, "image/svg+xml": MediaVector,
		"video/mp4": MediaVideo, "audio/mpeg": MediaAudio, "application/pdf": MediaDocument,
		"application/zip": MediaArchive, "model/gltf-binary": MediaModel3D,
		"application/vnd.openxmlformats-officedocument.wordprocessingml.document": MediaDocument,
		// Where the source checks and the simulator once disagreed.
		"text/csv": MediaDocument, "application/postscript": MediaVector, "application/x-xz": MediaArchive,
		// Not media.
		"text/html": "", "text/plain": "", "application/json": "", "application/octet-stream": "", "": "",
	}
	for mt, want := range cases {
		if got := MediaTypeOfMIME(mt); got != want {
			t.Errorf("MediaTypeOfMIME(%q) = %q, want %q", mt, got, want)
		}
	}
}

func TestMIMEOfExtension(t *testing.T) {
	t.Parallel()
	cases := []struct{ ext, want string }{
		{".jpg", "image/jpeg"}, {"JPG", "image/jpeg"}, {".JFIF", "image/jpeg"},
		{".png", "image/png"}, {".webp", "image/webp"}, {".heic", "image/heic"}, {".svg", "image/svg+xml"},
		{".tif", "image/tiff"}, {".mp4", "video/mp4"}, {".mov", "video/quicktime"},
		// The two tables this one replaced disagreed here (audio/x-m4a,
		// audio/mp4); the host's /etc/mime.types is not asked.
		{".m4a", "audio/mp4"}, {".wav", "audio/wav"}, {".mp3", "audio/mpeg"},
		{".pdf", "application/pdf"}, {".csv", "text/csv"}, {".7z", "application/x-7z-compressed"},
		{".glb", "model/gltf-binary"}, {".html", "text/html"}, {".txt", "text/plain"},
		{".exe", ""}, {".", ""}, {"", ""},
	}
	for _, c := range cases {
		if got := MIMEOfExtension(c.ext); got != c.want {
			t.Errorf("MIMEOfExtension(%q) = %q, want %q", c.ext, got, c.want)
		}
	}
}

func TestExtensionOfMIME(t *testing.T) {
	t.Parallel()
	cases := []struct{ mimeType, want string }{
		{"image/jpeg", ".jpg"}, {"Image/JPEG; charset=binary", ".jpg"}, {"image/tiff", ".tiff"},
		{"audio/mp4", ".m4a"}, {"audio/x-m4a", ".m4a"}, {"audio/x-wav", ".wav"},
		{"video/mp4", ".mp4"}, {"text/html", ".html"}, {"application/x-unheard-of", ""}, {"", ""},
	}
	for _, c := range cases {
		if got := ExtensionOfMIME(c.mimeType); got != c.want {
			t.Errorf("ExtensionOfMIME(%q) = %q, want %q", c.mimeType, got, c.want)
		}
	}
}

// TestExtensionTableIsConsistent: every extension is listed once, lower
// case, and maps back to its own type; every alias names a listed
// extension; and every media extension is one Wix files as media.
func TestExtensionTableIsConsistent(t *testing.T) {
	t.Parallel()
	web := map[string]bool{"text/html": true, "application/xhtml+xml": true, "text/plain": true,
		"application/json": true, "application/xml": true, "text/css": true, "text/javascript": true,
		"text/markdown": true, "application/wasm": true}
	seen := map[string]bool{}
	for _, e := range extensionTypes {
		if seen[e.ext] || e.ext != strings.ToLower(e.ext) || !strings.HasPrefix(e.ext, ".") {
			t.Errorf("extension %q: listed twice, or not a lower-case .ext", e.ext)
		}
		seen[e.ext] = true
		if got := MIMEOfExtension(ExtensionOfMIME(e.mimeType)); got != e.mimeType {
			t.Errorf("%s → %s → %s: does not map back", e.ext, e.mimeType, got)
		}
		if MediaTypeOfMIME(e.mimeType) == "" && !web[e.mimeType] {
			t.Errorf("%s is %s, which is neither media nor a web file", e.ext, e.mimeType)
		}
	}
	for alias, ext := range typeAliases {
		if !seen[ext] {
			t.Errorf("alias %s names %s, which the table does not list", alias, ext)
		}
		if MediaTypeOfMIME(alias) != MediaTypeOfMIME(MIMEOfExtension(ext)) {
			t.Errorf("alias %s is not the same kind of media as %s", alias, ext)
		}
	}
}
