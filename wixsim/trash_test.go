package wixsim

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/wixmigrate/wixmigrate/wix"
)

// fileIDs returns the IDs of files, sorted.
func fileIDs(files []wix.File) []string {
	out := make([]string, len(files))
	for i, f := range files {
		out[i] = f.ID
	}
	slices.Sort(out)
	return out
}

func sorted(s ...string) []string { slices.Sort(s); return s }

func search(t *testing.T, srv *Server, site, root string) []wix.File {
	t.Helper()
	var out wix.SearchFilesResponse
	resp, b := do(t, srv, "POST", "/site-media/v1/files/search", site, wix.SearchFilesRequest{RootFolder: root}, &out)
	if resp.StatusCode != 200 {
		t.Fatalf("search %s: %d %s", root, resp.StatusCode, b)
	}
	return out.Files
}

func listDeleted(t *testing.T, srv *Server, site string, q url.Values) []wix.File {
	t.Helper()
	var out wix.ListFilesResponse
	resp, b := do(t, srv, "GET", "/site-media/v1/trash-bin/files?"+q.Encode(), site, nil, &out)
	if resp.StatusCode != 200 {
		t.Fatalf("list deleted: %d %s", resp.StatusCode, b)
	}
	return out.Files
}

func trashCall(t *testing.T, srv *Server, path string, body any) (*http.Response, []byte) {
	t.Helper()
	return do(t, srv, "POST", path, "s1", body, nil)
}

const (
	deletePath  = "/site-media/v1/bulk/files/delete"
	restorePath = "/site-media/v1/bulk/trash-bin/files/restore"
)

func TestTrashBin(t *testing.T) {
	t.Parallel()
	src := origin(t, map[string][]byte{"a.png": pngBytes(t, 2, 2)})
	srv := newServer(t, Options{})
	root := waitDone(t, srv, "s1", importFile(t, srv, "s1", wix.ImportFileRequest{URL: src.URL + "/img/a.png", DisplayName: "root.png"}).ID)
	sub := waitDone(t, srv, "s1", importFile(t, srv, "s1", wix.ImportFileRequest{URL: src.URL + "/img/a.png", DisplayName: "sub.png", FilePath: "/sub"}).ID)
	failed := waitDone(t, srv, "s1", importFile(t, srv, "s1", wix.ImportFileRequest{URL: src.URL + "/404", DisplayName: "failed.png"}).ID)
	kept := waitDone(t, srv, "s1", importFile(t, srv, "s1", wix.ImportFileRequest{URL: src.URL + "/img/a.png", DisplayName: "kept.png"}).ID)
	if failed.OperationStatus != wix.StatusFailed {
		t.Fatalf("setup: %s is %s", failed.DisplayName, failed.OperationStatus)
	}

	// A file can be named by its wix: media URL too.
	resp, b := trashCall(t, srv, deletePath, map[string]any{
		"fileIds": []string{root.ID, "wix:image://v1/" + sub.ID + "/sub.png#originWidth=2&originHeight=2", failed.ID}, "permanent": false})
	if resp.StatusCode != 200 || strings.TrimSpace(string(b)) != "{}" {
		t.Fatalf("bulk delete: %d %s", resp.StatusCode, b)
	}
	if got := fileIDs(list(t, srv, "s1", nil).Files); !slices.Equal(got, []string{kept.ID}) {
		t.Errorf("List Files of media-root shows %v, want only %s", got, kept.ID)
	}
	if got := fileIDs(list(t, srv, "s1", url.Values{"parentFolderId": {sub.ParentFolderID}}).Files); len(got) != 0 {
		t.Errorf("List Files of the subfolder shows %v after delete", got)
	}
	if got := fileIDs(search(t, srv, "s1", wix.RootMedia)); !slices.Equal(got, []string{kept.ID}) {
		t.Errorf("Search Files of MEDIA_ROOT shows %v, want only %s", got, kept.ID)
	}
	if got, want := fileIDs(search(t, srv, "s1", wix.RootTrash)), sorted(root.ID, sub.ID, failed.ID); !slices.Equal(got, want) {
		t.Errorf("Search Files of TRASH_ROOT shows %v, want %v", got, want)
	}
	deleted := listDeleted(t, srv, "s1", nil)
	if got, want := fileIDs(deleted), sorted(root.ID, failed.ID); !slices.Equal(got, want) {
		t.Errorf("List Deleted Files (media-root) shows %v, want %v", got, want)
	}
	for _, f := range deleted {
		if f.State != "DELETED" {
			t.Errorf("a trashed file's state is %q", f.State)
		}
	}
	if got := fileIDs(listDeleted(t, srv, "s1", url.Values{"parentFolderId": {sub.ParentFolderID}})); !slices.Equal(got, []string{sub.ID}) {
		t.Errorf("List Deleted Files of the subfolder shows %v", got)
	}
	if got := getFile(t, srv, "s1", root.ID); got.State != "DELETED" || got.OperationStatus != wix.StatusReady {
		t.Errorf("Get File of a trashed file: state %q status %s", got.State, got.OperationStatus)
	}
	// As on Wix, a trashed file still serves its bytes.
	if resp, err := http.Get(srv.URL + "/media/" + root.ID); err != nil || resp.StatusCode != 200 {
		t.Errorf("media of a trashed file: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}

	// Deleting a file already in the trash is no error.
	if resp, b := trashCall(t, srv, deletePath, map[string]any{"fileIds": []string{root.ID}}); resp.StatusCode != 200 {
		t.Errorf("deleting a trashed file again: %d %s", resp.StatusCode, b)
	}
	// An unknown ID fails the call, names the ID, and changes nothing.
	resp, b = trashCall(t, srv, deletePath, map[string]any{"fileIds": []string{kept.ID, "nope"}})
	if e := errorBody(t, b); resp.StatusCode != 404 || e.Details.ApplicationError == nil || !strings.Contains(e.Message, "nope") {
		t.Errorf("unknown ID: %d %s", resp.StatusCode, b)
	}
	if got := fileIDs(list(t, srv, "s1", nil).Files); !slices.Equal(got, []string{kept.ID}) {
		t.Errorf("a refused delete changed List Files: %v", got)
	}
	for _, bad := range []map[string]any{{"fileIds": []string{}}, {"fileIds": make([]string, wix.MaxBulkDelete+1)}} {
		resp, b := trashCall(t, srv, deletePath, bad)
		wantViolation(t, resp, b, "fileIds")
		resp, b = trashCall(t, srv, restorePath, bad)
		wantViolation(t, resp, b, "fileIds")
	}

	// Restore brings files back where they were; a live file is left alone.
	if resp, b := trashCall(t, srv, restorePath, map[string]any{"fileIds": []string{root.ID, sub.ID, kept.ID}}); resp.StatusCode != 200 {
		t.Fatalf("restore: %d %s", resp.StatusCode, b)
	}
	if got, want := fileIDs(list(t, srv, "s1", nil).Files), sorted(root.ID, kept.ID); !slices.Equal(got, want) {
		t.Errorf("after restore, List Files shows %v, want %v", got, want)
	}
	if got := fileIDs(list(t, srv, "s1", url.Values{"parentFolderId": {sub.ParentFolderID}}).Files); !slices.Equal(got, []string{sub.ID}) {
		t.Errorf("after restore, the subfolder shows %v", got)
	}
	if got := fileIDs(search(t, srv, "s1", wix.RootTrash)); !slices.Equal(got, []string{failed.ID}) {
		t.Errorf("after restore, TRASH_ROOT shows %v", got)
	}
	if got := getFile(t, srv, "s1", root.ID); got.State != "OK" {
		t.Errorf("a restored file's state is %q", got.State)
	}

	// Permanent deletion: gone from everywhere, and from the counts.
	before := srv.Sim.Stats().Files
	if resp, b := trashCall(t, srv, deletePath, map[string]any{"fileIds": []string{failed.ID, kept.ID}, "permanent": true}); resp.StatusCode != 200 {
		t.Fatalf("permanent delete: %d %s", resp.StatusCode, b)
	}
	if resp, _ := do(t, srv, "GET", "/site-media/v1/files/get-file-by-id?fileId="+kept.ID, "s1", nil, nil); resp.StatusCode != 404 {
		t.Errorf("a file deleted for good: Get File answers %d", resp.StatusCode)
	}
	if got := fileIDs(search(t, srv, "s1", wix.RootTrash)); len(got) != 0 {
		t.Errorf("TRASH_ROOT after permanent delete: %v", got)
	}
	if got := fileIDs(list(t, srv, "s1", nil).Files); !slices.Equal(got, []string{root.ID}) {
		t.Errorf("List Files after permanent delete: %v", got)
	}
	after := srv.Sim.Stats().Files
	if after.Ready != before.Ready-1 || after.Failed != before.Failed-1 {
		t.Errorf("file counts %+v -> %+v, want one READY and one FAILED fewer", before, after)
	}
	// The trash is per site.
	if got := search(t, srv, "s2", wix.RootTrash); len(got) != 0 {
		t.Errorf("another site sees %d trashed files", len(got))
	}
	if resp, _ := do(t, srv, "POST", deletePath, "s2", map[string]any{"fileIds": []string{root.ID}}, nil); resp.StatusCode != 404 {
		t.Errorf("another site deleted a file of s1: %d", resp.StatusCode)
	}
}

// TestTrashedWhileProcessing: a file trashed while PENDING finishes in the
// trash, and one deleted for good never comes back.
func TestTrashedWhileProcessing(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	src := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-release
		w.Write(pngBytes(t, 2, 2))
	}))
	t.Cleanup(src.Close)
	srv := newServer(t, Options{})
	trashed := importFile(t, srv, "s1", wix.ImportFileRequest{URL: src.URL + "/a.png"})
	gone := importFile(t, srv, "s1", wix.ImportFileRequest{URL: src.URL + "/b.png"})
	trashCall(t, srv, deletePath, map[string]any{"fileIds": []string{trashed.ID}})
	trashCall(t, srv, deletePath, map[string]any{"fileIds": []string{gone.ID}, "permanent": true})
	close(release)
	if f := waitDone(t, srv, "s1", trashed.ID); f.OperationStatus != wix.StatusReady || f.State != "DELETED" {
		t.Errorf("trashed while processing: %s %s", f.OperationStatus, f.State)
	}
	if got := fileIDs(search(t, srv, "s1", wix.RootMedia)); len(got) != 0 {
		t.Errorf("MEDIA_ROOT shows %v", got)
	}
	if got := fileIDs(search(t, srv, "s1", wix.RootTrash)); !slices.Equal(got, []string{trashed.ID}) {
		t.Errorf("TRASH_ROOT shows %v, want only %s", got, trashed.ID)
	}
}

func TestImportSendsURLHeadersAndParams(t *testing.T) {
	t.Parallel()
	png := pngBytes(t, 2, 2)
	guarded := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Referer() != "https://old.example/" || r.Header.Get("X-Token") != "t0k" || r.URL.Query().Get("sig") != "s1g" {
			http.Error(w, "hotlinking forbidden", http.StatusForbidden)
			return
		}
		w.Write(png)
	}))
	t.Cleanup(guarded.Close)
	srv := newServer(t, Options{})
	with := importFile(t, srv, "s1", wix.ImportFileRequest{URL: guarded.URL + "/a.png",
		URLHeaders: map[string]any{"Referer": "https://old.example/", "X-Token": "t0k"},
		URLParams:  map[string]any{"sig": "s1g"}})
	without := importFile(t, srv, "s1", wix.ImportFileRequest{URL: guarded.URL + "/a.png"})
	if f := waitDone(t, srv, "s1", with.ID); f.OperationStatus != wix.StatusReady {
		t.Errorf("with urlHeaders and urlParams: %s", f.OperationStatus)
	}
	if f := waitDone(t, srv, "s1", without.ID); f.OperationStatus != wix.StatusFailed {
		t.Errorf("without them: %s", f.OperationStatus)
	}
}

func TestUnknownSite(t *testing.T) {
	t.Parallel()
	srv := newServer(t, Options{Sites: []string{"s1"}})
	if got := list(t, srv, "s1", nil); len(got.Files) != 0 {
		t.Fatalf("known site: %+v", got)
	}
	resp, b := do(t, srv, "GET", "/site-media/v1/files", "other", nil, nil)
	if e := errorBody(t, b); resp.StatusCode != 404 || e.Details.ApplicationError == nil || e.Details.ApplicationError.Code != "SITE_NOT_FOUND" {
		t.Errorf("unknown site: %d %s", resp.StatusCode, b)
	}
}
