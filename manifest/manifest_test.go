package manifest

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/wixmigrate/wixmigrate/wix"
)

// readAll reads every row of a manifest, failing the test on a Next error.
func readAll(t *testing.T, in string, opts Options) (*Reader, []*Row) {
	t.Helper()
	r, err := NewReader(strings.NewReader(in), opts)
	if err != nil {
		t.Fatalf("NewReader: %v", err)
	}
	var rows []*Row
	for {
		row, err := r.Next()
		if err == io.EOF {
			return r, rows
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		rows = append(rows, row)
	}
}

func errString(err *RowError) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// reportColumns stands for package report's columns, which a reader of a
// report is given.
var reportColumns = []string{
	"status", "file_id", "wix_url", "media_type", "size_bytes", "width",
	"height", "failure_reason", "attempts", "updated_at", "method",
}

func TestHeaderErrors(t *testing.T) {
	t.Parallel()
	reportTail := "," + strings.Join(reportColumns, ",")
	tests := []struct {
		name   string
		in     string
		report bool
		want   string // the error's text
		column string
	}{
		{"no url column", "sku,display_name\nA,b\n", false,
			`manifest header, column "source_url": is missing; every manifest needs one (also accepted: url, sourceUrl)`, "source_url"},
		{"same name twice, other case", "url,SKU,sku\n", false,
			`manifest header, column 3 "sku": repeats column 2 "SKU"`, "sku"},
		{"two aliases", "url,source_url\n", false,
			`manifest header, column 2 "source_url": is another name for column 1 "url" (both mean source_url)`, "source_url"},
		{"snake and camel of one field", "source_url,displayName,display_name\n", false,
			`manifest header, column 3 "display_name": is another name for column 2 "displayName" (both mean display_name)`, "display_name"},
		{"passthrough spelled twice", "url,post_slug,postSlug\n", false,
			`manifest header, column 3 "postSlug": is the same name as column 2 "post_slug" (names are compared ignoring case, '_', '-' and spaces)`, "postSlug"},
		{"empty name", "url,,sku\n", false,
			`manifest header, column 2 "": has no name; every column needs one, the user's own columns too`, ""},
		{"blank name", "url,sku,  \n", false,
			`manifest header, column 3 "  ": has no name; every column needs one, the user's own columns too`, "  "},
		{"report column name", "url,status\n", false,
			`manifest header, column 2 "status": is the name of a report column; rename it (reserved: status, file_id, wix_url, wix_uri, size_bytes, width, height, failure_reason, attempts, updated_at, method, status_before_undo)`, "status"},
		{"report column in camelCase", "url,fileId\n", false,
			`manifest header, column 2 "fileId": is the name of a report column; rename it (reserved: status, file_id, wix_url, wix_uri, size_bytes, width, height, failure_reason, attempts, updated_at, method, status_before_undo)`, "fileId"},
		{"empty file", "", false,
			`manifest header: the file is empty; the first line must name the columns`, ""},
		{"only a byte order mark and blank lines", "\uFEFF\r\n\r\n", false,
			`manifest header: the file is empty; the first line must name the columns`, ""},
		{"bad quoting in the header", "url,s\"ku\n", false,
			`manifest header: line 1: bare " in non-quoted-field`, ""},
		{"report without report columns", "url,sku\n", true,
			`manifest header: 2 columns; a report has the manifest's columns and then the 11 report columns (status, file_id, wix_url, media_type, size_bytes, width, height, failure_reason, attempts, updated_at, method)`, ""},
		{"report with columns out of order", "url,file_id,status,wix_url,media_type,size_bytes,width,height,failure_reason,attempts,updated_at,method\n", true,
			`manifest header, column 2 "file_id": should be the report column "status"; a report ends with the columns status, file_id, wix_url, media_type, size_bytes, width, height, failure_reason, attempts, updated_at, method`, "file_id"},
		{"report whose manifest part lacks a url", "sku" + reportTail + "\n", true,
			`manifest header, column "source_url": is missing; every manifest needs one (also accepted: url, sourceUrl)`, "source_url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := Options{}
			if tt.report {
				opts.ReportColumns = reportColumns
			}
			_, err := NewReader(strings.NewReader(tt.in), opts)
			var headerErr *HeaderError
			if !errors.As(err, &headerErr) {
				t.Fatalf("err = %v (%T), want a *HeaderError", err, err)
			}
			if err.Error() != tt.want {
				t.Errorf("err =\n  %s\nwant\n  %s", err, tt.want)
			}
			if headerErr.Column != tt.column {
				t.Errorf("Column = %q, want %q", headerErr.Column, tt.column)
			}
		})
	}
}

func TestHeaderAccepted(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		want     []string
	}{
		{"manifest may have its own media_type", "url,media_type\n", []string{"url", "media_type"}},
		{"byte order mark is dropped", "\uFEFFsource_url,sku\r\n", []string{"source_url", "sku"}},
		{"names kept as written", " Source URL ,Post Slug\n", []string{" Source URL ", "Post Slug"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewReader(strings.NewReader(tt.in), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got := r.Header(); !slices.Equal(got, tt.want) {
				t.Errorf("Header() = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestFileFormat checks how records and line numbers come out of the CSV
// syntax: each case lists every row's line, record and error.
func TestFileFormat(t *testing.T) {
	t.Parallel()
	type row struct {
		line   int
		record []string
		err    string
	}
	tests := []struct {
		name string
		in   string
		want []row
	}{
		{"BOM and CRLF",
			"\uFEFFsource_url,sku\r\nhttps://a.test/1.jpg,A1\r\nhttps://a.test/2.jpg,A2\r\n",
			[]row{{2, []string{"https://a.test/1.jpg", "A1"}, ""}, {3, []string{"https://a.test/2.jpg", "A2"}, ""}}},
		{"no final line break",
			"source_url,sku\nhttps://a.test/1.jpg,A1",
			[]row{{2, []string{"https://a.test/1.jpg", "A1"}, ""}}},
		{"quoted commas, quotes and line breaks keep line numbers right",
			"source_url,note\n" +
				"https://a.test/1.jpg,\"one, two\"\n" +
				"https://a.test/2.jpg,\"she said \"\"hi\"\"\"\n" +
				"https://a.test/3.jpg,\"first\nsecond\r\nthird\"\n" +
				"https://a.test/4.jpg,after\n",
			[]row{
				{2, []string{"https://a.test/1.jpg", "one, two"}, ""},
				{3, []string{"https://a.test/2.jpg", `she said "hi"`}, ""},
				{4, []string{"https://a.test/3.jpg", "first\nsecond\nthird"}, ""},
				{7, []string{"https://a.test/4.jpg", "after"}, ""},
			}},
		{"a multi-line URL field: the row's line is where it starts",
			"sku,source_url\n\"A\nB\",ftp://x\n",
			[]row{{2, []string{"A\nB", "ftp://x"}, `line 2, column "source_url": "ftp://x" is not an http(s) URL`}}},
		{"blank lines in the middle and at the end are skipped",
			"source_url,sku\n\nhttps://a.test/1.jpg,A1\n\r\n   \n,\n , \nhttps://a.test/2.jpg,A2\n\n\n,\n\r\n",
			[]row{{3, []string{"https://a.test/1.jpg", "A1"}, ""}, {8, []string{"https://a.test/2.jpg", "A2"}, ""}}},
		{"wrong field count fails that row only",
			"source_url,sku,slug\nhttps://a.test/1.jpg,A1\nhttps://a.test/2.jpg,A2,s,extra\nhttps://a.test/3.jpg,A3,s\n",
			[]row{
				{2, []string{"https://a.test/1.jpg", "A1"}, "line 2: 2 fields, header has 3"},
				{3, []string{"https://a.test/2.jpg", "A2", "s", "extra"}, "line 3: 4 fields, header has 3"},
				{4, []string{"https://a.test/3.jpg", "A3", "s"}, ""},
			}},
		{"bare quote fails that row only",
			"source_url,sku\nhttps://a.test/1.jpg,5\" tall\nhttps://a.test/2.jpg,A2\n",
			[]row{
				{2, nil, `line 2: a " inside a field that does not start with one; quote the whole field and double the quote ("") (byte 23)`},
				{3, []string{"https://a.test/2.jpg", "A2"}, ""},
			}},
		{"text after a closing quote fails that row only",
			"source_url,sku\nhttps://a.test/1.jpg,\"A1\"x\nhttps://a.test/2.jpg,A2\n",
			[]row{
				{2, nil, `line 2: extraneous or missing " in quoted-field (byte 25)`},
				{3, []string{"https://a.test/2.jpg", "A2"}, ""},
			}},
		{"an unclosed quote swallows the rest of the file",
			"source_url,sku\nhttps://a.test/1.jpg,A1\nhttps://a.test/2.jpg,\"A2\nhttps://a.test/3.jpg,A3\n",
			[]row{
				{2, []string{"https://a.test/1.jpg", "A1"}, ""},
				{3, nil, `line 3: extraneous or missing " in quoted-field (line 4, byte 25)`},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, rows := readAll(t, tt.in, Options{})
			if len(rows) != len(tt.want) {
				for _, r := range rows {
					t.Logf("line %d %q %v", r.Line, r.Record, r.Err)
				}
				t.Fatalf("%d rows, want %d", len(rows), len(tt.want))
			}
			for i, want := range tt.want {
				got := rows[i]
				if got.Line != want.line || got.Index != i || !slices.Equal(got.Record, want.record) || errString(got.Err) != want.err {
					t.Errorf("row %d = line %d, index %d, %q, err %q\nwant line %d, index %d, %q, err %q",
						i, got.Line, got.Index, got.Record, errString(got.Err), want.line, i, want.record, want.err)
				}
				if (got.Err == nil) == got.Key.IsZero() {
					t.Errorf("row %d: Key %v with Err %v; a key belongs to valid rows only", i, got.Key, got.Err)
				}
			}
		})
	}
}

func TestRowErrors(t *testing.T) {
	t.Parallel()
	const header = "sku,source_url,display_name,mime_type,media_type,parent_folder_id,file_path,labels,private\n"
	long := func(n int) string { return strings.Repeat("é", n) } // runes, not bytes, count
	labels := func(n int) string {
		l := make([]string, n)
		for i := range l {
			l[i] = "l"
		}
		return strings.Join(l, ";")
	}
	tests := []struct {
		name string
		row  string // the fields after sku
		want string
	}{
		{"empty url", `,,,,,,,`, `line 2, column "source_url": is empty; every row needs a source URL`},
		{"blank url", `"  ",x,,,,,,`, `line 2, column "source_url": is empty; every row needs a source URL`},
		{"ftp url", `ftp://x,,,,,,,`, `line 2, column "source_url": "ftp://x" is not an http(s) URL`},
		{"mailto url", `mailto:a@b.test,,,,,,,`, `line 2, column "source_url": "mailto:a@b.test" is not an http(s) URL`},
		{"data url", `"data:image/png;base64,AAAA",,,,,,,`, `line 2, column "source_url": "data:image/png;base64,AAAA" is not an http(s) URL`},
		{"scheme-relative url", `//cdn.test/a.jpg,,,,,,,`, `line 2, column "source_url": "//cdn.test/a.jpg" has no scheme; write https://cdn.test/a.jpg`},
		{"url without scheme", `www.shop.test/a.jpg,,,,,,,`, `line 2, column "source_url": "www.shop.test/a.jpg" has no scheme; write https://www.shop.test/a.jpg`},
		{"url without host", `http:///a.jpg,,,,,,,`, `line 2, column "source_url": "http:///a.jpg" has no host`},
		{"unparsable url", `http://a b.test/x.jpg,,,,,,,`, `line 2, column "source_url": "http://a b.test/x.jpg" is not a valid URL: invalid character " " in host name`},
		{"remote file url", `file://server/a.jpg,,,,,,,`, `line 2, column "source_url": "file://server/a.jpg" names the host "server"; a file:// URL must be on this machine (file:///path)`},
		{"relative file url", `file:a.jpg,,,,,,,`, `line 2, column "source_url": "file:a.jpg" has no absolute path (write file:///path)`},
		{"display name too long", "https://a.test/a.jpg," + long(1001) + ",,,,,,", `line 2, column "display_name": 1001 characters; Wix allows at most 1000`},
		{"mime type too long", "https://a.test/a.jpg,,image/" + strings.Repeat("x", 95) + ",,,,,", `line 2, column "mime_type": 101 characters; Wix allows at most 100`},
		{"mime type without slash", "https://a.test/a.jpg,,jpeg,,,,,", `line 2, column "mime_type": "jpeg" is not a MIME type (like image/jpeg)`},
		{"unknown media type", "https://a.test/a.jpg,,,photo,,,,", `line 2, column "media_type": "photo" is not a media type an import can expect (UNKNOWN, IMAGE, VIDEO, AUDIO, DOCUMENT, VECTOR, ARCHIVE, MODEL3D)`},
		{"media type OTHER", "https://a.test/a.jpg,,,other,,,,", `line 2, column "media_type": "other" is not a media type an import can expect (UNKNOWN, IMAGE, VIDEO, AUDIO, DOCUMENT, VECTOR, ARCHIVE, MODEL3D)`},
		{"parent folder id too long", "https://a.test/a.jpg,,,," + long(101) + ",,,", `line 2, column "parent_folder_id": 101 characters; Wix allows at most 100`},
		{"file path too long", "https://a.test/a.jpg,,,,,/" + long(100) + ",,", `line 2, column "file_path": 101 characters; Wix allows at most 100`},
		{"too many labels", "https://a.test/a.jpg,,,,,," + labels(501) + ",", `line 2, column "labels": 501 labels; Wix allows at most 500`},
		{"label too long", "https://a.test/a.jpg,,,,,,ok;" + strings.Repeat("x", 201) + ",", `line 2, column "labels": label 2 ("xxxxxxxxxxxxxxxxxxxx"...) has 201 characters; Wix allows at most 200`},
		{"bad private", "https://a.test/a.jpg,,,,,,,maybe", `line 2, column "private": "maybe" is not true/false, yes/no or 1/0`},
		{"not UTF-8", "https://a.test/a.jpg,Caf\xe9,,,,,,", `line 2, column "display_name": is not valid UTF-8; save the manifest as UTF-8`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, rows := readAll(t, header+"A1,"+tt.row+"\n", Options{})
			if len(rows) != 1 {
				t.Fatalf("%d rows, want 1", len(rows))
			}
			if got := errString(rows[0].Err); got != tt.want {
				t.Errorf("err =\n  %s\nwant\n  %s", got, tt.want)
			}
		})
	}
	t.Run("at the limits", func(t *testing.T) {
		row := "https://a.test/a.jpg," + long(1000) + ",image/jpeg,image," + long(100) + ",/" + long(99) + "," + labels(500) + ",1"
		_, rows := readAll(t, header+"A1,"+row+"\n", Options{})
		if rows[0].Err != nil {
			t.Fatal(rows[0].Err)
		}
	})
	t.Run("column named as written", func(t *testing.T) {
		_, rows := readAll(t, "sku,sourceUrl\nA1,ftp://x\n", Options{})
		if got, want := errString(rows[0].Err), `line 2, column "sourceUrl": "ftp://x" is not an http(s) URL`; got != want {
			t.Errorf("err = %s, want %s", got, want)
		}
	})
	t.Run("a bad row does not stop the next", func(t *testing.T) {
		_, rows := readAll(t, "url\nftp://x\nhttps://a.test/a.jpg\n", Options{})
		if len(rows) != 2 || rows[0].Err == nil || rows[1].Err != nil || rows[1].Index != 1 {
			t.Fatalf("rows = %+v %+v", rows[0], rows[1])
		}
	})
}

func TestImportFields(t *testing.T) {
	t.Parallel()
	yes, no := true, false
	tests := []struct {
		name, header, row string
		want              Import
	}{
		{"snake_case",
			"source_url,display_name,mime_type,media_type,parent_folder_id,file_path,labels,private",
			"https://a.test/a.jpg,Red shirt,image/jpeg,image,folder1,/products/2024,summer;sale,yes",
			Import{SourceURL: "https://a.test/a.jpg", DisplayName: "Red shirt", MimeType: "image/jpeg", MediaType: wix.MediaImage,
				ParentFolderID: "folder1", FilePath: "/products/2024", Labels: []string{"summer", "sale"}, Private: &yes}},
		{"camelCase and other cases",
			"URL,displayName,MimeType,mediaType,parentFolderId,filePath,LABELS,Private",
			"https://a.test/a.jpg,Red shirt,Image/JPEG,Vector,folder1,/products/2024,summer,0",
			Import{SourceURL: "https://a.test/a.jpg", DisplayName: "Red shirt", MimeType: "image/jpeg", MediaType: wix.MediaVector,
				ParentFolderID: "folder1", FilePath: "/products/2024", Labels: []string{"summer"}, Private: &no}},
		{"sourceUrl alias, values trimmed, empty labels dropped",
			"sourceUrl,display_name,labels,private",
			"  https://a.test/a.jpg , Red ,\" a ;; b ;\",\t",
			Import{SourceURL: "https://a.test/a.jpg", DisplayName: "Red", Labels: []string{"a", "b"}}},
		{"scheme and host lower-cased",
			"url", "HTTPS://Shop.TEST/Path/A.JPG?Q=1",
			Import{SourceURL: "https://shop.test/Path/A.JPG?Q=1"}},
		{"private spellings", "url,private", "https://a.test/a.jpg,TRUE", Import{SourceURL: "https://a.test/a.jpg", Private: &yes}},
		{"private no", "url,private", "https://a.test/a.jpg,No", Import{SourceURL: "https://a.test/a.jpg", Private: &no}},
		{"labels separator only", "url,labels", "https://a.test/a.jpg,;", Import{SourceURL: "https://a.test/a.jpg"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, rows := readAll(t, tt.header+"\n"+tt.row+"\n", Options{})
			if rows[0].Err != nil {
				t.Fatal(rows[0].Err)
			}
			if tt.want.ParentFolderID == "" {
				tt.want.ParentFolderID = wix.RootFolderMedia // the default folder is part of the import
			}
			if got := rows[0].Import; !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Import =\n  %+v\nwant\n  %+v", got, tt.want)
			}
		})
	}
}

func TestPassthroughByteForByte(t *testing.T) {
	t.Parallel()
	odd := []string{"  padded  ", `"quoted"`, "a,b", "multi\nline", "=SUM(A1)", "ünïcödé 日本", "", "\t", "trailing\\", "caf\xe9"}
	var b strings.Builder
	b.WriteString("sku,url,post_slug\n")
	for _, v := range odd {
		b.WriteString(`"` + strings.ReplaceAll(v, `"`, `""`) + `",https://a.test/a.jpg,` + `"` + strings.ReplaceAll(v, `"`, `""`) + "\"\n")
	}
	_, rows := readAll(t, b.String(), Options{})
	if len(rows) != len(odd) {
		t.Fatalf("%d rows, want %d", len(rows), len(odd))
	}
	for i, v := range odd {
		if got := rows[i].Record; got[0] != v || got[2] != v {
			t.Errorf("row %d: passthrough %q, %q; want %q", i, got[0], got[2], v)
		}
		if rows[i].Err != nil {
			t.Errorf("row %d: %v", i, rows[i].Err)
		}
	}
}

func TestReport(t *testing.T) {
	t.Parallel()
	header := "sku,media_type,source_url," + strings.Join(reportColumns, ",") + "\n"
	in := header +
		"A1,image,https://a.test/a.jpg,imported,f1,https://static.wixstatic.com/media/f1,IMAGE,1234,640,480,,1,2025-01-02T03:04:05Z,import\n" +
		"A2,,ftp://x,failed,,,,,,,invalid row,0,,\n" +
		"A3,,https://a.test/c.jpg,failed\n"
	r, rows := readAll(t, in, Options{ReportColumns: reportColumns})
	if got, want := r.Header(), []string{"sku", "media_type", "source_url"}; !slices.Equal(got, want) {
		t.Fatalf("Header() = %q, want %q", got, want)
	}
	if len(rows) != 3 {
		t.Fatalf("%d rows, want 3", len(rows))
	}

	first := rows[0]
	if want := []string{"A1", "image", "https://a.test/a.jpg"}; !slices.Equal(first.Record, want) || first.Err != nil {
		t.Errorf("Record = %q (err %v), want %q", first.Record, first.Err, want)
	}
	if first.Import.MediaType != wix.MediaImage {
		t.Errorf("manifest media_type = %q, want IMAGE", first.Import.MediaType)
	}
	if len(first.Report) != len(reportColumns) || first.Report[3] != "IMAGE" {
		t.Errorf("Report = %q", first.Report)
	}

	second := rows[1]
	if errString(second.Err) != `line 3, column "source_url": "ftp://x" is not an http(s) URL` || second.Report[0] != "failed" {
		t.Errorf("second row: err %v, report %q", second.Err, second.Report)
	}

	third := rows[2]
	if errString(third.Err) != "line 4: 4 fields, header has 14" || third.Report != nil {
		t.Errorf("third row: err %v, report %q", third.Err, third.Report)
	}
}

func TestKey(t *testing.T) {
	t.Parallel()
	const header = "sku,source_url,display_name,mime_type,media_type,parent_folder_id,file_path,labels,private\n"
	base := "https://a.test/a.jpg,Red,image/jpeg,IMAGE,f1,/p,a;b,true"
	tests := []struct {
		name string
		row  string
		same bool
	}{
		{"identical", base, true},
		{"only passthrough differs", base, true}, // sku differs below
		{"spacing and case that normalization removes", " HTTPS://A.test/a.jpg , Red ,IMAGE/JPEG,image,f1,/p, b ; a ;a,yes", true},
		{"url", "https://a.test/b.jpg,Red,image/jpeg,IMAGE,f1,/p,a;b,true", false},
		{"display name", "https://a.test/a.jpg,Blue,image/jpeg,IMAGE,f1,/p,a;b,true", false},
		{"mime type", "https://a.test/a.jpg,Red,image/png,IMAGE,f1,/p,a;b,true", false},
		{"media type", "https://a.test/a.jpg,Red,image/jpeg,VECTOR,f1,/p,a;b,true", false},
		{"parent folder", "https://a.test/a.jpg,Red,image/jpeg,IMAGE,f2,/p,a;b,true", false},
		{"file path", "https://a.test/a.jpg,Red,image/jpeg,IMAGE,f1,/q,a;b,true", false},
		{"labels", "https://a.test/a.jpg,Red,image/jpeg,IMAGE,f1,/p,a,true", false},
		{"private false", "https://a.test/a.jpg,Red,image/jpeg,IMAGE,f1,/p,a;b,false", false},
		{"private unset", "https://a.test/a.jpg,Red,image/jpeg,IMAGE,f1,/p,a;b,", false},
		{"field boundary moved", "https://a.test/a.jpg,Re,dimage/jpeg,IMAGE,f1,/p,a;b,true", false},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, rows := readAll(t, header+"A0,"+base+"\nB"+string(rune('0'+i))+","+tt.row+"\n", Options{})
			if rows[0].Err != nil || rows[1].Err != nil {
				t.Fatal(rows[0].Err, rows[1].Err)
			}
			if same := rows[0].Key == rows[1].Key; same != tt.same {
				t.Errorf("keys equal = %v, want %v (%v, %v)", same, tt.same, rows[0].Key, rows[1].Key)
			}
		})
	}
	t.Run("local file by two spellings", func(t *testing.T) {
		_, rows := readAll(t, "url\nmedia/a.png\n/srv/shop/media/a.png\nfile:///srv/shop/media/./a.png\n./media/b.png\n", Options{BaseDir: "/srv/shop"})
		if rows[0].Key != rows[1].Key || rows[1].Key != rows[2].Key || rows[0].Key == rows[3].Key {
			t.Errorf("keys %v %v %v %v", rows[0].Key, rows[1].Key, rows[2].Key, rows[3].Key)
		}
	})
	t.Run("key does not reorder the row's labels", func(t *testing.T) {
		_, rows := readAll(t, "url,labels\nhttps://a.test/a.jpg,b;a;b\n", Options{})
		if got := rows[0].Import.Labels; !slices.Equal(got, []string{"b", "a", "b"}) {
			t.Errorf("Labels = %q after Key", got)
		}
	})
}

func TestLocalSources(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	tests := []struct {
		name, source string
		want         string // LocalPath
	}{
		{"relative path", "images/a.jpg", filepath.Join(base, "images", "a.jpg")},
		{"dot relative", "./a.jpg", filepath.Join(base, "a.jpg")},
		{"parent relative", "../old/a.jpg", filepath.Join(filepath.Dir(base), "old", "a.jpg")},
		{"absolute path", "/srv/old/a.jpg", "/srv/old/a.jpg"},
		{"file URL", "file:///srv/old/a%20b.jpg", "/srv/old/a b.jpg"},
		{"file URL on localhost", "file://localhost/srv/old/a.jpg", "/srv/old/a.jpg"},
		{"colon later in a path", "images/a:b.jpg", filepath.Join(base, "images", "a:b.jpg")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, rows := readAll(t, "url\n"+tt.source+"\n", Options{BaseDir: base})
			row := rows[0]
			if row.Err != nil {
				t.Fatal(row.Err)
			}
			if !row.Import.Local || row.Import.LocalPath != tt.want || row.Import.SourceURL != tt.source {
				t.Errorf("Import = %+v, want Local with path %q", row.Import, tt.want)
			}
		})
	}
	t.Run("http is not local", func(t *testing.T) {
		_, rows := readAll(t, "url\nhttp://a.test/a.jpg\n", Options{BaseDir: base})
		if rows[0].Import.Local || rows[0].Import.LocalPath != "" {
			t.Errorf("Import = %+v", rows[0].Import)
		}
	})
	t.Run("empty BaseDir is the working folder", func(t *testing.T) {
		_, rows := readAll(t, "url\na.jpg\n", Options{})
		wd, _ := os.Getwd()
		if got := rows[0].Import.LocalPath; got != filepath.Join(wd, "a.jpg") {
			t.Errorf("LocalPath = %q", got)
		}
	})
}

func TestRequest(t *testing.T) {
	t.Parallel()
	private := true
	im := Import{SourceURL: "https://a.test/a.jpg", DisplayName: "Red", MimeType: "image/jpeg", MediaType: wix.MediaImage,
		FilePath: "/products/2024", Labels: []string{"a"}, Private: &private}
	req := im.Request("folder9")
	want := wix.ImportFileRequest{URL: "https://a.test/a.jpg", DisplayName: "Red", MimeType: "image/jpeg", MediaType: wix.MediaImage,
		ParentFolderID: "folder9", FilePath: "/products/2024", Labels: []string{"a"}, Private: &private}
	if !reflect.DeepEqual(req, want) {
		t.Errorf("Request =\n  %+v\nwant\n  %+v", req, want)
	}
	req.Labels[0], *req.Private = "changed", false
	if im.Labels[0] != "a" || !*im.Private {
		t.Error("Request shares memory with the Import")
	}
	im.ParentFolderID = "own"
	if got := im.Request("folder9").ParentFolderID; got != "own" {
		t.Errorf("row's own folder replaced by the default: %q", got)
	}
	local := Import{SourceURL: "media/a b.png", Local: true, LocalPath: "/srv/media/a b.png"}
	if got := local.Request("").URL; got != "file:///srv/media/a%20b.png" {
		t.Errorf("local Request URL = %q", got)
	}
}

func TestOpen(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "manifest.csv")
	if err := os.WriteFile(path, []byte("url,sku\nmedia/a.png,A1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r, closer, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer closer.Close()
	row, err := r.Next()
	if err != nil || row.Err != nil {
		t.Fatal(err, row.Err)
	}
	if want := filepath.Join(dir, "media", "a.png"); row.Import.LocalPath != want {
		t.Errorf("LocalPath = %q, want %q", row.Import.LocalPath, want)
	}
	if _, _, err := Open(filepath.Join(dir, "missing.csv"), Options{}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing manifest: %v", err)
	}
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("sku\n"), 0o644)
	var headerErr *HeaderError
	if _, _, err := Open(bad, Options{}); !errors.As(err, &headerErr) {
		t.Errorf("bad header: %v", err)
	}
}

func TestFields(t *testing.T) {
	t.Parallel()
	_, rows := readAll(t, "url,sku,slug\nhttps://a.test/a.jpg,A1,s\nhttps://a.test/b.jpg\nhttps://a.test/c.jpg,A3,s,x\nhttps://a.test/d.jpg,\"A\"4,s\n", Options{})
	want := [][]string{
		{"https://a.test/a.jpg", "A1", "s"},
		{"https://a.test/b.jpg", "", ""},
		{"https://a.test/c.jpg", "A3", "s"},
		{"", "", ""},
	}
	for i, w := range want {
		if got := rows[i].Fields(); !slices.Equal(got, w) {
			t.Errorf("row %d: Fields() = %q, want %q", i, got, w)
		}
	}
}

func TestReadError(t *testing.T) {
	t.Parallel()
	boom := errors.New("disk on fire")
	in := io.MultiReader(strings.NewReader("url\nhttps://a.test/a.jpg\n"), iotest.ErrReader(boom))
	r, err := NewReader(in, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if row, err := r.Next(); err != nil || row.Err != nil {
		t.Fatal(err, row.Err)
	}
	if _, err := r.Next(); !errors.Is(err, boom) {
		t.Errorf("Next after a read failure = %v, want %v", err, boom)
	}
}

func TestOneImportOneKey(t *testing.T) {
	t.Parallel()
	same := [][2]string{
		{"https://a.test/a.jpg,/x,", "https://a.test/a.jpg,x/,"},
		{"https://a.test/a.jpg,/products/2024,", "https://a.test/a.jpg, products//2024/ ,"},
		{"https://a.test/a.jpg,,", "https://a.test/a.jpg,,false"},
		{"HTTPS://A.test:443/a b.jpg,,", "https://a.test/a b.jpg,,"},
		{"http://a.test:80/a.jpg?s=%2F,,", "http://a.test/a.jpg?s=%2F,,"},
	}
	for _, pair := range same {
		_, rows := readAll(t, "url,file_path,private\n"+pair[0]+"\n"+pair[1]+"\n", Options{})
		if rows[0].Err != nil || rows[1].Err != nil {
			t.Fatalf("%q: %v %v", pair, rows[0].Err, rows[1].Err)
		}
		if rows[0].Key != rows[1].Key {
			t.Errorf("%q and %q are one import but got two keys", pair[0], pair[1])
		}
	}
	_, rows := readAll(t, "url\nHTTPS://A.test/a b.jpg?sig=AbC%2b\n", Options{})
	if got := rows[0].Import.SourceURL; got != "https://a.test/a b.jpg?sig=AbC%2b" {
		t.Errorf("URL rewritten beyond scheme and host: %q", got)
	}
	_, a := readAll(t, "url\nhttps://a.test/a.jpg\n", Options{})
	_, b := readAll(t, "url\nhttps://a.test/a.jpg\n", Options{DefaultFolder: "other-folder"})
	if a[0].Key == b[0].Key || b[0].Import.ParentFolderID != "other-folder" {
		t.Errorf("the default folder is not part of the import: %+v", b[0].Import)
	}
}

func TestReportOfEarlierLayout(t *testing.T) {
	t.Parallel()
	current := slices.Insert(slices.Clone(reportColumns), 3, "wix_uri")
	opts := Options{ReportColumns: current, EarlierReportColumns: [][]string{reportColumns}}
	old := "sku,source_url," + strings.Join(reportColumns, ",") + "\n" +
		"A1,https://a.test/a.jpg,READY,f1,https://static.wixstatic.com/media/f1,IMAGE,1234,640,480,,1,2025-01-02T03:04:05Z,import\n" +
		"A2,https://a.test/b.jpg,READY\n"
	r, rows := readAll(t, old, opts)
	if got, want := r.Header(), []string{"sku", "source_url"}; !slices.Equal(got, want) {
		t.Fatalf("Header() = %q, want %q", got, want)
	}
	want := []string{"READY", "f1", "https://static.wixstatic.com/media/f1", "", "IMAGE", "1234", "640", "480", "", "1", "2025-01-02T03:04:05Z", "import"}
	if !slices.Equal(rows[0].Report, want) {
		t.Errorf("an earlier report's row: Report =\n %q\nwant\n %q (the column it lacks empty)", rows[0].Report, want)
	}
	if rows[1].Err == nil || rows[1].Report != nil {
		t.Errorf("a torn row of an earlier report: err %v, report %q", rows[1].Err, rows[1].Report)
	}

	cur := "source_url," + strings.Join(current, ",") + "\nhttps://a.test/a.jpg,READY,f1,u,wix:image://v1/f1,IMAGE,,,,,1,,import\n"
	if _, rows := readAll(t, cur, opts); len(rows) != 1 || rows[0].Report[3] != "wix:image://v1/f1" {
		t.Errorf("a current report: %+v", rows)
	}

	_, err := NewReader(strings.NewReader("source_url,status,file_id\n"), opts)
	var he *HeaderError
	if !errors.As(err, &he) || !strings.Contains(he.Msg, "wix_uri") {
		t.Errorf("a header that is no report's: %v, want the current layout's error", err)
	}
}
