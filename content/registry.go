package content

import (
	"bytes"
	"path"
	"strings"
)

// The formats, one variable each, set by init.
var Text, HTML, XML, Markdown, FrontMatter, JSON, JSONLines, CSV, TSV, CSS, SQL Format

// init registers the formats in the order summaries list them, except
// Text: the fallback (absolute URLs anywhere) comes first, so that it is
// the zero Format, and is listed last. Adding a format is a file defining
// its formatDef, and its line here (and its variable above).
func init() {
	Text = register(textFormat)
	HTML = register(htmlFormat)
	XML = register(xmlFormat)
	Markdown = register(markdownFormat)
	FrontMatter = register(frontMatterFormat)
	JSON = register(jsonFormat)
	JSONLines = register(jsonLinesFormat)
	CSV = register(csvFormat)
	TSV = register(tsvFormat)
	CSS = register(cssFormat)
	SQL = register(sqlFormat)
}

// Format is a content format a file is read as: one of the registered
// formats (the variables above).
type Format int

// formatDef is what a format registers: its name, the extensions that
// claim it, how its content is recognised, and its scanner. The scanner
// finds the format's values and the escaping of each (see layer).
type formatDef struct {
	name       string
	extensions []string // lower case, with the dot
	// sniff says how surely a file's first bytes (BOM and leading white
	// space removed) are this format, whatever the file's name: 0 not at
	// all or cannot tell, sniffPossible, sniffLikely, sniffSure.
	sniff func(body []byte) int
	// accepts reports whether a file whose extension claims the format
	// starts like it; a file it refuses is read as text. nil accepts any.
	accepts func(body []byte) bool
	// family groups formats an extension may mean either of (an .html
	// file holding XML, a .json file holding JSON Lines, a .md file with
	// front matter): a likely or sure sniff of another format of the
	// family wins over the extension.
	family string
	scan   func(s *stream)
}

// How surely a sniff recognises a format.
const (
	sniffPossible = 1 // could be: a '<', a '{'
	sniffLikely   = 2 // the start says so, but the extension may know better
	sniffSure     = 3 // unmistakable: <?xml, <!DOCTYPE html
)

var (
	registry    []formatDef
	formatByExt = map[string]Format{}
)

// register adds a format; a later format claiming an extension takes it.
func register(def formatDef) Format {
	f := Format(len(registry))
	registry = append(registry, def)
	for _, ext := range def.extensions {
		formatByExt[ext] = f
	}
	return f
}

func (f Format) String() string {
	if int(f) < len(registry) {
		return registry[f].name
	}
	return "unknown"
}

// Formats lists every format, in a stable order (for summaries): as
// registered, with Text last.
func Formats() []Format {
	fs := make([]Format, 0, len(registry))
	for i := 1; i < len(registry); i++ {
		fs = append(fs, Format(i))
	}
	return append(fs, Text)
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
	sniffed, level := Text, 0
	for i, def := range registry {
		if def.sniff == nil {
			continue
		}
		if l := def.sniff(body); l > level {
			sniffed, level = Format(i), l
		}
	}
	byExt, known := formatByExt[strings.ToLower(path.Ext(name))]
	if !known {
		return sniffed, true
	}
	def := &registry[byExt]
	own := 0
	if def.sniff != nil {
		own = def.sniff(body)
	}
	if sniffed != byExt && def.family != "" && registry[sniffed].family == def.family && level >= sniffLikely && level > own {
		return sniffed, true
	}
	if def.accepts != nil && !def.accepts(body) {
		return Text, true
	}
	return byExt, true
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// hasPrefixFold reports whether b starts with the lower-case ASCII prefix,
// ignoring case.
func hasPrefixFold(b []byte, prefix string) bool {
	return len(b) >= len(prefix) && equalFold(b[:len(prefix)], prefix)
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
