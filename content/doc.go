// Package content finds and replaces URLs in the formats a site's content is
// exported in: HTML and XHTML, XML (WordPress WXR, RSS, sitemaps), Markdown,
// JSON and JSON Lines, CSV and TSV, CSS, SQL dumps and plain text. It is
// shared by `wixmigrate scan`, which collects media URLs into a manifest, and
// `wixmigrate rewrite`, which points them at Wix.
//
// # Model
//
// A file is read as a stream of tokens: a format's scanner splits it into
// bytes that are passed through untouched and values (an attribute value, a
// text run, a JSON string, a CSV cell, an SQL string literal, a CSS url()).
// Each value has a layer of escaping (character references, JSON escapes,
// CSV quote doubling, SQL backslashes) that is decoded, with a map from each
// decoded byte back to its raw offset. URLs are found in the decoded text;
// a replacement is encoded in the value's own escaping and written over the
// raw bytes of the URL it replaces, so every other byte of the file stays
// as it was. Values may nest (HTML in a CSV cell, escaped HTML in an RSS
// description, a PHP-serialized array in an SQL literal): edits made in the
// inner text are mapped back through each outer layer.
//
// Where a URL is expected (attributes that hold URLs, srcset candidates,
// CSS url(), Markdown link targets, XML elements such as <loc>) relative and
// root-relative URLs are resolved against Options.BaseURL, or an HTML file's
// own <base href>. Elsewhere only absolute http(s) and protocol-relative
// URLs are looked for, so a stored path such as "2011/01/photo.jpg" is left
// alone.
//
// # Parts
//
// DetectFormat chooses a file's format; Find reports its URLs as Refs and
// Rewrite replaces them. Key folds a URL's spellings into one matching key,
// MediaKind and IsPage tell media from pages, ParseVariant reads WordPress
// size-variant names (wix.ScaledToFillURL builds the URL the official SDK
// gives an image scaled to fill a size). Walk lists the files of the
// arguments. For `rewrite`, a Mapping indexes migrate reports by key and
// RunRewrite runs the command: walking, matching, writing (--out, or
// --in-place in two phases), and the --unmapped manifest. `scan` lives in
// scan.go and wxr.go.
//
// # Memory
//
// A scanner holds the token it is working on and a read buffer, never the
// file: memory is bounded by [Options.MaxToken] whatever the file's size. A
// token longer than that (a multi-megabyte text run) is cut at white space.
package content
