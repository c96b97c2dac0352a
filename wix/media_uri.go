package wix

import (
	"cmp"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MediaRef is what the official SDK reads from a file's media to name it
// with a wix: media URI: @wix/sdk-runtime's transformations (1.0.25,
// build/transformations/), as @wix/auto_sdk_media_files applies them to a
// file descriptor's media.
type MediaRef struct {
	Type     MediaType // the file's media type; VECTOR is named as an image
	ID       string    // the media's ID (the file ID)
	Filename string    // the media's file name; "" leaves the name out
	// Width and Height are an image's or vector's origin size, or a video
	// poster's size; 0 is a size Wix did not send, which the SDK writes
	// as "undefined".
	Width, Height int
	// PosterID is a video's poster image: with it, the URI carries the
	// poster and its size.
	PosterID string
	// Duration is an audio asset's duration as Wix sends it (in
	// milliseconds); the SDK writes 0 when Wix sends none.
	Duration float64
}

// mediaURIKind is how the SDK names one media type: the scheme, where in
// the descriptor's media it reads, and what it writes after '#'.
type mediaURIKind struct {
	scheme string
	// ref reads the media the SDK transforms; ok is false when m holds
	// none of this type.
	ref func(m *FileMedia) (r MediaRef, ok bool)
	// fragment is the text after '#', "" for none.
	fragment func(r *MediaRef) string
	// fromReport: the URI needs nothing beyond a report's columns (file
	// ID, origin size) and the file's name.
	fromReport bool
	// sized: the URI carries the origin size.
	sized bool
}

// mediaURIKinds is the SDK's transformation per media type. Archives and
// 3D models have none: the SDK gives them no wix: URI.
var mediaURIKinds = map[MediaType]mediaURIKind{
	// transformRESTImageToSDKImage, on media.image.image
	MediaImage: {scheme: "image", ref: func(m *FileMedia) (MediaRef, bool) { return imageRef(m.Image) },
		fragment: originSize, fromReport: true, sized: true},
	// the same, on media.vector.image
	MediaVector: {scheme: "image", ref: func(m *FileMedia) (MediaRef, bool) { return imageRef(m.Vector) },
		fragment: originSize, fromReport: true, sized: true},
	// transformRESTVideoV2ToSDKVideoV2, on media.video
	MediaVideo: {scheme: "video", ref: videoRef, fragment: poster},
	// transformRESTAudioToSDKAudio, on each of media.audio.assets (the first
	// is the file's)
	MediaAudio: {scheme: "audio", ref: audioRef, fragment: duration},
	// transformRESTDocumentToSDKDocument, on media.document
	MediaDocument: {scheme: "document", ref: documentRef, fromReport: true},
}

// MediaURI is the wix: media URI the official SDK gives f's media, the form
// Wix's content APIs (CMS, Stores, Blog, Velo) take:
// wix:image://v1/<id>/<name>#originWidth=<w>&originHeight=<h>,
// wix:video://v1/<id>/<name>#posterUri=<poster>&posterWidth=<w>&posterHeight=<h>,
// wix:audio://v1/<id>/<name>#duration=<ms>, wix:document://v1/<id>/<name>.
// It is "" when f carries no media the SDK names (not READY yet, an
// archive, a media without an ID).
func MediaURI(f *File) string {
	if f == nil || f.Media == nil {
		return ""
	}
	kind, ok := mediaURIKinds[f.MediaType]
	if !ok {
		return ""
	}
	r, ok := kind.ref(f.Media)
	if !ok {
		return ""
	}
	r.Type = f.MediaType
	return r.URI()
}

// URI is r's wix: media URI, "" when r has no ID or its type has none.
func (r MediaRef) URI() string {
	kind, ok := mediaURIKinds[r.Type]
	if !ok || r.ID == "" {
		return "" // the SDK gives the media's url instead: not a wix: URI
	}
	var b strings.Builder
	b.Grow(len(r.ID) + 3*len(r.Filename) + 64)
	b.WriteString("wix:")
	b.WriteString(kind.scheme)
	b.WriteString("://v1/")
	b.WriteString(r.ID)
	if r.Filename != "" {
		b.WriteByte('/')
		b.WriteString(EncodeURIComponent(r.Filename))
	}
	if kind.fragment != nil {
		if f := kind.fragment(&r); f != "" {
			b.WriteByte('#')
			b.WriteString(f)
		}
	}
	return jsonText(b.String())
}

// jsonText is s as the SDK receives it in JSON: each byte that is not
// UTF-8 replaced by U+FFFD, as encoding/json writes it. (IDs go into the
// URI as they are; decoded descriptors never hold such bytes.)
func jsonText(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		b.WriteRune(r) // RuneError for an invalid byte, one byte at a time
		i += n
	}
	return b.String()
}

// MediaURIBase is the start every wix: media URI of file id of type t
// has, "" when t has none.
func MediaURIBase(t MediaType, id string) string {
	kind, ok := mediaURIKinds[t]
	if !ok || id == "" {
		return ""
	}
	return "wix:" + kind.scheme + "://v1/" + id
}

// MediaURIFromReport is the URI the SDK gives a file that a report names
// well enough: by its ID, the name it was given (see StoredName) and, for
// images and vectors, its origin size. ok is false for types whose URI
// needs more (a video's poster, an audio's duration), and for an image
// without its size.
func MediaURIFromReport(t MediaType, id, name string, width, height int) (uri string, ok bool) {
	kind := mediaURIKinds[t]
	if !kind.fromReport || id == "" || (kind.sized && (width <= 0 || height <= 0)) {
		return "", false
	}
	return MediaRef{Type: t, ID: id, Filename: name, Width: width, Height: height}.URI(), true
}

// MaxStoredName is the length, in characters, Wix cuts a display name to
// when it stores it.
const MaxStoredName = 255

// StoredName is the name Wix stores for a file imported or uploaded with
// displayName: its first MaxStoredName characters. It is the file's name in
// the Media Manager and its media's filename.
func StoredName(displayName string) string {
	if utf8.RuneCountInString(displayName) <= MaxStoredName {
		return displayName
	}
	return string([]rune(displayName)[:MaxStoredName])
}

func imageRef(m *ImageMedia) (MediaRef, bool) {
	if m == nil || m.Image == nil {
		return MediaRef{}, false
	}
	im := m.Image
	// the SDK names the file by its filename, else by its alt text
	return MediaRef{ID: im.ID, Filename: cmp.Or(im.Filename, im.AltText), Width: im.Width, Height: im.Height}, true
}

func videoRef(m *FileMedia) (MediaRef, bool) {
	v := m.Video
	if v == nil {
		return MediaRef{}, false
	}
	r := MediaRef{ID: v.ID, Filename: v.Filename}
	if len(v.Posters) > 0 {
		// the second poster when there are two, else the first; an ID,
		// else the last segment of its url
		p := v.Posters[min(1, len(v.Posters)-1)]
		r.PosterID = p.ID
		if r.PosterID == "" {
			if i := strings.LastIndexByte(p.URL, '/'); i >= 0 {
				r.PosterID = p.URL[i+1:]
			}
		}
		r.Width, r.Height = p.Width, p.Height
	}
	return r, true
}

func audioRef(m *FileMedia) (MediaRef, bool) {
	if m.Audio == nil || len(m.Audio.Assets) == 0 {
		return MediaRef{}, false
	}
	a := m.Audio.Assets[0]
	return MediaRef{ID: a.ID, Filename: a.Filename, Duration: a.Duration}, true
}

func documentRef(m *FileMedia) (MediaRef, bool) {
	d := m.Document
	if d == nil {
		return MediaRef{}, false
	}
	return MediaRef{ID: d.ID, Filename: d.Filename}, true
}

func originSize(r *MediaRef) string {
	return "originWidth=" + jsSize(r.Width) + "&originHeight=" + jsSize(r.Height)
}

func poster(r *MediaRef) string {
	if r.PosterID == "" {
		return ""
	}
	// the poster's ID goes in as it is, not encoded
	return "posterUri=" + r.PosterID + "&posterWidth=" + jsSize(r.Width) + "&posterHeight=" + jsSize(r.Height)
}

func duration(r *MediaRef) string { return "duration=" + jsNumber(r.Duration) }

// jsSize is a size as the SDK writes it: Wix leaves out a size of 0
// (omitempty here too), and JavaScript writes the missing value.
func jsSize(n int) string {
	if n == 0 {
		return "undefined"
	}
	return strconv.Itoa(n)
}

// jsNumber is JavaScript's Number.prototype.toString for a finite number.
func jsNumber(f float64) string {
	switch a := math.Abs(f); {
	case a == 0:
		return "0"
	case a >= 1e21 || a < 1e-6:
		s := strconv.FormatFloat(f, 'e', -1, 64) // 1e-07, 1.5e+21
		mant, exp, _ := strings.Cut(s, "e")
		sign := exp[:1]
		exp = strings.TrimLeft(exp[1:], "0")
		return mant + "e" + sign + exp
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// EncodeURIComponent is JavaScript's encodeURIComponent: every byte of the
// UTF-8 text percent-encoded but ASCII letters, digits and -_.!~*'().
// Invalid UTF-8 is encoded as U+FFFD, as JSON carries it to the SDK.
func EncodeURIComponent(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if uriUnreserved(c) {
				b.WriteByte(c)
			} else {
				b.WriteByte('%')
				b.WriteByte(hex[c>>4])
				b.WriteByte(hex[c&15])
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		var buf [utf8.UTFMax]byte
		for _, c := range buf[:utf8.EncodeRune(buf[:], r)] {
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
		i += n
	}
	return b.String()
}

func uriUnreserved(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("-_.!~*'()", c) >= 0
}
