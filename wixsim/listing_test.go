package wixsim

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/wixmigrate/wixmigrate/wix"
)

func list(t *testing.T, srv *Server, site string, q url.Values) wix.ListFilesResponse {
	t.Helper()
	var out wix.ListFilesResponse
	resp, b := do(t, srv, "GET", "/site-media/v1/files?"+q.Encode(), site, nil, &out)
	if resp.StatusCode != 200 {
		t.Fatalf("list %s: %d %s", q.Encode(), resp.StatusCode, b)
	}
	return out
}

// listAll pages through a listing and returns the display names in order.
func listAll(t *testing.T, srv *Server, site string, q url.Values) []string {
	t.Helper()
	var names []string
	for pages := 0; ; pages++ {
		if pages > 1000 {
			t.Fatal("paging does not end")
		}
		out := list(t, srv, site, q)
		for _, f := range out.Files {
			names = append(names, f.DisplayName)
		}
		next := out.Next()
		if next == "" {
			return names
		}
		q.Set("paging.cursor", next)
	}
}

func TestSiteIsolation(t *testing.T) {
	t.Parallel()
	srv := newServer(t, Options{})
	f := importFile(t, srv, "site-a", wix.ImportFileRequest{URL: "http://127.0.0.1:1/a.png"})
	if got := list(t, srv, "site-b", nil); len(got.Files) != 0 {
		t.Fatalf("site-b sees %d files of site-a", len(got.Files))
	}
	if got := list(t, srv, "site-a", nil); len(got.Files) != 1 {
		t.Fatalf("site-a sees %d files", len(got.Files))
	}
	resp, b := do(t, srv, "GET", "/site-media/v1/files/get-file-by-id?fileId="+f.ID, "site-b", nil, nil)
	if resp.StatusCode != 404 || errorBody(t, b).Details.ApplicationError == nil {
		t.Fatalf("get from other site: %d %s", resp.StatusCode, b)
	}
	resp, _ = do(t, srv, "POST", "/site-media/v1/files/get-files", "site-b", wix.GetFilesRequest{FileIDs: []string{f.ID}}, nil)
	if resp.StatusCode != 404 {
		t.Fatalf("get-files from other site: %d", resp.StatusCode)
	}
	var s wix.SearchFilesResponse
	do(t, srv, "POST", "/site-media/v1/files/search", "site-b", wix.SearchFilesRequest{Search: "a"}, &s)
	if len(s.Files) != 0 {
		t.Fatal("search crosses sites")
	}
}

func TestFoldersFromFilePath(t *testing.T) {
	t.Parallel()
	srv := newServer(t, Options{})
	a := importFile(t, srv, "s1", wix.ImportFileRequest{URL: "http://127.0.0.1:1/a.png", FilePath: "/products/2024"})
	b := importFile(t, srv, "s1", wix.ImportFileRequest{URL: "http://127.0.0.1:1/b.png", FilePath: "products/2024/"})
	c := importFile(t, srv, "s1", wix.ImportFileRequest{URL: "http://127.0.0.1:1/c.png", FilePath: "/products"})
	other := importFile(t, srv, "s2", wix.ImportFileRequest{URL: "http://127.0.0.1:1/a.png", FilePath: "/products/2024"})
	if a.ParentFolderID == wix.RootFolderMedia || a.ParentFolderID == "" || a.ParentFolderID != b.ParentFolderID {
		t.Fatalf("same path, folders %q and %q", a.ParentFolderID, b.ParentFolderID)
	}
	if c.ParentFolderID == a.ParentFolderID || other.ParentFolderID == a.ParentFolderID {
		t.Fatal("different paths or sites share a folder")
	}
	got := listAll(t, srv, "s1", url.Values{"parentFolderId": {a.ParentFolderID}, "sort.fieldName": {"displayName"}})
	if strings.Join(got, ",") != "a.png,b.png" {
		t.Fatalf("folder lists %v", got)
	}
	if root := list(t, srv, "s1", nil); len(root.Files) != 0 {
		t.Fatalf("media-root lists %d files in subfolders", len(root.Files))
	}
	// filePath is rooted at parentFolderId.
	d := importFile(t, srv, "s1", wix.ImportFileRequest{URL: "http://127.0.0.1:1/d.png", ParentFolderID: c.ParentFolderID, FilePath: "/2024"})
	if d.ParentFolderID != a.ParentFolderID {
		t.Fatalf("parentFolderId + filePath: %q, want %q", d.ParentFolderID, a.ParentFolderID)
	}
}

func TestListPagingStableWhileFilesChange(t *testing.T) {
	t.Parallel()
	src := origin(t, map[string][]byte{"a.png": pngBytes(t, 3, 3)})
	srv := newServer(t, Options{ProcessingDelay: Range{Max: 30 * time.Millisecond}})
	const n = 40
	ids := map[string]bool{}
	for i := range n {
		u := src.URL + "/img/a.png"
		if i%3 == 0 {
			u = src.URL + "/html" // will fail
		}
		f := importFile(t, srv, "s1", wix.ImportFileRequest{URL: u, DisplayName: fmt.Sprintf("f%03d.png", i)})
		ids[f.ID] = true
	}
	// Page by name while files move from PENDING to READY/FAILED: every file
	// appears exactly once, in order.
	got := listAll(t, srv, "s1", url.Values{"sort.fieldName": {"displayName"}, "sort.order": {"ASC"}, "paging.limit": {"7"}})
	if len(got) != n {
		t.Fatalf("got %d files, want %d: %v", len(got), n, got)
	}
	for i, name := range got {
		if name != fmt.Sprintf("f%03d.png", i) {
			t.Fatalf("position %d: %s", i, name)
		}
	}
	// Default order (updatedDate DESC) never repeats a file even though
	// status changes move files to the front.
	seen := map[string]bool{}
	for _, name := range listAll(t, srv, "s1", url.Values{"paging.limit": {"5"}}) {
		if seen[name] {
			t.Fatalf("%s listed twice", name)
		}
		seen[name] = true
	}
}

func TestListSortsAndFilters(t *testing.T) {
	t.Parallel()
	src := origin(t, map[string][]byte{"s.png": pngBytes(t, 1, 1), "m.png": pngBytes(t, 40, 40), "l.png": pngBytes(t, 200, 100), "v.svg": []byte(svgDoc)})
	srv := newServer(t, Options{})
	yes := true
	for _, r := range []wix.ImportFileRequest{
		{URL: src.URL + "/img/m.png", DisplayName: "Bravo.png"},
		{URL: src.URL + "/img/s.png", DisplayName: "alpha.png", Private: &yes},
		{URL: src.URL + "/img/l.png", DisplayName: "Charlie.png"},
		{URL: src.URL + "/img/v.svg", DisplayName: "delta.svg"},
	} {
		waitDone(t, srv, "s1", importFile(t, srv, "s1", r).ID)
	}
	check := func(q url.Values, want string) {
		t.Helper()
		if got := strings.Join(listAll(t, srv, "s1", q), ","); got != want {
			t.Errorf("%s: got %s, want %s", q.Encode(), got, want)
		}
	}
	check(url.Values{"sort.fieldName": {"sizeInBytes"}, "sort.order": {"ASC"}, "mediaTypes": {"IMAGE"}}, "alpha.png,Bravo.png,Charlie.png")
	check(url.Values{"sort.fieldName": {"sizeInBytes"}, "sort.order": {"DESC"}, "mediaTypes": {"IMAGE"}, "paging.limit": {"1"}}, "Charlie.png,Bravo.png,alpha.png")
	check(url.Values{"sort.fieldName": {"displayName"}, "sort.order": {"DESC"}}, "delta.svg,alpha.png,Charlie.png,Bravo.png")
	check(url.Values{"mediaTypes": {"VECTOR"}}, "delta.svg")
	check(url.Values{"mediaTypes": {"VECTOR", "IMAGE"}, "private": {"true"}}, "alpha.png")
	check(url.Values{"private": {"false"}, "sort.fieldName": {"displayName"}}, "Bravo.png,Charlie.png,delta.svg")
	// Default order: most recently updated first.
	out := list(t, srv, "s1", nil)
	for i := 1; i < len(out.Files); i++ {
		if out.Files[i].UpdatedDate.After(*out.Files[i-1].UpdatedDate) {
			t.Fatal("default order is not updatedDate DESC")
		}
	}
	// The last page has no next cursor.
	_, b := do(t, srv, "GET", "/site-media/v1/files", "s1", nil, nil)
	if !strings.Contains(string(b), `"nextCursor":{"cursors":{}}`) {
		t.Errorf("last page: %s", b)
	}

	// Search: case-insensitive substring of displayName, whole site.
	var s wix.SearchFilesResponse
	do(t, srv, "POST", "/site-media/v1/files/search", "s1", wix.SearchFilesRequest{Search: "ALPH"}, &s)
	if len(s.Files) != 1 || s.Files[0].DisplayName != "alpha.png" {
		t.Fatalf("search: %+v", s.Files)
	}
	var names []string
	req := wix.SearchFilesRequest{Search: ".PNG", Sort: &wix.Sorting{FieldName: "displayName"}, Paging: &wix.CursorPaging{Limit: 2}}
	for {
		s = wix.SearchFilesResponse{}
		do(t, srv, "POST", "/site-media/v1/files/search", "s1", req, &s)
		for _, f := range s.Files {
			names = append(names, f.DisplayName)
		}
		if s.Next() == "" {
			break
		}
		req.Paging.Cursor = s.Next()
	}
	if strings.Join(names, ",") != "Bravo.png,Charlie.png,alpha.png" {
		t.Fatalf("search paging: %v", names)
	}
	do(t, srv, "POST", "/site-media/v1/files/search", "s1", wix.SearchFilesRequest{RootFolder: wix.RootTrash}, &s)
	if len(s.Files) != 0 {
		t.Fatal("trash is not empty")
	}
}

func TestGetFiles(t *testing.T) {
	t.Parallel()
	srv := newServer(t, Options{})
	a := importFile(t, srv, "s1", wix.ImportFileRequest{URL: "http://127.0.0.1:1/a.png"})
	b := importFile(t, srv, "s1", wix.ImportFileRequest{URL: "http://127.0.0.1:1/b.png"})
	var out wix.GetFilesResponse
	resp, body := do(t, srv, "POST", "/site-media/v1/files/get-files", "s1", wix.GetFilesRequest{FileIDs: []string{b.ID, a.ID}}, &out)
	if resp.StatusCode != 200 || len(out.Files) != 2 || out.Files[0].ID != b.ID || out.Files[1].ID != a.ID {
		t.Fatalf("get-files: %d %s", resp.StatusCode, body)
	}
	resp, body = do(t, srv, "POST", "/site-media/v1/files/get-files", "s1", wix.GetFilesRequest{FileIDs: []string{a.ID, "nope"}}, nil)
	if e := errorBody(t, body); resp.StatusCode != 404 || !strings.Contains(fmt.Sprint(e.Details.ApplicationError.Data), "nope") {
		t.Fatalf("unknown id: %d %s", resp.StatusCode, body)
	}
	resp, body = do(t, srv, "POST", "/site-media/v1/files/get-files", "s1", wix.GetFilesRequest{}, nil)
	wantViolation(t, resp, body, "fileIds")
	resp, body = do(t, srv, "GET", "/site-media/v1/files/get-file-by-id", "s1", nil, nil)
	wantViolation(t, resp, body, "fileId")
	// A Wix media URL works as an ID.
	if f := getFile(t, srv, "s1", url.QueryEscape("wix:image://v1/"+a.ID+"/a.png#originWidth=1")); f.ID != a.ID {
		t.Fatalf("media URL resolved to %s", f.ID)
	}
}

// searchAll pages through Search Files with req and returns the files.
func searchAll(t *testing.T, srv *Server, site string, req wix.SearchFilesRequest) []wix.File {
	t.Helper()
	var files []wix.File
	for pages := 0; ; pages++ {
		if pages > 1000 {
			t.Fatal("paging does not end")
		}
		var out wix.SearchFilesResponse
		if resp, b := do(t, srv, "POST", "/site-media/v1/files/search", site, req, &out); resp.StatusCode != 200 {
			t.Fatalf("search: %d %s", resp.StatusCode, b)
		}
		files = append(files, out.Files...)
		next := out.Next()
		if next == "" {
			return files
		}
		// As the SDK does: the cursor alone carries the query on.
		req = wix.SearchFilesRequest{Paging: &wix.CursorPaging{Limit: req.Paging.Limit, Cursor: next}}
	}
}

// Search Files with no text lists the whole site, every folder, newest
// updated first, and its cursor pages through all of it.
func TestSearchSpansFoldersByUpdatedDate(t *testing.T) {
	t.Parallel()
	src := origin(t, map[string][]byte{"a.png": pngBytes(t, 3, 3)})
	srv := newServer(t, Options{})
	want := map[string]bool{}
	for i := range 9 {
		f := importFile(t, srv, "s1", wix.ImportFileRequest{URL: src.URL + "/img/a.png",
			DisplayName: fmt.Sprintf("f%d.png", i), FilePath: fmt.Sprintf("/shop/p%d", i%3)})
		want[f.ID] = true
	}
	for id := range want {
		waitDone(t, srv, "s1", id)
	}
	got := searchAll(t, srv, "s1", wix.SearchFilesRequest{RootFolder: wix.RootMedia,
		Sort: &wix.Sorting{FieldName: "updatedDate", Order: wix.SortDesc}, Paging: &wix.CursorPaging{Limit: 2}})
	if len(got) != len(want) {
		t.Fatalf("search found %d files, want %d", len(got), len(want))
	}
	folders := map[string]bool{}
	for i, f := range got {
		if !want[f.ID] || f.OperationStatus != wix.StatusReady {
			t.Errorf("unexpected %s %s", f.ID, f.OperationStatus)
		}
		delete(want, f.ID)
		folders[f.ParentFolderID] = true
		if i > 0 && f.UpdatedDate.After(*got[i-1].UpdatedDate) {
			t.Errorf("position %d updated %v after %v: not newest first", i, f.UpdatedDate, got[i-1].UpdatedDate)
		}
	}
	if len(folders) != 3 {
		t.Errorf("search covered %d folders, want 3", len(folders))
	}
}

// With ListLag, Get File Descriptor shows a status change at once while
// List Files and Search Files keep the file PENDING at its old place until
// the lag is over; then it appears with the updatedDate of the change. In
// virtual time, so the moments of each read are exact whatever the
// machine's load: the file turns READY 100ms after its import, listings
// show it 1s after that.
func TestListLag(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		c, sim := inProcessClient(t, Options{
			ProcessingDelay: Range{Min: 100 * time.Millisecond, Max: 100 * time.Millisecond},
			ListLag:         Range{Min: time.Second, Max: time.Second},
		}, map[string][]byte{"a.png": pngBytes(t, 3, 3)})
		ctx := context.Background()
		f, err := c.ImportFile(ctx, &wix.ImportFileRequest{URL: "http://origin.test/img/a.png", DisplayName: "a.png"})
		if err != nil {
			t.Fatal(err)
		}
		listed := func() (wix.File, wix.File) {
			t.Helper()
			l, err := c.ListFiles(ctx, &wix.ListFilesRequest{})
			if err != nil {
				t.Fatal(err)
			}
			s, err := c.SearchFiles(ctx, &wix.SearchFilesRequest{Paging: &wix.CursorPaging{Limit: 100}})
			if err != nil {
				t.Fatal(err)
			}
			if len(l.Files) != 1 || len(s.Files) != 1 {
				t.Fatalf("listed %d, searched %d files, want 1", len(l.Files), len(s.Files))
			}
			return l.Files[0], s.Files[0]
		}
		time.Sleep(100 * time.Millisecond) // processing is over
		synctest.Wait()
		done, err := c.GetFile(ctx, f.ID)
		if err != nil {
			t.Fatal(err)
		}
		if done.OperationStatus != wix.StatusReady || done.Media == nil {
			t.Fatalf("by ID after processing: %s %+v, want READY with media", done.OperationStatus, done.Media)
		}
		if sim.Stats().Files.Pending != 0 {
			t.Errorf("stats: %d pending after processing", sim.Stats().Files.Pending)
		}
		time.Sleep(999 * time.Millisecond) // the last moment of the lag
		synctest.Wait()
		l, s := listed()
		if l.OperationStatus != wix.StatusPending || s.OperationStatus != wix.StatusPending {
			t.Errorf("during the lag: list %s, search %s, want PENDING", l.OperationStatus, s.OperationStatus)
		}
		if !l.UpdatedDate.Equal(*f.UpdatedDate) || !s.UpdatedDate.Equal(*f.UpdatedDate) {
			t.Errorf("during the lag the listings show updatedDate %v / %v, want the old %v", l.UpdatedDate, s.UpdatedDate, f.UpdatedDate)
		}
		time.Sleep(time.Millisecond) // the lag is over
		synctest.Wait()
		l, s = listed()
		if l.OperationStatus != wix.StatusReady || s.OperationStatus != wix.StatusReady {
			t.Errorf("after the lag: list %s, search %s, want READY", l.OperationStatus, s.OperationStatus)
		}
		if !l.UpdatedDate.Equal(*done.UpdatedDate) || !s.UpdatedDate.Equal(*done.UpdatedDate) {
			t.Errorf("after the lag: updated %v / %v, want %v (the change's time, already past)", l.UpdatedDate, s.UpdatedDate, done.UpdatedDate)
		}
		if !done.UpdatedDate.After(*f.UpdatedDate) {
			t.Errorf("READY updatedDate %v not after the PENDING one %v", done.UpdatedDate, f.UpdatedDate)
		}
	})
}
