// Package content is the format engine: it finds and replaces URLs in the
// formats a site's content is exported in. Its two users are
// content/scan, which collects media URLs into a manifest, and
// content/rewrite, which points them at Wix.
//
// # Formats
//
// Each format is one file registering a formatDef (registry.go): its name,
// the extensions that claim it, how the start of a file is recognised, and
// its scanner, which splits the file into bytes passed through untouched and
// values, each in its format's escaping (a layer): HTML and XHTML, XML
// (WordPress WXR, RSS, sitemaps), Markdown, Markdown with YAML front
// matter, JSON and JSON Lines, CSV and TSV, CSS, SQL dumps, and plain text
// as the fallback. DetectFormat chooses a file's format from its name and
// first bytes.
//
// # Model
//
// A value's escaping (character references, JSON escapes, CSV quote
// doubling, SQL backslashes) is decoded, with a map from each decoded byte
// back to its raw offset. URLs are found in the decoded text; a replacement
// is encoded in the value's own escaping and written over the raw bytes of
// the URL it replaces, so every other byte of the file stays as it was.
// Values may nest (HTML in a CSV cell, escaped HTML in an RSS description, a
// PHP-serialized array in an SQL literal): edits made in the inner text are
// mapped back through each outer layer.
//
// Where a URL is expected (attributes that hold URLs, srcset candidates,
// CSS url(), Markdown link targets, XML elements such as <loc>, keys that
// name an image or a URL) relative and root-relative URLs are resolved
// against Options.BaseURL, or an HTML file's own <base href>. Elsewhere
// only absolute http(s) and protocol-relative URLs are looked for, so a
// stored path such as "2011/01/photo.jpg" is left alone.
//
// A format may also tell the file's structure to Options.Structure in the
// same pass: XML elements to an ElementHandler, SQL rows to a RowHandler
// (scan reads WordPress attachments this way).
//
// # Parts
//
// Find reports a file's URLs as Refs and Rewrite replaces them. Key folds
// a URL's spellings into one matching key, MediaKind and IsPage tell media
// from pages, ParseVariant reads WordPress size-variant names,
// UnserializePHP reads WordPress metadata (wix.ScaledToFillURL builds the
// URL the official SDK gives an image scaled to fill a size). Walk lists the
// files of the arguments and FileBase gives each its base URL.
//
// # Memory
//
// A scanner holds the token it is working on and a read buffer, never the
// file: memory is bounded by [Options.MaxToken] whatever the file's size. A
// token longer than that (a multi-megabyte text run) is cut at white space.
package content
