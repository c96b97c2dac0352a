package wix

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"reflect"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

const (
	testKey  = "IST.secret-api-key-do-not-print"
	testSite = "site-1234"
)

// fake is an httptest server whose handler a test sets per case. The
// handler sits behind a mutex because a handler of an earlier case may still
// be starting when the next case sets its own (the race detector does not
// see the TCP round trip as synchronisation).
type fake struct {
	*httptest.Server
	mu sync.Mutex
	h  func(w http.ResponseWriter, r *http.Request)
}

func (f *fake) set(h func(w http.ResponseWriter, r *http.Request)) {
	f.mu.Lock()
	f.h = h
	f.mu.Unlock()
}

func newFake(t *testing.T) (*fake, *Client) {
	t.Helper()
	f := &fake{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		h := f.h
		f.mu.Unlock()
		h(w, r)
	}))
	t.Cleanup(f.Close)
	c := NewClient(testKey, testSite)
	c.BaseURL = f.URL
	c.HTTPClient = f.Client()
	return f, c
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// checkAPIHeaders fails unless r carries the API key as Wix wants it.
func checkAPIHeaders(t *testing.T, r *http.Request) {
	t.Helper()
	if got := r.Header.Get("Authorization"); got != testKey {
		t.Errorf("Authorization = %q, want the bare key", got)
	}
	if got := r.Header.Get("wix-site-id"); got != testSite {
		t.Errorf("wix-site-id = %q, want %q", got, testSite)
	}
}

func decodeBody(t *testing.T, r *http.Request) map[string]any {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}
	var m map[string]any
	if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
		t.Fatalf("request body: %v", err)
	}
	return m
}

func TestListFilesQuery(t *testing.T) {
	t.Parallel()
	f, c := newFake(t)
	var got *http.Request
	f.set(func(w http.ResponseWriter, r *http.Request) {
		got = r
		writeJSON(w, 200, map[string]any{"files": []any{map[string]any{"id": "a"}},
			"nextCursor": map[string]any{"cursors": map[string]any{"next": "CUR2"}}})
	})
	no := false
	resp, err := c.ListFiles(context.Background(), &ListFilesRequest{
		ParentFolderID: "folder 1",
		MediaTypes:     []MediaType{MediaImage, MediaVideo},
		Private:        &no,
		Sort:           &Sorting{FieldName: "updatedDate", Order: SortDesc},
		Paging:         CursorPaging{Limit: 100, Cursor: "c/1+="},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got.Method != http.MethodGet || got.URL.Path != "/site-media/v1/files" {
		t.Errorf("%s %s", got.Method, got.URL.Path)
	}
	checkAPIHeaders(t, got)
	want := url.Values{
		"parentFolderId": {"folder 1"},
		"mediaTypes":     {"IMAGE", "VIDEO"},
		"private":        {"false"},
		"sort.fieldName": {"updatedDate"},
		"sort.order":     {"DESC"},
		"paging.limit":   {"100"},
		"paging.cursor":  {"c/1+="},
	}
	if q := got.URL.Query(); !reflect.DeepEqual(q, want) {
		t.Errorf("query = %v, want %v", q, want)
	}
	if len(resp.Files) != 1 || resp.Next() != "CUR2" {
		t.Errorf("answer = %+v, next %q", resp, resp.Next())
	}

	// An empty request sends no query at all, and a last page has no cursor.
	f.set(func(w http.ResponseWriter, r *http.Request) {
		got = r
		writeJSON(w, 200, map[string]any{"files": []any{}})
	})
	resp, err = c.ListFiles(context.Background(), &ListFilesRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if got.URL.RawQuery != "" {
		t.Errorf("empty request sent query %q", got.URL.RawQuery)
	}
	if resp.Next() != "" {
		t.Errorf("last page Next() = %q", resp.Next())
	}
}

// A descriptor as Wix's REST API sends it (not the SDK's renamed fields).
const wireFile = `{"file": {
  "id": "2acbb8_66ffafe2e5d04335b968dc73dae5585c~mv2.jpg",
  "displayName": "cat.jpg",
  "url": "https://static.wixstatic.com/media/2acbb8_66ffafe2e5d04335b968dc73dae5585c~mv2.jpg",
  "parentFolderId": "media-root",
  "hash": "abc",
  "sizeInBytes": "123456789012",
  "private": false,
  "mediaType": "IMAGE",
  "media": {"image": {"image": {"id": "img", "url": "https://x/y", "width": 640, "height": 480}}},
  "operationStatus": "READY",
  "sourceUrl": "https://example.com/cat.jpg",
  "labels": ["cat"],
  "createdDate": "2024-05-01T10:11:12.345Z",
  "updatedDate": "2024-05-02T10:11:12Z",
  "siteId": "site-1234",
  "state": "OK"
}}`

func TestGetFileDecodesWireFormat(t *testing.T) {
	t.Parallel()
	f, c := newFake(t)
	id := "2acbb8_66ffafe2e5d04335b968dc73dae5585c~mv2.jpg"
	f.set(func(w http.ResponseWriter, r *http.Request) {
		checkAPIHeaders(t, r)
		if r.Method != http.MethodGet || r.URL.Path != "/site-media/v1/files/get-file-by-id" {
			t.Errorf("%s %s", r.Method, r.URL.Path)
		}
		if q := r.URL.Query(); len(q) != 1 || q.Get("fileId") != id {
			t.Errorf("query = %v", q)
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, wireFile)
	})
	file, err := c.GetFile(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if file.ID != id || file.SizeInBytes != "123456789012" || file.OperationStatus != StatusReady ||
		file.MediaType != MediaImage || file.SiteID != testSite || file.State != "OK" {
		t.Errorf("file = %+v", file)
	}
	if im := file.Media.Image.Image; im.Width != 640 || im.Height != 480 {
		t.Errorf("dimensions %dx%d", im.Width, im.Height)
	}
	wantCreated := time.Date(2024, 5, 1, 10, 11, 12, 345e6, time.UTC)
	if file.CreatedDate == nil || !file.CreatedDate.Equal(wantCreated) || file.UpdatedDate == nil {
		t.Errorf("dates %v %v", file.CreatedDate, file.UpdatedDate)
	}

	// The same descriptor re-encodes with the wire names, not the SDK's.
	b, _ := json.Marshal(file)
	for _, name := range []string{`"id":`, `"sizeInBytes":"123456789012"`, `"createdDate":"2024-05-01T10:11:12.345Z"`} {
		if !strings.Contains(string(b), name) {
			t.Errorf("re-encoded file lacks %s: %s", name, b)
		}
	}
	if strings.Contains(string(b), `"_id"`) {
		t.Errorf("re-encoded file uses SDK names: %s", b)
	}
}

func TestImportFileRequestBody(t *testing.T) {
	t.Parallel()
	f, c := newFake(t)
	f.set(func(w http.ResponseWriter, r *http.Request) {
		checkAPIHeaders(t, r)
		if r.Method != http.MethodPost || r.URL.Path != "/site-media/v1/files/import" {
			t.Errorf("%s %s", r.Method, r.URL.Path)
		}
		want := map[string]any{
			"url": "https://example.com/a.png", "mediaType": "IMAGE", "displayName": "a.png",
			"parentFolderId": "f1", "private": true, "labels": []any{"x"}, "mimeType": "image/png",
			"externalInfo": map[string]any{"origin": "shop", "externalIds": []any{"42"}},
			"filePath":     "/products/2024",
		}
		if got := decodeBody(t, r); !reflect.DeepEqual(got, want) {
			t.Errorf("body = %v\nwant   %v", got, want)
		}
		writeJSON(w, 200, map[string]any{"file": map[string]any{"id": "new", "operationStatus": "PENDING"}})
	})
	yes := true
	file, err := c.ImportFile(context.Background(), &ImportFileRequest{
		URL: "https://example.com/a.png", MediaType: MediaImage, DisplayName: "a.png",
		ParentFolderID: "f1", Private: &yes, Labels: []string{"x"}, MimeType: "image/png",
		ExternalInfo: &ExternalInfo{Origin: "shop", ExternalIDs: []string{"42"}},
		FilePath:     "/products/2024",
	})
	if err != nil {
		t.Fatal(err)
	}
	if file.ID != "new" || file.OperationStatus != StatusPending {
		t.Errorf("file = %+v", file)
	}
}

func TestBulkImportReordersByOriginalIndex(t *testing.T) {
	t.Parallel()
	f, c := newFake(t)
	f.set(func(w http.ResponseWriter, r *http.Request) {
		checkAPIHeaders(t, r)
		if r.Method != http.MethodPost || r.URL.Path != "/site-media/v1/bulk/files/import-v2" {
			t.Errorf("%s %s", r.Method, r.URL.Path)
		}
		body := decodeBody(t, r)
		if body["returnEntity"] != true || len(body["importFileRequests"].([]any)) != 3 {
			t.Errorf("body = %v", body)
		}
		writeJSON(w, 200, map[string]any{
			"results": []any{
				map[string]any{"itemMetadata": map[string]any{"originalIndex": 2, "success": true}, "item": map[string]any{"id": "c"}},
				map[string]any{"itemMetadata": map[string]any{"originalIndex": 0, "success": true}, "item": map[string]any{"id": "a"}},
				map[string]any{"itemMetadata": map[string]any{"originalIndex": 1, "success": false,
					"error": map[string]any{"code": "INVALID_URL", "description": "bad url"}}},
			},
			"bulkActionMetadata": map[string]any{"totalSuccesses": 2, "totalFailures": 1},
		})
	})
	reqs := []ImportFileRequest{{URL: "https://e/a"}, {URL: "nope"}, {URL: "https://e/c"}}
	resp, err := c.BulkImportFiles(context.Background(), reqs)
	if err != nil {
		t.Fatal(err)
	}
	r := resp.Results
	if r[0].Item.ID != "a" || r[2].Item.ID != "c" || r[1].ItemMetadata.Success || r[1].ItemMetadata.Error.Code != "INVALID_URL" {
		t.Errorf("results = %+v", r)
	}
	if resp.BulkActionMetadata.TotalSuccesses != 2 || resp.BulkActionMetadata.TotalFailures != 1 {
		t.Errorf("metadata = %+v", resp.BulkActionMetadata)
	}

	// A result Wix left out is reported as a failed item, not dropped.
	f.set(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"results": []any{
			map[string]any{"itemMetadata": map[string]any{"originalIndex": 1, "success": true}, "item": map[string]any{"id": "b"}},
		}})
	})
	resp, err = c.BulkImportFiles(context.Background(), reqs[:2])
	if err != nil {
		t.Fatal(err)
	}
	if m := resp.Results[0].ItemMetadata; m.Success || m.Error == nil || m.OriginalIndex != 0 {
		t.Errorf("missing result = %+v", m)
	}

	// A repeated index is a broken answer.
	f.set(func(w http.ResponseWriter, r *http.Request) {
		item := map[string]any{"itemMetadata": map[string]any{"originalIndex": 0, "success": true}}
		writeJSON(w, 200, map[string]any{"results": []any{item, item}})
	})
	if _, err := c.BulkImportFiles(context.Background(), reqs[:2]); err == nil {
		t.Error("repeated originalIndex accepted")
	}

	if _, err := c.BulkImportFiles(context.Background(), nil); err == nil {
		t.Error("empty bulk accepted")
	}
	if _, err := c.BulkImportFiles(context.Background(), make([]ImportFileRequest, MaxBulkImport+1)); err == nil {
		t.Error("oversized bulk accepted")
	}
}

func TestJSONCallsPathsAndBodies(t *testing.T) {
	t.Parallel()
	f, c := newFake(t)
	type call struct {
		path string
		body map[string]any
		resp string
	}
	var want call
	f.set(func(w http.ResponseWriter, r *http.Request) {
		checkAPIHeaders(t, r)
		if r.Method != http.MethodPost || r.URL.Path != want.path || r.URL.RawQuery != "" {
			t.Errorf("%s %s?%s, want POST %s", r.Method, r.URL.Path, r.URL.RawQuery, want.path)
		}
		if got := decodeBody(t, r); !reflect.DeepEqual(got, want.body) {
			t.Errorf("%s body = %v\nwant %v", want.path, got, want.body)
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, want.resp)
	})
	ctx := context.Background()

	want = call{"/site-media/v1/files/get-files", map[string]any{"fileIds": []any{"a", "b"}},
		`{"files":[{"id":"a"},{"id":"b"}]}`}
	files, err := c.GetFiles(ctx, []string{"a", "b"})
	if err != nil || len(files) != 2 || files[1].ID != "b" {
		t.Errorf("GetFiles = %+v, %v", files, err)
	}
	if _, err := c.GetFiles(ctx, make([]string, MaxGetFiles+1)); err == nil {
		t.Error("GetFiles accepted 101 IDs")
	}

	no := false
	want = call{"/site-media/v1/files/search", map[string]any{
		"search": "cat", "rootFolder": "MEDIA_ROOT", "mediaTypes": []any{"IMAGE"}, "private": false,
		"sort":   map[string]any{"fieldName": "displayName", "order": "ASC"},
		"paging": map[string]any{"limit": float64(10), "cursor": "C"},
	}, `{"files":[{"id":"a"}],"nextCursor":{"cursors":{"next":"N"}}}`}
	sr, err := c.SearchFiles(ctx, &SearchFilesRequest{Search: "cat", RootFolder: RootMedia,
		MediaTypes: []MediaType{MediaImage}, Private: &no, Sort: &Sorting{"displayName", SortAsc},
		Paging: &CursorPaging{Limit: 10, Cursor: "C"}})
	if err != nil || len(sr.Files) != 1 || sr.Next() != "N" {
		t.Errorf("SearchFiles = %+v, %v", sr, err)
	}

	want = call{"/site-media/v1/files/generate-upload-url", map[string]any{
		"mimeType": "image/png", "fileName": "a.png", "sizeInBytes": "42", "parentFolderId": "f",
	}, `{"uploadUrl":"https://upload.example/u?t=1"}`}
	gu, err := c.GenerateUploadURL(ctx, &GenerateUploadURLRequest{MimeType: "image/png", FileName: "a.png",
		SizeInBytes: "42", ParentFolderID: "f"})
	if err != nil || gu.UploadURL != "https://upload.example/u?t=1" {
		t.Errorf("GenerateUploadURL = %+v, %v", gu, err)
	}

	want = call{"/site-media/v1/files/generate-resumable-upload-url", map[string]any{
		"mimeType": "video/mp4", "uploadProtocol": "TUS",
	}, `{"uploadProtocol":"TUS","uploadUrl":"https://upload.example/tus","uploadToken":"TOK"}`}
	gr, err := c.GenerateResumableUploadURL(ctx, &GenerateResumableUploadURLRequest{MimeType: "video/mp4"})
	if err != nil || gr.UploadURL != "https://upload.example/tus" || gr.UploadToken != "TOK" || gr.UploadProtocol != "TUS" {
		t.Errorf("GenerateResumableUploadURL = %+v, %v", gr, err)
	}
}

func TestErrorDecoding(t *testing.T) {
	t.Parallel()
	f, c := newFake(t)
	ctx := context.Background()

	f.set(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("x-wix-request-id", "req-77")
		writeJSON(w, 404, map[string]any{"message": "not found", "details": map[string]any{
			"applicationError": map[string]any{"code": "FILE_NOT_FOUND", "description": "no such file"}}})
	})
	_, err := c.GetFile(ctx, "x")
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %T %v", err, err)
	}
	if e.StatusCode != 404 || e.Code != "FILE_NOT_FOUND" || e.Description != "no such file" ||
		e.Message != "not found" || e.RequestID != "req-77" || e.Op != "GetFileDescriptor" {
		t.Errorf("error = %+v", e)
	}
	for _, s := range []string{"404", "FILE_NOT_FOUND", "no such file", "req-77"} {
		if !strings.Contains(e.Error(), s) {
			t.Errorf("%q lacks %q", e.Error(), s)
		}
	}
	if !IsNotFound(err) || !IsPermanent(err) || IsTransient(err) || e.Reason() != "no such file" {
		t.Errorf("404 misclassified: %v", err)
	}

	f.set(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 400, map[string]any{"message": "bad", "details": map[string]any{
			"validationError": map[string]any{"fieldViolations": []any{
				map[string]any{"field": "url", "description": "must be a URL", "violatedRule": "FORMAT"},
				map[string]any{"field": "displayName", "description": "too long", "violatedRule": "MAX_LENGTH"},
			}}}})
	})
	_, err = c.ImportFile(ctx, &ImportFileRequest{URL: "x"})
	if !errors.As(err, &e) || len(e.Violations) != 2 || e.Violations[0].Field != "url" || e.Violations[1].ViolatedRule != "MAX_LENGTH" {
		t.Fatalf("validation error = %+v", err)
	}
	if !strings.Contains(err.Error(), "url: must be a URL") || e.Reason() != "url: must be a URL" {
		t.Errorf("validation text: %q / %q", err.Error(), e.Reason())
	}
	if !IsPermanent(err) || errors.Is(err, ErrUnknownOutcome) {
		t.Errorf("400 misclassified")
	}

	// Retry-After in seconds and as an HTTP date.
	f.set(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "7")
		writeJSON(w, 429, map[string]any{"message": "slow down"})
	})
	_, err = c.ImportFile(ctx, &ImportFileRequest{URL: "x"})
	if !IsThrottled(err) || RetryAfter(err) != 7*time.Second || IsPermanent(err) || errors.Is(err, ErrUnknownOutcome) {
		t.Errorf("429: %v, retry after %v", err, RetryAfter(err))
	}
	f.set(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", time.Now().Add(time.Hour).UTC().Format(http.TimeFormat))
		w.WriteHeader(429)
	})
	_, err = c.ListFiles(ctx, &ListFilesRequest{})
	if ra := RetryAfter(err); ra < 58*time.Minute || ra > time.Hour {
		t.Errorf("date Retry-After = %v", ra)
	}

	// A body that is not JSON still makes a usable error.
	f.set(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "upstream exploded", 502)
	})
	_, err = c.ListFiles(ctx, &ListFilesRequest{})
	if !errors.As(err, &e) || e.StatusCode != 502 || e.Message != "upstream exploded" || !IsTransient(err) {
		t.Errorf("502 = %+v", err)
	}
}

// hijackClose drops the connection without answering, as a crashed proxy would.
func hijackClose(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(err)
	}
	conn.Close()
}

// hijackReset aborts the connection with a TCP RST (SO_LINGER 0), which
// the client sees as "connection reset by peer".
func hijackReset(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(err)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	conn.Close()
}

// hang answers nothing until the client gives up. It reads the body first:
// the server only notices a client hanging up once the body is consumed.
func hang(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	<-r.Context().Done()
}

func TestClassification(t *testing.T) {
	// Not parallel: its short client timeout must not meet a busy machine.
	f, c := newFake(t)
	ctx := context.Background()
	status := func(code int) func(w http.ResponseWriter, r *http.Request) {
		return func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, code, map[string]any{"message": http.StatusText(code)})
		}
	}
	cases := []struct {
		name                                            string
		handle                                          func(w http.ResponseWriter, r *http.Request)
		throttled, transient, auth, permanent, notFound bool
	}{
		{"400", status(400), false, false, false, true, false},
		{"401", status(401), false, false, true, false, false},
		{"403", status(403), false, false, true, false, false},
		{"404", status(404), false, false, false, true, true},
		{"409", status(409), false, false, false, true, false},
		{"429", status(429), true, false, false, false, false},
		{"500", status(500), false, true, false, false, false},
		{"503", status(503), false, true, false, false, false},
		{"dropped connection", hijackClose, false, true, false, false, false},
		{"connection reset", hijackReset, false, true, false, false, false},
		{"timeout", hang, false, true, false, false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f.set(tc.handle)
			hc := *f.Client()
			hc.Timeout = 100 * time.Millisecond
			c.HTTPClient = &hc
			check := func(name string, isImport bool, err error) {
				if err == nil {
					t.Errorf("%s: no error", name)
					return
				}
				got := []bool{IsThrottled(err), IsTransient(err), IsAuth(err), IsPermanent(err), IsNotFound(err)}
				want := []bool{tc.throttled, tc.transient, tc.auth, tc.permanent, tc.notFound}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s: throttled/transient/auth/permanent/notFound = %v, want %v (%v)", name, got, want, err)
				}
				// Only a lost answer to a call that creates files is an unknown outcome.
				unknown := isImport && tc.transient
				if errors.Is(err, ErrUnknownOutcome) != unknown {
					t.Errorf("%s: errors.Is(ErrUnknownOutcome) = %v, want %v (%v)", name, !unknown, unknown, err)
				}
				if strings.Contains(err.Error(), "outcome unknown") != unknown {
					t.Errorf("%s: text %q disagrees with the unknown outcome", name, err)
				}
			}
			// The calls run at once: the timeout case waits out its
			// timeout once, not once per call.
			var wg sync.WaitGroup
			for _, call := range []struct {
				name     string
				isImport bool
				run      func() error
			}{
				{"GetFile", false, func() error { _, err := c.GetFile(ctx, "x"); return err }},
				{"ListFiles", false, func() error { _, err := c.ListFiles(ctx, &ListFilesRequest{}); return err }},
				{"SearchFiles", false, func() error { _, err := c.SearchFiles(ctx, &SearchFilesRequest{}); return err }},
				{"ImportFile", true, func() error { _, err := c.ImportFile(ctx, &ImportFileRequest{URL: "u"}); return err }},
				{"BulkImportFiles", true, func() error {
					_, err := c.BulkImportFiles(ctx, []ImportFileRequest{{URL: "u"}})
					return err
				}},
			} {
				wg.Go(func() { check(call.name, call.isImport, call.run()) })
			}
			wg.Wait()
		})
	}
}

func TestIsTransientOnRawErrors(t *testing.T) {
	t.Parallel()
	timeout := &net.OpError{Op: "read", Net: "tcp", Err: os.ErrDeadlineExceeded}
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{nil, false},
		{errors.New("something else"), false},
		{fmt.Errorf("read: %w", syscall.ECONNRESET), true},
		{fmt.Errorf("write: %w", syscall.EPIPE), true},
		{fmt.Errorf("dial: %w", syscall.ECONNREFUSED), true},
		{timeout, true},
		{context.DeadlineExceeded, true},
		{context.Canceled, false},
		{&Error{StatusCode: 502}, true},
		{&Error{StatusCode: 429}, false},
		{&Error{StatusCode: 400}, false},
	} {
		if got := IsTransient(tc.err); got != tc.want {
			t.Errorf("IsTransient(%v) = %v", tc.err, got)
		}
	}
	// A connection reset seen through the HTTP client's wrapping.
	_, err := http.Get("http://127.0.0.1:1/")
	if err == nil || !IsTransient(newTransportError("op", err, false)) {
		t.Errorf("refused GET: %v", err)
	}
}

func TestTransportFailuresAreTransient(t *testing.T) {
	t.Parallel()
	// Connection refused: a server that is gone.
	srv := httptest.NewServer(http.NotFoundHandler())
	base := srv.URL
	srv.Close()
	c := NewClient(testKey, testSite)
	c.BaseURL = base
	_, err := c.GetFile(context.Background(), "x")
	if !IsTransient(err) || errors.Is(err, ErrUnknownOutcome) {
		t.Errorf("refused read: transient %v unknown %v (%v)", IsTransient(err), errors.Is(err, ErrUnknownOutcome), err)
	}

	// The caller's own deadline is transient; cancelling is not.
	f, c := newFake(t)
	f.set(hang)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err = c.ImportFile(ctx, &ImportFileRequest{URL: "u"})
	if !IsTransient(err) || !errors.Is(err, ErrUnknownOutcome) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("deadline: %v", err)
	}
	ctx, cancel = context.WithCancel(context.Background())
	f.set(func(w http.ResponseWriter, r *http.Request) { cancel(); hang(w, r) })
	_, err = c.GetFile(ctx, "x")
	if IsTransient(err) || !errors.Is(err, context.Canceled) {
		t.Errorf("canceled: %v", err)
	}

	// An unreadable 2xx answer to an import: the import happened, its answer is lost.
	f.set(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "{not json") })
	_, err = c.ImportFile(context.Background(), &ImportFileRequest{URL: "u"})
	if !errors.Is(err, ErrUnknownOutcome) {
		t.Errorf("garbled import answer: %v", err)
	}
	_, err = c.GetFile(context.Background(), "x")
	if err == nil || errors.Is(err, ErrUnknownOutcome) {
		t.Errorf("garbled read answer: %v", err)
	}
}

func TestAPIKeyNeverPrinted(t *testing.T) {
	// Not parallel: its short client timeout must not meet a busy machine.
	f, c := newFake(t)
	for _, s := range []string{fmt.Sprint(c), fmt.Sprintf("%v|%+v|%#v|%s", c, c, c, c),
		fmt.Sprint(*c), fmt.Sprintf("%v|%+v|%#v", *c, *c, *c),
		fmt.Sprintf("%+v", struct{ C *Client }{c}), fmt.Sprintf("%+v", struct{ C Client }{*c})} {
		if strings.Contains(s, testKey) {
			t.Errorf("key printed: %s", s)
		}
		if !strings.Contains(s, testSite) {
			t.Errorf("client description lost the site: %s", s)
		}
	}

	// The server echoes the key back in every way it can; errors must
	// still not carry it unless the server itself put it there in the
	// message, which this fake does not.
	handlers := []func(w http.ResponseWriter, r *http.Request){
		func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 401, map[string]any{"message": "bad key"}) },
		func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(500) },
		hijackClose,
		hang,
	}
	hc := *f.Client()
	hc.Timeout = 100 * time.Millisecond
	c.HTTPClient = &hc
	for i, h := range handlers {
		f.set(h)
		// At once: the hanging case waits out the timeout once.
		var err1, err2 error
		var wg sync.WaitGroup
		wg.Go(func() { _, err1 = c.ImportFile(context.Background(), &ImportFileRequest{URL: "u"}) })
		wg.Go(func() { _, err2 = c.GetFile(context.Background(), "x") })
		wg.Wait()
		for _, err := range []error{err1, err2} {
			if err == nil {
				t.Fatalf("case %d: no error", i)
			}
			for _, s := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)} {
				if strings.Contains(s, testKey) {
					t.Errorf("case %d: key in error: %s", i, s)
				}
			}
		}
	}
}
