package scan

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/wixmigrate/wixmigrate/content"
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
	// ID is the attachment's post ID (wp:post_id), by which posts and
	// products name it (_thumbnail_id, galleries); 0 when the export has
	// none.
	ID int64
	// Alt is its alternative text (_wp_attachment_image_alt); Caption its
	// excerpt, which WordPress shows as the caption.
	Alt, Caption string
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
	Warnings    []content.Warning
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

// altKey is the post meta holding an image's alternative text.
const altKey = "_wp_attachment_image_alt"

// ReadWXRAttachments streams a WordPress export and calls fn for each
// attachment item, in file order. It is a WXRReader on its own: scan reads
// an export's attachments in the same pass as its URLs.
func ReadWXRAttachments(r io.Reader, fn func(Attachment) error) (WXRStats, error) {
	w := NewWXRReader(fn)
	_, err := content.Find(r, content.XML, content.Options{Structure: w}, func(content.Ref) error { return nil })
	if err != nil {
		return w.Stats, err
	}
	return w.Stats, w.Finish()
}

// WXRReader takes the attachments of a WordPress export (WXR) from the
// elements content's XML scanner reads (it is a content.ElementHandler).
// It holds one item's fields at a time, so memory does not grow with the
// file. A malformed file (an end tag that closes no open element, the file
// cut short) is read up to the problem: the attachments before it are
// reported, and Finish returns a *WXRSyntaxError.
type WXRReader struct {
	Stats WXRStats

	fn func(Attachment) error
	// The prefixes bound to WordPress's namespace other than "wp", which
	// always is (most exports bind no other: the map stays empty, and
	// looking a name up in it hashes nothing), and the open elements.
	otherPrefixes map[string]bool
	open          []string
	item          *wxrItem // the current <item>, nil outside one
	spare         wxrItem  // reused for each item: its buffers keep their memory
	itemDepth     int      // len(open) inside the current <item>
	field         *bytes.Buffer
	fieldCap      bool  // field has been cut at maxWXRField
	err           error // the first problem: nothing is taken after it
}

// WXRSyntaxError is where a WordPress export stops making sense.
type WXRSyntaxError struct {
	Line int
	Msg  string
}

func (e *WXRSyntaxError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// NewWXRReader returns a reader calling fn for each attachment; an error
// from fn stops it and is returned by Finish.
func NewWXRReader(fn func(Attachment) error) *WXRReader {
	return &WXRReader{fn: fn}
}

// Finish says whether the export was read whole: the first error of fn, a
// *WXRSyntaxError, or nil.
func (w *WXRReader) Finish() error {
	if w.err == nil && len(w.open) > 0 {
		w.err = &WXRSyntaxError{Msg: fmt.Sprintf("the file ends with <%s> open (cut short?)", w.open[len(w.open)-1])}
	}
	return w.err
}

// wpLocal is name's local part when it is in WordPress's namespace.
func (w *WXRReader) wpLocal(name string) (string, bool) {
	if local, ok := strings.CutPrefix(name, "wp:"); ok {
		return local, true
	}
	i := strings.IndexByte(name, ':')
	if i < 0 || !w.otherPrefixes[name[:i]] {
		return "", false
	}
	return name[i+1:], true
}

// isWP reports whether name is local in WordPress's namespace.
func (w *WXRReader) isWP(name, local string) bool {
	l, ok := w.wpLocal(name)
	return ok && l == local
}

// StartElement implements content.ElementHandler.
func (w *WXRReader) StartElement(name string, attrs []content.Attr, at content.Position) {
	if w.err != nil {
		return
	}
	for _, a := range attrs {
		if prefix, ok := strings.CutPrefix(a.Name, "xmlns:"); ok && strings.HasPrefix(a.Value, wxrNamespacePrefix) &&
			!strings.Contains(a.Value[len(wxrNamespacePrefix):], "/excerpt") && prefix != "wp" {
			if w.otherPrefixes == nil {
				w.otherPrefixes = map[string]bool{}
			}
			w.otherPrefixes[prefix] = true
		}
	}
	w.open = append(w.open, name)
	if w.item == nil {
		if name == "item" {
			w.spare.reset(at.Line())
			w.item = &w.spare
			w.itemDepth = len(w.open)
			w.Stats.Items++
		}
		return
	}
	it := w.item
	depth := len(w.open) - w.itemDepth
	w.field, w.fieldCap = nil, false
	if depth == 1 && (name == "title" || name == "excerpt:encoded") {
		w.field = &it.title
		if name != "title" {
			w.field = &it.excerpt
		}
		return
	}
	local, ok := w.wpLocal(name)
	switch {
	case !ok:
	case depth == 1 && local == "post_id":
		w.field = &it.id
	case depth == 1 && local == "post_type":
		w.field = &it.postType
	case depth == 1 && local == "attachment_url":
		it.urlLine = at.Line()
		w.field = &it.url
	case depth == 1 && local == "postmeta":
		it.metaKey.Reset()
		it.metaValue.Reset()
	case depth == 2 && local == "meta_key":
		w.field = &it.metaKey
	case depth == 2 && local == "meta_value":
		w.field = &it.metaValue
	}
}

// CharData implements content.ElementHandler.
func (w *WXRReader) CharData(text []byte) {
	if w.field == nil || w.fieldCap || w.err != nil {
		return
	}
	if w.field.Len()+len(text) > maxWXRField {
		w.fieldCap = true
		return
	}
	w.field.Write(text)
}

// EndElement implements content.ElementHandler.
func (w *WXRReader) EndElement(name string, at content.Position) {
	if w.err != nil {
		return
	}
	if len(w.open) == 0 || w.open[len(w.open)-1] != name {
		want := "no element"
		if len(w.open) > 0 {
			want = "</" + w.open[len(w.open)-1] + ">"
		}
		w.err = &WXRSyntaxError{Line: at.Line(), Msg: fmt.Sprintf("</%s> where %s is expected", name, want)}
		return
	}
	w.field = nil
	it := w.item
	if it != nil && len(w.open)-w.itemDepth == 1 && w.isWP(name, "postmeta") {
		switch key := bytes.TrimSpace(it.metaKey.Bytes()); {
		case string(key) == metadataKey:
			it.metadata = append(it.metadata[:0], it.metaValue.Bytes()...)
		case string(key) == altKey:
			it.alt = strings.TrimSpace(it.metaValue.String())
		}
	}
	if it != nil && len(w.open) == w.itemDepth { // the item's own end
		if a, ok, warn := it.attachment(); ok {
			w.Stats.Attachments++
			if warn != "" {
				w.Stats.BadMetadata++
				w.Stats.Warnings = append(w.Stats.Warnings, content.Warning{Line: a.Line, Msg: warn})
			}
			if err := w.fn(a); err != nil {
				w.err = err
			}
		}
		w.item = nil
	}
	w.open = w.open[:len(w.open)-1]
}

// reset empties the item for the next <item>, at line.
func (it *wxrItem) reset(line int) {
	for _, b := range []*bytes.Buffer{&it.title, &it.postType, &it.url, &it.id, &it.excerpt, &it.metaKey, &it.metaValue} {
		b.Reset()
	}
	it.line, it.urlLine, it.metadata, it.alt = line, 0, it.metadata[:0], ""
}

// wxrItem is what an <item> has said so far.
type wxrItem struct {
	line, urlLine      int
	title, postType    bytes.Buffer
	url, id, excerpt   bytes.Buffer
	metaKey, metaValue bytes.Buffer
	metadata           []byte
	alt                string
}

// attachment turns an attachment item into an Attachment; ok is false for
// other items. warn says why the metadata could not be read, if it could
// not.
func (it *wxrItem) attachment() (a Attachment, ok bool, warn string) {
	url := bytes.TrimSpace(it.url.Bytes())
	if len(url) == 0 || (it.postType.Len() > 0 && string(bytes.TrimSpace(it.postType.Bytes())) != "attachment") {
		return Attachment{}, false, ""
	}
	u := string(url)
	a = Attachment{URL: u, Title: strings.TrimSpace(it.title.String()), Line: it.urlLine,
		Alt: it.alt, Caption: strings.TrimSpace(it.excerpt.String())}
	a.ID, _ = strconv.ParseInt(string(bytes.TrimSpace(it.id.Bytes())), 10, 64)
	if a.Line == 0 {
		a.Line = it.line
	}
	if len(bytes.TrimSpace(it.metadata)) == 0 {
		return a, true, ""
	}
	v, _, err := content.UnserializePHP(bytes.TrimSpace(it.metadata))
	if err != nil {
		return a, true, fmt.Sprintf("attachment %s: %s cannot be read, so its size variants are not known: %v", u, metadataKey, err)
	}
	meta, isArray := v.(*content.PHPArray)
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
func sizesOf(attachmentURL string, sizes *content.PHPArray) []Size {
	if sizes == nil {
		return nil
	}
	folder := folderOf(attachmentURL)
	var out []Size
	seen := map[string]bool{}
	for i, key := range sizes.Keys {
		size, _ := sizes.Values[i].(*content.PHPArray)
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
		if out == nil {
			out = make([]Size, 0, len(sizes.Keys))
		}
		out = append(out, v)
	}
	return out
}

// folderOf is u up to its path's last '/', query and fragment dropped.
func folderOf(u string) string {
	u, _, _ = strings.Cut(u, "?")
	u, _, _ = strings.Cut(u, "#")
	return u[:strings.LastIndexByte(u, '/')+1]
}

// isBareName reports whether name is a file name without a folder, as
// WordPress writes a size's file.
func isBareName(name string) bool {
	return name != "" && name != "." && name != ".." && strings.IndexByte(name, '/') < 0 && strings.IndexByte(name, '\\') < 0
}

// IsWXR reports whether head, a file's first bytes, is a WordPress export:
// an RSS document declaring WordPress's export namespace.
func IsWXR(head []byte) bool {
	return bytes.Contains(head, []byte(wxrNamespacePrefix)) && bytes.Contains(head, []byte("<rss"))
}
