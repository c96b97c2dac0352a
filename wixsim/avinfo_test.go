package wixsim

import (
	"bytes"
	"encoding/binary"
	"image/jpeg"
	"os"
	"strings"
	"testing"

	"github.com/wixmigrate/wixmigrate/wix"
)

func TestReadAVInfo(t *testing.T) {
	t.Parallel()
	read := func(path, mime string) avInfo {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return readAVInfo(bytes.NewReader(b), mime)
	}
	// samples/gen writes a 3 s, 64x48 MP4 and 8,340 bytes of 128 kbit/s
	// MP3 frames after a 27-byte ID3 tag: 521.25 ms.
	if got, want := read("../samples/media/promo.mp4", "video/mp4"), (avInfo{width: 64, height: 48, durationMs: 3000}); got != want {
		t.Errorf("promo.mp4: %+v, want %+v", got, want)
	}
	if got, want := read("../samples/media/jingle.mp3", "audio/mpeg"), (avInfo{durationMs: 521}); got != want {
		t.Errorf("jingle.mp3: %+v, want %+v", got, want)
	}

	wav := func(byteRate, data uint32) []byte {
		var b bytes.Buffer
		b.WriteString("RIFF\x00\x00\x00\x00WAVE")
		b.WriteString("LIST")
		binary.Write(&b, binary.LittleEndian, uint32(3))
		b.WriteString("abc\x00") // an odd chunk, padded
		b.WriteString("fmt ")
		binary.Write(&b, binary.LittleEndian, uint32(16))
		fmtBody := make([]byte, 16)
		binary.LittleEndian.PutUint32(fmtBody[8:], byteRate)
		b.Write(fmtBody)
		b.WriteString("data")
		binary.Write(&b, binary.LittleEndian, data)
		return b.Bytes()
	}
	if got := readAVInfo(bytes.NewReader(wav(88200, 88200*2+44100)), "audio/wav"); got.durationMs != 2500 {
		t.Errorf("a 2.5 s WAV: %+v", got)
	}
	for name, mime := range map[string]string{"not an MP4": "video/mp4", "not a WAV": "audio/wav", "not an MP3": "audio/mpeg", "a format not read": "video/webm"} {
		if got := readAVInfo(bytes.NewReader([]byte("\x00\x00\x00\x01junkjunkjunk")), mime); got != (avInfo{}) {
			t.Errorf("%s: %+v", name, got)
		}
	}
}

// TestVideoAndAudioMedia: READY videos and audio carry what the SDK's wix:
// URIs read, as Wix sends it: a video's posters (the poster served as a
// JPEG of the frame's size) and an audio asset's duration in milliseconds.
func TestVideoAndAudioMedia(t *testing.T) {
	t.Parallel()
	read := func(name string) []byte {
		b, err := os.ReadFile("../samples/media/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	srv := newServer(t, Options{})
	o := origin(t, map[string][]byte{"promo.mp4": read("promo.mp4"), "jingle.mp3": read("jingle.mp3")})

	v := waitDone(t, srv, "site", importFile(t, srv, "site", wix.ImportFileRequest{URL: o.URL + "/img/promo.mp4", DisplayName: "Promo clip.mp4"}).ID)
	video := v.Media.Video
	if video == nil || len(video.Posters) != 1 || video.Width != 64 || video.Height != 48 || video.DurationInMilliseconds != 3000 || len(video.Resolutions) != 1 {
		t.Fatalf("video media %+v", video)
	}
	p := video.Posters[0]
	if p.ID != strings.TrimSuffix(v.ID, ".mp4")+"f000.jpg" || p.Width != 64 || p.Height != 48 || p.URL != wix.MediaURLPrefix+p.ID {
		t.Errorf("poster %+v", p)
	}
	want := "wix:video://v1/" + v.ID + "/Promo%20clip.mp4#posterUri=" + p.ID + "&posterWidth=64&posterHeight=48"
	if got := wix.MediaURI(&v); got != want {
		t.Errorf("video URI %s, want %s", got, want)
	}
	resp, body := do(t, srv, "GET", "/media/"+p.ID, "", nil, nil)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/jpeg" {
		t.Fatalf("poster: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if cfg, err := jpeg.DecodeConfig(bytes.NewReader(body)); err != nil || cfg.Width != 64 || cfg.Height != 48 {
		t.Errorf("poster JPEG %+v, %v", cfg, err)
	}
	if resp, _ := do(t, srv, "GET", "/media/nosuchf000.jpg", "", nil, nil); resp.StatusCode != 404 {
		t.Errorf("the poster of no video: %d", resp.StatusCode)
	}

	a := waitDone(t, srv, "site", importFile(t, srv, "site", wix.ImportFileRequest{URL: o.URL + "/img/jingle.mp3"}).ID)
	audio := a.Media.Audio
	if audio == nil || audio.Duration != 0.521 || len(audio.Assets) != 1 || audio.Assets[0].Duration != 521 || audio.Assets[0].Filename != "jingle.mp3" {
		t.Fatalf("audio media %+v", audio)
	}
	if got, want := wix.MediaURI(&a), "wix:audio://v1/"+a.ID+"/jingle.mp3#duration=521"; got != want {
		t.Errorf("audio URI %s, want %s", got, want)
	}
}
