package content

import (
	"io"
	"net/url"
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

// engine runs one Find or Rewrite over one file.
type engine struct {
	base       *url.URL
	site       *url.URL // Options.SiteURL, or BaseURL
	maxToken   int
	structure  any // Options.Structure
	progress   func(int64)
	find       func(Ref) error
	replace    func(Ref) (string, bool)
	stats      Stats
	err        error // the first error a find callback returned
	placeNames map[[2]string]string
	lastPlace  [2]string // the last name looked up: runs of one tag's attribute are common
	lastName   string
	pool       []*stream // nested streams to reuse
}

func newEngine(opts Options) *engine {
	e := &engine{base: opts.BaseURL, site: opts.SiteURL, maxToken: opts.MaxToken, structure: opts.Structure, progress: opts.Progress}
	if e.site == nil {
		e.site = opts.BaseURL
	}
	if e.maxToken <= 0 {
		e.maxToken = DefaultMaxToken
	}
	if e.maxToken < 2*textChunk {
		e.maxToken = 2 * textChunk
	}
	return e
}

func (e *engine) run(r io.Reader, w io.Writer, f Format) (Stats, error) {
	cr := &countingReader{r: r, progress: e.progress}
	s := newStream(e, cr, w)
	registry[f].scan(s)
	err := s.finish()
	s.close()
	e.stats.Bytes = cr.n
	if e.err != nil {
		err = e.err
	}
	return e.stats, err
}

// countingReader counts the bytes read, and tells Options.Progress.
type countingReader struct {
	r        io.Reader
	n        int64
	progress func(int64)
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.progress != nil && n > 0 {
		c.progress(int64(n))
	}
	return n, err
}

// Ref is one URL found in a file.
type Ref struct {
	// Raw is the URL exactly as the file has it: entity- or
	// backslash-escaped, relative, with the spelling of its scheme and host.
	// A URL inside nested values (HTML in a CSV cell) is given as the
	// innermost layer has it.
	Raw string
	// Text is Raw with the value's escaping decoded (character references,
	// JSON or SQL escapes, CSV quote doubling). Percent-encoding is kept.
	Text string
	// URL is Text made absolute: resolved against the base for relative
	// URLs, "https:" (or the base's scheme) before a protocol-relative one.
	// Only http and https URLs are reported. URL is "" for a relative URL
	// with no base to resolve it against.
	URL string
	// Line is the 1-based line of the file where Raw starts.
	Line int
	// Offset is the byte offset in the file of the outermost raw span that
	// holds the URL.
	Offset int64
	// Context says what kind of place holds the URL.
	Context Context
	// Where names the place: the attribute ("img src", "a href"), the XML
	// element ("wp:attachment_url"), the CSV column's header name, or the
	// JSON object key. "" when unknown.
	Where string
	// Relative is true when the file wrote the URL relative (root-relative,
	// path-relative or protocol-relative).
	Relative bool
	// Escaped is true when Raw and Text differ: the file escaped the URL.
	Escaped bool
}

// Options tune Find and Rewrite.
type Options struct {
	// BaseURL resolves relative URLs where a URL is expected; nil resolves
	// none. An HTML file's <base href> replaces it from where it appears.
	BaseURL *url.URL
	// SiteURL is the old site's own address, which Ghost's exports write
	// as __GHOST_URL__; nil means BaseURL. (A file's BaseURL may be its
	// place under the site, see FileBase.)
	SiteURL *url.URL
	// MaxToken bounds the bytes held for one value (an attribute, a text
	// run, a JSON string, a CSV record, a CDATA section); 0 means
	// DefaultMaxToken. Longer text runs are cut at white space; a longer
	// value that cannot be cut is passed through unchanged with a warning.
	MaxToken int
	// Structure, if set, is told the structure of the file as its format
	// reads it, in the same pass as the URLs are found: an XML file's
	// elements when it is an ElementHandler, an SQL dump's rows when it is
	// a RowHandler. Formats ignore a Structure they have nothing for.
	Structure any
	// Progress, if set, is called after each read with the bytes it
	// brought (a file is read in chunks of a few hundred kilobytes).
	Progress func(n int64)
}

// DefaultMaxToken is the default Options.MaxToken.
const DefaultMaxToken = 16 << 20

// Warning is a problem that did not stop a file from being read, such as a
// malformed JSON file read as text from the error on.
type Warning struct {
	Line int
	Msg  string
}

func (w Warning) String() string {
	if w.Line > 0 {
		return "line " + itoa(w.Line) + ": " + w.Msg
	}
	return w.Msg
}

// Stats says what a Find or Rewrite did with one file.
type Stats struct {
	Bytes    int64     // bytes read
	Refs     int       // URLs found
	Replaced int       // URLs replaced (Rewrite)
	Warnings []Warning // problems passed over, in file order
}
