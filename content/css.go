package content

// cssFormat is a style sheet: url(...) and @import targets are places
// where a URL is expected (see cssSpans); absolute URLs anywhere else.
var cssFormat = formatDef{
	name:       "css",
	extensions: []string{".css"},
	scan:       func(s *stream) { scanText(s, roleCSS) },
}
