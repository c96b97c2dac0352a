// Command gen writes the demo's media files under samples/: small, real
// files of every kind the demo imports, made here so the demo needs no
// downloads. Run it from the module root:
//
//	go run ./samples/gen
//
// It is an ordinary package main, not a //go:build ignore file, so that
// go mod tidy keeps the modules it needs. It is deterministic: rerunning rewrites identical bytes. Every file is
// checked after writing (images decode, every type sniffs as its MIME type).
package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"image/color/palette"
	"image/gif"
	"image/jpeg"
	"image/png"
	"log"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/gabriel-vasile/mimetype"
	"golang.org/x/image/webp"
)

func main() {
	log.SetFlags(0)
	out := "samples"
	if len(os.Args) > 1 {
		out = os.Args[1]
	}
	products := []struct {
		name string
		c    color.RGBA
	}{
		{"red-shirt", color.RGBA{200, 40, 40, 255}},
		{"blue-shirt", color.RGBA{40, 80, 200, 255}},
		{"green-mug", color.RGBA{40, 160, 80, 255}},
		{"yellow-cap", color.RGBA{230, 200, 40, 255}},
		{"black-sneakers", color.RGBA{30, 30, 30, 255}},
		{"white-hoodie", color.RGBA{235, 235, 235, 255}},
		{"orange-bag", color.RGBA{240, 130, 30, 255}},
		{"purple-scarf", color.RGBA{130, 50, 170, 255}},
		{"spring-sale", color.RGBA{240, 120, 170, 255}},
		{"behind-the-scenes", color.RGBA{90, 70, 50, 255}},
		{"team-photo", color.RGBA{60, 140, 160, 255}},
		{"new-store", color.RGBA{150, 150, 60, 255}},
	}
	for i, p := range products {
		write(out, "media/"+p.name+".jpg", encodeJPEG(product(200, 150, p.c, i), 80), "image/jpeg")
	}
	write(out, "protected/supplier-catalog.jpg", encodeJPEG(product(200, 150, color.RGBA{120, 120, 200, 255}, 3), 80), "image/jpeg")
	write(out, "protected/lookbook.png", encodePNG(banner(160, 60, color.RGBA{200, 90, 60, 255})), "image/png")
	write(out, "media/banner.png", encodePNG(banner(320, 80, color.RGBA{20, 110, 190, 255})), "image/png")
	write(out, "media/local-photo.png", encodePNG(product(120, 90, color.RGBA{70, 170, 120, 255}, 5)), "image/png")
	write(out, "media/spinner.gif", spinnerGIF(), "image/gif")
	write(out, "media/hero.webp", losslessWebP(96, 64), "image/webp")
	write(out, "media/logo.svg", []byte(logoSVG), "image/svg+xml")
	write(out, "media/size-guide.pdf", sizeGuidePDF(), "application/pdf")
	write(out, "media/promo.mp4", mjpegMP4(), "video/mp4")
	write(out, "media/jingle.mp3", silentMP3(), "audio/mpeg")
	write(out, "not-an-image.html", []byte(movedHTML), "text/html")
}

// write saves a file and checks that it sniffs as the type the demo
// expects Wix to see.
func write(root, name string, data []byte, wantType string) {
	path := filepath.Join(root, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		log.Fatal(err)
	}
	if got := mimetype.Detect(data); !got.Is(wantType) {
		log.Fatalf("%s sniffs as %s, want %s", name, got, wantType)
	}
	fmt.Printf("%-34s %6d bytes  %s\n", name, len(data), wantType)
}

// product draws a product shot: a soft backdrop, a shadow and a rounded
// shape in the product's colour, varied by style.
func product(w, h int, c color.RGBA, style int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	cx, cy := float64(w)/2, float64(h)/2
	r := math.Min(cx, cy) * 0.7
	for y := range h {
		for x := range w {
			shade := uint8(250 - 40*y/h)
			px := color.RGBA{shade, shade, shade - 8, 255}
			dx, dy := (float64(x)-cx)/r, (float64(y)-cy)/r
			if math.Hypot(dx*1.1, (float64(y)-cy-r*0.9)/(r*0.15)) < 1 {
				px = color.RGBA{shade - 60, shade - 60, shade - 60, 255}
			}
			var inside bool
			switch style % 3 {
			case 0: // a shirt-like block with sleeves
				inside = math.Abs(dx) < 0.6 && math.Abs(dy) < 0.8 || dy < -0.3 && dy > -0.8 && math.Abs(dx) < 1.1
			case 1: // a round thing
				inside = dx*dx+dy*dy < 1
			default: // a box
				inside = math.Abs(dx) < 0.9 && math.Abs(dy) < 0.7
			}
			if inside {
				light := 1.15 - 0.35*(dy+1)/2
				px = color.RGBA{scale(c.R, light), scale(c.G, light), scale(c.B, light), 255}
			}
			img.SetRGBA(x, y, px)
		}
	}
	return img
}

func scale(v uint8, f float64) uint8 { return uint8(math.Min(255, float64(v)*f)) }

// banner draws flat diagonal stripes, which PNG compresses well.
func banner(w, h int, c color.RGBA) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	light := color.RGBA{scale(c.R, 1.3), scale(c.G, 1.3), scale(c.B, 1.3), 255}
	for y := range h {
		for x := range w {
			if (x+y)/12%2 == 0 {
				img.SetRGBA(x, y, c)
			} else {
				img.SetRGBA(x, y, light)
			}
		}
	}
	return img
}

func encodeJPEG(img image.Image, quality int) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: quality}); err != nil {
		log.Fatal(err)
	}
	return b.Bytes()
}

func encodePNG(img image.Image) []byte {
	var b bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&b, img); err != nil {
		log.Fatal(err)
	}
	return b.Bytes()
}

// spinnerGIF is an eight-frame animated loading spinner.
func spinnerGIF() []byte {
	const size, frames = 32, 8
	anim := &gif.GIF{}
	for f := range frames {
		img := image.NewPaletted(image.Rect(0, 0, size, size), palette.Plan9)
		for y := range size {
			for x := range size {
				img.Set(x, y, color.White)
				dx, dy := float64(x)-15.5, float64(y)-15.5
				if d := math.Hypot(dx, dy); d > 9 && d < 14 {
					angle := math.Atan2(dy, dx) + math.Pi // 0..2π
					seg := int(angle / (2 * math.Pi) * frames)
					if (seg-f+frames)%frames < 3 {
						img.Set(x, y, color.RGBA{30, 120, 220, 255})
					} else {
						img.Set(x, y, color.RGBA{210, 210, 210, 255})
					}
				}
			}
		}
		anim.Image = append(anim.Image, img)
		anim.Delay = append(anim.Delay, 10)
	}
	var b bytes.Buffer
	if err := gif.EncodeAll(&b, anim); err != nil {
		log.Fatal(err)
	}
	return b.Bytes()
}

// losslessWebP writes a lossless (VP8L) WebP by hand; Go's x/image only
// decodes WebP. Each colour channel uses a two-symbol prefix code (one bit
// per channel per pixel), giving eight colours, enough for a recognisable
// picture: a sun over hills under a sky.
func losslessWebP(w, h int) []byte {
	greens := [2]uint8{0x50, 0xC8}
	reds := [2]uint8{0x30, 0xF0}
	blues := [2]uint8{0x40, 0xE0}
	pick := func(x, y int) (r, g, b int) {
		switch {
		case math.Hypot(float64(x-70), float64(y-18)) < 11: // sun: yellow
			return 1, 1, 0
		case float64(y) > 40+8*math.Sin(float64(x)/12): // hills: green
			return 0, 1, 0
		default: // sky: light blue
			return 0, 1, 1
		}
	}

	var bw bitWriter
	bw.write(0x2f, 8) // VP8L signature
	bw.write(uint32(w-1), 14)
	bw.write(uint32(h-1), 14)
	bw.write(0, 1) // alpha not used
	bw.write(0, 3) // version
	bw.write(0, 1) // no transforms
	bw.write(0, 1) // no colour cache
	bw.write(0, 1) // no meta prefix codes
	twoSymbols := func(s [2]uint8) {
		bw.write(1, 1) // simple code
		bw.write(1, 1) // two symbols
		bw.write(1, 1) // first symbol takes 8 bits
		bw.write(uint32(s[0]), 8)
		bw.write(uint32(s[1]), 8)
	}
	oneSymbol := func(s uint8) {
		bw.write(1, 1) // simple code
		bw.write(0, 1) // one symbol: it costs no bits per pixel
		bw.write(1, 1)
		bw.write(uint32(s), 8)
	}
	twoSymbols(greens) // green (and length prefixes, unused)
	twoSymbols(reds)
	twoSymbols(blues)
	oneSymbol(0xFF) // alpha
	oneSymbol(0)    // distance, unused
	// Canonical codes give the smaller symbol the code 0, and the values
	// above are listed smaller first, so a channel's bit is its index.
	for y := range h {
		for x := range w {
			r, g, b := pick(x, y)
			bw.write(uint32(g), 1)
			bw.write(uint32(r), 1)
			bw.write(uint32(b), 1)
		}
	}
	payload := bw.bytes()

	var file bytes.Buffer
	chunkLen := len(payload)
	padded := chunkLen + chunkLen%2
	file.WriteString("RIFF")
	binary.Write(&file, binary.LittleEndian, uint32(4+8+padded))
	file.WriteString("WEBPVP8L")
	binary.Write(&file, binary.LittleEndian, uint32(chunkLen))
	file.Write(payload)
	if chunkLen%2 == 1 {
		file.WriteByte(0)
	}

	img, err := webp.Decode(bytes.NewReader(file.Bytes()))
	if err != nil {
		log.Fatalf("hand-made WebP does not decode: %v", err)
	}
	for y := range h {
		for x := range w {
			r, g, b := pick(x, y)
			want := color.NRGBA{reds[r], greens[g], blues[b], 0xFF}
			if got := color.NRGBAModel.Convert(img.At(x, y)); got != want {
				log.Fatalf("hand-made WebP pixel (%d,%d) = %v, want %v", x, y, got, want)
			}
		}
	}
	return file.Bytes()
}

// bitWriter packs bits least significant first, as VP8L reads them.
type bitWriter struct {
	buf   []byte
	acc   uint64
	nbits uint
}

func (w *bitWriter) write(v uint32, n uint) {
	w.acc |= uint64(v) << w.nbits
	w.nbits += n
	for w.nbits >= 8 {
		w.buf = append(w.buf, byte(w.acc))
		w.acc >>= 8
		w.nbits -= 8
	}
}

func (w *bitWriter) bytes() []byte {
	if w.nbits > 0 {
		return append(w.buf, byte(w.acc))
	}
	return w.buf
}

const logoSVG = `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="160" height="160" viewBox="0 0 160 160">
  <title>Old Shop logo</title>
  <circle cx="80" cy="80" r="72" fill="#1e6ebe"/>
  <path d="M44 64h72l-8 52H52z" fill="#fff"/>
  <path d="M62 64a18 18 0 0 1 36 0" fill="none" stroke="#fff" stroke-width="8"/>
</svg>
`

// sizeGuidePDF is a one-page PDF with a small size table, its cross
// reference table computed from the real object offsets.
func sizeGuidePDF() []byte {
	content := strings.Join([]string{
		"BT /F1 28 Tf 72 760 Td (Size guide) Tj ET",
		"BT /F1 14 Tf 72 720 Td (Size   Chest (cm)   Length (cm)) Tj ET",
		"BT /F1 14 Tf 72 698 Td (S      88-94        68) Tj ET",
		"BT /F1 14 Tf 72 676 Td (M      95-101       71) Tj ET",
		"BT /F1 14 Tf 72 654 Td (L      102-108      74) Tj ET",
		"BT /F1 14 Tf 72 632 Td (XL     109-115      77) Tj ET",
	}, "\n")
	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content)+1, content),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
		"<< /Title (Size guide) /Producer (wixmigrate samples) >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objects))
	for i, obj := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, obj)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	return b.Bytes()
}

// mjpegMP4 is an ISO base media file with one video track of three JPEG
// frames (MPEG-4 object type 0x6C), one second each: small, yet a real,
// playable video.
func mjpegMP4() []byte {
	const w, h, frameMillis = 64, 48, 1000
	var frames [][]byte
	for i, c := range []color.RGBA{{200, 40, 40, 255}, {40, 160, 80, 255}, {40, 80, 200, 255}} {
		frames = append(frames, encodeJPEG(product(w, h, c, i), 70))
	}
	duration := uint32(len(frames) * frameMillis)

	ftyp := box("ftyp", []byte("isom"), u32(0x200), []byte("isomiso2mp41"))
	moov := func(mdatOffset uint32) []byte {
		unity := cat(u32(0x10000), u32(0), u32(0), u32(0), u32(0x10000), u32(0), u32(0), u32(0), u32(0x40000000))
		mvhd := fullBox("mvhd", 0, 0, u32(0), u32(0), u32(1000), u32(duration), u32(0x10000), u16(0x100), make([]byte, 10), unity, make([]byte, 24), u32(2))
		tkhd := fullBox("tkhd", 0, 3, u32(0), u32(0), u32(1), u32(0), u32(duration), make([]byte, 8), u16(0), u16(0), u16(0), u16(0), unity, u32(w<<16), u32(h<<16))
		mdhd := fullBox("mdhd", 0, 0, u32(0), u32(0), u32(1000), u32(duration), u16(0x55C4), u16(0)) // language "und"
		hdlr := fullBox("hdlr", 0, 0, u32(0), []byte("vide"), make([]byte, 12), []byte("VideoHandler\x00"))
		vmhd := fullBox("vmhd", 0, 1, make([]byte, 8))
		dinf := box("dinf", fullBox("dref", 0, 0, u32(1), fullBox("url ", 0, 1)))
		decoderConfig := descriptor(0x04, cat([]byte{0x6C, 0x11}, []byte{0, 0, 0}, u32(0), u32(0))) // JPEG, visual stream
		esds := fullBox("esds", 0, 0, descriptor(0x03, cat(u16(1), []byte{0}, decoderConfig, descriptor(0x06, []byte{2}))))
		compressor := make([]byte, 32)
		copy(compressor[1:], "Motion JPEG")
		compressor[0] = byte(len("Motion JPEG"))
		mp4v := box("mp4v", make([]byte, 6), u16(1), make([]byte, 16), u16(w), u16(h),
			u32(0x00480000), u32(0x00480000), u32(0), u16(1), compressor, u16(0x18), u16(0xFFFF), esds)
		sizes := u32(0)
		sizes = append(sizes, u32(uint32(len(frames)))...)
		for _, f := range frames {
			sizes = append(sizes, u32(uint32(len(f)))...)
		}
		stbl := box("stbl",
			fullBox("stsd", 0, 0, u32(1), mp4v),
			fullBox("stts", 0, 0, u32(1), u32(uint32(len(frames))), u32(frameMillis)),
			fullBox("stss", 0, 0, u32(uint32(len(frames))), u32(1), u32(2), u32(3)),
			fullBox("stsc", 0, 0, u32(1), u32(1), u32(uint32(len(frames))), u32(1)),
			fullBox("stsz", 0, 0, sizes),
			fullBox("stco", 0, 0, u32(1), u32(mdatOffset)),
		)
		trak := box("trak", tkhd, box("mdia", mdhd, hdlr, box("minf", vmhd, dinf, stbl)))
		return box("moov", mvhd, trak)
	}
	// The chunk offset depends on moov's size, which does not depend on the
	// offset's value: build once to measure, then for real.
	offset := uint32(len(ftyp) + len(moov(0)) + 8)
	mdat := box("mdat", frames...)
	return cat(ftyp, moov(offset), mdat)
}

func box(kind string, parts ...[]byte) []byte {
	body := cat(parts...)
	return cat(u32(uint32(8+len(body))), []byte(kind), body)
}

func fullBox(kind string, version byte, flags uint32, parts ...[]byte) []byte {
	head := u32(uint32(version)<<24 | flags)
	return box(kind, append([][]byte{head}, parts...)...)
}

// descriptor is an MPEG-4 descriptor with a one-byte length (all ours are
// under 128 bytes).
func descriptor(tag byte, body []byte) []byte {
	return cat([]byte{tag, byte(len(body))}, body)
}

func u32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }
func u16(v uint16) []byte { return binary.BigEndian.AppendUint16(nil, v) }

func cat(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// silentMP3 is half a second of silence: an ID3v2.3 title tag and twenty
// MPEG-1 Layer III frames (128 kbit/s, 44.1 kHz, mono) whose side
// information and main data are all zero, which decoders play as silence.
func silentMP3() []byte {
	title := cat([]byte("TIT2"), u32(uint32(1+len("Jingle"))), u16(0), []byte{0}, []byte("Jingle"))
	tagSize := len(title)
	id3 := cat([]byte("ID3"), []byte{3, 0, 0},
		[]byte{byte(tagSize >> 21 & 0x7f), byte(tagSize >> 14 & 0x7f), byte(tagSize >> 7 & 0x7f), byte(tagSize & 0x7f)}, title)
	const frameLen = 144 * 128000 / 44100 // 417 bytes, no padding
	frame := make([]byte, frameLen)
	copy(frame, []byte{0xFF, 0xFB, 0x90, 0xC4})
	out := id3
	for range 20 {
		out = append(out, frame...)
	}
	return out
}

const movedHTML = `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Storefront</title></head>
<body>
<h1>This page has moved</h1>
<p>The storefront photo you are looking for is now part of our
<a href="/gallery">gallery</a>.</p>
</body>
</html>
`
