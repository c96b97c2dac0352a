package wixsim

import (
	"bufio"
	"encoding/binary"
	"io"
	"math"
)

// avInfo is what Wix reports of a video or an audio file once it has
// processed it: a video's frame size, and the duration of either. Wix
// transcodes every format; the simulator reads the ones it can without a
// decoder (ISO BMFF: MP4, MOV, M4V, M4A; WAV; MP3) and reports nothing for
// the others.
type avInfo struct {
	width, height int32
	durationMs    int32
}

// maxAVHeader bounds how much of a file the readers below look through for
// the boxes and chunks they need.
const maxAVHeader = 64 << 20

// readAVInfo reads r, the file's content, by its MIME type.
func readAVInfo(r io.Reader, mime string) avInfo {
	br := bufio.NewReader(io.LimitReader(r, maxAVHeader))
	switch mime {
	case "video/mp4", "video/quicktime", "video/x-m4v", "audio/mp4", "audio/x-m4a":
		return readBMFF(br)
	case "audio/wav", "audio/x-wav", "audio/wave":
		return readWAV(br)
	case "audio/mpeg", "audio/mp3":
		return readMP3(br)
	}
	return avInfo{}
}

// readBMFF reads the movie header (mvhd: timescale and duration) and the
// first track header with a frame size (tkhd: 16.16 fixed-point width and
// height) of an ISO base media file.
func readBMFF(r *bufio.Reader) avInfo {
	var info avInfo
	var walk func(r io.Reader, end int64) bool
	walk = func(r io.Reader, end int64) bool {
		for end != 0 {
			var h [8]byte
			if _, err := io.ReadFull(r, h[:]); err != nil {
				return false
			}
			size, typ, hdr := int64(binary.BigEndian.Uint32(h[:4])), string(h[4:]), int64(8)
			if size == 1 {
				var ext [8]byte
				if _, err := io.ReadFull(r, ext[:]); err != nil {
					return false
				}
				size, hdr = int64(binary.BigEndian.Uint64(ext[:])), 16
			}
			if size != 0 && size < hdr {
				return false
			}
			body := size - hdr
			if size == 0 {
				body = -1 // to the end
			}
			switch typ {
			case "moov", "trak":
				if !walk(io.LimitReader(r, max(body, 0)), body) {
					return false
				}
			case "mvhd", "tkhd":
				b, err := io.ReadAll(io.LimitReader(r, min(max(body, 0), 256)))
				if err != nil {
					return false
				}
				io.CopyN(io.Discard, r, body-int64(len(b)))
				readFullBox(typ, b, &info)
			default:
				if body < 0 {
					return true
				}
				if _, err := io.CopyN(io.Discard, r, body); err != nil {
					return false
				}
			}
			if end > 0 {
				end -= size
			}
		}
		return true
	}
	walk(r, -1)
	return info
}

// readFullBox reads the fields wanted from an mvhd or tkhd box's body.
func readFullBox(typ string, b []byte, info *avInfo) {
	if len(b) < 4 {
		return
	}
	v1 := b[0] == 1
	switch typ {
	case "mvhd":
		var scale, dur uint64
		if v1 && len(b) >= 32 {
			scale, dur = uint64(binary.BigEndian.Uint32(b[20:])), binary.BigEndian.Uint64(b[24:])
		} else if !v1 && len(b) >= 20 {
			scale, dur = uint64(binary.BigEndian.Uint32(b[12:])), uint64(binary.BigEndian.Uint32(b[16:]))
		}
		if scale > 0 {
			info.durationMs = clampMs(float64(dur) * 1000 / float64(scale))
		}
	case "tkhd":
		at := 76 // version 0: dates and duration in 32 bits
		if v1 {
			at = 88
		}
		if len(b) >= at+8 && info.width == 0 {
			info.width = int32(binary.BigEndian.Uint32(b[at:]) >> 16)
			info.height = int32(binary.BigEndian.Uint32(b[at+4:]) >> 16)
		}
	}
}

// readWAV reads a RIFF WAVE file's byte rate (fmt chunk) and data size.
func readWAV(r *bufio.Reader) avInfo {
	var head [12]byte
	if _, err := io.ReadFull(r, head[:]); err != nil || string(head[:4]) != "RIFF" || string(head[8:]) != "WAVE" {
		return avInfo{}
	}
	var byteRate uint32
	for {
		var h [8]byte
		if _, err := io.ReadFull(r, h[:]); err != nil {
			return avInfo{}
		}
		size := int64(binary.LittleEndian.Uint32(h[4:]))
		switch string(h[:4]) {
		case "fmt ":
			b := make([]byte, min(size, 64))
			if _, err := io.ReadFull(r, b); err != nil || len(b) < 12 {
				return avInfo{}
			}
			byteRate = binary.LittleEndian.Uint32(b[8:])
			size -= int64(len(b))
		case "data":
			if byteRate == 0 {
				return avInfo{}
			}
			return avInfo{durationMs: clampMs(float64(size) * 1000 / float64(byteRate))}
		}
		if _, err := io.CopyN(io.Discard, r, size+size&1); err != nil {
			return avInfo{}
		}
	}
}

// MPEG audio Layer III tables: kbit/s by bitrate index, for MPEG-1 and for
// MPEG-2 and 2.5; sample rates of MPEG-1 (halved for 2, quartered for 2.5).
var (
	mp3Bitrates1 = [16]int{0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 0}
	mp3Bitrates2 = [16]int{0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 0}
	mp3Rates     = [4]int{44100, 48000, 32000, 0}
)

// readMP3 reads an MP3's duration: from a Xing/Info header's frame count
// when there is one (VBR), else from the size at the first frame's bit rate
// (CBR). Other MPEG audio layers are not read.
func readMP3(r *bufio.Reader) avInfo {
	if b, err := r.Peek(10); err == nil && string(b[:3]) == "ID3" {
		n := int64(b[6])<<21 | int64(b[7])<<14 | int64(b[8])<<7 | int64(b[9]) // syncsafe
		if _, err := io.CopyN(io.Discard, r, 10+n); err != nil {
			return avInfo{}
		}
	}
	// The first frame is near the start; the rest is only counted.
	head, _ := r.Peek(16 << 10)
	for i := 0; i+4 <= len(head); i++ {
		h := head[i:]
		if h[0] != 0xFF || h[1]&0xE0 != 0xE0 {
			continue
		}
		version, layer := (h[1]>>3)&3, (h[1]>>1)&3
		bitrateIdx, rateIdx, mode := h[2]>>4, (h[2]>>2)&3, h[3]>>6
		if layer != 1 || version == 1 || rateIdx == 3 || bitrateIdx == 0 || bitrateIdx == 15 {
			continue // not a Layer III frame header
		}
		rate, kbps, samples := mp3Rates[rateIdx], mp3Bitrates1[bitrateIdx], 1152
		if version != 3 { // MPEG-2 or 2.5
			rate, kbps, samples = rate/2, mp3Bitrates2[bitrateIdx], 576
			if version == 0 {
				rate /= 2
			}
		}
		side := 32
		switch {
		case version == 3 && mode == 3, version != 3 && mode != 3:
			side = 17
		case version != 3 && mode == 3:
			side = 9
		}
		if x := h[min(4+side, len(h)):]; len(x) >= 12 && (string(x[:4]) == "Xing" || string(x[:4]) == "Info") && x[7]&1 == 1 {
			frames := binary.BigEndian.Uint32(x[8:])
			return avInfo{durationMs: clampMs(float64(frames) * float64(samples) * 1000 / float64(rate))}
		}
		r.Discard(i)
		n, err := io.Copy(io.Discard, r)
		if err != nil {
			return avInfo{}
		}
		return avInfo{durationMs: clampMs(float64(n) * 8 / float64(kbps))}
	}
	return avInfo{}
}

func clampMs(ms float64) int32 {
	return int32(min(math.Round(ms), math.MaxInt32))
}
