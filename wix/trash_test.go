package wix

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
)

func TestTrashCallsPathsAndBodies(t *testing.T) {
	f, c := newFake(t)
	ctx := context.Background()
	var gotPath, gotQuery string
	var gotBody map[string]any
	f.set(func(w http.ResponseWriter, r *http.Request) {
		checkAPIHeaders(t, r)
		gotPath, gotQuery, gotBody = r.Method+" "+r.URL.Path, r.URL.RawQuery, nil
		if r.Method == http.MethodPost {
			gotBody = decodeBody(t, r)
			io.WriteString(w, `{}`)
			return
		}
		io.WriteString(w, `{"files":[{"id":"a","state":"DELETED"}],"nextCursor":{"cursors":{"next":"N"}}}`)
	})

	if err := c.BulkDeleteFiles(ctx, []string{"a", "b"}, false); err != nil {
		t.Fatal(err)
	}
	// permanent false goes on the wire: the request says plainly it trashes.
	if want := map[string]any{"fileIds": []any{"a", "b"}, "permanent": false}; gotPath != "POST /site-media/v1/bulk/files/delete" || !reflect.DeepEqual(gotBody, want) {
		t.Errorf("BulkDeleteFiles sent %s %v, want %v", gotPath, gotBody, want)
	}
	if err := c.BulkRestoreFiles(ctx, []string{"a"}); err != nil {
		t.Fatal(err)
	}
	if want := map[string]any{"fileIds": []any{"a"}}; gotPath != "POST /site-media/v1/bulk/trash-bin/files/restore" || !reflect.DeepEqual(gotBody, want) {
		t.Errorf("BulkRestoreFiles sent %s %v, want %v", gotPath, gotBody, want)
	}
	resp, err := c.ListDeletedFiles(ctx, &ListFilesRequest{ParentFolderID: "f", MediaTypes: []MediaType{MediaImage},
		Sort: &Sorting{"updatedDate", SortDesc}, Paging: CursorPaging{Limit: 100, Cursor: "C"}})
	if err != nil || len(resp.Files) != 1 || resp.Files[0].State != "DELETED" || resp.Next() != "N" {
		t.Fatalf("ListDeletedFiles = %+v, %v", resp, err)
	}
	// The query is the one the SDK encodes for List Files.
	const wantQuery = "mediaTypes=IMAGE&paging.cursor=C&paging.limit=100&parentFolderId=f&sort.fieldName=updatedDate&sort.order=DESC"
	if gotPath != "GET /site-media/v1/trash-bin/files" || gotQuery != wantQuery {
		t.Errorf("ListDeletedFiles sent %s?%s, want ?%s", gotPath, gotQuery, wantQuery)
	}

	gotPath = ""
	for _, n := range []int{0, MaxBulkDelete + 1} {
		if err := c.BulkDeleteFiles(ctx, make([]string, n), false); err == nil {
			t.Errorf("BulkDeleteFiles accepted %d IDs", n)
		}
		if err := c.BulkRestoreFiles(ctx, make([]string, n)); err == nil {
			t.Errorf("BulkRestoreFiles accepted %d IDs", n)
		}
	}
	if gotPath != "" {
		t.Errorf("a call with a bad number of IDs was sent: %s", gotPath)
	}
}

// failingRoundTripper fails without ever using a connection, like a
// transport that does not report its connections through httptrace.
type failingRoundTripper struct{}

func (failingRoundTripper) RoundTrip(*http.Request) (*http.Response, error) {
	return nil, errors.New("transport trouble")
}

func TestRequestsThatNeverLeftAreNotSent(t *testing.T) {
	ctx := context.Background()
	refused := httptest.NewServer(http.NotFoundHandler())
	refusedURL := refused.URL
	refused.Close()

	dnsFailure := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		return nil, &net.DNSError{Err: "no such host", Name: "api.example", IsNotFound: true}
	}}
	untrusted := httptest.NewTLSServer(http.NotFoundHandler())
	t.Cleanup(untrusted.Close)
	dropping := httptest.NewServer(http.HandlerFunc(hijackClose))
	t.Cleanup(dropping.Close)

	cases := []struct {
		name    string
		base    string
		client  *http.Client
		notSent bool
	}{
		{"connection refused", refusedURL, &http.Client{}, true},
		{"DNS failure", "http://api.example", &http.Client{Transport: dnsFailure}, true},
		// The default client does not trust the test server's certificate.
		{"TLS handshake failure", untrusted.URL, &http.Client{}, true},
		{"dropped after sending", dropping.URL, &http.Client{}, false},
		{"transport that reports no connection", "http://api.example", &http.Client{Transport: failingRoundTripper{}}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := NewClient(testKey, testSite)
			c.BaseURL, c.HTTPClient = tc.base, tc.client
			_, err := c.ImportFile(ctx, &ImportFileRequest{URL: "https://example.com/a.png"})
			if err == nil {
				t.Fatal("no error")
			}
			if errors.Is(err, ErrNotSent) != tc.notSent {
				t.Errorf("errors.Is(ErrNotSent) = %v, want %v (%v)", !tc.notSent, tc.notSent, err)
			}
			// Not sent is a known outcome; anything else may have taken effect.
			if errors.Is(err, ErrUnknownOutcome) == tc.notSent {
				t.Errorf("errors.Is(ErrUnknownOutcome) = %v, want %v (%v)", tc.notSent, !tc.notSent, err)
			}
			if !IsTransient(err) {
				t.Errorf("not transient: %v", err)
			}
			if strings.Contains(err.Error(), testKey) {
				t.Errorf("the key leaked: %v", err)
			}
			// A read fails the same way, never as an unknown outcome.
			_, err = c.GetFile(ctx, "x")
			if errors.Is(err, ErrNotSent) != tc.notSent || errors.Is(err, ErrUnknownOutcome) {
				t.Errorf("GetFile: notSent %v unknown %v, want notSent %v (%v)",
					errors.Is(err, ErrNotSent), errors.Is(err, ErrUnknownOutcome), tc.notSent, err)
			}
		})
	}
}

// TestTrashCallsNameUnknownFiles: a 404 to a bulk call naming files says
// which ones Wix does not have, when its answer names them.
func TestTrashCallsNameUnknownFiles(t *testing.T) {
	f, c := newFake(t)
	answer := `{"message":"files not found","details":{"applicationError":{"code":"FILE_NOT_FOUND","data":{"fileIds":["b",7]}}}}`
	status := http.StatusNotFound
	f.set(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(status)
		io.WriteString(w, answer)
	})
	err := c.BulkDeleteFiles(context.Background(), []string{"a", "b"}, false)
	var e *Error
	if !errors.As(err, &e) || !IsNotFound(err) || !reflect.DeepEqual(e.MissingFileIDs, []string{"b"}) {
		t.Errorf("BulkDeleteFiles: %v (missing %v), want a 404 naming b", err, e.MissingFileIDs)
	}
	status = http.StatusBadRequest // only a 404 names missing files
	err = c.BulkRestoreFiles(context.Background(), []string{"a", "b"})
	if !errors.As(err, &e) || e.MissingFileIDs != nil {
		t.Errorf("BulkRestoreFiles, 400: %v, missing %v", err, e.MissingFileIDs)
	}
}
