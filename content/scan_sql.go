package content

import (
	"bytes"
	"io"
	"path"
	"strings"
)

// sqlMetadataMarker precedes an attachment's metadata in a WordPress
// database dump: wp_postmeta rows are (meta_id, post_id, meta_key,
// meta_value).
var sqlMetadataMarker = []byte("'" + metadataKey + "'")

// sqlMetadata is what a dump's _wp_attachment_metadata says of one file.
type sqlMetadata struct {
	file     string   // under the uploads folder: 2023/05/photo-scaled.jpg
	original string   // original_image, a bare name; "" when none
	sizes    []string // the sizes' file names, bare
}

// readSQLMetadata streams an SQL dump for attachment metadata, calling fn
// for each that reads as WordPress's. A literal longer than maxWXRField is
// passed over. The window it holds is at most twice that.
func readSQLMetadata(r io.Reader, fn func(sqlMetadata)) error {
	buf := make([]byte, 0, 2*maxWXRField)
	eof := false
	for {
		if !eof && len(buf) < cap(buf) {
			n, err := r.Read(buf[len(buf):cap(buf)])
			buf = buf[:len(buf)+n]
			if err == io.EOF {
				eof = true
			} else if err != nil {
				return err
			}
			if !eof && len(buf) < cap(buf)/2 {
				continue
			}
		}
		i := bytes.Index(buf, sqlMetadataMarker)
		if i < 0 {
			if eof {
				return nil
			}
			keep := len(sqlMetadataMarker) - 1
			buf = buf[:copy(buf, buf[max(0, len(buf)-keep):])]
			continue
		}
		start := i + len(sqlMetadataMarker)
		lit, n, complete := sqlLiteralAfter(buf[start:])
		if !complete && !eof {
			if i > 0 { // bring the literal to the front, and read the rest
				buf = buf[:copy(buf, buf[i:])]
				continue
			}
			if len(buf) < cap(buf) {
				continue
			}
			// Longer than the window: passed over.
		}
		if complete {
			if m, ok := wordpressMetadata(lit); ok {
				fn(m)
			}
			start += n
		}
		buf = buf[:copy(buf, buf[start:])]
	}
}

// sqlLiteralAfter reads `, 'literal'` at the start of b, undoing MySQL's
// escapes (\' \" \\ \n \r \t \0 \Z) and doubled quotes. n is the bytes
// read; complete is false when b ends first.
func sqlLiteralAfter(b []byte) (lit []byte, n int, complete bool) {
	i := 0
	skipSpace := func() {
		for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
			i++
		}
	}
	skipSpace()
	if i >= len(b) {
		return nil, 0, false
	}
	if b[i] != ',' {
		return nil, i, true // not a key followed by a value: nothing to read
	}
	i++
	skipSpace()
	if i >= len(b) {
		return nil, 0, false
	}
	if b[i] != '\'' {
		return nil, i, true
	}
	i++
	for i < len(b) {
		switch c := b[i]; c {
		case '\\':
			if i+1 >= len(b) {
				return nil, 0, false
			}
			lit = append(lit, unescapeMySQL(b[i+1]))
			i += 2
		case '\'':
			if i+1 < len(b) && b[i+1] == '\'' {
				lit = append(lit, '\'')
				i += 2
				continue
			}
			if i+1 >= len(b) {
				return nil, 0, false // a doubled quote may follow
			}
			return lit, i + 1, true
		default:
			lit = append(lit, c)
			i++
		}
	}
	return nil, 0, false
}

func unescapeMySQL(c byte) byte {
	switch c {
	case 'n':
		return '\n'
	case 'r':
		return '\r'
	case 't':
		return '\t'
	case '0':
		return 0
	case 'Z':
		return 0x1a
	}
	return c
}

// wordpressMetadata reads a serialized _wp_attachment_metadata value.
func wordpressMetadata(lit []byte) (sqlMetadata, bool) {
	v, _, err := UnserializePHP(lit)
	meta, isArray := v.(*PHPArray)
	if err != nil || !isArray {
		return sqlMetadata{}, false
	}
	m := sqlMetadata{file: strings.Trim(meta.String("file"), "/")}
	if m.file == "" {
		return sqlMetadata{}, false
	}
	if o := meta.String("original_image"); isBareName(o) {
		m.original = o
	}
	if sizes := meta.Array("sizes"); sizes != nil {
		for _, v := range sizes.Values {
			size, _ := v.(*PHPArray)
			if name := size.String("file"); isBareName(name) {
				m.sizes = append(m.sizes, name)
			}
		}
	}
	return m, len(m.sizes) > 0 || m.original != ""
}

// applySQLMetadata makes the files a dump's metadata describes originals:
// each is found among the entries by the end of its URL's path (the dump
// names files under the uploads folder, whose address it does not say), by
// its "file" or else its original_image. An entry already an original (a
// WXR attachment) keeps what the WXR said.
func (s *scanner) applySQLMetadata() {
	if len(s.sqlMeta) == 0 {
		return
	}
	// Index the entries by as many trailing path segments as the
	// metadata's files have (2023/05/photo.jpg: three).
	depths := map[int]bool{}
	for _, m := range s.sqlMeta {
		depths[strings.Count(m.file, "/")+1] = true
	}
	bySuffix := map[string][]*scanEntry{}
	for _, e := range s.entries {
		p := decodeSegment(URLPath(e.url))
		for d := range depths {
			if suffix, ok := lastSegments(p, d); ok {
				bySuffix[suffix] = append(bySuffix[suffix], e)
			}
		}
	}
	for _, m := range s.sqlMeta {
		dir := path.Dir(m.file)
		candidates := bySuffix[m.file]
		if len(candidates) == 0 && m.original != "" {
			candidates = bySuffix[path.Join(dir, m.original)]
		}
		for _, e := range candidates {
			if e.attachment != nil || MediaKind(e.url) != KindImage {
				continue
			}
			folder := folderOf(e.url)
			o := &original{}
			for _, name := range m.sizes {
				o.copies = append(o.copies, folder+name)
			}
			if main := path.Base(m.file); folder+main != e.url {
				o.copies = append(o.copies, folder+main) // the -scaled copy, when e is the upload
			}
			if m.original != "" && folder+m.original != e.url {
				o.copies = append(o.copies, folder+m.original)
			}
			e.attachment = o
		}
	}
	s.sqlMeta = nil
}

// lastSegments is the last n '/'-separated segments of p.
func lastSegments(p string, n int) (string, bool) {
	i := len(p)
	for ; n > 0; n-- {
		j := strings.LastIndexByte(p[:i], '/')
		if j < 0 {
			return "", false
		}
		if n == 1 {
			return p[j+1:], true
		}
		i = j
	}
	return "", false
}
