package wix

import (
	"strings"
	"sync"
)

// MediaTypeOfMIME says which media type Wix files a MIME type under, or ""
// when the Media Manager does not take it as media (HTML, plain text, JSON,
// unknown bytes). Parameters and case are ignored. It is the one table of
// its kind: the tool's own checks of sources and the simulator both use it,
// so what the tool accepts is what the simulator (and Wix) accepts.
//
// Where Wix's behaviour is not pinned down by its documentation (CSV,
// PostScript/EPS/Illustrator, xz archives) the table accepts: a type the
// tool wrongly rejected would fail a row Wix would have taken, while a
// type Wix rejects fails the row anyway, with Wix's verdict.
func MediaTypeOfMIME(mimeType string) MediaType {
	t := strings.ToLower(strings.TrimSpace(mimeType))
	if i := strings.IndexByte(t, ';'); i >= 0 {
		t = strings.TrimSpace(t[:i])
	}
	major, minor, _ := strings.Cut(t, "/")
	switch {
	case t == "image/svg+xml" || t == "application/postscript" || t == "image/x-eps" || t == "application/illustrator":
		return MediaVector
	case major == "image":
		return MediaImage
	case major == "video":
		return MediaVideo
	case major == "audio":
		return MediaAudio
	case major == "model" || t == "application/sla" || t == "application/vnd.ms-pki.stl":
		return MediaModel3D
	case t == "application/pdf" || t == "application/msword" || t == "application/rtf" ||
		t == "text/rtf" || t == "text/csv" ||
		strings.HasPrefix(minor, "vnd.openxmlformats-officedocument.") ||
		strings.HasPrefix(minor, "vnd.oasis.opendocument.") ||
		strings.HasPrefix(minor, "vnd.ms-excel") || strings.HasPrefix(minor, "vnd.ms-powerpoint") ||
		strings.HasPrefix(minor, "vnd.ms-word"):
		return MediaDocument
	case t == "application/zip" || t == "application/x-zip-compressed" || t == "application/gzip" ||
		t == "application/x-gzip" || t == "application/x-tar" || t == "application/x-7z-compressed" ||
		t == "application/x-rar-compressed" || t == "application/vnd.rar" || t == "application/x-bzip2" ||
		t == "application/x-xz":
		return MediaArchive
	}
	return ""
}

// extensionTypes is the project's one table from file extension to MIME
// type: the media a site hosts and Wix imports, and the web's own files
// (pages, data, text), so a name alone says whether it is media. It is
// compiled in, never read from the host's /etc/mime.types, so a scan, a
// source check and the simulator name a file alike on every machine.
//
// Where one type has several extensions, the first listed is the one
// [ExtensionOfMIME] gives it.
var extensionTypes = []struct{ ext, mimeType string }{
	// Images.
	{".jpg", "image/jpeg"}, {".jpeg", "image/jpeg"}, {".jpe", "image/jpeg"}, {".jfif", "image/jpeg"},
	{".png", "image/png"}, {".apng", "image/apng"}, {".gif", "image/gif"}, {".webp", "image/webp"},
	{".avif", "image/avif"}, {".heic", "image/heic"}, {".heif", "image/heif"}, {".bmp", "image/bmp"},
	{".tiff", "image/tiff"}, {".tif", "image/tiff"}, {".ico", "image/x-icon"}, {".jxl", "image/jxl"},
	{".jp2", "image/jp2"}, {".psd", "image/vnd.adobe.photoshop"},
	// Vectors.
	{".svg", "image/svg+xml"}, {".eps", "application/postscript"}, {".ai", "application/illustrator"},
	// Video.
	{".mp4", "video/mp4"}, {".m4v", "video/x-m4v"}, {".mov", "video/quicktime"}, {".qt", "video/quicktime"},
	{".webm", "video/webm"}, {".ogv", "video/ogg"}, {".avi", "video/x-msvideo"}, {".mkv", "video/x-matroska"},
	{".mpg", "video/mpeg"}, {".mpeg", "video/mpeg"}, {".mpe", "video/mpeg"}, {".m1v", "video/mpeg"},
	{".wmv", "video/x-ms-wmv"}, {".flv", "video/x-flv"}, {".3gp", "video/3gpp"}, {".3g2", "video/3gpp2"},
	{".mts", "video/mp2t"}, {".m2ts", "video/mp2t"},
	// Audio. A .m4a is audio/mp4 as registered (RFC 4337); sniffing names
	// it audio/x-m4a, which ExtensionOfMIME also knows.
	{".mp3", "audio/mpeg"}, {".m4a", "audio/mp4"}, {".aac", "audio/aac"}, {".wav", "audio/wav"},
	{".ogg", "audio/ogg"}, {".oga", "audio/ogg"}, {".opus", "audio/ogg"}, {".flac", "audio/flac"},
	{".aiff", "audio/aiff"}, {".aif", "audio/aiff"}, {".wma", "audio/x-ms-wma"}, {".mid", "audio/midi"},
	{".midi", "audio/midi"}, {".weba", "audio/webm"},
	// Documents.
	{".pdf", "application/pdf"}, {".doc", "application/msword"}, {".rtf", "application/rtf"},
	{".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
	{".xls", "application/vnd.ms-excel"},
	{".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
	{".ppt", "application/vnd.ms-powerpoint"},
	{".pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"},
	{".odt", "application/vnd.oasis.opendocument.text"},
	{".ods", "application/vnd.oasis.opendocument.spreadsheet"},
	{".odp", "application/vnd.oasis.opendocument.presentation"},
	{".csv", "text/csv"},
	// Archives.
	{".zip", "application/zip"}, {".rar", "application/vnd.rar"}, {".7z", "application/x-7z-compressed"},
	{".gz", "application/gzip"}, {".tgz", "application/gzip"}, {".tar", "application/x-tar"},
	{".bz2", "application/x-bzip2"}, {".xz", "application/x-xz"},
	// 3D models.
	{".glb", "model/gltf-binary"}, {".gltf", "model/gltf+json"}, {".obj", "model/obj"}, {".stl", "model/stl"},
	{".usdz", "model/vnd.usdz+zip"},
	// The web's own files: known, so they are named as what they are (not
	// media) rather than as unknown bytes.
	{".html", "text/html"}, {".htm", "text/html"}, {".xhtml", "application/xhtml+xml"},
	{".txt", "text/plain"}, {".json", "application/json"}, {".xml", "application/xml"},
	{".css", "text/css"}, {".js", "text/javascript"}, {".mjs", "text/javascript"},
	{".md", "text/markdown"}, {".wasm", "application/wasm"},
}

// typeAliases are other names of the table's types (what sniffing and some
// servers call them), for ExtensionOfMIME only.
var typeAliases = map[string]string{
	"audio/x-m4a": ".m4a", "audio/m4a": ".m4a", "audio/x-wav": ".wav", "audio/wave": ".wav",
	"audio/vnd.wave": ".wav", "audio/mp3": ".mp3", "audio/x-mpeg": ".mp3", "audio/x-aiff": ".aiff",
	"audio/x-flac": ".flac", "audio/x-aac": ".aac", "image/jpg": ".jpg", "image/pjpeg": ".jpg",
	"image/vnd.microsoft.icon": ".ico", "image/x-ms-bmp": ".bmp", "image/x-eps": ".eps",
	"video/x-quicktime": ".mov", "application/x-zip-compressed": ".zip", "application/x-gzip": ".gz",
	"application/x-rar-compressed": ".rar", "text/xml": ".xml", "application/javascript": ".js",
}

var mimeTables = sync.OnceValues(func() (byExt, byType map[string]string) {
	byExt = make(map[string]string, len(extensionTypes))
	byType = make(map[string]string, len(extensionTypes)+len(typeAliases))
	for _, e := range extensionTypes {
		byExt[e.ext] = e.mimeType
		if _, ok := byType[e.mimeType]; !ok {
			byType[e.mimeType] = e.ext
		}
	}
	for t, ext := range typeAliases {
		byType[t] = ext
	}
	return byExt, byType
})

// MIMEOfExtension returns the MIME type of a file extension (".jpg"; the
// dot is optional, case is ignored), or "" when the table does not know it.
func MIMEOfExtension(ext string) string {
	ext = strings.ToLower(ext)
	if !strings.HasPrefix(ext, ".") {
		ext = "." + ext
	}
	byExt, _ := mimeTables()
	return byExt[ext]
}

// ExtensionOfMIME returns the usual extension, with its dot, of a MIME type
// (parameters and case ignored), or "" when the table does not know it.
func ExtensionOfMIME(mimeType string) string {
	t := strings.ToLower(strings.TrimSpace(mimeType))
	if i := strings.IndexByte(t, ';'); i >= 0 {
		t = strings.TrimSpace(t[:i])
	}
	_, byType := mimeTables()
	return byType[t]
}
