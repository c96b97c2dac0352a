package scan

import (
	"io"
	"path"
	"strings"

	"github.com/wixmigrate/wixmigrate/content"
)

// sqlMetadata is what a dump's _wp_attachment_metadata says of one file.
type sqlMetadata struct {
	file     string   // under the uploads folder: 2023/05/photo-scaled.jpg
	original string   // original_image, a bare name; "" when none
	sizes    []string // the sizes' file names, bare
}

// wordpressDump takes what scan needs of a WordPress database dump from
// the rows content's SQL scanner reads (it is a content.RowHandler): the
// attachment metadata of wp_postmeta (any table prefix).
type wordpressDump struct {
	meta []sqlMetadata
	// the columns of the table whose rows come next; nil for a table of
	// no interest
	metaKey, metaValue int
}

// postmetaColumns are wp_postmeta's columns in WordPress's order, for an
// INSERT that names none.
var postmetaColumns = []string{"meta_id", "post_id", "meta_key", "meta_value"}

// Table implements content.RowHandler.
func (d *wordpressDump) Table(name string, columns []string) bool {
	if !strings.HasSuffix(strings.ToLower(name), "postmeta") {
		return false
	}
	if columns == nil {
		columns = postmetaColumns
	}
	d.metaKey, d.metaValue = indexOf(columns, "meta_key"), indexOf(columns, "meta_value")
	return d.metaKey >= 0 && d.metaValue >= 0
}

// Row implements content.RowHandler.
func (d *wordpressDump) Row(values []string) {
	if max(d.metaKey, d.metaValue) >= len(values) || values[d.metaKey] != metadataKey {
		return
	}
	if m, ok := wordpressMetadata([]byte(values[d.metaValue])); ok {
		d.meta = append(d.meta, m)
	}
}

// indexOf is the index of name in columns (without case), or -1.
func indexOf(columns []string, name string) int {
	for i, c := range columns {
		if strings.EqualFold(c, name) {
			return i
		}
	}
	return -1
}

// readSQLMetadata reads an SQL dump's attachment metadata on its own, as
// scan reads it in the same pass as the dump's URLs.
func readSQLMetadata(r io.Reader, fn func(sqlMetadata)) error {
	d := &wordpressDump{}
	_, err := content.Find(r, content.SQL, content.Options{Structure: d}, func(content.Ref) error { return nil })
	for _, m := range d.meta {
		fn(m)
	}
	return err
}

// wordpressMetadata reads a serialized _wp_attachment_metadata value.
func wordpressMetadata(lit []byte) (sqlMetadata, bool) {
	v, _, err := content.UnserializePHP(lit)
	meta, isArray := v.(*content.PHPArray)
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
			size, _ := v.(*content.PHPArray)
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
		p := decodeSegment(content.URLPath(e.url))
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
			if e.attachment != nil || content.MediaKind(e.url) != content.KindImage {
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
