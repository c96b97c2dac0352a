package wixsim

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/wixmigrate/wixmigrate/wix"
)

func TestAuth(t *testing.T) {
	t.Parallel()
	srv := newServer(t, Options{})
	cases := []struct {
		name, auth, site string
		want             int
	}{
		{"no authorization", "", "s1", 401},
		{"wrong key", "other", "s1", 401},
		{"no site", testKey, "", 400},
		{"ok", testKey, "s1", 200},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, _ := http.NewRequest("GET", srv.URL+"/site-media/v1/files", nil)
			if c.auth != "" {
				req.Header.Set("Authorization", c.auth)
			}
			if c.site != "" {
				req.Header.Set("wix-site-id", c.site)
			}
			resp, b := send(t, req, nil)
			if resp.StatusCode != c.want {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, c.want, b)
			}
			if resp.Header.Get("x-wix-request-id") == "" {
				t.Error("no x-wix-request-id")
			}
			if c.want != 200 {
				if e := errorBody(t, b); e.Message == "" || e.Details.ApplicationError == nil || e.Details.ApplicationError.Code == "" {
					t.Errorf("not a Wix error body: %s", b)
				}
			}
		})
	}
}

func TestImportValidation(t *testing.T) {
	t.Parallel()
	srv := newServer(t, Options{})
	long := func(n int) string { return strings.Repeat("x", n) }
	cases := []struct {
		name  string
		req   wix.ImportFileRequest
		field string
	}{
		{"missing url", wix.ImportFileRequest{}, "url"},
		{"ftp url", wix.ImportFileRequest{URL: "ftp://example.com/a.png"}, "url"},
		{"relative url", wix.ImportFileRequest{URL: "/a.png"}, "url"},
		{"displayName too long", wix.ImportFileRequest{URL: "http://x/a.png", DisplayName: long(1001)}, "displayName"},
		{"filePath too long", wix.ImportFileRequest{URL: "http://x/a.png", FilePath: "/" + long(100)}, "filePath"},
		{"parentFolderId too long", wix.ImportFileRequest{URL: "http://x/a.png", ParentFolderID: long(101)}, "parentFolderId"},
		{"too many labels", wix.ImportFileRequest{URL: "http://x/a.png", Labels: make([]string, 501)}, "labels"},
		{"label too long", wix.ImportFileRequest{URL: "http://x/a.png", Labels: []string{"ok", long(201)}}, "labels[1]"},
		{"unknown mediaType", wix.ImportFileRequest{URL: "http://x/a.png", MediaType: "PICTURE"}, "mediaType"},
		{"OTHER mediaType", wix.ImportFileRequest{URL: "http://x/a.png", MediaType: wix.MediaOther}, "mediaType"},
		{"mimeType too long", wix.ImportFileRequest{URL: "http://x/a.png", MimeType: long(101)}, "mimeType"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, b := do(t, srv, "POST", "/site-media/v1/files/import", "s1", c.req, nil)
			wantViolation(t, resp, b, c.field)
		})
	}
	if st := srv.Sim.Stats(); st.Files.Pending+st.Files.Ready+st.Files.Failed != 0 {
		t.Errorf("rejected imports created files: %+v", st.Files)
	}
}

func TestDisplayNameTruncatedTo255(t *testing.T) {
	t.Parallel()
	srv := newServer(t, Options{})
	f := importFile(t, srv, "s1", wix.ImportFileRequest{URL: "http://127.0.0.1:1/a.png", DisplayName: strings.Repeat("é", 1000)})
	if n := len([]rune(f.DisplayName)); n != 255 {
		t.Fatalf("displayName has %d characters, want 255", n)
	}
}

func TestListValidation(t *testing.T) {
	t.Parallel()
	srv := newServer(t, Options{})
	cases := map[string]string{
		"?paging.limit=101":                           "paging.limit",
		"?paging.limit=x":                             "paging.limit",
		"?sort.fieldName=hash":                        "sort.fieldName",
		"?sort.order=UP":                              "sort.order",
		"?mediaTypes=PICTURE":                         "mediaTypes",
		"?private=maybe":                              "private",
		"?paging.cursor=garbage":                      "paging.cursor",
		"?parentFolderId=" + strings.Repeat("f", 101): "parentFolderId",
	}
	for q, field := range cases {
		resp, b := do(t, srv, "GET", "/site-media/v1/files"+q, "s1", nil, nil)
		wantViolation(t, resp, b, field)
	}
	resp, b := do(t, srv, "POST", "/site-media/v1/files/search", "s1", map[string]any{"paging": map[string]any{"limit": 500}}, nil)
	wantViolation(t, resp, b, "paging.limit")
	resp, b = do(t, srv, "POST", "/site-media/v1/files/search", "s1", map[string]any{"rootFolder": "NOPE"}, nil)
	wantViolation(t, resp, b, "rootFolder")
}

func TestBulkImport(t *testing.T) {
	t.Parallel()
	png := pngBytes(t, 4, 3)
	src := origin(t, map[string][]byte{"a.png": png})
	srv := newServer(t, Options{})

	resp, b := do(t, srv, "POST", "/site-media/v1/bulk/files/import-v2", "s1", wix.BulkImportFileRequest{}, nil)
	wantViolation(t, resp, b, "importFileRequests")
	resp, b = do(t, srv, "POST", "/site-media/v1/bulk/files/import-v2", "s1",
		wix.BulkImportFileRequest{ImportFileRequests: make([]wix.ImportFileRequest, 101)}, nil)
	wantViolation(t, resp, b, "importFileRequests")

	var out wix.BulkImportFileResponse
	req := wix.BulkImportFileRequest{ImportFileRequests: []wix.ImportFileRequest{
		{URL: src.URL + "/img/a.png", DisplayName: "one.png"},
		{URL: "not a url"},
		{URL: src.URL + "/img/a.png", DisplayName: "three.png", MediaType: wix.MediaImage},
	}}
	resp, b = do(t, srv, "POST", "/site-media/v1/bulk/files/import-v2", "s1", req, &out)
	if resp.StatusCode != 200 {
		t.Fatalf("bulk: %d %s", resp.StatusCode, b)
	}
	if got := out.BulkActionMetadata; got.TotalSuccesses != 2 || got.TotalFailures != 1 {
		t.Fatalf("metadata %+v", got)
	}
	bad := out.Results[1].ItemMetadata
	if bad.Success || bad.OriginalIndex != 1 || bad.Error == nil || bad.Error.Code == "" || !strings.Contains(bad.Error.Description, "url") {
		t.Fatalf("bad item %+v", bad)
	}
	for _, i := range []int{0, 2} {
		r := out.Results[i]
		if !r.ItemMetadata.Success || r.ItemMetadata.OriginalIndex != i || r.Item == nil || r.Item.ID != r.ItemMetadata.ID {
			t.Fatalf("item %d: %+v", i, r)
		}
		if r.Item.OperationStatus != wix.StatusPending || r.Item.Media != nil {
			t.Fatalf("item %d should be PENDING without media: %+v", i, r.Item)
		}
		if f := waitDone(t, srv, "s1", r.Item.ID); f.OperationStatus != wix.StatusReady {
			t.Fatalf("item %d ended %s", i, f.OperationStatus)
		}
	}

	// returnEntity false: results without items.
	no := false
	req.ReturnEntity = &no
	out = wix.BulkImportFileResponse{}
	do(t, srv, "POST", "/site-media/v1/bulk/files/import-v2", "s1", req, &out)
	if out.Results[0].Item != nil || out.Results[0].ItemMetadata.ID == "" {
		t.Fatalf("returnEntity=false: %+v", out.Results[0])
	}
}

var imageID = regexp.MustCompile(`^[0-9a-f]{6}_[0-9a-f]{32}~mv2\.png$`)

func TestImportReady(t *testing.T) {
	t.Parallel()
	png := pngBytes(t, 64, 48)
	src := origin(t, map[string][]byte{"a.png": png, "b.jpg": jpegBytes(t, 20, 10), "c.gif": gifBytes(t, 7, 5), "d.svg": []byte(svgDoc)})
	srv := newServer(t, Options{ProcessingDelay: Range{Min: time.Millisecond, Max: 5 * time.Millisecond}})

	f := importFile(t, srv, "site-a", wix.ImportFileRequest{URL: src.URL + "/img/a.png", Labels: []string{"mine"}})
	if f.OperationStatus != wix.StatusPending || !imageID.MatchString(f.ID) || f.URL != wix.MediaURLPrefix+f.ID ||
		f.DisplayName != "a.png" || f.ParentFolderID != wix.RootFolderMedia || f.SiteID != "site-a" || f.State != "OK" ||
		f.SourceURL != src.URL+"/img/a.png" || f.CreatedDate == nil || f.UpdatedDate == nil {
		t.Fatalf("pending descriptor: %+v", f)
	}
	done := waitDone(t, srv, "site-a", f.ID)
	sum := md5.Sum(png)
	if done.OperationStatus != wix.StatusReady || done.MediaType != wix.MediaImage ||
		done.SizeInBytes != strconv.Itoa(len(png)) || done.Hash != hex.EncodeToString(sum[:]) {
		t.Fatalf("ready descriptor: %+v", done)
	}
	if !done.UpdatedDate.After(*f.UpdatedDate) {
		t.Errorf("updatedDate did not move: %v -> %v", f.UpdatedDate, done.UpdatedDate)
	}
	if done.Media == nil || done.Media.Image == nil || done.Media.Image.Image.Width != 64 || done.Media.Image.Image.Height != 48 ||
		done.Media.Image.Image.ID != f.ID {
		t.Fatalf("media: %+v", done.Media)
	}
	if len(done.Labels) != 3 || done.Labels[0] != "mine" {
		t.Errorf("labels %v: want the user's label and two AI labels", done.Labels)
	}
	if !strings.HasPrefix(done.ThumbnailURL, srv.URL+"/media/") {
		t.Errorf("thumbnailUrl %q", done.ThumbnailURL)
	}
	// The stored bytes are served at /media/<id>.
	req, _ := http.NewRequest("GET", srv.URL+"/media/"+f.ID, nil)
	resp, b := send(t, req, nil)
	if resp.StatusCode != 200 || string(b) != string(png) || resp.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("/media: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}

	for name, want := range map[string][3]any{
		"b.jpg": {wix.MediaImage, 20, 10},
		"c.gif": {wix.MediaImage, 7, 5},
		"d.svg": {wix.MediaVector, 300, 150},
	} {
		f := waitDone(t, srv, "site-a", importFile(t, srv, "site-a", wix.ImportFileRequest{URL: src.URL + "/img/" + name}).ID)
		var im *wix.ImageMedia
		if f.Media != nil {
			im = f.Media.Image
			if f.MediaType == wix.MediaVector {
				im = f.Media.Vector
			}
		}
		if f.OperationStatus != wix.StatusReady || f.MediaType != want[0] || im == nil || im.Image.Width != want[1] || im.Image.Height != want[2] {
			t.Errorf("%s: %+v media %+v", name, f, im)
		}
	}
	// A redirect is followed.
	if f := waitDone(t, srv, "site-a", importFile(t, srv, "site-a", wix.ImportFileRequest{URL: src.URL + "/redirect"}).ID); f.OperationStatus != wix.StatusReady {
		t.Errorf("redirect: %s", f.OperationStatus)
	}
}

// TestImportFailed imports sources Wix cannot take; a source that never
// answers is TestImportTimeout's.
func TestImportFailed(t *testing.T) {
	t.Parallel()
	src := origin(t, map[string][]byte{"a.png": pngBytes(t, 2, 2), "big.png": pngBytes(t, 300, 300), "broken.png": []byte("\x89PNG\r\n\x1a\nbroken")})
	srv := newServer(t, Options{MaxFetchBytes: 1000})
	cases := map[string]wix.ImportFileRequest{
		"404":                {URL: src.URL + "/img/missing.png"},
		"403 to sim":         {URL: src.URL + "/hotlink"},
		"html":               {URL: src.URL + "/html"},
		"text":               {URL: src.URL + "/text"},
		"declared video":     {URL: src.URL + "/img/a.png", MediaType: wix.MediaVideo},
		"too large":          {URL: src.URL + "/img/big.png"},
		"connection refused": {URL: "http://127.0.0.1:1/a.png"},
		"broken image":       {URL: src.URL + "/img/broken.png"},
	}
	for name, req := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := waitDone(t, srv, "s1", importFile(t, srv, "s1", req).ID)
			if f.OperationStatus != wix.StatusFailed || f.Media != nil {
				t.Fatalf("ended %s: %+v", f.OperationStatus, f)
			}
		})
	}
}

// TestImportTimeout imports a source that never answers: the import stays
// PENDING until FetchTimeout is over, then fails, without media. In
// virtual time, so the timeout is exact whatever the machine's load.
func TestImportTimeout(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		const timeout = 200 * time.Millisecond
		c, _ := inProcessClient(t, Options{FetchTimeout: timeout}, nil)
		ctx := context.Background()
		f, err := c.ImportFile(ctx, &wix.ImportFileRequest{URL: "http://origin.test/slow"})
		if err != nil {
			t.Fatal(err)
		}
		status := func() *wix.File {
			t.Helper()
			synctest.Wait()
			got, err := c.GetFile(ctx, f.ID)
			if err != nil {
				t.Fatal(err)
			}
			return got
		}
		time.Sleep(timeout - time.Millisecond)
		if got := status(); got.OperationStatus != wix.StatusPending {
			t.Fatalf("before the fetch timeout: %s, want PENDING", got.OperationStatus)
		}
		time.Sleep(time.Millisecond)
		if got := status(); got.OperationStatus != wix.StatusFailed || got.Media != nil {
			t.Fatalf("after the fetch timeout: %s %+v, want FAILED without media", got.OperationStatus, got.Media)
		}
	})
}
