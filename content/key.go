package content

import (
	"strings"
)

// Key folds the spellings of one file's URL into one string, for matching
// and deduplicating: the import-key normalization migrate applies (scheme
// and host case, default port) plus the equivalences content brings: http
// and https and a protocol-relative URL are one file, and percent-encoding
// is compared decoded (caf%C3%A9.gif = café.gif). The fragment is dropped;
// the query is kept (a URL with a query is another file than without).
// u is an absolute or protocol-relative URL with escapes of its format
// already decoded (Ref.URL); Key of anything else is u itself.
func Key(u string) string {
	rest, ok := strings.CutPrefix(u, "//")
	if !ok {
		scheme, ok := schemeOf(u)
		if !ok || !(strings.EqualFold(scheme, "http") || strings.EqualFold(scheme, "https")) {
			return u
		}
		rest, ok = strings.CutPrefix(u[len(scheme)+1:], "//")
		if !ok {
			return u
		}
	}
	if i := strings.IndexByte(rest, '#'); i >= 0 {
		rest = rest[:i]
	}
	end := strings.IndexAny(rest, "/?")
	if end < 0 {
		end = len(rest)
	}
	host, tail := strings.ToLower(rest[:end]), rest[end:]
	if at := strings.LastIndexByte(host, '@'); at >= 0 {
		host = host[at+1:] // credentials do not name another file
	}
	host = strings.TrimSuffix(strings.TrimSuffix(host, ":80"), ":443")
	host = strings.TrimSuffix(host, ".")
	if tail == "" {
		tail = "/"
	} else if tail[0] == '?' {
		tail = "/" + tail
	}
	return host + unescapePercent(tail)
}

// Host is the lower-case host name of an absolute or protocol-relative URL,
// without port or credentials; "" when u has none.
func Host(u string) string {
	k := Key(u)
	if k == u && !strings.Contains(u, "//") {
		return ""
	}
	host, _, _ := strings.Cut(k, "/")
	if i := strings.LastIndexByte(host, ':'); i >= 0 && !strings.HasSuffix(host, "]") {
		host = host[:i]
	}
	return host
}

// MatchHost reports whether host matches pattern: a host name, or
// "*.example.com" for example.com's subdomains (and example.com itself).
// Both are compared without case; a port in pattern is ignored.
func MatchHost(pattern, host string) bool {
	pattern = strings.ToLower(strings.TrimSpace(pattern))
	if i := strings.LastIndexByte(pattern, ':'); i >= 0 && !strings.HasSuffix(pattern, "]") {
		pattern = pattern[:i]
	}
	host = strings.ToLower(host)
	if suffix, ok := strings.CutPrefix(pattern, "*."); ok {
		return host == suffix || strings.HasSuffix(host, "."+suffix)
	}
	return host == pattern
}

// unescapePercent decodes every valid %XX in s, keeping invalid ones as
// written (a lenient url.PathUnescape that never fails).
func unescapePercent(s string) string {
	if strings.IndexByte(s, '%') < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			b.WriteByte(unhex(s[i+1])<<4 | unhex(s[i+2]))
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isHex(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}
