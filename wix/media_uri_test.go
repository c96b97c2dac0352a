package wix

import "testing"

// The SDK's answers for these descriptors, recorded from
// files.getFileDescriptors (@wix/auto_sdk_media_files 1.0.101,
// @wix/sdk-runtime 1.0.25); the conformance test checks many more against
// the SDK itself.
func TestMediaURI(t *testing.T) {
	tests := []struct {
		name string
		file File
		want string
	}{
		{"image: name encoded as encodeURIComponent", File{MediaType: MediaImage, Media: &FileMedia{Image: &ImageMedia{Image: &Image{
			ID: "a_1~mv2.jpg", Width: 1200, Height: 800, Filename: "photo café #1 100%/x.jpg"}}}},
			"wix:image://v1/a_1~mv2.jpg/photo%20caf%C3%A9%20%231%20100%25%2Fx.jpg#originWidth=1200&originHeight=800"},
		{"vector without a size", File{MediaType: MediaVector, Media: &FileMedia{Vector: &ImageMedia{Image: &Image{
			ID: "a_2.svg", Filename: "logo (1).svg"}}}},
			"wix:image://v1/a_2.svg/logo%20(1).svg#originWidth=undefined&originHeight=undefined"},
		{"image named by its alt text", File{MediaType: MediaImage, Media: &FileMedia{Image: &ImageMedia{Image: &Image{ID: "i.png", Width: 1, Height: 2, AltText: "a b"}}}},
			"wix:image://v1/i.png/a%20b#originWidth=1&originHeight=2"},
		{"video: the second poster, its ID from its url", File{MediaType: MediaVideo, Media: &FileMedia{Video: &VideoMedia{
			ID: "a_3.mp4", Filename: "my clip.mp4", Posters: []Image{{ID: "p1.jpg", Width: 10, Height: 20}, {URL: "https://x/y/p2.jpg", Width: 64, Height: 48}}}}},
			"wix:video://v1/a_3.mp4/my%20clip.mp4#posterUri=p2.jpg&posterWidth=64&posterHeight=48"},
		{"video without posters", File{MediaType: MediaVideo, Media: &FileMedia{Video: &VideoMedia{ID: "v.mp4"}}},
			"wix:video://v1/v.mp4"},
		{"audio: the first asset's duration", File{MediaType: MediaAudio, Media: &FileMedia{Audio: &AudioMedia{ID: "a_4.mp3", Duration: 1.5,
			Assets: []AudioAsset{{ID: "a_4.mp3", Filename: "song ä.mp3", Duration: 1567.5}}}}},
			"wix:audio://v1/a_4.mp3/song%20%C3%A4.mp3#duration=1567.5"},
		{"audio without a duration", File{MediaType: MediaAudio, Media: &FileMedia{Audio: &AudioMedia{Assets: []AudioAsset{{ID: "a_6.mp3"}}}}},
			"wix:audio://v1/a_6.mp3#duration=0"},
		{"document", File{MediaType: MediaDocument, Media: &FileMedia{Document: &DocumentMedia{ID: "a_5.pdf", Filename: "size guide?.pdf"}}},
			"wix:document://v1/a_5.pdf/size%20guide%3F.pdf"},
		{"archive: none", File{MediaType: MediaArchive, Media: &FileMedia{Archive: &GenericMedia{ID: "z.zip"}}}, ""},
		{"pending: no media", File{MediaType: MediaImage}, ""},
		{"media of another type than the file's", File{MediaType: MediaVideo, Media: &FileMedia{Image: &ImageMedia{Image: &Image{ID: "x"}}}}, ""},
	}
	for _, tt := range tests {
		if got := MediaURI(&tt.file); got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.name, got, tt.want)
		}
	}
}

func TestJSNumber(t *testing.T) {
	for f, want := range map[float64]string{0: "0", 1567: "1567", 1567.5: "1567.5", 0.1: "0.1", 1e-7: "1e-7", 2.5e21: "2.5e+21", -3: "-3"} {
		if got := jsNumber(f); got != want {
			t.Errorf("jsNumber(%v) = %q, want %q", f, got, want)
		}
	}
}
