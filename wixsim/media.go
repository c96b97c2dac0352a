package wixsim

import (
	"bytes"
	"encoding/xml"
	"image"
	_ "image/gif" // registers GIF for image.DecodeConfig
	"image/jpeg"
	"image/png"
	"io"
	"math"
	"path"
	"strconv"
	"strings"

	"github.com/gabriel-vasile/mimetype"
	_ "golang.org/x/image/bmp" // registers BMP
	"golang.org/x/image/draw"
	_ "golang.org/x/image/tiff" // registers TIFF
	_ "golang.org/x/image/webp" // registers WebP

	"github.com/wixmigrate/wixmigrate/wix"
)

// mediaKind is wix.MediaType in one byte, for compact file records.
type mediaKind uint8

const (
	kindUnknown mediaKind = iota
	kindImage
	kindVideo
	kindAudio
	kindDocument
	kindVector
	kindArchive
	kindModel3D
	kindOther
)

var kindWire = [...]wix.MediaType{wix.MediaUnknown, wix.MediaImage, wix.MediaVideo,
	wix.MediaAudio, wix.MediaDocument, wix.MediaVector, wix.MediaArchive,
	wix.MediaModel3D, wix.MediaOther}

func (k mediaKind) wire() wix.MediaType { return kindWire[k] }

// kindOf parses a wire media type; ok is false for unknown names.
func kindOf(t wix.MediaType) (mediaKind, bool) {
	for i, w := range kindWire {
		if w == t {
			return mediaKind(i), true
		}
	}
	return 0, false
}

// kindOfMIME maps a MIME type to the media type Wix files it under (by
// wix.MediaTypeOfMIME), and reports false for content the Media Manager does
// not take (HTML, plain text, executables...).
func kindOfMIME(m string) (mediaKind, bool) {
	t := wix.MediaTypeOfMIME(m)
	if t == "" {
		return kindUnknown, false
	}
	k, _ := kindOf(t)
	return k, true
}

// mediaExtension returns the lower-case extension, without its dot, of a
// name or URL path when the project's table (wix.MIMEOfExtension) names it
// a media type; "" otherwise.
func mediaExtension(name string) string {
	ext := strings.ToLower(path.Ext(name))
	if ext == "" || wix.MediaTypeOfMIME(wix.MIMEOfExtension(ext)) == "" {
		return ""
	}
	return ext[1:]
}

// guess works out, before the bytes arrive, the media type and ID extension
// of a new file from what the client said: Wix learns the type from
// mimeType or an extension in displayName or url.
func guess(declared mediaKind, mimeType string, names ...string) (mediaKind, string) {
	ext := ""
	if mimeType != "" && wix.MediaTypeOfMIME(mimeType) != "" {
		ext = strings.TrimPrefix(wix.ExtensionOfMIME(mimeType), ".")
	}
	for _, n := range names {
		if ext == "" {
			ext = mediaExtension(n)
		}
	}
	kind := declared
	if kind == kindUnknown {
		if mimeType != "" {
			kind, _ = kindOfMIME(mimeType)
		}
		if kind == kindUnknown && ext != "" {
			kind, _ = kindOfMIME(wix.MIMEOfExtension(ext))
		}
	}
	if ext == "" {
		switch kind {
		case kindImage:
			ext = "jpg"
		case kindVector:
			ext = "svg"
		}
	}
	return kind, ext
}

// sniffed is what processing learns from a file's bytes.
type sniffed struct {
	kind          mediaKind
	mime          string
	width, height int32 // an image's, a vector's or a video's frame
	durationMs    int32 // a video's or an audio's
}

// sniff identifies content from its first bytes (head) and, for images,
// reads its dimensions from the whole content (open). ok is false for
// content that is not media or is a broken image.
func sniff(head []byte, open func() (io.ReadCloser, error)) (sniffed, bool) {
	mt := mimetype.Detect(head)
	m := mt.String()
	if i := strings.IndexByte(m, ';'); i >= 0 {
		m = m[:i]
	}
	kind, ok := kindOfMIME(m)
	if !ok {
		return sniffed{}, false
	}
	out := sniffed{kind: kind, mime: m}
	switch kind {
	case kindVector:
		if m != "image/svg+xml" {
			break // PostScript and the like: no dimensions read
		}
		w, h, ok := svgSize(bytes.NewReader(head))
		if !ok {
			return sniffed{}, false
		}
		out.width, out.height = w, h
	case kindVideo, kindAudio:
		rc, err := open()
		if err != nil {
			return sniffed{}, false
		}
		info := readAVInfo(rc, m)
		rc.Close()
		out.durationMs = info.durationMs
		if kind == kindVideo {
			out.width, out.height = info.width, info.height
		}
	case kindImage:
		rc, err := open()
		if err != nil {
			return sniffed{}, false
		}
		cfg, format, err := image.DecodeConfig(rc)
		rc.Close()
		if err == nil {
			out.width, out.height = int32(cfg.Width), int32(cfg.Height)
		} else if format != "" || decodable(m) {
			return sniffed{}, false // a broken image of a format we read
		}
	}
	return out, true
}

// decodable reports whether image.DecodeConfig knows the format, so a
// failure to decode means the image is broken rather than unsupported.
func decodable(m string) bool {
	switch m {
	case "image/jpeg", "image/png", "image/gif", "image/webp", "image/bmp", "image/tiff":
		return true
	}
	return false
}

// svgSize reads width and height of an SVG root element, falling back to its
// viewBox; ok is false when r holds no svg element.
func svgSize(r io.Reader) (w, h int32, ok bool) {
	dec := xml.NewDecoder(r)
	dec.Strict = false
	for {
		tok, err := dec.Token()
		if err != nil {
			return 0, 0, false
		}
		se, isStart := tok.(xml.StartElement)
		if !isStart {
			continue
		}
		if se.Name.Local != "svg" {
			return 0, 0, false
		}
		var width, height, viewBox string
		for _, a := range se.Attr {
			switch a.Name.Local {
			case "width":
				width = a.Value
			case "height":
				height = a.Value
			case "viewBox":
				viewBox = a.Value
			}
		}
		var vb []float64
		for _, f := range strings.FieldsFunc(viewBox, func(r rune) bool { return r == ' ' || r == ',' }) {
			v, err := strconv.ParseFloat(f, 64)
			if err != nil {
				vb = nil
				break
			}
			vb = append(vb, v)
		}
		fw, okw := svgLength(width)
		fh, okh := svgLength(height)
		if len(vb) == 4 {
			if !okw {
				fw = vb[2]
			}
			if !okh {
				fh = vb[3]
			}
		}
		return int32(math.Round(fw)), int32(math.Round(fh)), true
	}
}

// svgLength parses an absolute SVG length like "120", "120px" or "12.5";
// percentages and other units are not absolute and report false.
func svgLength(s string) (float64, bool) {
	s = strings.TrimSuffix(strings.TrimSpace(s), "px")
	v, err := strconv.ParseFloat(s, 64)
	return v, err == nil && v > 0
}

// fillPath splits a scaled-to-fill media path, what the SDK's
// getScaledToFillImageUrl asks static.wixstatic.com for:
// <id>/v1/fill/w_<w>,h_<h>,<more>/<name>. ok is false for a plain <id>.
func fillPath(p string) (id string, w, h int, ok bool) {
	id, rest, found := strings.Cut(p, "/v1/fill/")
	if !found {
		return p, 0, 0, false
	}
	params, _, _ := strings.Cut(rest, "/")
	for _, kv := range strings.Split(params, ",") {
		k, v, _ := strings.Cut(kv, "_")
		n, err := strconv.Atoi(v)
		switch {
		case err != nil:
		case k == "w":
			w = n
		case k == "h":
			h = n
		}
	}
	const most = 5000 // image-kit's safe area side
	if w <= 0 || h <= 0 || w > most || h > most {
		return id, 0, 0, false
	}
	return id, w, h, true
}

// scaleToFill decodes an image and returns it scaled to cover w×h and
// cropped to it, centered, as Wix's fill transform does, encoded as JPEG
// for a JPEG and as PNG otherwise. ok is false for content it cannot
// decode: the caller serves the stored bytes instead.
func scaleToFill(r io.Reader, mime string, w, h int) (out []byte, outMIME string, ok bool) {
	src, _, err := image.Decode(r)
	if err != nil {
		return nil, "", false
	}
	b := src.Bounds()
	// The largest centered part of the source with the target's aspect.
	cw, ch := b.Dx(), b.Dx()*h/w
	if ch > b.Dy() {
		cw, ch = b.Dy()*w/h, b.Dy()
	}
	crop := image.Rect(0, 0, cw, ch).Add(b.Min).Add(image.Pt((b.Dx()-cw)/2, (b.Dy()-ch)/2))
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.ApproxBiLinear.Scale(dst, dst.Bounds(), src, crop, draw.Src, nil)
	var buf bytes.Buffer
	if mime == "image/jpeg" {
		err, outMIME = jpeg.Encode(&buf, dst, &jpeg.Options{Quality: 85}), "image/jpeg"
	} else {
		err, outMIME = png.Encode(&buf, dst), "image/png"
	}
	if err != nil {
		return nil, "", false
	}
	return buf.Bytes(), outMIME, true
}
