package wix

import "testing"

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
