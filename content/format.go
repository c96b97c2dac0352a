package content

import (
	"bytes"
	"path"
	"strings"
	"unicode/utf8"
)

// Format is a content format a file is read as.
type Format int

// The formats. Text is the fallback: absolute URLs anywhere.
const (
	Text Format = iota
	HTML
	XML
	Markdown
	JSON
	JSONLines
	CSV
	TSV
	CSS
	SQL
)

var formatNames = [...]string{
	Text: "text", HTML: "html", XML: "xml", Markdown: "markdown", JSON: "json",
	JSONLines: "jsonl", CSV: "csv", TSV: "tsv", CSS: "css", SQL: "sql",
}

func (f Format) String() string {
	if int(f) < len(formatNames) {
		return formatNames[f]
	}
	return "unknown"
}

// Formats lists every format, in a stable order (for summaries).
var Formats = []Format{HTML, XML, Markdown, JSON, JSONLines, CSV, TSV, CSS, SQL, Text}

// formatByExt maps a lower-case file extension to the format it claims.
var formatByExt = map[string]Format{
	".html": HTML, ".htm": HTML, ".xhtml": HTML, ".shtml": HTML,
	".xml": XML, ".wxr": XML, ".rss": XML, ".atom": XML, ".rdf": XML,
	".md": Markdown, ".markdown": Markdown, ".mdown": Markdown, ".mkd": Markdown,
	".json": JSON, ".jsonl": JSONLines, ".ndjson": JSONLines,
	".csv": CSV, ".tsv": TSV, ".tab": TSV,
	".css": CSS, ".sql": SQL,
	".txt": Text, ".text": Text,
}

// SniffLen is how many leading bytes DetectFormat wants to see.
const SniffLen = 4096

// DetectFormat chooses the format of a file named name whose first bytes
// (up to SniffLen) are head. The extension proposes a format and the content
// confirms it: a .json file that does not start like JSON is read as text,
// an .html file holding XML is XML, and a file with an unknown extension is
// recognized by its start (<?xml, <!DOCTYPE html, {, [, an SQL dump's
// comment). ok is false for binary content (NUL bytes, or bytes that are
// neither UTF-8 nor a single-byte text encoding), which no format reads.
func DetectFormat(name string, head []byte) (f Format, ok bool) {
	if len(head) > SniffLen {
		head = head[:SniffLen]
	}
	if isBinary(head) {
		return Text, false
	}
	body := bytes.TrimLeft(bytes.TrimPrefix(head, utf8BOM), " \t\r\n")
	byExt, known := formatByExt[strings.ToLower(path.Ext(name))]
	sniffed, sure := sniff(body)
	switch {
	case !known:
		return sniffed, true
	case byExt == JSON && sniffed != JSON:
		if sniffed == JSONLines {
			return JSONLines, true
		}
		return Text, true
	case byExt == JSONLines && sniffed != JSON && sniffed != JSONLines:
		return Text, true
	case (byExt == HTML || byExt == XML) && sure && (sniffed == HTML || sniffed == XML):
		return sniffed, true
	case (byExt == HTML || byExt == XML) && len(body) > 0 && body[0] != '<':
		return Text, true
	}
	return byExt, true
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// sniff guesses a format from a file's first bytes (BOM and leading space
// removed); sure is true when the start is unambiguous.
func sniff(body []byte) (f Format, sure bool) {
	lower := bytes.ToLower(body[:min(len(body), 512)])
	switch {
	case bytes.HasPrefix(lower, []byte("<?xml")):
		if bytes.Contains(lower, []byte("<!doctype html")) || bytes.Contains(lower, []byte("<html")) {
			return HTML, true
		}
		return XML, true
	case bytes.HasPrefix(lower, []byte("<!doctype html")), bytes.HasPrefix(lower, []byte("<html")):
		return HTML, true
	case bytes.HasPrefix(lower, []byte("<rss")), bytes.HasPrefix(lower, []byte("<urlset")),
		bytes.HasPrefix(lower, []byte("<feed")), bytes.HasPrefix(lower, []byte("<sitemapindex")):
		return XML, true
	case bytes.HasPrefix(lower, []byte("<")):
		return HTML, false
	case bytes.HasPrefix(body, []byte("{")) || bytes.HasPrefix(body, []byte("[")):
		// One JSON value per line is JSON Lines; a value spanning lines is JSON.
		if nl := bytes.IndexByte(body, '\n'); nl > 0 {
			first := bytes.TrimRight(body[:nl], " \t\r")
			rest := bytes.TrimLeft(body[nl:], " \t\r\n")
			if len(first) > 1 && (first[len(first)-1] == '}' || first[len(first)-1] == ']') &&
				len(rest) > 0 && rest[0] == '{' {
				return JSONLines, false
			}
		}
		return JSON, false
	case bytes.HasPrefix(lower, []byte("-- mysql dump")), bytes.HasPrefix(lower, []byte("-- phpmyadmin")),
		bytes.HasPrefix(lower, []byte("-- postgresql")), bytes.HasPrefix(lower, []byte("/*!")),
		bytes.HasPrefix(lower, []byte("insert into")), bytes.HasPrefix(lower, []byte("create table")):
		return SQL, false
	}
	return Text, false
}

// isBinary reports whether head looks like binary data rather than text in
// some encoding: a NUL byte, or many control bytes.
func isBinary(head []byte) bool {
	if bytes.IndexByte(head, 0) >= 0 {
		return true
	}
	controls := 0
	for _, c := range head {
		if c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' && c != 0x1b {
			controls++
		}
	}
	return controls > len(head)/20+1
}

// ValidUTF8 reports whether b is UTF-8, allowing a rune cut at its end (b
// may be a buffer's worth of a longer file).
func ValidUTF8(b []byte) bool {
	if utf8.Valid(b) {
		return true
	}
	for cut := 1; cut < utf8.UTFMax && cut <= len(b); cut++ {
		if utf8.Valid(b[:len(b)-cut]) && !utf8.FullRune(b[len(b)-cut:]) {
			return true
		}
	}
	return false
}
