package source

import (
	"fmt"
	"path"
	"strings"

	"github.com/gabriel-vasile/mimetype"

	"github.com/wixmigrate/wixmigrate/wix"
)

// octetStream is the type of bytes nobody can name.
const octetStream = "application/octet-stream"

// MimeTypeFor names the type of a file called name (a file name, a path or a
// URL path) whose first bytes are head (nil or empty when unread). Content
// beats the name, because an HTML error page served at /photo.jpg is HTML;
// but the name refines what the content can only narrow down (a .docx sniffs
// as a zip, a .csv as text), and names the type when the content matches no
// known format. The result has no parameters; application/octet-stream means
// unknown.
func MimeTypeFor(name string, head []byte) string {
	byName := typeByExtension(name)
	if len(head) > 0 {
		sniffed := baseType(mimetype.Detect(head).String())
		if sniffed != octetStream {
			if byName != "" && refines(byName, sniffed) {
				return byName
			}
			return sniffed
		}
	}
	if byName != "" {
		return byName
	}
	return octetStream
}

// typeOf is MimeTypeFor with the server's declared Content-Type: a specific
// declared type beats the name, but not content that contradicts it.
func typeOf(declared, name string, head []byte) string {
	declared = baseType(declared)
	if declared == octetStream || declared == "binary/octet-stream" || !strings.Contains(declared, "/") {
		declared = ""
	}
	if len(head) > 0 {
		if t := MimeTypeFor(name, head); t != octetStream {
			if declared != "" && refines(declared, t) {
				return declared
			}
			return t
		}
	}
	if declared != "" {
		return declared
	}
	return MimeTypeFor(name, nil)
}

// typeByExtension is the type the project's table (wix.MIMEOfExtension)
// gives the name's extension; "" when the extension is unknown or absent.
func typeByExtension(name string) string {
	ext := path.Ext(strings.ReplaceAll(name, `\`, "/"))
	if ext == "" {
		return ""
	}
	return wix.MIMEOfExtension(ext)
}

// refines reports whether child is parent or one of its special cases in
// mimetype's format tree (docx under zip, csv under text/plain).
func refines(child, parent string) bool {
	for m := mimetype.Lookup(child); m != nil; m = m.Parent() {
		if m.Is(parent) {
			return true
		}
	}
	return false
}

// baseType drops parameters and case: "Text/HTML; charset=utf-8" → "text/html".
func baseType(t string) string {
	if i := strings.IndexByte(t, ';'); i >= 0 {
		t = t[:i]
	}
	return strings.ToLower(strings.TrimSpace(t))
}

// Compatible reports whether a source of media type got satisfies a
// manifest's expected type want ("" or UNKNOWN expects nothing). It is as
// strict as Wix's check (an SVG is a VECTOR, not an IMAGE), so what the tool
// accepts, Wix accepts.
func Compatible(want, got wix.MediaType) bool {
	switch want {
	case "", wix.MediaUnknown, wix.MediaOther:
		return true
	}
	return want == got
}

// notMediaReason explains a type that Wix will not import as media.
func notMediaReason(t string) string {
	switch t {
	case "text/html", "application/xhtml+xml":
		return fmt.Sprintf(Reasons.HTMLPage, t)
	case "text/plain":
		return "the source is plain text (text/plain), not media"
	case "application/json", "text/json":
		return fmt.Sprintf("the source is JSON data (%s), not media: often an API's error answer", t)
	case "text/xml", "application/xml":
		return fmt.Sprintf("the source is XML (%s), not media: often a storage service's error answer", t)
	case octetStream, "":
		return "the source's type cannot be told: no specific Content-Type, content that matches no known media format and no known file extension"
	}
	return fmt.Sprintf(Reasons.NotMedia, t)
}
