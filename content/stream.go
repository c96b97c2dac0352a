package content

import (
	"bytes"
	"io"
	"slices"
	"strconv"
	"sync"
)

// readChunk is how much a stream asks its reader for at a time.
const readChunk = 256 << 10

// textChunk is the longest text run processed as one value; a longer run is
// cut at a line break or white space, where no URL or escape can be split.
const textChunk = 64 << 10

// edit replaces buf[start:end] (in the coordinates of the text it belongs
// to) with repl.
type edit struct {
	start, end int
	repl       string
}

// stream is the window a format's scanner works through: it reads the
// input, writes what was scanned (with the edits made to it), and finds the
// URLs of the values the scanner hands it (see value). It knows nothing of
// any format.
//
// Bytes before pos are done: they are written out (from flushed on)
// before the buffer is compacted. Scanners keep offsets relative to pos,
// which only they move, so a compaction inside more() does not invalidate
// them.
//
// A nested stream scans a decoded value held whole in memory (HTML in a CSV
// cell): it records edits in its own coordinates instead of writing, and
// maps its offsets to the root stream's for line numbers.
type stream struct {
	e        *engine
	r        io.Reader
	buf      []byte
	pos      int // scanning position
	flushed  int // bytes before flushed have been written (or dropped)
	eof      bool
	readErr  error
	base     int64     // file offset of buf[0] (root only)
	w        io.Writer // rewrite output (root only); nil when finding
	writeErr error

	spans []span // a value's URLs, reused
	inner []edit // a value's edits in its text, reused
	out   []edit // a value's edits in the buffer, reused

	// root bookkeeping of line numbers: line is the line at buf[lineAt].
	line, lineAt int

	// nested streams: byte i of buf is byte rawAt(parentStart, parentOffs, i)
	// of the parent's buffer.
	nested      bool
	edits       []edit
	parent      *stream
	parentStart int
	parentOffs  []int32
	root        *stream
}

func newStream(e *engine, r io.Reader, w io.Writer) *stream {
	s := &stream{e: e, r: r, w: w, line: 1, buf: (*windows.Get().(*[]byte))[:0]}
	s.root = s
	return s
}

// windows pools read windows: a site export is often many small files,
// and each would otherwise allocate (and clear) a fresh window.
var windows = sync.Pool{New: func() any {
	b := make([]byte, 0, readChunk)
	return &b
}}

// close returns the window to the pool; the stream is not used after.
func (s *stream) close() {
	if cap(s.buf) <= 4*readChunk { // a window grown for a huge token goes
		b := s.buf[:0]
		windows.Put(&b)
	}
	s.buf = nil
}

// newNested makes a stream over text, a decoded value starting at start in
// parent's buffer, with offs its decoding's offset map. Nested streams are
// pooled by the engine, with their scratch slices: release returns one.
func newNested(parent *stream, text []byte, start int, offs []int32) *stream {
	e := parent.e
	var n *stream
	if k := len(e.pool); k > 0 {
		n, e.pool = e.pool[k-1], e.pool[:k-1]
	} else {
		n = &stream{}
	}
	*n = stream{e: e, buf: text, eof: true, nested: true, parent: parent, parentStart: start, parentOffs: offs,
		root: parent.root, spans: n.spans[:0], inner: n.inner[:0], out: n.out[:0], edits: n.edits[:0]}
	return n
}

// release returns a nested stream to the pool.
func (s *stream) release() {
	s.buf, s.parent, s.parentOffs = nil, nil, nil
	s.e.pool = append(s.e.pool, s)
}

// rest is the unscanned part of the window.
func (s *stream) rest() []byte { return s.buf[s.pos:] }

// atEnd reports whether everything has been scanned.
func (s *stream) atEnd() bool { return s.eof && s.pos >= len(s.buf) }

// more reads more input into the window, compacting it first. It returns
// false at the end of input, after a read error, or when the unscanned part
// has reached the token limit.
func (s *stream) more() bool {
	if s.eof {
		return false
	}
	if len(s.buf)-s.pos >= s.e.maxToken {
		return false
	}
	s.compact()
	if cap(s.buf)-len(s.buf) < readChunk {
		grown := make([]byte, len(s.buf), 2*cap(s.buf)+readChunk)
		copy(grown, s.buf)
		s.buf = grown
	}
	// Fill the window, not just one read's worth: scanners search the
	// unscanned part again after each more(), so a reader that returns
	// a few bytes at a time (a pipe, a decompressor) must not make that
	// quadratic.
	added := 0
	for added < readChunk/2 && len(s.buf) < cap(s.buf) {
		n, err := s.r.Read(s.buf[len(s.buf):cap(s.buf)])
		s.buf = s.buf[:len(s.buf)+n]
		added += n
		if err != nil {
			s.eof = true
			if err != io.EOF {
				s.readErr = err
			}
			break
		}
	}
	return added > 0
}

// compact writes out and drops the scanned bytes.
func (s *stream) compact() {
	if s.pos == 0 {
		return
	}
	s.flushTo(s.pos)
	s.lineOf(s.pos)
	drop := s.pos
	copy(s.buf, s.buf[drop:])
	s.buf = s.buf[:len(s.buf)-drop]
	s.pos -= drop
	s.flushed -= drop
	s.lineAt -= drop
	s.base += int64(drop)
}

// flushTo writes buf[flushed:i].
func (s *stream) flushTo(i int) {
	if i <= s.flushed {
		return
	}
	if s.w != nil && s.writeErr == nil {
		_, s.writeErr = s.w.Write(s.buf[s.flushed:i])
	}
	s.flushed = i
}

// finish writes what is left.
func (s *stream) finish() error {
	s.flushTo(len(s.buf))
	if s.readErr != nil {
		return s.readErr
	}
	return s.writeErr
}

// apply makes edits (buf coordinates, sorted, not overlapping, at or after
// flushed).
func (s *stream) apply(edits []edit) {
	if s.nested {
		s.edits = append(s.edits, edits...)
		return
	}
	for _, ed := range edits {
		s.flushTo(ed.start)
		if s.w != nil && s.writeErr == nil {
			_, s.writeErr = io.WriteString(s.w, ed.repl)
		}
		s.flushed = ed.end
	}
}

// index finds sep in the unscanned part at or after from (relative to pos),
// reading more as needed. It returns the offset relative to pos, or -1 when
// the input (or the token limit) ends first.
func (s *stream) index(from int, sep string) int {
	for {
		if i := bytes.Index(s.rest()[from:], []byte(sep)); i >= 0 {
			if !s.fits(from + i + len(sep)) {
				return -1
			}
			return from + i
		}
		searched := max(from, len(s.rest())-len(sep)+1)
		if !s.more() {
			return -1
		}
		from = searched
	}
}

// rootPos maps a buf offset to the root stream's buf offset.
func (s *stream) rootPos(i int) int {
	if s.nested {
		return s.parent.rootPos(rawAt(s.parentStart, s.parentOffs, i))
	}
	return i
}

// lineOf is the 1-based line of root buf offset i.
func (s *stream) lineOf(i int) int {
	r := s.root
	if i >= r.lineAt {
		r.line += bytes.Count(r.buf[r.lineAt:i], newline)
	} else {
		r.line -= bytes.Count(r.buf[i:r.lineAt], newline)
	}
	r.lineAt = i
	return r.line
}

var newline = []byte{'\n'}

// warn records a problem at buf offset i.
func (s *stream) warn(i int, msg string) {
	s.e.stats.Warnings = append(s.e.stats.Warnings, Warning{Line: s.lineOf(s.rootPos(i)), Msg: msg})
}

// offset is the file offset of buf offset i.
func (s *stream) offset(i int) int64 { return s.root.base + int64(s.rootPos(i)) }

// sortEdits orders edits by position.
func sortEdits(edits []edit) {
	slices.SortStableFunc(edits, func(a, b edit) int { return a.start - b.start })
}

func itoa(n int) string { return strconv.Itoa(n) }

// textRun measures the text at pos up to the next byte of stops, reading
// more as needed: n is its length (0 when pos is at such a byte). A run
// longer than textChunk ends after the first line break past textChunk
// (or, on a line longer than a token may be, after the first white space
// past it; failing that, at the token limit), so no URL or escape is cut.
// Where a run ends depends only on the content, never on how much the
// reads brought in: a value cut elsewhere could be read differently (an
// attribute whose quote closes in one cut and not in another). done is
// true at the end of input.
func (s *stream) textRun(stops string) (n int, done bool) {
	for {
		rest := s.rest()
		limit := min(len(rest), s.e.maxToken)
		end := -1
		if i := bytes.IndexAny(rest[:limit], stops); i >= 0 {
			end = i
		}
		if limit > textChunk && (end < 0 || end > textChunk) {
			if j := bytes.IndexByte(rest[textChunk:limit], '\n'); j >= 0 && (end < 0 || textChunk+j+1 < end) {
				end = textChunk + j + 1
			}
		}
		if end >= 0 {
			return end, false
		}
		if len(rest) < s.e.maxToken && s.more() {
			continue
		}
		if len(rest) == 0 {
			return 0, true
		}
		if len(rest) <= s.e.maxToken && s.eof {
			return len(rest), false
		}
		// A line longer than a token may be: the first white space past
		// textChunk, else the limit.
		for i := textChunk; i < limit; i++ {
			if isSpace(rest[i]) {
				return i + 1, false
			}
		}
		return limit, false
	}
}

// fits reports whether a token ending at end (relative to pos) is within
// the token limit. Every scanner asks, so that what is a token does not
// depend on how much the reads happened to bring in.
func (s *stream) fits(end int) bool { return end <= s.e.maxToken }
