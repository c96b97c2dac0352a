package wix

import "strings"

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
