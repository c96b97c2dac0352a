package wixsim

import (
	"context"
	"encoding/json"
	"testing"
	"testing/synctest"
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

// With DateGranularity, dates are whole steps and a status change within
// the step leaves updatedDate where it was: two files created in the same
// second tie, and one that turns READY in the second it was created keeps
// updatedDate == createdDate; a change in a later second moves it there.
// In virtual time, from a whole second.
func TestDateGranularityTruncatesAndTies(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		c, _ := inProcessClient(t, Options{DateGranularity: time.Second,
			ProcessingDelay: Range{Min: 300 * time.Millisecond, Max: 300 * time.Millisecond}},
			map[string][]byte{"a.png": pngBytes(t, 2, 2), "b.png": pngBytes(t, 3, 3)})
		ctx := context.Background()
		start := time.Now().Truncate(time.Second)
		time.Sleep(start.Add(100 * time.Millisecond).Sub(time.Now()))
		a, err := c.ImportFile(ctx, &wix.ImportFileRequest{URL: "http://origin.test/img/a.png"})
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(700 * time.Millisecond) // a is READY at 0.4s; now 0.8s
		b, err := c.ImportFile(ctx, &wix.ImportFileRequest{URL: "http://origin.test/img/b.png"})
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Second) // b turned READY at 1.1s, in the next second
		synctest.Wait()
		files, err := c.GetFiles(ctx, []string{a.ID, b.ID})
		if err != nil {
			t.Fatal(err)
		}
		ra, rb := files[0], files[1]
		if ra.OperationStatus != wix.StatusReady || rb.OperationStatus != wix.StatusReady {
			t.Fatalf("statuses %s %s, want READY", ra.OperationStatus, rb.OperationStatus)
		}
		for name, d := range map[string]time.Time{"a created": *a.CreatedDate, "b created": *b.CreatedDate, "a updated": *ra.UpdatedDate} {
			if !d.Equal(start) {
				t.Errorf("%s %v, want the whole second %v", name, d, start)
			}
		}
		if want := start.Add(time.Second); !rb.UpdatedDate.Equal(want) {
			t.Errorf("b updated %v, want %v (turned READY in the next second)", rb.UpdatedDate, want)
		}
	})
}
