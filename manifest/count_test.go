package manifest

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// countBoth returns what Count says of the body after header, and how many
// rows Next returns.
func countBoth(t *testing.T, header, body string, delimiter rune) (count, rows int) {
	t.Helper()
	opts := Options{Delimiter: delimiter}
	r, err := NewReader(strings.NewReader(header+body), opts)
	if err != nil {
		t.Fatalf("NewReader: %v", err)
	}
	if count, err = r.Count(); err != nil {
		t.Fatalf("Count: %v", err)
	}
	_, all := readAll(t, header+body, opts)
	return count, len(all)
}

func TestCount(t *testing.T) {
	t.Parallel()
	const header = "source_url,sku\n"
	tests := []struct {
		name string
		body string
		want int
	}{
		{"none", "", 0},
		{"plain", "https://a.example/1.png,A\nhttps://a.example/2.png,B\n", 2},
		{"no final newline", "https://a.example/1.png,A\nhttps://a.example/2.png,B", 2},
		{"CRLF", "https://a.example/1.png,A\r\nhttps://a.example/2.png,B\r\n", 2},
		{"empty and blank lines skipped", "\n\r\nhttps://a.example/1.png,A\n , \n\t\nhttps://a.example/2.png,B\n\n", 2},
		{"quoted field over lines", "\"https://a.example/1.png\",\"two\nlines\"\nhttps://a.example/2.png,B\n", 2},
		{"quoted blank is blank", "\"  \",\" \"\nhttps://a.example/2.png,B\n", 1},
		{"escaped quote", "https://a.example/1.png,\"say \"\"hi\"\"\"\n", 1},
		{"quoted empty line kept", "https://a.example/1.png,\"a\n\nb\"\n", 1},
		{"bare quote is a row", "https://a.example/1.png,a\"b\nhttps://a.example/2.png,B\n", 2},
		{"quote after a quoted field is a row", "https://a.example/1.png,\"a\"b\nhttps://a.example/2.png,B\n", 2},
		{"unterminated quote at the end is a row", "https://a.example/1.png,\"open\n", 1},
		{"wrong field count is a row", "https://a.example/1.png,A,extra\nx\n", 2},
		{"blank with only delimiters", ",\n,,\n", 0},
		{"nbsp is white space", "\u00a0,\u3000\nhttps://a.example/2.png,B\n", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			count, rows := countBoth(t, header, tt.body, Comma)
			if rows != tt.want {
				t.Fatalf("Next returned %d rows, the test expects %d", rows, tt.want)
			}
			if count != rows {
				t.Errorf("Count = %d, Next returned %d rows", count, rows)
			}
		})
	}
}

// TestCountLongLines counts lines longer than the read buffer.
func TestCountLongLines(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", 200<<10)
	body := "https://a.example/1.png," + long + "\n\"https://a.example/2.png\",\"" + long + "\n" + long + "\"\n"
	if count, rows := countBoth(t, "source_url,sku\n", body, Comma); count != 2 || rows != 2 {
		t.Errorf("Count = %d, Next = %d rows, want 2", count, rows)
	}
}

func TestCountReadError(t *testing.T) {
	t.Parallel()
	in := io.MultiReader(strings.NewReader("source_url\nhttps://a.example/1.png\n"), iotest.ErrReader(io.ErrUnexpectedEOF))
	r, err := NewReader(in, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Count(); err != io.ErrUnexpectedEOF {
		t.Errorf("Count: %v, want the read error", err)
	}
}

// FuzzCount holds Count to Next: the same number of rows for any input,
// with each delimiter.
func FuzzCount(f *testing.F) {
	for _, s := range []string{
		"a,b\n", "\"a\nb\",c\n", "a\"b\n", "\"a\"b\n", "\"open\n", " , \n", "\r\n\r\n", "a;b\tc\n", "\"\"\"\"\n", "\"a\",\"\n",
	} {
		f.Add(s, 0)
	}
	f.Fuzz(func(t *testing.T, body string, d int) {
		delimiter := []rune{Comma, Semicolon, Tab}[uint(d)%3]
		header := fmt.Sprintf("source_url%csku\n", delimiter)
		count, rows := countBoth(t, header, body, delimiter)
		if count != rows {
			t.Errorf("Count = %d, Next returned %d rows, for %q", count, rows, body)
		}
	})
}

// BenchmarkCount measures Count over a million six-column rows, against
// reading them with Next (BenchmarkRead): s/Mrows is the time a run spends
// on its first pass per million rows.
func BenchmarkCount(b *testing.B) {
	data := benchManifest(1_000_000)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for range b.N {
		r, err := NewReader(bytes.NewReader(data), Options{})
		if err != nil {
			b.Fatal(err)
		}
		if n, err := r.Count(); err != nil || n != 1_000_000 {
			b.Fatal(n, err)
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/Mrows")
}
