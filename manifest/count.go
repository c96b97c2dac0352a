package manifest

import (
	"bufio"
	"bytes"
	"io"
	"unicode/utf8"
)

// Count reads the rest of the manifest and returns how many rows Next would
// have returned (invalid ones included), without building them: a run
// counts its manifest first, to show a total that does not change. It
// costs a small fraction of reading the rows (BenchmarkCount), and uses
// the Reader up.
//
// It follows encoding/csv's rules for records (quoted fields spanning
// lines, empty lines skipped, a syntax error ending its record at the end
// of its line) and Next's for blank records; FuzzCount holds it to Next.
func (r *Reader) Count() (int, error) {
	c := recordCounter{in: r.in, comma: r.delimiter}
	n := 0
	for {
		row, err := c.next()
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		if row {
			n++
		}
	}
}

// recordCounter reads records as encoding/csv's Reader (with
// FieldsPerRecord -1, no comments, no LazyQuotes) does, keeping nothing but
// whether each record is blank.
type recordCounter struct {
	in    *bufio.Reader
	comma rune
	long  []byte // a line longer than in's buffer
}

// readLine is csv's readLine: a line with its '\n', "\r\n" normalized to
// "\n", a '\r' ending the input dropped.
func (c *recordCounter) readLine() ([]byte, error) {
	line, err := c.in.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		c.long = append(c.long[:0], line...)
		for err == bufio.ErrBufferFull {
			line, err = c.in.ReadSlice('\n')
			c.long = append(c.long, line...)
		}
		line = c.long
	}
	if len(line) > 0 && err == io.EOF {
		err = nil
		if line[len(line)-1] == '\r' {
			line = line[:len(line)-1]
		}
	}
	if n := len(line); n >= 2 && line[n-2] == '\r' && line[n-1] == '\n' {
		line[n-2] = '\n'
		line = line[:n-1]
	}
	return line, err
}

// next reads one record and says whether it is a row: not blank, or not
// well formed (Next returns those as rows with an error).
func (c *recordCounter) next() (bool, error) {
	var line []byte
	var errRead error
	for errRead == nil {
		line, errRead = c.readLine()
		if errRead == nil && len(line) == lengthNL(line) {
			continue // an empty line
		}
		break
	}
	if errRead != nil {
		return false, errRead
	}
	if bytes.IndexByte(line, '"') < 0 {
		// No quoted field: the record is this line (the common case).
		return !blankLine(line, c.comma), nil
	}
	blank := true
	commaLen := utf8.RuneLen(c.comma)
	see := func(b []byte) {
		if blank && len(bytes.TrimSpace(b)) > 0 {
			blank = false
		}
	}
	for {
		if len(line) == 0 || line[0] != '"' {
			i := bytes.IndexRune(line, c.comma)
			field := line
			if i >= 0 {
				field = field[:i]
			} else {
				field = field[:len(field)-lengthNL(field)]
			}
			if bytes.IndexByte(field, '"') >= 0 {
				return true, nil // a bare quote: a row with an error
			}
			see(field)
			if i < 0 {
				return !blank, nil
			}
			line = line[i+commaLen:]
			continue
		}
		line = line[1:] // a quoted field
	quoted:
		for {
			i := bytes.IndexByte(line, '"')
			switch {
			case i >= 0:
				see(line[:i])
				line = line[i+1:]
				rn, _ := utf8.DecodeRune(line)
				switch {
				case len(line) > 0 && rn == '"':
					blank = false // an escaped quote
					line = line[1:]
				case len(line) > 0 && rn == c.comma:
					line = line[commaLen:]
					break quoted
				case lengthNL(line) == len(line):
					return !blank, nil
				default:
					return true, nil // a quote inside a quoted field: a row with an error
				}
			case len(line) > 0:
				see(line)
				if errRead != nil {
					return !blank, errRead
				}
				line, errRead = c.readLine()
				if errRead == io.EOF {
					errRead = nil
				}
			case errRead != nil:
				return !blank, errRead
			default:
				return true, nil // the input ends inside a quoted field: a row with an error
			}
		}
	}
}

// blankLine says whether a line without quotes is a blank record: nothing
// but white space between its delimiters.
func blankLine(line []byte, comma rune) bool {
	for len(line) > 0 {
		i := bytes.IndexRune(line, comma)
		if i < 0 {
			return len(bytes.TrimSpace(line)) == 0
		}
		if len(bytes.TrimSpace(line[:i])) > 0 {
			return false
		}
		line = line[i+utf8.RuneLen(comma):]
	}
	return true
}

// lengthNL is 1 if line ends with '\n', else 0.
func lengthNL(line []byte) int {
	if len(line) > 0 && line[len(line)-1] == '\n' {
		return 1
	}
	return 0
}
