package content

import (
	"bytes"
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
	// A key is never longer than its URL: most fit on the stack, and the
	// string is the one allocation.
	var buf [160]byte
	k, ok := AppendKey(buf[:0], u)
	if !ok {
		return u
	}
	return string(k)
}

// AppendKey appends u's Key to dst; ok is false when u is not an http(s)
// or protocol-relative URL (its key is u itself).
func AppendKey(dst []byte, u string) (_ []byte, ok bool) {
	rest, ok := strings.CutPrefix(u, "//")
	if !ok {
		scheme, ok := schemeOf(u)
		if !ok || !(strings.EqualFold(scheme, "http") || strings.EqualFold(scheme, "https")) {
			return dst, false
		}
		rest, ok = strings.CutPrefix(u[len(scheme)+1:], "//")
		if !ok {
			return dst, false
		}
	}
	if i := strings.IndexByte(rest, '#'); i >= 0 {
		rest = rest[:i]
	}
	end := indexEither(rest, '/', '?')
	if end < 0 {
		end = len(rest)
	}
	host, tail := rest[:end], rest[end:]
	if at := strings.LastIndexByte(host, '@'); at >= 0 {
		host = host[at+1:] // credentials do not name another file
	}
	start := len(dst)
	for i := range len(host) {
		c := host[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	h := dst[start:]
	switch {
	case bytes.HasSuffix(h, []byte(":80")):
		dst = dst[:len(dst)-3]
	case bytes.HasSuffix(h, []byte(":443")):
		dst = dst[:len(dst)-4]
	}
	if len(dst) > start && dst[len(dst)-1] == '.' {
		dst = dst[:len(dst)-1]
	}
	if tail == "" || tail[0] == '?' {
		dst = append(dst, '/')
	}
	return appendUnescaped(dst, tail), true
}

// Host is the lower-case host name of an absolute or protocol-relative URL,
// without port or credentials; "" when u has none.
func Host(u string) string {
	var buf [160]byte
	k, ok := AppendKey(buf[:0], u)
	if !ok {
		return ""
	}
	return string(KeyHost(k))
}

// KeyHost is the host name of a key, without its port.
func KeyHost(k []byte) []byte {
	if i := bytes.IndexByte(k, '/'); i >= 0 {
		k = k[:i]
	}
	if i := bytes.LastIndexByte(k, ':'); i >= 0 && !bytes.HasSuffix(k, []byte("]")) {
		k = k[:i]
	}
	return k
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

// appendUnescaped appends s with every valid %XX decoded, keeping invalid
// ones as written (a lenient url.PathUnescape that never fails).
func appendUnescaped(dst []byte, s string) []byte {
	if strings.IndexByte(s, '%') < 0 {
		return append(dst, s...)
	}
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			dst = append(dst, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
			continue
		}
		dst = append(dst, s[i])
	}
	return dst
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

// indexEither is strings.IndexAny for two bytes, without building a set
// for each call: URLs are short and this runs for every one.
func indexEither(s string, a, b byte) int {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == a || c == b {
			return i
		}
	}
	return -1
}
