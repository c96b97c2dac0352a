package content

import (
	"net/url"
)

// Context says where in a file a URL sits, as the format tells it. Some
// contexts hold media whatever the URL's extension (see Context.IsMedia).
type Context string

// The contexts. Attribute and element names are in Ref.Where.
const (
	ContextText       Context = "text"         // free text, a JSON string, a CSV cell, an SQL literal
	ContextLink       Context = "link"         // href and other URL attributes, Markdown links
	ContextImage      Context = "img"          // <img src>, <input type=image src>, Markdown ![](...)
	ContextSrcset     Context = "srcset"       // a srcset (or data-*srcset) candidate
	ContextPoster     Context = "poster"       // <video poster>
	ContextSource     Context = "source"       // <source src>, <video src>, <audio src>, <track src>, <embed src>
	ContextOGImage    Context = "og:image"     // <meta property=og:image|og:video|twitter:image content>
	ContextCSS        Context = "css url"      // CSS url(...) or @import
	ContextEnclosure  Context = "enclosure"    // RSS <enclosure url>, <media:content url>, <media:thumbnail url>
	ContextImageLoc   Context = "image:loc"    // a sitemap's <image:loc>
	ContextAttachment Context = "attachment"   // WordPress <wp:attachment_url>
	ContextURLElement Context = "url element"  // XML elements that hold one URL: <loc>, <link>, <guid>, <url>
	ContextMediaCell  Context = "media column" // a CSV cell under an image column (Image Src, Variant Image, Images...)
	ContextData       Context = "data attr"    // a data-* attribute value
)

// IsMedia reports whether the format says a URL in this context is media,
// whatever its extension.
func (c Context) IsMedia() bool {
	switch c {
	case ContextImage, ContextSrcset, ContextPoster, ContextSource, ContextOGImage,
		ContextEnclosure, ContextImageLoc, ContextAttachment, ContextMediaCell:
		return true
	}
	return false
}

// Ref is one URL found in a file.
type Ref struct {
	// Raw is the URL exactly as the file has it: entity- or
	// backslash-escaped, relative, with the spelling of its scheme and host.
	// A URL inside nested values (HTML in a CSV cell) is given as the
	// innermost layer has it.
	Raw string
	// Text is Raw with the value's escaping decoded (character references,
	// JSON or SQL escapes, CSV quote doubling). Percent-encoding is kept.
	Text string
	// URL is Text made absolute: resolved against the base for relative
	// URLs, "https:" (or the base's scheme) before a protocol-relative one.
	// Only http and https URLs are reported. URL is "" for a relative URL
	// with no base to resolve it against.
	URL string
	// Line is the 1-based line of the file where Raw starts.
	Line int
	// Offset is the byte offset in the file of the outermost raw span that
	// holds the URL.
	Offset int64
	// Context says what kind of place holds the URL.
	Context Context
	// Where names the place: the attribute ("img src", "a href"), the XML
	// element ("wp:attachment_url"), the CSV column's header name, or the
	// JSON object key. "" when unknown.
	Where string
	// Relative is true when the file wrote the URL relative (root-relative,
	// path-relative or protocol-relative).
	Relative bool
	// Escaped is true when Raw and Text differ: the file escaped the URL.
	Escaped bool
}

// Options tune Find and Rewrite.
type Options struct {
	// BaseURL resolves relative URLs where a URL is expected; nil resolves
	// none. An HTML file's <base href> replaces it from where it appears.
	BaseURL *url.URL
	// MaxToken bounds the bytes held for one value (an attribute, a text
	// run, a JSON string, a CSV record, a CDATA section); 0 means
	// DefaultMaxToken. Longer text runs are cut at white space; a longer
	// value that cannot be cut is passed through unchanged with a warning.
	MaxToken int
}

// DefaultMaxToken is the default Options.MaxToken.
const DefaultMaxToken = 16 << 20

// Warning is a problem that did not stop a file from being read, such as a
// malformed JSON file read as text from the error on.
type Warning struct {
	Line int
	Msg  string
}

func (w Warning) String() string {
	if w.Line > 0 {
		return "line " + itoa(w.Line) + ": " + w.Msg
	}
	return w.Msg
}

// Stats says what a Find or Rewrite did with one file.
type Stats struct {
	Bytes    int64     // bytes read
	Refs     int       // URLs found
	Replaced int       // URLs replaced (Rewrite)
	Warnings []Warning // problems passed over, in file order
}
