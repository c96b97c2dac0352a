package content

import (
	"path"
	"strings"

	"github.com/wixmigrate/wixmigrate/source"
	"github.com/wixmigrate/wixmigrate/wix"
)

// Kind is a kind of media, as `scan --media` names them.
type Kind string

// The kinds. Archives count as documents; 3D models are their own kind.
const (
	KindNone     Kind = ""
	KindImage    Kind = "images"
	KindVideo    Kind = "video"
	KindAudio    Kind = "audio"
	KindDocument Kind = "documents"
	KindModel    Kind = "models"
)

// pageExtensions name pages, never media, whatever precedes them
// (photo.jpg.html is a page).
var pageExtensions = map[string]bool{
	".html": true, ".htm": true, ".xhtml": true, ".shtml": true, ".php": true, ".php3": true,
	".php4": true, ".php5": true, ".phtml": true, ".asp": true, ".aspx": true, ".ashx": true,
	".asmx": true, ".jsp": true, ".jspx": true, ".cfm": true, ".cgi": true, ".pl": true,
}

// URLPath is the path of u (absolute, protocol-relative or relative)
// without its query and fragment, as written (percent-encoding kept).
func URLPath(u string) string {
	if i := indexEither(u, '?', '#'); i >= 0 {
		u = u[:i]
	}
	if i := strings.Index(u, "//"); i >= 0 && (i == 0 || u[i-1] == ':') {
		u = u[i+2:]
		if j := strings.IndexByte(u, '/'); j >= 0 {
			u = u[j:]
		} else {
			u = "/"
		}
	}
	return u
}

// Extension is the lower-case extension of u's path, such as ".jpg"; ""
// when it has none.
func Extension(u string) string {
	return strings.ToLower(path.Ext(URLPath(u)))
}

// IsPage reports whether u's path ends in a page extension (.html, .php,
// .asp*, ...).
func IsPage(u string) bool {
	ext := Extension(u)
	return pageExtensions[ext] || strings.HasPrefix(ext, ".asp")
}

// MediaKind is the kind of media u's extension names, by the project's MIME
// table (source.MimeTypeFor, wix.MediaTypeOfMIME), or KindNone for a page, no
// extension, or a type Wix does not import as media.
func MediaKind(u string) Kind {
	ext := Extension(u)
	if ext == "" || IsPage(u) {
		return KindNone
	}
	switch wix.MediaTypeOfMIME(source.MimeTypeFor("f"+ext, nil)) {
	case wix.MediaImage, wix.MediaVector:
		return KindImage
	case wix.MediaVideo:
		return KindVideo
	case wix.MediaAudio:
		return KindAudio
	case wix.MediaDocument, wix.MediaArchive:
		return KindDocument
	case wix.MediaModel3D:
		return KindModel
	}
	return KindNone
}

// IsMedia reports whether a Ref is media: its extension names a media kind,
// or the format puts it where media is and its path is not a page.
func (r Ref) IsMedia() bool {
	if MediaKind(r.Text) != KindNone {
		return true
	}
	return r.Context.IsMedia() && !IsPage(r.Text)
}

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
	ContextKey        Context = "url key"      // a JSON or YAML value under a key naming a URL (src, url, *_url, href)
	ContextImageKey   Context = "image key"    // a JSON or YAML value under a key naming an image (image, *_image, cover, thumbnail, icon, logo, poster)
)

// IsMedia reports whether the format says a URL in this context is media,
// whatever its extension.
func (c Context) IsMedia() bool {
	switch c {
	case ContextImage, ContextSrcset, ContextPoster, ContextSource, ContextOGImage,
		ContextEnclosure, ContextImageLoc, ContextAttachment, ContextMediaCell, ContextImageKey:
		return true
	}
	return false
}

// urlKey says whether an object key (JSON, YAML front matter) names a
// place that holds a URL, by the names content formats give them: images
// (image, images, *_image, cover, thumbnail, icon, logo, poster, camelCase
// featureImage too) and links or files (src, href, url, *_url, fileUrl).
func urlKey(key string) (Context, bool) {
	k := strings.ToLower(strings.TrimSpace(key))
	switch k {
	case "image", "images", "cover", "thumbnail", "thumb", "icon", "logo", "poster", "banner", "avatar":
		return ContextImageKey, true
	case "src", "href", "url", "urls":
		return ContextKey, true
	}
	switch {
	case strings.HasSuffix(k, "_image"), strings.HasSuffix(k, "_images"), strings.HasSuffix(k, "-image"),
		strings.HasSuffix(key, "Image"), strings.HasSuffix(k, "_thumbnail"), strings.HasSuffix(k, "_icon"), strings.HasSuffix(k, "_logo"):
		return ContextImageKey, true
	case strings.HasSuffix(k, "_url"), strings.HasSuffix(k, "-url"), strings.HasSuffix(key, "Url"), strings.HasSuffix(key, "URL"),
		strings.HasSuffix(k, "_src"):
		return ContextKey, true
	}
	return "", false
}
