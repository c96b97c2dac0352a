package report

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wixmigrate/wixmigrate/manifest"
	"github.com/wixmigrate/wixmigrate/wix"
)

// outcomeCases are outcomes of every kind, as a run leaves them.
func outcomeCases() map[string]Outcome {
	sent := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
	updated := sent.Add(time.Minute)
	file := func(st wix.OperationStatus) *wix.File {
		return &wix.File{ID: "f1.png", ParentFolderID: "media-root", OperationStatus: st, MediaType: wix.MediaImage,
			SizeInBytes: "1234", UpdatedDate: &updated,
			Media: &wix.FileMedia{Image: &wix.ImageMedia{Image: &wix.Image{ID: "f1.png", Filename: "f1 #1.png", Width: 64, Height: 48}}}}
	}
	video := &wix.File{ID: "v1.mp4", OperationStatus: wix.StatusReady, MediaType: wix.MediaVideo, UpdatedDate: &updated,
		Media: &wix.FileMedia{Video: &wix.VideoMedia{ID: "v1.mp4", Filename: "clip.mp4", Posters: []wix.Image{{ID: "v1f000.jpg", Width: 64, Height: 48}}}}}
	elsewhere := &wix.File{ID: "d1.pdf", OperationStatus: wix.StatusReady, MediaType: wix.MediaDocument, UpdatedDate: &updated,
		Media: &wix.FileMedia{Document: &wix.DocumentMedia{ID: "other.pdf", Filename: "d.pdf"}}}
	with := func(o Outcome, f *wix.File, reason string) Outcome {
		if f != nil {
			o.SetFile(f)
		}
		if reason != "" {
			o.SetReason(reason)
		}
		return o
	}
	undone := func(o Outcome, before Status) Outcome {
		o.Status, o.Before = Undone, before // undo keeps all but the status and the reason
		return o
	}
	return map[string]Outcome{
		"READY":                      with(Outcome{Method: MethodImport, Attempts: 1}, file(wix.StatusReady), ""),
		"READY video":                with(Outcome{Method: MethodImport, Attempts: 1}, video, ""),
		"READY, media of another ID": with(Outcome{Method: MethodUpload, Attempts: 1}, elsewhere, ""),
		"PENDING with a file":        with(Outcome{Method: MethodUpload, Attempts: 1}, file(wix.StatusPending), "still processing"),
		"Wix failed, fallback due":   with(Outcome{Method: MethodImport, Attempts: 2, Phase: PhaseWixFailed}, file(wix.StatusFailed), Reasons.WixFailed),
		"Wix failed, diagnosed":      with(Outcome{Method: MethodImport, Attempts: 3}, file(wix.StatusFailed), "the source answered 404"),
		"refused":                    with(Outcome{Status: Failed, Attempts: 1, Updated: updated.UnixNano()}, nil, "Wix refused the import"),
		"in doubt":                   Outcome{Attempts: 2}.InDoubt(sent, "lost"),
		"not imported, attempts from earlier runs": {Attempts: 2},
		"UNDONE, was READY":                        undone(with(Outcome{Method: MethodImport, Attempts: 1}, file(wix.StatusReady), "moved to the trash"), Ready),
		"UNDONE, was FAILED":                       undone(with(Outcome{Method: MethodUpload, Attempts: 1}, file(wix.StatusFailed), "deleted"), Failed),
	}
}

// TestOutcomeFieldsRoundTrip: what the report writes of an outcome reads
// back as the same state: status, phase, file, attempts, method, time and
// reason.
func TestOutcomeFieldsRoundTrip(t *testing.T) {
	t.Parallel()
	for name, o := range outcomeCases() {
		f := o.Fields()
		row := &manifest.Row{Line: 2, Report: f.Record()}
		decoded, err := DecodeFields(row)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		back, err := FromFields(decoded)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		want := o
		if want.Status == Unknown && want.Phase == PhaseNone {
			want.SetReason(Reasons.NotImported) // the words the report shows for it
		}
		if want.Status == Failed || want.Before == Failed {
			want.SetURL("") // a failed file's address is not written
			back.SetURL("")
			want.SetWixURI("")
			back.SetWixURI("")
		}
		want.Folder = "" // not a report column: polling finds it again
		if back != want {
			t.Errorf("%s:\n wrote %q\n read  %+v\n want  %+v", name, f.Record(), back, want)
		}
	}
}

// TestFieldsShowTheState: a few report cells that users and scripts read.
func TestFieldsShowTheState(t *testing.T) {
	t.Parallel()
	cases := outcomeCases()
	for name, want := range map[string][2]string{ // status, failure_reason
		"in doubt": {"PENDING", "lost"},
		"not imported, attempts from earlier runs": {"PENDING", Reasons.NotImported},
		"Wix failed, fallback due":                 {"FAILED", Reasons.WixFailed},
		"READY":                                    {"READY", ""},
		"UNDONE, was READY":                        {"UNDONE", "moved to the trash"},
	} {
		o := cases[name]
		f := o.Fields()
		if f.Status != want[0] || f.FailureReason != want[1] {
			t.Errorf("%s: %s %q, want %s %q", name, f.Status, f.FailureReason, want[0], want[1])
		}
	}
	if o := cases["Wix failed, fallback due"]; o.Fields().WixURL != "" || o.Fields().WixURI != "" {
		t.Error("a FAILED file's URL or URI is written")
	}
	for name, want := range map[string]string{
		"READY":                      "wix:image://v1/f1.png/f1%20%231.png#originWidth=64&originHeight=48",
		"READY video":                "wix:video://v1/v1.mp4/clip.mp4#posterUri=v1f000.jpg&posterWidth=64&posterHeight=48",
		"READY, media of another ID": "wix:document://v1/other.pdf/d.pdf",
	} {
		if o := cases[name]; o.Fields().WixURI != want {
			t.Errorf("%s: wix_uri %q, want %q", name, o.Fields().WixURI, want)
		}
	}
	undoneReady, undoneFailed, ready := cases["UNDONE, was READY"], cases["UNDONE, was FAILED"], cases["READY"]
	if f := undoneReady.Fields(); f.StatusBeforeUndo != "READY" || f.WixURL == "" || f.FileID == "" {
		t.Errorf("an undone READY row: %+v; want its file_id and wix_url kept, status_before_undo READY", f)
	}
	if f := undoneFailed.Fields(); f.StatusBeforeUndo != "FAILED" || f.WixURL != "" {
		t.Errorf("an undone FAILED row: %+v; want no wix_url, as before", f)
	}
	if f := ready.Fields(); f.StatusBeforeUndo != "" {
		t.Errorf("a READY row has status_before_undo %q", f.StatusBeforeUndo)
	}
}

// TestLoad covers reading a previous report back.
func TestLoad(t *testing.T) {
	t.Parallel()
	header := []string{"source_url", "sku"}
	reportHeader := "source_url,sku," + columnsBeforeUndo() + "\n"
	ready := "https://a.test/1.png,A,READY,f1,https://static.wixstatic.com/media/f1,wix:image://v1/f1/1.png#originWidth=2&originHeight=2,IMAGE,10,2,2,,1,2026-11-01T10:00:00Z,import\n"
	notImported := "https://a.test/2.png,B,PENDING,,,,,,,,not imported yet,,,\n"
	inDoubt := "https://a.test/3.png,C,PENDING,,,,,,,,whatever words,1,2026-11-01T09:00:00Z,\n"
	cases := []struct {
		name    string
		text    string // "" for no report
		want    Loaded
		wantErr error
	}{
		{"no report yet", "", Loaded{}, nil},
		{"rows by kind", reportHeader + ready + notImported + inDoubt,
			Loaded{Found: true, Rows: 3, Kept: 2, Earliest: time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)}, nil},
		{"a damaged row is counted, not fatal", reportHeader + ready + "https://a.test/4.png,D,READY,f4,,,IMAGE,lots,,,,1,,import\n" + "https://a.test/5.png,E,REA\n",
			Loaded{Found: true, Rows: 3, Kept: 1, Damaged: 2, Earliest: time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)}, nil},
		{"another manifest's columns", "source_url,title," + strings.Join(Columns, ",") + "\n" + ready, Loaded{Found: true}, ErrOtherManifest},
		{"not a report", "source_url,sku\nhttps://a.test/1.png,A\n", Loaded{Found: true}, ErrCannotResume},
	}
	for _, c := range cases {
		path := filepath.Join(t.TempDir(), "m.report.csv")
		if c.text != "" {
			if err := os.WriteFile(path, []byte(c.text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		state := NewState()
		got, err := Load(path, manifest.Options{}, header, state)
		if !errors.Is(err, c.wantErr) {
			t.Errorf("%s: err %v, want %v", c.name, err, c.wantErr)
			continue
		}
		if err == nil && (got != c.want || state.Len() != c.want.Kept) {
			t.Errorf("%s: %+v (state %d), want %+v", c.name, got, state.Len(), c.want)
		}
	}
}
