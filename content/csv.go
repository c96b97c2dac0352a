package content

import (
	"bytes"
	"errors"
	"strings"

	"github.com/wixmigrate/wixmigrate/manifest"
)

// csvFormat is a spreadsheet's CSV (RFC 4180 quoting, the delimiter it
// was saved with); tsvFormat is tab-separated, without quoting. A column
// named like an image column holds media.
var (
	csvFormat = formatDef{
		name:       "csv",
		extensions: []string{".csv"},
		scan:       func(s *stream) { scanCSV(s, true) },
	}
	tsvFormat = formatDef{
		name:       "tsv",
		extensions: []string{".tsv", ".tab"},
		scan:       func(s *stream) { scanCSV(s, false) },
	}
)

// scanCSV reads CSV (RFC 4180 quoting, the delimiter a spreadsheet saved:
// comma, semicolon or tab, detected from the header line as manifests'
// is) or TSV (tab, no quoting). The first record is the header: its names
// are the places of the cells below, and a column named like an image
// column (Image Src, Variant Image, Images, thumbnail...) holds media. A
// cell that a replacement would break (a delimiter in an unquoted CSV
// cell) is quoted.
func scanCSV(s *stream, quoting bool) {
	delim := byte('\t')
	if quoting {
		delim = csvDelimiter(s)
	}
	var header []string
	col, record := 0, 0
	for s.e.err == nil {
		for len(s.rest()) < 2 && s.more() {
		}
		rest := s.rest()
		if len(rest) == 0 {
			return
		}
		where := ""
		if record > 0 && col < len(header) {
			where = header[col]
		}
		r, ctx := roleText, ContextText
		if record > 0 && isMediaColumn(where) {
			r, ctx = roleAbsolute, ContextMediaCell
		}
		var n int // the cell's length, without the delimiter or line end
		if quoting && rest[0] == '"' {
			end := quotedEnd(s, 1)
			if end < 0 {
				s.warn(s.pos, "quoted CSV cell never closed; read as text")
				scanText(s, roleText)
				return
			}
			rest = s.rest()
			if record == 0 {
				text, _ := quoteLayer{'"'}.decode(rest[1:end])
				header = append(header, string(text))
			} else {
				s.value(s.pos+1, s.pos+end, quoteLayer{'"'}, r, place{ctx: ctx, where: where})
			}
			n = end + 1
			rest = s.rest()
			for n >= len(rest) && s.more() {
				rest = s.rest()
			}
			if n < len(rest) && rest[n] != delim && rest[n] != '\n' && rest[n] != '\r' {
				s.warn(s.pos+n, "text after a quoted CSV cell's closing quote; read as part of the cell")
				k := cellEnd(s, n, delim)
				s.value(s.pos+n, s.pos+k, rawLayer{}, roleText, place{ctx: ContextText, where: where})
				n = k
			}
		} else {
			n = cellEnd(s, 0, delim)
			if record == 0 {
				header = append(header, strings.TrimSpace(string(s.rest()[:n])))
			} else {
				bareCell(s, s.pos, s.pos+n, delim, quoting, r, place{ctx: ctx, where: where})
			}
		}
		s.pos += n
		for len(s.rest()) < 2 && s.more() {
		}
		rest = s.rest()
		switch {
		case len(rest) == 0:
			return
		case rest[0] == delim:
			s.pos++
			col++
		default: // a line end: CRLF, LF or CR
			s.pos++
			if rest[0] == '\r' && len(rest) > 1 && rest[1] == '\n' {
				s.pos++
			}
			col = 0
			record++
		}
	}
}

// csvDelimiter detects the delimiter of the CSV file starting at pos from
// its header line, with manifest's rule (one rule for every spreadsheet
// CSV the tool reads). A header that does not tell is read with commas,
// with a warning naming the delimiters seen.
func csvDelimiter(s *stream) byte {
	for len(s.rest()) < textChunk && s.more() {
	}
	d, err := manifest.DetectDelimiter(s.rest(), nil)
	if err == nil {
		return byte(d)
	}
	var de *manifest.DelimiterError
	if errors.As(err, &de) {
		s.warn(s.pos, "cannot tell which delimiter separates the columns (the header line has "+de.SeenNames()+"); read with commas")
	}
	return ','
}

// quotedEnd finds the closing quote of a quoted cell whose content starts at
// from (relative to pos): a '"' not doubled. -1 when the input ends first.
func quotedEnd(s *stream, from int) int {
	end := quotedEndAnyLength(s, from)
	if end >= 0 && !s.fits(end+1) {
		return -1
	}
	return end
}

func quotedEndAnyLength(s *stream, from int) int {
	i := from
	for {
		rest := s.rest()
		j := bytes.IndexByte(rest[i:], '"')
		if j >= 0 {
			i += j
			if i+1 < len(rest) {
				if rest[i+1] != '"' {
					return i
				}
				i += 2
				continue
			}
			if s.eof {
				return i
			}
		} else {
			i = len(rest)
		}
		if !s.more() {
			if rest := s.rest(); i < len(rest) && rest[i] == '"' {
				return i
			}
			return -1
		}
	}
}

// cellEnd finds the end of an unquoted cell starting at from: the next
// delimiter or line end.
func cellEnd(s *stream, from int, delim byte) int {
	stops := string([]byte{delim, '\n', '\r'})
	for {
		rest := s.rest()
		if j := bytes.IndexAny(rest[from:], stops); j >= 0 {
			return min(from+j, s.e.maxToken)
		}
		if !s.more() {
			return min(len(s.rest()), s.e.maxToken)
		}
	}
}

// bareCell handles an unquoted cell. A replacement holding the delimiter, a
// quote or a line break would split the cell, so then the cell is quoted.
func bareCell(s *stream, start, end int, delim byte, quoting bool, r role, p place) {
	edits := s.valueEdits(start, end, rawLayer{}, r, p)
	if len(edits) == 0 {
		return
	}
	if quoting {
		needs := false
		for _, ed := range edits {
			if strings.ContainsAny(ed.repl, string([]byte{delim, '"', '\n', '\r'})) {
				needs = true
			}
		}
		if needs {
			edits = quoteEdits(s, start, end, edits, quoteLayer{'"'})
		}
	}
	s.apply(edits)
}

// isMediaColumn reports whether a CSV column holds media URLs: Shopify's
// Image Src and Variant Image, WooCommerce's Images, and the like.
func isMediaColumn(name string) bool {
	n := strings.ToLower(name)
	for _, w := range []string{"image", "img", "photo", "picture", "thumbnail", "media", "video", "gallery", "logo", "icon"} {
		if strings.Contains(n, w) {
			return !strings.Contains(n, "alt") && !strings.Contains(n, "position") && !strings.Contains(n, "title")
		}
	}
	return false
}
