package manifest

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestDelimiterDetection(t *testing.T) {
	reportTail := func(d string) string { return d + strings.Join(reportColumns, d) }
	tests := []struct {
		name   string
		in     string
		forced rune
		report []string
		want   rune
		seen   []rune // a *DelimiterError naming these
	}{
		{"comma", "source_url,display_name\nhttps://a.example/x.png,X\n", 0, nil, Comma, nil},
		{"semicolon, as Excel saves it in many locales", "source_url;display_name\nhttps://a.example/x.png;X\n", 0, nil, Semicolon, nil},
		{"tab", "source_url\tdisplay_name\nhttps://a.example/x.png\tX\n", 0, nil, Tab, nil},
		{"one column is comma", "source_url\nhttps://a.example/x.png\n", 0, nil, Comma, nil},
		{"BOM and CRLF", "\uFEFFsource_url;sku\r\nhttps://a.example/x.png;1\r\n", 0, nil, Semicolon, nil},
		{"a quoted name holding another delimiter", "source_url,\"Notes; misc\"\nhttps://a.example/x.png,1\n", 0, nil, Comma, nil},
		{"an unquoted name holding ; makes sense only with commas", "source_url,Notes; misc\nhttps://a.example/x.png,n\n", 0, nil, Comma, nil},
		{"an unquoted name holding , makes sense only with semicolons", "source_url;Size, cm\nhttps://a.example/x.png;3\n", 0, nil, Semicolon, nil},
		{"a report written with semicolons", "source_url;sku" + reportTail(";") + "\nhttps://a.example/x.png;1;READY;;;;;;;;;;\n", 0, reportColumns, Semicolon, nil},
		{"ambiguous: both split into valid columns", "url;a,source_url\nhttps://a.example/x.png;1,2\n", 0, nil, 0, []rune{Comma, Semicolon}},
		{"forced settles it", "url;a,source_url\nhttps://a.example/x.png;1,2\n", Semicolon, nil, Semicolon, nil},
		{"forced tab", "source_url\tsku,x\nhttps://a.example/x.png\t1,2\n", Tab, nil, Tab, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := NewReader(strings.NewReader(tc.in), Options{Delimiter: tc.forced, ReportColumns: tc.report})
			if tc.seen != nil {
				var de *DelimiterError
				if !errors.As(err, &de) || !slices.Equal(de.Seen, tc.seen) {
					t.Fatalf("err = %v, want a DelimiterError seeing %q", err, tc.seen)
				}
				for _, d := range tc.seen {
					if !strings.Contains(err.Error(), DelimiterName(d)) {
						t.Errorf("%q does not name %s", err, DelimiterName(d))
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.Delimiter() != tc.want {
				t.Fatalf("Delimiter() = %q, want %q", r.Delimiter(), tc.want)
			}
			row, err := r.Next()
			if err != nil || row.Err != nil {
				t.Fatalf("first row: %v %v", err, row.Err)
			}
			if row.Import.SourceURL != "https://a.example/x.png" {
				t.Errorf("source = %q", row.Import.SourceURL)
			}
		})
	}
}

// DetectDelimiter without a column check (any spreadsheet CSV: a product
// export) takes the delimiter that splits the header into the most names.
func TestDetectDelimiterOfAnyCSV(t *testing.T) {
	tests := []struct {
		head string
		want rune
		seen []rune // a *DelimiterError naming these
	}{
		{"Handle,Title,Image Src\nshirt,Shirt,https://a.example/x.png\n", Comma, nil},
		{"Handle;Title;Image Src\r\nshirt;Shirt;https://a.example/x.png\r\n", Semicolon, nil},
		{"Handle\tTitle\tImage Src\n", Tab, nil},
		{"Images\nhttps://a.example/x.png,https://a.example/y.png\n", Comma, nil}, // one column; commas in rows do not count
		{"Handle;Body, HTML;Image Src\n", Semicolon, nil},
		{"Handle,Notes (a; b),Images\n", Comma, nil},
		{"\"Body\nsecond line, quoted\";Image Src\n", Semicolon, nil}, // a line break inside quotes is not the header's end
		{"Handle;Title,Image Src\n", 0, []rune{Comma, Semicolon}},
	}
	for _, tc := range tests {
		got, err := DetectDelimiter([]byte(tc.head), nil)
		var de *DelimiterError
		if tc.seen != nil {
			if !errors.As(err, &de) || !slices.Equal(de.Seen, tc.seen) {
				t.Errorf("%q: %q %v, want a DelimiterError seeing %q", tc.head, got, err, tc.seen)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%q: %q %v, want %q", tc.head, got, err, tc.want)
		}
	}
}

// TestDelimitersReadAlike: the same manifest saved with each delimiter
// gives the same rows, keys and row errors.
func TestDelimitersReadAlike(t *testing.T) {
	const comma = "source_url,display_name,labels,sku\n" +
		"https://a.example/x.png,X,\"a;b\",1\n" +
		"ftp://bad,Y,,2\n" +
		"\"https://a.example/y.png\",\"Say \"\"hi\"\"\",,3\n"
	var want []*Row
	for _, d := range []string{",", ";", "\t"} {
		in := comma
		if d != "," {
			// Swap the delimiter outside quotes; labels keep their own ';'.
			in = strings.NewReplacer(",", d).Replace(comma)
		}
		_, rows := readAll(t, in, Options{})
		if len(rows) != 3 {
			t.Fatalf("%q: %d rows", d, len(rows))
		}
		if want == nil {
			want = rows
			continue
		}
		for i, row := range rows {
			if row.Key != want[i].Key || errString(row.Err) != errString(want[i].Err) || !slices.Equal(row.Record, want[i].Record) {
				t.Errorf("%q row %d: %+v, want %+v", d, i, row, want[i])
			}
		}
	}
}

func TestParseDelimiter(t *testing.T) {
	for in, want := range map[string]rune{"": 0, "auto": 0, ",": Comma, "comma": Comma, ";": Semicolon,
		"Semicolon": Semicolon, "tab": Tab, "\t": Tab, `\t`: Tab} {
		if got, err := ParseDelimiter(in); err != nil || got != want {
			t.Errorf("ParseDelimiter(%q) = %q, %v", in, got, err)
		}
	}
	for _, bad := range []string{"|", "::", "space"} {
		if _, err := ParseDelimiter(bad); err == nil {
			t.Errorf("ParseDelimiter(%q) accepted", bad)
		}
	}
	if _, err := NewReader(strings.NewReader("source_url\n"), Options{Delimiter: '|'}); err == nil {
		t.Error("NewReader accepted | as a delimiter")
	}
}
