package scan

import (
	"io"
	"path"
	"slices"
	"strconv"
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
// attachment posts of wp_posts, and the metadata, alternative text and
// file of wp_postmeta (any table prefix). A site's tables may come in
// several files: scan joins them once every file is read.
type wordpressDump struct {
	meta  []sqlMetadata
	posts []sqlAttachment
	alts  map[int64]string // post ID → _wp_attachment_image_alt
	files map[int64]string // post ID → _wp_attached_file
	// the table whose rows come next, and where its columns are
	table   string
	columns map[string]int
}

// sqlAttachment is an attachment post of a dump's wp_posts.
type sqlAttachment struct {
	id                   int64
	guid, title, excerpt string
}

// WordPress's columns in its own order, for an INSERT that names none.
var (
	postmetaColumns = []string{"meta_id", "post_id", "meta_key", "meta_value"}
	postsColumns    = []string{"ID", "post_author", "post_date", "post_date_gmt", "post_content", "post_title",
		"post_excerpt", "post_status", "comment_status", "ping_status", "post_password", "post_name", "to_ping",
		"pinged", "post_modified", "post_modified_gmt", "post_content_filtered", "post_parent", "guid",
		"menu_order", "post_type", "post_mime_type", "comment_count"}
)

// Table implements content.RowHandler.
func (d *wordpressDump) Table(name string, columns []string) bool {
	lower := strings.ToLower(name)
	switch {
	case strings.HasSuffix(lower, "postmeta"):
		d.table = "postmeta"
		if columns == nil {
			columns = postmetaColumns
		}
	case strings.HasSuffix(lower, "posts"):
		d.table = "posts"
		if columns == nil {
			columns = postsColumns
		}
	default:
		return false
	}
	d.columns = map[string]int{}
	for i, c := range columns {
		d.columns[strings.ToLower(c)] = i
	}
	return true
}

// value is the row's value in the named column, "" when it has none.
func (d *wordpressDump) value(values []string, column string) string {
	if i, ok := d.columns[column]; ok && i < len(values) {
		return values[i]
	}
	return ""
}

// Row implements content.RowHandler.
func (d *wordpressDump) Row(values []string) {
	if len(values) != len(d.columns) {
		return // not the table's columns: a dump of another schema
	}
	if d.table == "posts" {
		if d.value(values, "post_type") != "attachment" {
			return
		}
		id, err := strconv.ParseInt(d.value(values, "id"), 10, 64)
		if err != nil {
			return
		}
		d.posts = append(d.posts, sqlAttachment{id: id, guid: strings.TrimSpace(d.value(values, "guid")),
			title: strings.TrimSpace(d.value(values, "post_title")), excerpt: strings.TrimSpace(d.value(values, "post_excerpt"))})
		return
	}
	id, _ := strconv.ParseInt(d.value(values, "post_id"), 10, 64)
	value := d.value(values, "meta_value")
	switch d.value(values, "meta_key") {
	case metadataKey:
		if m, ok := wordpressMetadata([]byte(value)); ok {
			d.meta = append(d.meta, m)
		}
	case altKey:
		if alt := strings.TrimSpace(value); alt != "" && id > 0 {
			if d.alts == nil {
				d.alts = map[int64]string{}
			}
			d.alts[id] = alt
		}
	case attachedFileKey:
		if file := strings.Trim(value, "/ "); file != "" && id > 0 {
			if d.files == nil {
				d.files = map[int64]string{}
			}
			d.files[id] = file
		}
	}
}

// attachedFileKey is the post meta naming an attachment's file under the
// uploads folder.
const attachedFileKey = "_wp_attached_file"

// add takes another dump's tables: a site's wp_posts and wp_postmeta are
// often dumped apart.
func (d *wordpressDump) add(o *wordpressDump) {
	d.meta = append(d.meta, o.meta...)
	d.posts = append(d.posts, o.posts...)
	for id, alt := range o.alts {
		if d.alts == nil {
			d.alts = map[int64]string{}
		}
		d.alts[id] = alt
	}
	for id, file := range o.files {
		if d.files == nil {
			d.files = map[int64]string{}
		}
		d.files[id] = file
	}
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

// applySQLAttachments gives each attachment post of the dumps its
// WordPress metadata columns: the entry of its guid (the file's URL when it
// was uploaded), and the entries whose path ends in its attached file (the
// site may have moved since).
func (s *scanner) applySQLAttachments(bySuffix func(file string) []*scanEntry) {
	for _, p := range s.dump.posts {
		var candidates []*scanEntry
		if e, ok := s.entries[content.Key(p.guid)]; ok && p.guid != "" {
			candidates = append(candidates, e)
		}
		if file := s.dump.files[p.id]; file != "" {
			for _, e := range bySuffix(file) {
				if !slices.Contains(candidates, e) {
					candidates = append(candidates, e)
				}
			}
		}
		for _, e := range candidates {
			e.wordpress(p.id, p.title, s.dump.alts[p.id], p.excerpt)
		}
	}
}

// applySQLMetadata makes the files a dump's metadata describes originals:
// each is found among the entries by the end of its URL's path (the dump
// names files under the uploads folder, whose address it does not say), by
// its "file" or else its original_image. An entry already an original (a
// WXR attachment) keeps what the WXR said.
func (s *scanner) applySQLMetadata() {
	d := &s.dump
	if len(d.meta) == 0 && len(d.posts) == 0 {
		return
	}
	// Index the entries by as many trailing path segments as the
	// metadata's files have (2023/05/photo.jpg: three).
	depths := map[int]bool{}
	for _, m := range d.meta {
		depths[strings.Count(m.file, "/")+1] = true
	}
	for _, file := range d.files {
		depths[strings.Count(file, "/")+1] = true
	}
	index := map[string][]*scanEntry{}
	for _, e := range s.entries {
		p := decodeSegment(content.URLPath(e.url))
		for depth := range depths {
			if suffix, ok := lastSegments(p, depth); ok {
				index[suffix] = append(index[suffix], e)
			}
		}
	}
	bySuffix := func(file string) []*scanEntry { return index[file] }
	s.applySQLAttachments(bySuffix)
	for _, m := range d.meta {
		dir := path.Dir(m.file)
		candidates := bySuffix(m.file)
		if len(candidates) == 0 && m.original != "" {
			candidates = bySuffix(path.Join(dir, m.original))
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
	*d = wordpressDump{}
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
