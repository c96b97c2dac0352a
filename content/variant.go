package content

import (
	"strconv"
	"strings"
)

// SizeVariant is a WordPress size variant's name taken apart: photo-300x200.jpg
// is the 300×200 copy of photo.jpg, or of photo-scaled.jpg or
// photo-rotated.jpg, the names WordPress gives an original it scaled down
// or rotated on upload.
type SizeVariant struct {
	Width, Height int
	// Originals are the URLs the original may have, most likely first:
	// u without "-WxH", then with "-scaled" and "-rotated" in its place.
	Originals []string
}

// ParseVariant reads u (any URL or path) as a size variant's name. ok is
// false when its file name has no "-WxH" right before the extension. A
// name can look like a variant and be an original of its own
// (banner-1200x400.jpg): only a known original makes it a variant.
func ParseVariant(u string) (v SizeVariant, ok bool) {
	before, after, w, h, ok := SplitVariant(u)
	if !ok {
		return SizeVariant{}, false
	}
	return SizeVariant{Width: w, Height: h, Originals: []string{
		before + after, before + "-scaled" + after, before + "-rotated" + after,
	}}, true
}

// OriginalSuffixes are what may stand where a variant has "-WxH", in
// SizeVariant.Originals order.
var OriginalSuffixes = []string{"", "-scaled", "-rotated"}

// SplitVariant is ParseVariant without building the originals: u is
// before + "-WxH" + after (a URL key's too: Key keeps the path's bytes).
func SplitVariant(u string) (before, after string, w, h int, ok bool) {
	p := URLPath(u)
	slash := strings.LastIndexByte(p, '/')
	dot := strings.LastIndexByte(p, '.')
	if dot <= slash+1 {
		return "", "", 0, 0, false
	}
	stem := p[:dot]
	dash := strings.LastIndexByte(stem, '-')
	if dash <= slash+1 {
		return "", "", 0, 0, false
	}
	if w, h, ok = parseSize(stem[dash+1:]); !ok {
		return "", "", 0, 0, false
	}
	// URLPath keeps the path's bytes: find them in u by offset.
	offset := strings.Index(u, p)
	if offset < 0 {
		return "", "", 0, 0, false
	}
	return u[:offset+dash], u[offset+dot:], w, h, true
}

// parseSize reads "300x200".
func parseSize(s string) (w, h int, ok bool) {
	a, b, found := strings.Cut(s, "x")
	if !found || !digits(a) || !digits(b) {
		return 0, 0, false
	}
	w, _ = strconv.Atoi(a)
	h, _ = strconv.Atoi(b)
	return w, h, w > 0 && h > 0
}

func digits(s string) bool {
	if s == "" || len(s) > 5 || s[0] == '0' {
		return false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// VariantsColumn is the manifest column (written by scan, or by users)
// listing, separated by VariantSeparator, the URLs of a file's size
// variants; rewrite reads it through migrate's report.
const VariantsColumn = "variants"

// VariantSeparator separates the URLs in the variants column.
const VariantSeparator = ";"
