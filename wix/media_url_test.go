package wix

import "testing"

// The SDK's answers for these calls, recorded from @wix/sdk 1.21.16; the
// conformance test checks many more against the SDK itself.
func TestScaledToFillURL(t *testing.T) {
	tests := []struct {
		id     string
		ow, oh int
		w, h   int
		want   string
	}{
		{"abc_123~mv2.jpg", 1200, 800, 300, 200, "https://static.wixstatic.com/media/abc_123~mv2.jpg/v1/fill/w_300,h_200,al_c,q_80,usm_0.66_1.00_0.01,enc_auto/abc_123~mv2.jpg"},
		{"abc_123~mv2.jpg", 1200, 800, 1024, 683, "https://static.wixstatic.com/media/abc_123~mv2.jpg/v1/fill/w_800,h_534,al_c,q_85,enc_auto/abc_123~mv2.jpg"},
		{"abc_123~mv2.jpg", 1200, 800, 1200, 800, "https://static.wixstatic.com/media/abc_123~mv2.jpg/v1/fill/w_800,h_533,al_c,q_85,enc_auto/abc_123~mv2.jpg"},
		{"abc_123~mv2.png", 500, 500, 100, 100, "https://static.wixstatic.com/media/abc_123~mv2.png/v1/fill/w_100,h_100,al_c,q_85,usm_0.66_1.00_0.01,enc_auto/abc_123~mv2.png"},
		{"abc_123~mv2.gif", 500, 500, 100, 100, "https://static.wixstatic.com/media/abc_123~mv2.gif"},
		{"abc_123~mv2.svg", 500, 500, 100, 100, "https://static.wixstatic.com/media/abc_123~mv2.svg"},
		{"abc_123~mv2.jpg", 0, 0, 300, 200, "https://static.wixstatic.com/media/abc_123~mv2.jpg/v1/fill/w_300,h_200,al_c,q_80,enc_auto/abc_123~mv2.jpg"},
		{"abc_123~mv2.jpeg", 4000, 3000, 768, 576, "https://static.wixstatic.com/media/abc_123~mv2.jpeg/v1/fill/w_768,h_576,al_c,q_85,usm_0.66_1.00_0.01,enc_auto/abc_123~mv2.jpeg"},
	}
	for _, tt := range tests {
		if got := ScaledToFillURL(tt.id, tt.ow, tt.oh, tt.w, tt.h); got != tt.want {
			t.Errorf("ScaledToFillURL(%q, %d, %d, %d, %d)\n got %s\nwant %s", tt.id, tt.ow, tt.oh, tt.w, tt.h, got, tt.want)
		}
	}
}
