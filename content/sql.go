package content

import (
	"bytes"
	"strings"
)

// sqlFormat is an SQL dump (mysqldump, phpMyAdmin, pg_dump's INSERTs).
var sqlFormat = formatDef{
	name:       "sql",
	extensions: []string{".sql"},
	sniff: func(body []byte) int {
		for _, start := range []string{"-- mysql dump", "-- phpmyadmin", "-- postgresql", "/*!", "insert into", "create table"} {
			if hasPrefixFold(body, start) {
				return sniffPossible
			}
		}
		return 0
	},
	scan: scanSQL,
}

// RowHandler is told the rows of an SQL dump's INSERT statements, read in
// the same pass as its URLs (Options.Structure).
type RowHandler interface {
	// Table is called at each INSERT (or REPLACE) INTO with the table's
	// name and its column list (nil when the statement names none, and
	// the table's own order applies). Its rows are passed to Row only
	// when it returns true.
	Table(name string, columns []string) bool
	// Row is called with a row's values in column order: a string
	// literal decoded (MySQL's escapes), any other value (a number, NULL)
	// as written. A literal longer than MaxRowValue is given as "".
	Row(values []string)
}

// MaxRowValue is the longest string literal a RowHandler is given: a
// post's body may be megabytes, and the metadata a handler wants is short.
const MaxRowValue = 1 << 20

// scanSQL reads an SQL dump: string literals ('...', with MySQL's
// backslash escapes or doubled quotes) are values; text outside them
// (statements, comments, COPY data) is searched for absolute URLs. A
// PHP-serialized value in a literal keeps its lengths right.
func scanSQL(s *stream) {
	q := sqlScanner{s: s}
	q.rows, _ = s.e.structure.(RowHandler)
	if s.nested {
		q.rows = nil
	}
	for s.e.err == nil {
		n, done := s.textRun("'")
		if done {
			return
		}
		if n > 0 {
			q.text(s.rest()[:n])
			s.value(s.pos, s.pos+n, rawLayer{}, roleAbsolute, place{ctx: ContextText})
			s.pos += n
			continue
		}
		if q.comment != 0 {
			// A quote in a comment ("-- it's") opens no literal.
			q.byte('\'')
			s.pos++
			continue
		}
		end, lay := q.literalEnd()
		if end < 0 {
			s.warn(s.pos, "SQL string literal never closed; read as text")
			scanText(s, roleText)
			return
		}
		if q.rows != nil {
			q.takeLiteral(s.rest()[1:end], lay)
		}
		s.value(s.pos+1, s.pos+end, lay, roleText, place{ctx: ContextText})
		s.pos += end + 1
	}
}

// sqlScanner reads an SQL dump's literals, outside comments, and for a
// RowHandler follows its INSERT statements.
type sqlScanner struct {
	s    *stream
	rows RowHandler

	state     sqlState
	word      []byte // the bare word or identifier being read
	quote     byte   // the quote of the identifier being read (` or "), 0 outside
	comment   byte   // '-' or '#' for a line comment, '*' for a block comment, 0 outside
	prev      byte   // the byte before, for comment starts and ends
	table     string
	columns   []string
	want      bool
	depth     int // parentheses open inside a row
	values    []string
	field     []byte // a row's value other than a literal, as written
	isLiteral bool   // the current field is a literal
}

// sqlState is where in a statement the scanner is.
type sqlState int

const (
	sqlStatement  sqlState = iota // between statements: waiting for INSERT or REPLACE
	sqlInto                       // after INSERT: INTO (IGNORE, LOW_PRIORITY... passed over)
	sqlTable                      // after INTO: the table's name
	sqlAfterTable                 // the column list or VALUES
	sqlColumns                    // in the column list
	sqlValues                     // after VALUES: rows, separated by commas
	sqlRow                        // inside a row's parentheses
	sqlOther                      // a statement of no interest, to its ';'
)

// literalEnd finds the closing quote of the literal opening at pos, and
// the literal's escaping style.
func (q *sqlScanner) literalEnd() (int, sqlLayer) {
	s := q.s
	lay := sqlLayer{quote: '\''}
	i := 1
	for {
		rest := s.rest()
		for i < len(rest) {
			j := bytes.IndexAny(rest[i:], `'\`)
			if j < 0 {
				i = len(rest)
				break
			}
			i += j
			if rest[i] == '\\' {
				if i+1 < len(rest) && rest[i+1] == '"' {
					lay.dquote = true
				}
				i += 2
				continue
			}
			if i+1 < len(rest) && rest[i+1] == '\'' {
				lay.doubled = true
				i += 2
				continue
			}
			if i+1 < len(rest) || s.eof {
				if !s.fits(i + 1) {
					return -1, lay
				}
				return i, lay
			}
			break
		}
		if !s.more() {
			if rest := s.rest(); i < len(rest) && rest[i] == '\'' && s.fits(i+1) {
				return i, lay
			}
			return -1, lay
		}
	}
}

// takeLiteral takes a string literal's raw bytes (quotes excluded).
func (q *sqlScanner) takeLiteral(raw []byte, lay sqlLayer) {
	q.prev = 0
	if q.state != sqlRow || !q.want || q.depth != 1 {
		return
	}
	q.isLiteral = true
	if len(raw) > MaxRowValue {
		q.field = q.field[:0]
		return
	}
	text, _ := lay.decode(raw)
	q.field = append(q.field[:0], text...)
}

// text follows the statement through bytes outside literals.
func (q *sqlScanner) text(b []byte) {
	for _, c := range b {
		q.byte(c)
	}
}

func (q *sqlScanner) byte(c byte) {
	prev := q.prev
	q.prev = c
	switch {
	case q.comment == '*':
		if prev == '*' && c == '/' {
			q.comment, q.prev = 0, 0
		}
		return
	case q.comment != 0:
		if c == '\n' {
			q.comment = 0
		}
		return
	case q.quote != 0:
		if c == q.quote {
			q.quote = 0
			q.endWord()
			return
		}
		q.word = append(q.word, c)
		return
	case c == '-' && prev == '-', c == '#':
		q.comment = '-'
		q.dropCommentStart()
		return
	case c == '*' && prev == '/':
		q.comment = '*'
		q.dropCommentStart()
		return
	}
	if q.state == sqlRow {
		q.rowByte(c)
		return
	}
	switch {
	case c == '`' || c == '"':
		q.endWord()
		q.quote = c
	case isAlnum(c) || c == '_' || c == '$' || c == '.' || c >= 0x80:
		q.word = append(q.word, c)
	default:
		q.endWord()
		q.punct(c)
	}
}

// dropCommentStart forgets the comment's first byte, taken as part of a
// row's value.
func (q *sqlScanner) dropCommentStart() {
	if n := len(q.field); n > 0 && (q.field[n-1] == '-' || q.field[n-1] == '/') {
		q.field = q.field[:n-1]
	}
}

// endWord takes the word read, if any.
func (q *sqlScanner) endWord() {
	if len(q.word) == 0 || q.rows == nil {
		q.word = q.word[:0]
		return
	}
	w := string(q.word)
	q.word = q.word[:0]
	switch q.state {
	case sqlStatement:
		switch strings.ToUpper(w) {
		case "INSERT", "REPLACE":
			q.state = sqlInto
		default:
			q.state = sqlOther
		}
	case sqlInto:
		if strings.EqualFold(w, "INTO") {
			q.state = sqlTable
		}
	case sqlTable:
		q.table, q.columns = w, nil
		if i := strings.LastIndexByte(w, '.'); i >= 0 { // db.table
			q.table = w[i+1:]
		}
		q.state = sqlAfterTable
	case sqlColumns:
		q.columns = append(q.columns, w)
	case sqlAfterTable:
		if strings.EqualFold(w, "VALUES") || strings.EqualFold(w, "VALUE") {
			q.want = q.rows.Table(q.table, q.columns)
			q.state = sqlValues
		} else {
			q.state = sqlOther // INSERT ... SELECT, SET
		}
	}
}

// punct takes a byte outside a row that is not part of a word.
func (q *sqlScanner) punct(c byte) {
	switch {
	case c == ';':
		q.state, q.want = sqlStatement, false
	case q.state == sqlAfterTable && c == '(':
		q.state, q.columns = sqlColumns, []string{}
	case q.state == sqlColumns && c == ')':
		q.state = sqlAfterTable
	case q.state == sqlValues && c == '(':
		q.state, q.depth, q.values, q.isLiteral = sqlRow, 1, q.values[:0], false
		q.field = q.field[:0]
	}
}

// rowByte takes a byte inside a row.
func (q *sqlScanner) rowByte(c byte) {
	switch c {
	case '(':
		q.depth++
	case ')':
		q.depth--
		if q.depth == 0 {
			q.endField()
			if q.want {
				q.rows.Row(q.values)
			}
			q.state = sqlValues
			return
		}
	case ',':
		if q.depth == 1 {
			q.endField()
			return
		}
	}
	if q.want && !q.isLiteral && !isSpace(c) && len(q.field) < 64 {
		q.field = append(q.field, c)
	}
}

// endField ends a row's value.
func (q *sqlScanner) endField() {
	if q.want {
		q.values = append(q.values, string(q.field))
	}
	q.field, q.isLiteral = q.field[:0], false
}

// sqlLayer is a MySQL string literal: backslash escapes, and a doubled
// quote. doubled is set when the literal escapes its quote by doubling
// rather than with a backslash.
type sqlLayer struct {
	quote   byte
	doubled bool
	dquote  bool // the literal writes " as \"
}

// sqlUnescape is what MySQL makes of a backslash before c, as its manual
// lists the escapes: \0 \b \n \r \t \Z are control characters; \% and \_
// keep their backslash (they are LIKE patterns' escapes, and stay two
// characters elsewhere); any other byte stands for itself (\' \" \\ \x).
// keep is true for \% and \_.
func sqlUnescape(c byte) (dec byte, keep bool) {
	switch c {
	case '0':
		return 0, false
	case 'b':
		return '\b', false
	case 'n':
		return '\n', false
	case 'r':
		return '\r', false
	case 't':
		return '\t', false
	case 'Z':
		return 0x1a, false
	case '%', '_':
		return c, true
	}
	return c, false
}

func (l sqlLayer) decode(raw []byte) ([]byte, []int32) {
	if bytes.IndexByte(raw, '\\') < 0 && bytes.IndexByte(raw, l.quote) < 0 {
		return raw, nil
	}
	text := make([]byte, 0, len(raw))
	offs := make([]int32, 0, len(raw)+1)
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		offs = append(offs, int32(i))
		switch {
		case c == '\\' && i+1 < len(raw):
			i++
			var keep bool
			c, keep = sqlUnescape(raw[i])
			if keep {
				text = append(text, '\\')
				offs = append(offs, int32(i))
			}
		case c == l.quote && i+1 < len(raw) && raw[i+1] == l.quote:
			i++
		}
		text = append(text, c)
	}
	return text, append(offs, int32(len(raw)))
}

var (
	sqlEscaped       = newByteSet("'\\\n\r\x00")
	sqlEscapedDquote = newByteSet("'\\\n\r\x00\"")
)

func (l sqlLayer) encode(s string) string {
	need := sqlEscaped
	if l.dquote {
		need = sqlEscapedDquote
	}
	return escapeWith(s, need, func(dst []byte, c byte) []byte {
		switch {
		case c == l.quote && l.doubled:
			return append(dst, c, c)
		case c == '\n':
			return append(dst, '\\', 'n')
		case c == '\r':
			return append(dst, '\\', 'r')
		case c == 0:
			return append(dst, '\\', '0')
		}
		return append(dst, '\\', c)
	})
}
