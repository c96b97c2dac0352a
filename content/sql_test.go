package content

import (
	"reflect"
	"strings"
	"testing"
)

// MySQL's string literal escapes, as its manual lists them
// (https://dev.mysql.com/doc/refman/8.4/en/string-literals.html): one
// decoding for the URLs found in a literal and for the rows a RowHandler
// is given.
func TestSQLEscapes(t *testing.T) {
	tests := []struct {
		raw, text string
	}{
		{`\0`, "\x00"},
		{`\'`, "'"},
		{`\"`, `"`},
		{`\b`, "\b"},
		{`\n`, "\n"},
		{`\r`, "\r"},
		{`\t`, "\t"},
		{`\Z`, "\x1a"},
		{`\\`, `\`},
		{`\%`, `\%`}, // kept: \% and \_ are two characters outside LIKE
		{`\_`, `\_`},
		{`\x`, "x"}, // any other: the backslash is dropped
		{`''`, "'"},
		{`a\/b`, "a/b"},
	}
	for _, tt := range tests {
		text, offs := sqlLayer{quote: '\''}.decode([]byte(tt.raw))
		if string(text) != tt.text {
			t.Errorf("decode(%s) = %q, want %q", tt.raw, text, tt.text)
		}
		if offs != nil && len(offs) != len(text)+1 {
			t.Errorf("decode(%s): %d offsets for %d bytes", tt.raw, len(offs), len(text))
		}
		var rows rowsSeen
		in := "INSERT INTO `t` (`v`) VALUES ('" + tt.raw + "');\n"
		if _, err := Find(strings.NewReader(in), SQL, Options{Structure: &rows}, func(Ref) error { return nil }); err != nil {
			t.Fatal(err)
		}
		if len(rows.rows) != 1 || rows.rows[0][0] != tt.text {
			t.Errorf("row of %s: %q, want %q", tt.raw, rows.rows, tt.text)
		}
	}
}

type rowsSeen struct {
	tables []string
	rows   [][]string
}

func (r *rowsSeen) Table(name string, columns []string) bool {
	r.tables = append(r.tables, name+"("+strings.Join(columns, ",")+")")
	return !strings.HasSuffix(name, "skipped")
}

func (r *rowsSeen) Row(values []string) { r.rows = append(r.rows, append([]string(nil), values...)) }

// A RowHandler is told each INSERT's table, columns and rows, whatever the
// dump's comments, quoting and line breaks; a quote in a comment opens no
// literal, for the URLs either.
func TestSQLRows(t *testing.T) {
	dump := "-- MySQL dump 10.13  it's a dump\n" +
		"/*!40101 SET NAMES utf8mb4 */;\n" +
		"# a 'hash' comment\n" +
		"CREATE TABLE `wp_posts` (`ID` bigint, `post_title` text COMMENT 'the title');\n" +
		"INSERT INTO `wp_posts` (`ID`, `post_title`, `guid`) VALUES\n" +
		"(7,'It''s \\\"here\\\"','https://old.example.com/a.jpg'),\n" +
		"(8, NULL, CONCAT('x', 'y')),(-9,'a,b','');\n" +
		"INSERT INTO db.wp_skipped VALUES (1,'x');\n" +
		"INSERT IGNORE INTO wp_postmeta VALUES (1,7,'_wp_attached_file','2023/05/a.jpg');\n"
	for _, reads := range eachRead {
		var rows rowsSeen
		var urls []string
		_, err := Find(reads(strings.NewReader(dump)), SQL, Options{Structure: &rows}, func(r Ref) error {
			urls = append(urls, r.URL)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		wantTables := []string{"wp_posts(ID,post_title,guid)", "wp_skipped()", "wp_postmeta()"}
		wantRows := [][]string{
			{"7", `It's "here"`, "https://old.example.com/a.jpg"},
			{"8", "NULL", "CONCAT(,)"},
			{"-9", "a,b", ""},
			{"1", "7", "_wp_attached_file", "2023/05/a.jpg"},
		}
		if !reflect.DeepEqual(rows.tables, wantTables) || !reflect.DeepEqual(rows.rows, wantRows) {
			t.Errorf("tables %q\nrows %q", rows.tables, rows.rows)
		}
		if !reflect.DeepEqual(urls, []string{"https://old.example.com/a.jpg"}) {
			t.Errorf("URLs %q", urls)
		}
	}
}
