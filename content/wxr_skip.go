package content

import (
	"bytes"
	"io"
)

// bodyTags open the elements whose CDATA holds a post's or comment's body,
// which is most of a WordPress export's bytes and never an attachment's
// field. WordPress writes each body as one CDATA section right after the
// tag (a "]]>" inside it is split into two sections, the rest of which
// passes through as a tiny CDATA of its own).
var bodyTags = [][]byte{
	[]byte("<content:encoded>"),
	[]byte("<excerpt:encoded>"),
	[]byte("<wp:comment_content>"),
}

var (
	cdataStart = []byte("<![CDATA[")
	cdataEnd   = []byte("]]>")
)

// maxOpener is the longest body tag with its CDATA start: held back at the
// end of the buffer until more is read, so that an opener straddling two
// reads is seen whole.
const maxOpener = len("<wp:comment_content><![CDATA[")

// bodySkipper passes an export through with the bodies' text taken out,
// keeping their line breaks so that the XML decoder's line numbers stay
// those of the file. The decoder then reads a few percent of the bytes
// char by char instead of all of them.
type bodySkipper struct {
	r       io.Reader
	buf     []byte // read, not yet passed on
	out     []byte // ready to pass on
	skip    bool   // inside a body
	eof     bool
	readErr error
}

func newBodySkipper(r io.Reader) *bodySkipper {
	return &bodySkipper{r: r, buf: make([]byte, 0, 64<<10)}
}

func (s *bodySkipper) Read(p []byte) (int, error) {
	for len(s.out) == 0 {
		if s.eof && len(s.buf) == 0 {
			return 0, s.readErr
		}
		if !s.eof && len(s.buf) < cap(s.buf)/2 {
			s.fill()
			continue
		}
		s.process()
	}
	n := copy(p, s.out)
	s.out = s.out[n:]
	return n, nil
}

// fill reads more input after what is buffered.
func (s *bodySkipper) fill() {
	if len(s.buf) == cap(s.buf) {
		return
	}
	n, err := s.r.Read(s.buf[len(s.buf):cap(s.buf)])
	s.buf = s.buf[:len(s.buf)+n]
	if err != nil {
		s.eof, s.readErr = true, err
	}
}

// process moves what can be decided from buf to out, in one pass.
func (s *bodySkipper) process() {
	s.out = s.out[:0]
	b := s.buf
	i := 0
	for {
		if s.skip {
			end := bytes.Index(b[i:], cdataEnd)
			if end < 0 {
				cut := len(b)
				if !s.eof {
					cut = max(i, len(b)-(len(cdataEnd)-1)) // may be the start of "]]>"
				}
				s.out = appendNewlines(s.out, b[i:cut])
				i = cut
				break
			}
			s.out = appendNewlines(s.out, b[i:i+end])
			i += end
			s.skip = false
			continue
		}
		j := bytes.Index(b[i:], cdataStart)
		if j < 0 {
			cut := len(b)
			if !s.eof {
				cut = max(i, len(b)-(maxOpener-1))
			}
			s.out = append(s.out, b[i:cut]...)
			i = cut
			break
		}
		at := i + j
		next := at + len(cdataStart)
		s.out = append(s.out, b[i:next]...)
		i = next
		s.skip = isBodyOpen(b, at)
	}
	s.consume(i)
}

// isBodyOpen reports whether the CDATA starting at b[at] follows a body tag.
func isBodyOpen(b []byte, at int) bool {
	for _, tag := range bodyTags {
		if at >= len(tag) && bytes.Equal(b[at-len(tag):at], tag) {
			return true
		}
	}
	return false
}

// consume drops the first n bytes of buf.
func (s *bodySkipper) consume(n int) {
	s.buf = s.buf[:copy(s.buf, s.buf[n:])]
}

// appendNewlines appends the line breaks of b.
func appendNewlines(dst, b []byte) []byte {
	for i := bytes.IndexByte(b, '\n'); i >= 0; i = bytes.IndexByte(b, '\n') {
		dst = append(dst, '\n')
		b = b[i+1:]
	}
	return dst
}
