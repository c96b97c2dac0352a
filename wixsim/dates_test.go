package wixsim

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/wixmigrate/wixmigrate/wix"
)

// Wix's dates have millisecond precision, and the JavaScript SDK turns them
// into Date objects, which hold milliseconds: a status change must move
// updatedDate by a whole millisecond to be visible through the SDK
// (conformance/sdk.test.mjs compares the Dates of PENDING and READY).
func TestDatesHaveMillisecondPrecision(t *testing.T) {
	t.Parallel()
	frozen := time.Date(2024, 5, 6, 7, 8, 9, 123456789, time.UTC)
	srv := newServer(t, Options{Now: func() time.Time { return frozen }})
	src := origin(t, map[string][]byte{"a.png": pngBytes(t, 4, 4)})
	f := importFile(t, srv, "s1", wix.ImportFileRequest{URL: src.URL + "/img/a.png"})
	done := waitDone(t, srv, "s1", f.ID)
	if done.OperationStatus != wix.StatusReady {
		t.Fatalf("status %s", done.OperationStatus)
	}
	_, b := do(t, srv, "GET", "/site-media/v1/files/get-file-by-id?fileId="+f.ID, "s1", nil, nil)
	var raw struct {
		File struct {
			CreatedDate string `json:"createdDate"`
			UpdatedDate string `json:"updatedDate"`
		} `json:"file"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	if raw.File.CreatedDate != "2024-05-06T07:08:09.123Z" || raw.File.UpdatedDate != "2024-05-06T07:08:09.124Z" {
		t.Fatalf("createdDate %q, updatedDate %q; want 2024-05-06T07:08:09.123Z and 2024-05-06T07:08:09.124Z (a status change moves updatedDate by 1ms even on a frozen clock)",
			raw.File.CreatedDate, raw.File.UpdatedDate)
	}
	if !f.UpdatedDate.Equal(*f.CreatedDate) {
		t.Fatalf("a new file's updatedDate %v differs from its createdDate %v", f.UpdatedDate, f.CreatedDate)
	}
}
