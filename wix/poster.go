package wix

import (
	"strconv"
	"strings"
)

// VideoPoster reads the poster a video's wix: media URI carries
// (MediaURI writes it: #posterUri=<id>&posterWidth=<w>&posterHeight=<h>,
// the ID as it is). ok is false for a URI without a poster.
func VideoPoster(uri string) (id string, width, height int, ok bool) {
	if !strings.HasPrefix(uri, "wix:video://") {
		return "", 0, 0, false
	}
	_, fragment, found := strings.Cut(uri, "#")
	if !found {
		return "", 0, 0, false
	}
	for _, kv := range strings.Split(fragment, "&") {
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case "posterUri":
			id = v
		case "posterWidth":
			width, _ = strconv.Atoi(v)
		case "posterHeight":
			height, _ = strconv.Atoi(v)
		}
	}
	return id, width, height, id != ""
}
