package manifest

import (
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"runtime"
	"strings"
	"unicode/utf8"

	"github.com/wixmigrate/wixmigrate/wix"
)

// Limits Wix puts on import fields, in characters.
const (
	maxDisplayName    = 1000
	maxMimeType       = 100
	maxParentFolderID = 100
	maxFilePath       = 100
	maxLabels         = 500
	maxLabel          = 200
)

// parseImport fills im from a record's known fields. On a problem it
// returns the field at fault and what is wrong with it.
func (r *Reader) parseImport(record []string, im *Import) (field, string) {
	value := func(f field) string {
		if i := r.layout.columns[f]; i >= 0 {
			return strings.TrimSpace(record[i])
		}
		return ""
	}
	// Every import field goes into a JSON request; a file saved in a
	// legacy encoding would arrive garbled, so say so here.
	for f := range numFields {
		if !utf8.ValidString(value(f)) {
			return f, "is not valid UTF-8; save the manifest as UTF-8"
		}
	}
	var msg string
	if im.SourceURL, im.Local, im.LocalPath, msg = r.resolveSource(value(fieldSourceURL)); msg != "" {
		return fieldSourceURL, msg
	}
	im.DisplayName = value(fieldDisplayName)
	if msg := tooLong(im.DisplayName, maxDisplayName); msg != "" {
		return fieldDisplayName, msg
	}
	im.MimeType = strings.ToLower(value(fieldMimeType))
	if msg := tooLong(im.MimeType, maxMimeType); msg != "" {
		return fieldMimeType, msg
	}
	if im.MimeType != "" && !strings.Contains(im.MimeType, "/") {
		return fieldMimeType, fmt.Sprintf("%q is not a MIME type (like image/jpeg)", im.MimeType)
	}
	if im.MediaType, msg = parseMediaType(value(fieldMediaType)); msg != "" {
		return fieldMediaType, msg
	}
	im.ParentFolderID = value(fieldParentFolderID)
	if msg := tooLong(im.ParentFolderID, maxParentFolderID); msg != "" {
		return fieldParentFolderID, msg
	}
	if im.ParentFolderID == "" {
		// The effective folder is part of the import: a re-run with another
		// --folder-id imports into that folder, not "already done".
		im.ParentFolderID = r.defaultFolder
	}
	im.FilePath = normalizeFilePath(value(fieldFilePath))
	if msg := tooLong(im.FilePath, maxFilePath); msg != "" {
		return fieldFilePath, msg
	}
	if im.Labels, msg = parseLabels(value(fieldLabels)); msg != "" {
		return fieldLabels, msg
	}
	if im.Private, msg = parseBool(value(fieldPrivate)); msg != "" {
		return fieldPrivate, msg
	}
	return 0, ""
}

// tooLong checks a length limit in characters (runes), as Wix counts them.
func tooLong(s string, limit int) string {
	if len(s) <= limit { // bytes never undercount runes
		return ""
	}
	if n := utf8.RuneCountInString(s); n > limit {
		return fmt.Sprintf("%d characters; Wix allows at most %d", n, limit)
	}
	return ""
}

// resolveSource sorts a source into a remote http(s) URL or a local file.
func (r *Reader) resolveSource(s string) (source string, local bool, path string, problem string) {
	switch {
	case s == "":
		return "", false, "", "is empty; every row needs a source URL"
	case strings.HasPrefix(s, "//"):
		return "", false, "", fmt.Sprintf("%q has no scheme; write https:%s", s, s)
	case filepath.IsAbs(s):
		return s, true, filepath.Clean(s), ""
	}
	scheme, ok := urlScheme(s)
	if !ok {
		if hasPrefixFold(s, "www.") {
			return "", false, "", fmt.Sprintf("%q has no scheme; write https://%s", s, s)
		}
		return s, true, filepath.Join(r.baseDir, filepath.FromSlash(s)), ""
	}
	switch strings.ToLower(scheme) {
	case "http", "https":
		source, problem = parseHTTP(s)
		return source, false, "", problem
	case "file":
		path, problem = parseFileURL(s)
		return s, problem == "", path, problem
	}
	return "", false, "", fmt.Sprintf("%q is not an http(s) URL", s)
}

// urlScheme returns the scheme s starts with (RFC 3986: a letter, then
// letters, digits, '+', '-' or '.', then ':'), if any.
func urlScheme(s string) (string, bool) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
		case '0' <= c && c <= '9' || c == '+' || c == '-' || c == '.':
			if i == 0 {
				return "", false
			}
		case c == ':':
			return s[:i], i > 0
		default:
			return "", false
		}
	}
	return "", false
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// parseURL parses s, or explains why it is not a URL.
func parseURL(s string) (*url.URL, string) {
	u, err := url.Parse(s)
	if err != nil {
		var urlErr *url.Error
		if errors.As(err, &urlErr) {
			err = urlErr.Err
		}
		return nil, fmt.Sprintf("%q is not a valid URL: %v", s, err)
	}
	return u, ""
}

// parseHTTP checks an http(s) URL and lower-cases its scheme and host, which
// are case-insensitive, so that spellings of one URL share an import key.
func parseHTTP(s string) (string, string) {
	u, msg := parseURL(s)
	if msg != "" {
		return "", msg
	}
	if u.Host == "" {
		return "", fmt.Sprintf("%q has no host", s)
	}
	return canonicalHTTP(s, strings.ToLower(u.Scheme)), ""
}

// canonicalHTTP lower-cases the scheme and host of a valid http(s) URL and
// drops its default port, leaving every other byte as written: the path
// and query may be signed, so they are never re-escaped.
func canonicalHTTP(s, scheme string) string {
	rest := s[len(scheme)+len("://"):]
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	authority, tail := rest[:end], rest[end:]
	userinfo := ""
	if at := strings.LastIndex(authority, "@"); at >= 0 {
		userinfo, authority = authority[:at+1], authority[at+1:]
	}
	host := strings.ToLower(authority)
	if (scheme == "http" && strings.HasSuffix(host, ":80")) || (scheme == "https" && strings.HasSuffix(host, ":443")) {
		host = host[:strings.LastIndex(host, ":")]
	}
	return scheme + "://" + userinfo + host + tail
}

// normalizeFilePath writes a folder path one way: "/a/b" for "a/b",
// "/a/b/", " /a//b " and the like, "" for none.
func normalizeFilePath(p string) string {
	var parts []string
	for _, seg := range strings.Split(p, "/") {
		if seg = strings.TrimSpace(seg); seg != "" {
			parts = append(parts, seg)
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "/" + strings.Join(parts, "/")
}

// parseFileURL returns the absolute path a file:// URL names.
func parseFileURL(s string) (string, string) {
	u, msg := parseURL(s)
	if msg != "" {
		return "", msg
	}
	if u.Host != "" && !strings.EqualFold(u.Host, "localhost") {
		return "", fmt.Sprintf("%q names the host %q; a file:// URL must be on this machine (file:///path)", s, u.Host)
	}
	path := filepath.FromSlash(u.Path)
	if runtime.GOOS == "windows" && len(path) > 2 && path[0] == '\\' && path[2] == ':' {
		path = path[1:] // file:///C:/x names C:\x
	}
	if u.Opaque != "" || !filepath.IsAbs(path) {
		return "", fmt.Sprintf("%q has no absolute path (write file:///path)", s)
	}
	return filepath.Clean(path), ""
}

// parseMediaType accepts the media types an import may expect, in any case.
func parseMediaType(s string) (wix.MediaType, string) {
	if s == "" {
		return "", ""
	}
	t := wix.MediaType(strings.ToUpper(s))
	if t == wix.MediaOther || !t.Valid() {
		return "", fmt.Sprintf("%q is not a media type an import can expect (%s)", s, importableMediaTypes)
	}
	return t, ""
}

var importableMediaTypes = func() string {
	var names []string
	for _, t := range wix.MediaTypes {
		if t != wix.MediaOther {
			names = append(names, string(t))
		}
	}
	return strings.Join(names, ", ")
}()

// parseLabels splits a ';'-separated list, dropping empty labels so that a
// trailing separator is harmless.
func parseLabels(s string) ([]string, string) {
	if s == "" {
		return nil, ""
	}
	labels := make([]string, 0, strings.Count(s, ";")+1)
	for l := range strings.SplitSeq(s, ";") {
		if l = strings.TrimSpace(l); l != "" {
			labels = append(labels, l)
		}
	}
	if len(labels) > maxLabels {
		return nil, fmt.Sprintf("%d labels; Wix allows at most %d", len(labels), maxLabels)
	}
	for i, l := range labels {
		if msg := tooLong(l, maxLabel); msg != "" {
			return nil, fmt.Sprintf("label %d (%.20q...) has %s", i+1, l, msg)
		}
	}
	if len(labels) == 0 {
		return nil, ""
	}
	return labels, ""
}

// parseBool reads private; empty leaves it unset.
func parseBool(s string) (*bool, string) {
	var v bool
	switch {
	case s == "":
		return nil, ""
	case s == "1" || strings.EqualFold(s, "true") || strings.EqualFold(s, "yes"):
		v = true
	case s == "0" || strings.EqualFold(s, "false") || strings.EqualFold(s, "no"):
		v = false
	default:
		return nil, fmt.Sprintf("%q is not true/false, yes/no or 1/0", s)
	}
	return &v, ""
}
