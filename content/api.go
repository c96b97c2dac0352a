package content

import (
	"io"
)

// Find reports every http(s) URL in r, read as format f, to fn in file
// order. An error from fn stops the scan and is returned. Malformed input
// is not an error: it is read as text from the problem on, with a warning
// in Stats.
func Find(r io.Reader, f Format, opts Options, fn func(Ref) error) (Stats, error) {
	e := newEngine(opts)
	e.find = fn
	return e.run(r, nil, f)
}

// Rewrite copies r to w, read as format f, replacing each URL for which
// replace returns ok with the URL it returns. The replacement is written in
// the escaping of the place it goes (character references, JSON escapes
// with "\/" kept where the string used it, CSV quoting, SQL escapes), and
// the length of a PHP-serialized string holding it is recomputed; every
// other byte is copied as it was. replace sees each URL once, in file
// order; returning the Ref's own Text changes nothing.
func Rewrite(r io.Reader, w io.Writer, f Format, opts Options, replace func(Ref) (string, bool)) (Stats, error) {
	e := newEngine(opts)
	e.replace = replace
	return e.run(r, w, f)
}

func newEngine(opts Options) *engine {
	e := &engine{base: opts.BaseURL, maxToken: opts.MaxToken}
	if e.maxToken <= 0 {
		e.maxToken = DefaultMaxToken
	}
	if e.maxToken < 2*textChunk {
		e.maxToken = 2 * textChunk
	}
	return e
}

func (e *engine) run(r io.Reader, w io.Writer, f Format) (Stats, error) {
	cr := &countingReader{r: r}
	s := newStream(e, cr, w)
	switch f {
	case HTML:
		scanMarkup(s, markupHTML)
	case XML:
		scanMarkup(s, markupXML)
	case Markdown:
		scanMarkup(s, markupMarkdown)
	case JSON, JSONLines:
		scanJSON(s)
	case CSV:
		scanCSV(s, true)
	case TSV:
		scanCSV(s, false)
	case SQL:
		scanSQL(s)
	case CSS:
		scanText(s, roleCSS)
	default:
		scanText(s, roleText)
	}
	err := s.finish()
	s.close()
	e.stats.Bytes = cr.n
	if e.err != nil {
		err = e.err
	}
	return e.stats, err
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
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
