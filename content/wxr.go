package content

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// Attachment is an attachment item of a WordPress export (WXR): an original
// file as it was uploaded, and the size variants WordPress made of it.
type Attachment struct {
	// URL is the item's wp:attachment_url, white space trimmed: the file
	// WordPress serves as the attachment (for a big image WordPress 5.3+
	// scaled down, the "-scaled" copy).
	URL string
	// Title is the item's title, entities decoded.
	Title string
	// Line is the line of the wp:attachment_url element.
	Line int
	// File is the metadata's "file": the path under the uploads folder,
	// like 2023/05/photo-scaled.jpg; "" without metadata.
	File string
	// Width and Height are the metadata's, 0 when unknown.
	Width, Height int
	// Sizes are the size variants the metadata lists, in its order, with
	// absolute URLs in the attachment's folder. Their names may differ from
	// the original's by more than -WxH (photo-1-300x225.jpg for photo.jpg,
	// an edited image's photo-e1612345678901-300x200.jpg).
	Sizes []Size
	// Original is the metadata's original_image as a URL in the same
	// folder: the upload as it came, which WordPress 5.3+ keeps beside a
	// "-scaled" or "-rotated" URL. "" when there is none.
	Original string
}

// Size is one size variant WordPress made of an attachment.
type Size struct {
	Name          string // the metadata's size name: thumbnail, medium, ...
	URL           string
	Width, Height int
}

// WXRStats says what ReadWXRAttachments read.
type WXRStats struct {
	Items       int // <item> elements
	Attachments int // of which attachments with a URL
	// BadMetadata counts attachments whose _wp_attachment_metadata could
	// not be read; their variants are unknown. Each has a Warning too.
	BadMetadata int
	Warnings    []Warning
}

// wxrNamespacePrefix starts the namespace of WordPress's export elements
// (http://wordpress.org/export/1.2/, and 1.0 and 1.1 before it).
const wxrNamespacePrefix = "http://wordpress.org/export/"

// metadataKey is the post meta holding an attachment's sizes.
const metadataKey = "_wp_attachment_metadata"

// maxWXRField bounds the text kept for one field of an item (a title, a
// meta value): metadata is a few kilobytes, and a field past this is not
// worth its memory.
const maxWXRField = 1 << 20

// ReadWXRAttachments streams a WordPress export and calls fn for each
// attachment item, in file order. It holds one item's fields at a time, so
// memory does not grow with the file: post and comment bodies are taken out
// of the stream before the XML decoder sees them (see bodySkipper), and the
// rest is read token by token and dropped. An error from fn stops the read
// and is returned.
//
// A malformed file (bad XML, cut short) is read up to the problem: the
// attachments before it are reported, and the returned error is a
// *xml.SyntaxError (or the reader's error). Entities HTML defines (&nbsp;)
// are accepted, as WordPress writes them in titles.
func ReadWXRAttachments(r io.Reader, fn func(Attachment) error) (WXRStats, error) {
	var stats WXRStats
	d := xml.NewDecoder(bufio.NewReaderSize(newBodySkipper(r), 64<<10))
	d.Strict = false
	d.Entity = xml.HTMLEntity
	d.CharsetReader = charsetReader

	var (
		// RawToken skips the decoder's namespace translation, a good part
		// of its cost; the prefixes bound to WordPress's namespace are
		// tracked here, and so are the open elements, which RawToken does
		// not check.
		wpPrefixes = map[string]bool{"wp": true}
		open       []xml.Name
		item       *wxrItem
		itemDepth  int // len(open) inside the current <item>
		field      *bytes.Buffer
		fieldCap   bool // field has been cut at maxWXRField
	)
	isWP := func(name xml.Name, local string) bool {
		return name.Local == local && wpPrefixes[name.Space]
	}
	for {
		tok, err := d.RawToken()
		if err != nil {
			if err == io.EOF {
				if len(open) > 0 {
					line, _ := d.InputPos()
					return stats, &xml.SyntaxError{Msg: fmt.Sprintf("the file ends with <%s> open (cut short?)", qualified(open[len(open)-1])), Line: line}
				}
				return stats, nil
			}
			return stats, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			for _, a := range t.Attr {
				if a.Name.Space == "xmlns" && strings.HasPrefix(a.Value, wxrNamespacePrefix) && !strings.Contains(a.Value[len(wxrNamespacePrefix):], "/excerpt") {
					wpPrefixes[a.Name.Local] = true
				}
			}
			open = append(open, t.Name)
			if item == nil {
				if t.Name.Local == "item" && t.Name.Space == "" {
					line, _ := d.InputPos()
					item = &wxrItem{line: line}
					itemDepth = len(open)
					stats.Items++
				}
				continue
			}
			depth := len(open) - itemDepth
			field, fieldCap = nil, false
			switch {
			case depth == 1 && t.Name.Local == "title" && t.Name.Space == "":
				field = &item.title
			case depth == 1 && isWP(t.Name, "post_type"):
				field = &item.postType
			case depth == 1 && isWP(t.Name, "attachment_url"):
				item.urlLine, _ = d.InputPos()
				field = &item.url
			case depth == 1 && isWP(t.Name, "postmeta"):
				item.metaKey.Reset()
				item.metaValue.Reset()
			case depth == 2 && isWP(t.Name, "meta_key"):
				field = &item.metaKey
			case depth == 2 && isWP(t.Name, "meta_value"):
				field = &item.metaValue
			}
		case xml.CharData:
			if field != nil && !fieldCap {
				if field.Len()+len(t) > maxWXRField {
					fieldCap = true
					continue
				}
				field.Write(t)
			}
		case xml.EndElement:
			if len(open) == 0 || open[len(open)-1] != t.Name {
				line, _ := d.InputPos()
				want := "no element"
				if len(open) > 0 {
					want = "</" + qualified(open[len(open)-1]) + ">"
				}
				return stats, &xml.SyntaxError{Msg: fmt.Sprintf("</%s> where %s is expected", qualified(t.Name), want), Line: line}
			}
			field = nil
			if item != nil && len(open)-itemDepth == 1 && isWP(t.Name, "postmeta") && strings.TrimSpace(item.metaKey.String()) == metadataKey {
				item.metadata = append(item.metadata[:0], item.metaValue.Bytes()...)
			}
			if item != nil && len(open) == itemDepth { // the item's own end
				if a, ok, warn := item.attachment(); ok {
					stats.Attachments++
					if warn != "" {
						stats.BadMetadata++
						stats.Warnings = append(stats.Warnings, Warning{Line: a.Line, Msg: warn})
					}
					if err := fn(a); err != nil {
						return stats, err
					}
				}
				item = nil
			}
			open = open[:len(open)-1]
		}
	}
}

// qualified writes an element's name as the file has it.
func qualified(n xml.Name) string {
	if n.Space == "" {
		return n.Local
	}
	return n.Space + ":" + n.Local
}

// charsetReader reads the encodings old WordPress exports declare besides
// UTF-8: ISO-8859-1 and its Windows superset (whose extra characters do not
// occur in URLs and read as their Latin-1 code points).
func charsetReader(label string, in io.Reader) (io.Reader, error) {
	switch strings.ToLower(strings.TrimSpace(label)) {
	case "utf-8", "utf8", "us-ascii", "ascii":
		return in, nil
	case "iso-8859-1", "latin1", "latin-1", "windows-1252", "cp1252":
		return &latin1Reader{r: bufio.NewReader(in)}, nil
	}
	return nil, fmt.Errorf("encoding %q is not supported; convert the file to UTF-8", label)
}

// latin1Reader turns single-byte Latin-1 text into UTF-8.
type latin1Reader struct {
	r       *bufio.Reader
	pending []byte
}

func (l *latin1Reader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if len(l.pending) > 0 {
			c := copy(p[n:], l.pending)
			l.pending = l.pending[c:]
			n += c
			continue
		}
		b, err := l.r.ReadByte()
		if err != nil {
			if n > 0 {
				return n, nil
			}
			return 0, err
		}
		if b < 0x80 {
			p[n] = b
			n++
			continue
		}
		l.pending = append(l.pending[:0], 0xC0|b>>6, 0x80|b&0x3F)
	}
	return n, nil
}

// wxrItem is what an <item> has said so far.
type wxrItem struct {
	line, urlLine      int
	title, postType    bytes.Buffer
	url                bytes.Buffer
	metaKey, metaValue bytes.Buffer
	metadata           []byte
}

// attachment turns an attachment item into an Attachment; ok is false for
// other items. warn says why the metadata could not be read, if it could
// not.
func (it *wxrItem) attachment() (a Attachment, ok bool, warn string) {
	u := strings.TrimSpace(it.url.String())
	if u == "" || (it.postType.Len() > 0 && strings.TrimSpace(it.postType.String()) != "attachment") {
		return Attachment{}, false, ""
	}
	a = Attachment{URL: u, Title: strings.TrimSpace(it.title.String()), Line: it.urlLine}
	if a.Line == 0 {
		a.Line = it.line
	}
	if len(bytes.TrimSpace(it.metadata)) == 0 {
		return a, true, ""
	}
	v, _, err := UnserializePHP(bytes.TrimSpace(it.metadata))
	if err != nil {
		return a, true, fmt.Sprintf("attachment %s: %s cannot be read, so its size variants are not known: %v", u, metadataKey, err)
	}
	meta, isArray := v.(*PHPArray)
	if !isArray {
		return a, true, fmt.Sprintf("attachment %s: %s is not an array", u, metadataKey)
	}
	a.File = meta.String("file")
	if w, ok := meta.Int("width"); ok {
		a.Width = int(w)
	}
	if h, ok := meta.Int("height"); ok {
		a.Height = int(h)
	}
	a.Sizes = sizesOf(u, meta.Array("sizes"))
	if name := meta.String("original_image"); isBareName(name) {
		if o := folderOf(u) + name; o != u {
			a.Original = o
		}
	}
	return a, true, ""
}

// sizesOf lists the sizes of an attachment at attachmentURL. WordPress
// keeps every size in the original's folder and names it by file name only.
// A URL with no folder (no '/') has no variants.
func sizesOf(attachmentURL string, sizes *PHPArray) []Size {
	if sizes == nil {
		return nil
	}
	folder := folderOf(attachmentURL)
	var out []Size
	seen := map[string]bool{}
	for i, key := range sizes.Keys {
		size, _ := sizes.Values[i].(*PHPArray)
		file := size.String("file")
		// A size's file is a bare name; anything else is not WordPress's.
		if !isBareName(file) {
			continue
		}
		// The name is appended as WordPress writes it, not re-escaped:
		// content quotes it the same way.
		v := Size{URL: folder + file}
		v.Name, _ = key.(string)
		if w, ok := size.Int("width"); ok {
			v.Width = int(w)
		}
		if h, ok := size.Int("height"); ok {
			v.Height = int(h)
		}
		if v.URL == attachmentURL || seen[v.URL] {
			continue // "full" is the file itself; sizes may share a file
		}
		seen[v.URL] = true
		out = append(out, v)
	}
	return out
}

// folderOf is u up to its path's last '/', query and fragment dropped.
func folderOf(u string) string {
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	return u[:strings.LastIndexByte(u, '/')+1]
}

// isBareName reports whether name is a file name without a folder, as
// WordPress writes a size's file.
func isBareName(name string) bool {
	return name != "" && name != "." && name != ".." && !strings.ContainsAny(name, "/\\")
}

// IsWXR reports whether head, a file's first bytes, is a WordPress export:
// an RSS document declaring WordPress's export namespace.
func IsWXR(head []byte) bool {
	return bytes.Contains(head, []byte(wxrNamespacePrefix)) && bytes.Contains(head, []byte("<rss"))
}
