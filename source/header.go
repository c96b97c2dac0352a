package source

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/textproto"
	"slices"
	"strings"
)

// Header holds extra request headers for sources: what a hotlink guard wants
// to see (a Referer, a token). The tool sends them wherever a source is
// fetched: by the Prober, by Download, and, as urlHeaders, by Wix's own
// fetcher. Their values are secrets as much as an API key is, so a Header
// prints and logs its names only.
type Header http.Header

// ParseHeaderLine reads one header as a user writes it, "Name: value", and
// adds it to h. Errors name the header, never its value. Headers that the
// HTTP client sets itself, or that would change what a fetch means (Host,
// Range, Content-Length, ...), are refused.
func (h Header) ParseHeaderLine(line string) error {
	name, value, ok := strings.Cut(line, ":")
	name = strings.TrimSpace(name)
	switch {
	case !ok:
		return errors.New(`want "Name: value" (no colon found)`)
	case name == "" || !isToken(name):
		return fmt.Errorf("%q is not a header name", name)
	}
	canonical := textproto.CanonicalMIMEHeaderKey(name)
	if slices.Contains(reservedHeaders, canonical) {
		return fmt.Errorf("the %s header cannot be set: the HTTP client or the tool sets it", canonical)
	}
	value = strings.TrimSpace(value)
	if value == "" {
		return fmt.Errorf("the %s header has no value", canonical)
	}
	if strings.ContainsAny(value, "\r\n\x00") {
		return fmt.Errorf("the %s header's value holds a line break or NUL", canonical)
	}
	http.Header(h).Add(canonical, value)
	return nil
}

// reservedHeaders are set by the HTTP client or by the tool per request.
var reservedHeaders = []string{"Host", "Content-Length", "Transfer-Encoding", "Connection",
	"Te", "Trailer", "Upgrade", "Range", "Expect", "Proxy-Connection", "Keep-Alive"}

// isToken reports whether s is an HTTP token (RFC 9110 tchar), the form a
// header name takes.
func isToken(s string) bool {
	for _, c := range []byte(s) {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// Names returns the header names, sorted.
func (h Header) Names() []string {
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}

// URLHeaders returns h as an Import File request's urlHeaders: one value
// per name (repeated headers joined with ", ", as HTTP allows); nil when h
// is empty.
func (h Header) URLHeaders() map[string]any {
	if len(h) == 0 {
		return nil
	}
	out := make(map[string]any, len(h))
	for k, v := range h {
		out[k] = strings.Join(v, ", ")
	}
	return out
}

// String lists the names with their values redacted.
func (h Header) String() string {
	names := h.Names()
	for i, n := range names {
		names[i] = n + ": [redacted]"
	}
	return "{" + strings.Join(names, ", ") + "}"
}

// GoString keeps %#v from printing the values too.
func (h Header) GoString() string { return "source.Header" + h.String() }

// LogValue logs the names only.
func (h Header) LogValue() slog.Value { return slog.AnyValue(h.Names()) }
