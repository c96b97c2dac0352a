package conformance

import (
	"math/rand/v2"
	"testing"

	"github.com/wixmigrate/wixmigrate/wix"
)

// TestScaledToFillURLs checks the URLs `rewrite` gives WordPress size
// variants against what the official SDK's media.getScaledToFillImageUrl
// returns for the same wix:image URI and size: every image type, tiny to
// huge originals, missing origin sizes, downscales, upscales within and
// past image-kit's limits, and targets past its safe area.
func TestScaledToFillURLs(t *testing.T) {
	t.Parallel()

	type fillCase struct {
		URI    string `json:"uri"`
		Width  int    `json:"width"`
		Height int    `json:"height"`

		fileID         string
		originW, origH int
	}
	var cases []fillCase
	add := func(id string, ow, oh, w, h int) {
		cases = append(cases, fillCase{URI: wix.ImageURI(id, "photo café.jpg", ow, oh), Width: w, Height: h,
			fileID: id, originW: ow, origH: oh})
	}
	ids := []string{
		"2acbb8_66ffafe2e5d04335b968dc73dae5585c~mv2.jpg", "2acbb8_66ffafe2e5d04335b968dc73dae5585c~mv2.jpeg",
		"2acbb8_66ffafe2e5d04335b968dc73dae5585c~mv2.png", "2acbb8_66ffafe2e5d04335b968dc73dae5585c~mv2.webp",
		"2acbb8_66ffafe2e5d04335b968dc73dae5585c~mv2.avif", "2acbb8_66ffafe2e5d04335b968dc73dae5585c~mv2.gif",
		"2acbb8_66ffafe2e5d04335b968dc73dae5585c~mv2.svg", "2acbb8_66ffafe2e5d04335b968dc73dae5585c~mv2.JPG",
		"2acbb8_66ffafe2e5d04335b968dc73dae5585c~mv2.heic", "2acbb8_66ffafe2e5d04335b968dc73dae5585c",
	}
	sizes := [][2]int{{0, 0}, {1, 1}, {150, 150}, {300, 200}, {399, 401}, {400, 400}, {600, 600}, {601, 600},
		{768, 512}, {1024, 683}, {1200, 800}, {1400, 1400}, {1401, 1400}, {2560, 1707}, {6000, 4000}, {7000, 7000}}
	for _, id := range ids {
		for _, origin := range sizes {
			for _, target := range sizes[1:] {
				add(id, origin[0], origin[1], target[0], target[1])
			}
		}
	}
	r := rand.New(rand.NewPCG(9, 9))
	for range 2000 {
		add(ids[r.IntN(4)], r.IntN(5000), r.IntN(5000), 1+r.IntN(3000), 1+r.IntN(3000))
	}

	var want []string
	askSDK(t, "scaledToFillURLs", cases, &want)
	if len(want) != len(cases) {
		t.Fatalf("the SDK answered %d URLs for %d cases", len(want), len(cases))
	}
	failed := 0
	for i, c := range cases {
		got := wix.ScaledToFillURL(c.fileID, c.originW, c.origH, c.Width, c.Height)
		if got != want[i] {
			failed++
			if failed <= 10 {
				t.Errorf("%s scaled to fill %dx%d:\n got %s\n SDK %s", c.URI, c.Width, c.Height, got, want[i])
			}
		}
	}
	if failed > 0 {
		t.Errorf("%d of %d scaled-to-fill URLs differ from the SDK's", failed, len(cases))
	}
	t.Logf("%d scaled-to-fill URLs equal the SDK's", len(cases)-failed)
}
