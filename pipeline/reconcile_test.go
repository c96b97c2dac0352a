package pipeline

import (
	"strings"
	"testing"

	"github.com/wixmigrate/wixmigrate/report"
	"github.com/wixmigrate/wixmigrate/wix"
)

// TestMatch is which file reconciliation adopts for an import whose answer
// was lost: an upload by name (local files, and fallbacks when the run makes
// them), else a URL import by source and name; never a file already
// claimed; a FAILED file only when nothing better is there.
func TestMatch(t *testing.T) {
	t.Parallel()
	const src = "https://old.example/a.jpg"
	file := func(id, source, name string, status wix.OperationStatus) *wix.File {
		return &wix.File{ID: id, SourceURL: source, DisplayName: name, OperationStatus: status}
	}
	imported := file("imp", src, "a.jpg", wix.StatusReady)
	importFailed := file("impF", src, "a.jpg", wix.StatusFailed)
	otherName := file("other", src, "b.jpg", wix.StatusReady)
	uploaded := file("up", "", "a.jpg", wix.StatusPending)
	uploadFailed := file("upF", "", "a.jpg", wix.StatusFailed)
	local := file("local", "", "photo.png", wix.StatusReady)

	urlJob := job{req: wix.ImportFileRequest{URL: src, DisplayName: "a.jpg"}}
	unnamedJob := job{req: wix.ImportFileRequest{URL: src}}
	localJob := job{req: wix.ImportFileRequest{}, local: "/media/photo.png"}

	cases := []struct {
		name       string
		j          job
		bySource   []*wix.File
		byName     []*wix.File
		claimed    []string
		fallback   bool
		wantID     string
		wantMethod report.Method
	}{
		{"URL import by source and name", urlJob, []*wix.File{otherName, imported}, nil, nil, false, "imp", report.MethodImport},
		{"a name Wix chose matches any", unnamedJob, []*wix.File{otherName}, nil, nil, false, "other", report.MethodImport},
		{"another name is another import", urlJob, []*wix.File{otherName}, nil, nil, false, "", report.MethodImport},
		{"READY preferred over FAILED", urlJob, []*wix.File{importFailed, imported}, nil, nil, false, "imp", report.MethodImport},
		{"FAILED when nothing else", urlJob, []*wix.File{importFailed}, nil, nil, false, "impF", report.MethodImport},
		{"claimed files are not adopted twice", urlJob, []*wix.File{imported}, nil, []string{"imp"}, false, "", report.MethodImport},
		{"a fallback upload by name", urlJob, []*wix.File{importFailed}, []*wix.File{uploaded}, nil, true, "up", report.MethodFallbackUpload},
		{"no fallback uploads, names are not looked at", urlJob, []*wix.File{importFailed}, []*wix.File{uploaded}, nil, false, "impF", report.MethodImport},
		{"a FAILED upload is not the fallback: the import is", urlJob, []*wix.File{importFailed}, []*wix.File{uploadFailed}, nil, true, "impF", report.MethodImport},
		{"a local file by its name", localJob, nil, []*wix.File{local}, nil, false, "local", report.MethodUpload},
		{"a local file is never a URL import", localJob, []*wix.File{imported}, nil, nil, false, "", report.MethodNone},
	}
	for _, c := range cases {
		bySource := map[string][]*wix.File{src: c.bySource}
		byName := map[string][]*wix.File{}
		for _, f := range c.byName {
			byName[f.DisplayName] = append(byName[f.DisplayName], f)
		}
		claimed := map[string]bool{}
		for _, id := range c.claimed {
			claimed[id] = true
		}
		f, method := match(c.j, bySource, byName, claimed, c.fallback)
		id := ""
		if f != nil {
			id = f.ID
		}
		if id != c.wantID || (f != nil && method != c.wantMethod) {
			t.Errorf("%s: adopted %q by %v, want %q by %v", c.name, id, method, c.wantID, c.wantMethod)
		}
	}
}

func TestSearchTermAndUploadName(t *testing.T) {
	t.Parallel()
	long, cut := strings.Repeat("é", 300), strings.Repeat("é", 255) // Wix keeps 255 characters
	cases := []struct {
		j          job
		term, name string
	}{
		{job{req: wix.ImportFileRequest{URL: "https://x.test/dir/photo.jpg?v=2"}}, "photo.jpg", "photo.jpg"},
		{job{req: wix.ImportFileRequest{URL: "https://x.test/"}}, "https://x.test/", "https://x.test/"},
		{job{req: wix.ImportFileRequest{URL: "https://x.test/a.jpg", DisplayName: "Nice"}}, "Nice", "Nice"},
		{job{req: wix.ImportFileRequest{DisplayName: long}}, cut, cut},
		{job{local: "/m/pic.png"}, "", "pic.png"},
	}
	for _, c := range cases {
		if c.j.local == "" {
			if got := searchTerm(&c.j.req); got != c.term {
				t.Errorf("searchTerm(%q) = %q, want %q", c.j.req.URL, got, c.term)
			}
		}
		if got := uploadName(c.j); got != c.name {
			t.Errorf("uploadName(%+v) = %q, want %q", c.j.req, got, c.name)
		}
	}
}
