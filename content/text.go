package content

// textFormat is the fallback: absolute and protocol-relative URLs anywhere,
// in runs of text cut at line breaks.
var textFormat = formatDef{
	name:       "text",
	extensions: []string{".txt", ".text"},
	scan:       func(s *stream) { scanText(s, roleText) },
}

// scanText reads a file as runs of text cut at line breaks, each one value
// of role r.
func scanText(s *stream, r role) {
	for s.e.err == nil {
		n, done := s.textRun("")
		if done {
			return
		}
		s.value(s.pos, s.pos+n, rawLayer{}, r, place{ctx: ContextText})
		s.pos += n
	}
}
