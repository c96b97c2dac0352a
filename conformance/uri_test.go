package conformance

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wixmigrate/wixmigrate/internal/testenv"
	"github.com/wixmigrate/wixmigrate/migrate"
	"github.com/wixmigrate/wixmigrate/pipeline"
	"github.com/wixmigrate/wixmigrate/wix"
	"github.com/wixmigrate/wixmigrate/wixsim"
)

// sdkURIs asks the SDK (uri.mjs) for the URI it gives each file ("" where
// it gives none).
func sdkURIs(t *testing.T, req any) []string {
	t.Helper()
	var uris []*string
	askSDK(t, "wixURIs", req, &uris)
	got := make([]string, len(uris))
	for i, u := range uris {
		if u != nil {
			got[i] = *u
		}
	}
	return got
}

// uriName makes a file name out of pieces that need encoding: spaces, '#',
// '%', '/', '?', '&', '=', '+', quotes, what encodeURIComponent leaves
// alone (-_.!~*'()), accents, CJK, emoji and a byte that is not UTF-8.
func uriName(r *rand.Rand) string {
	pieces := []string{"photo", " ", "#", "%", "%20", "/", "?", "&", "=", "+", "\"", "'", "(", ")", "!", "~", "*", "-", "_",
		".", "é", "ü", "日本", "😀", ":", ";", ",", "@", "$", "[", "]", "\\", "\t", "\u2028", "\xff", "a.jpg", ".pdf"}
	var b strings.Builder
	for range 1 + r.IntN(8) {
		b.WriteString(pieces[r.IntN(len(pieces))])
	}
	return b.String()
}

// TestWixURIsMatchTheSDK checks wix.MediaURI, which gives the report's
// wix_uri, against what the official SDK's files.getFileDescriptors
// returns for the same descriptors (the media @wix/sdk-runtime's
// transformations turn into wix: URIs): every media type, vectors
// included; names that need encoding; missing sizes; videos with no, one
// or two posters, named by ID or by URL; audio with and without a
// duration.
func TestWixURIsMatchTheSDK(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(16, 16))
	image := func() *wix.Image {
		im := &wix.Image{ID: "2acbb8_66ffafe2e5d04335b968dc73dae5585c~mv2.jpg", URL: wix.MediaURLPrefix + "x.jpg", Filename: uriName(r)}
		switch r.IntN(6) {
		case 0: // no size, as an SVG without one
		case 1:
			im.Filename, im.AltText = "", uriName(r) // named by its alt text
		case 2:
			im.Filename = "" // no name at all
			im.Width, im.Height = 1+r.IntN(8000), 1+r.IntN(8000)
		default:
			im.Width, im.Height = 1+r.IntN(8000), 1+r.IntN(8000)
		}
		return im
	}
	var files []wix.File
	for i := range 2000 {
		f := wix.File{ID: "2acbb8_" + strings.Repeat("0", 8) + string(rune('a'+i%26)), Media: &wix.FileMedia{}}
		switch i % 5 {
		case 0:
			f.MediaType, f.Media.Image = wix.MediaImage, &wix.ImageMedia{Image: image()}
		case 1:
			f.MediaType, f.Media.Vector = wix.MediaVector, &wix.ImageMedia{Image: image()}
		case 2:
			v := &wix.VideoMedia{ID: "2acbb8_9f1e.mp4", Filename: uriName(r)}
			for range r.IntN(3) {
				p := wix.Image{ID: "2acbb8_9f1ef000.jpg", Width: r.IntN(4000), Height: r.IntN(3000)}
				if r.IntN(3) == 0 {
					p.ID, p.URL = "", "https://static.wixstatic.com/media/2acbb8_poster"+uriName(r)[:1]+".jpg"
				}
				v.Posters = append(v.Posters, p)
			}
			if r.IntN(4) == 0 {
				v.Filename = ""
			}
			f.MediaType, f.Media.Video = wix.MediaVideo, v
		case 3:
			a := wix.AudioAsset{ID: "2acbb8_5ad.mp3", Filename: uriName(r)}
			switch r.IntN(3) {
			case 0:
				a.Duration = float64(r.IntN(600000))
			case 1:
				a.Duration = float64(r.IntN(600000)) + r.Float64()
			}
			f.MediaType, f.Media.Audio = wix.MediaAudio, &wix.AudioMedia{ID: a.ID, Assets: []wix.AudioAsset{a}}
		case 4:
			f.MediaType, f.Media.Document = wix.MediaDocument, &wix.DocumentMedia{ID: "2acbb8_d0c.pdf", Filename: uriName(r)}
		}
		files = append(files, f)
	}
	want := sdkURIs(t, map[string]any{"files": files})
	if len(want) != len(files) {
		t.Fatalf("the SDK named %d files of %d", len(want), len(files))
	}
	failed := 0
	for i := range files {
		if got := wix.MediaURI(&files[i]); got != want[i] {
			failed++
			if failed <= 10 {
				b, _ := json.Marshal(files[i].Media)
				t.Errorf("%s %s:\n got %s\n SDK %s", files[i].MediaType, b, got, want[i])
			}
		}
	}
	if failed > 0 {
		t.Errorf("%d of %d wix: URIs differ from the SDK's", failed, len(files))
	}
	t.Logf("%d wix: URIs equal the SDK's", len(files)-failed)
}

// TestReportWixURIsMatchTheSDK migrates a file of each media type to the
// simulator and checks every READY row's wix_uri against what the SDK
// gives when it reads the same file from the simulator.
func TestReportWixURIsMatchTheSDK(t *testing.T) {
	t.Parallel()
	sim := testenv.NewSim(t, wixsim.Options{ProcessingDelay: wixsim.Range{Max: 5 * time.Millisecond}})
	origin := testenv.Origin(t, testenv.SampleMedia(t, testenv.EveryMediaTypeFiles...))
	manifestPath := filepath.Join(t.TempDir(), "media.csv")
	testenv.WriteManifest(t, manifestPath, origin.URL, testenv.EveryMediaType)
	m, err := migrate.Open(migrate.Config{Manifest: manifestPath, Client: sim.Client,
		Settings: pipeline.Settings{Rate: pipeline.NoRateLimit, PollInterval: 5 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	recs := testenv.ReadCSV(t, m.ReportPath())
	col := map[string]int{}
	for i, name := range recs[0] {
		col[name] = i
	}
	var ids, uris []string
	types := map[string]bool{}
	for _, rec := range recs[1:] {
		if rec[col["status"]] != "READY" {
			t.Fatalf("row not READY: %q", rec)
		}
		ids, uris = append(ids, rec[col["file_id"]]), append(uris, rec[col["wix_uri"]])
		types[rec[col["media_type"]]] = true
	}
	if len(types) != 5 {
		t.Errorf("media types %v, want images, vectors, videos, audio and documents", types)
	}
	want := sdkURIs(t, map[string]any{"ids": ids,
		"sim": map[string]string{"url": sim.URL, "apiKey": testenv.APIKey, "siteId": testenv.SiteID}})
	for i := range ids {
		if uris[i] != want[i] || uris[i] == "" {
			t.Errorf("%s: wix_uri %q, SDK %q", recs[i+1][0], uris[i], want[i])
		}
	}
}
