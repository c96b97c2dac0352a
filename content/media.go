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
