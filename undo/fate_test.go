package undo

import (
	"testing"
	"time"

	"github.com/wixmigrate/wixmigrate/report"
)

// TestFate: what undo and restore do with a row, by what its outcome
// says; never by its reason's words.
func TestFate(t *testing.T) {
	t.Parallel()
	sent := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
	ours := func(s report.Status) report.Outcome {
		return report.Outcome{Status: s, FileID: "f", Method: report.MethodImport, Attempts: 1}
	}
	undone := func(before report.Status) report.Outcome {
		o := ours(report.Undone)
		o.Before = before
		return o
	}
	cases := []struct {
		name     string
		o        report.Outcome
		action   Action
		statuses []report.Status
		want     Fate
	}{
		{"READY, ours", ours(report.Ready), Trash, nil, FateAct},
		{"PENDING, ours", ours(report.Pending), Trash, nil, FateAct},
		{"FAILED with its file", ours(report.Failed), Trash, nil, FateAct},
		{"FAILED, its file trashed before a retry", report.Outcome{Status: report.Failed, Method: report.MethodImport, Attempts: 2}, Trash, nil, FateNoFile},
		{"never imported", report.Outcome{}, Trash, nil, FateNoFile},
		{"in doubt", report.Outcome{Attempts: 1}.InDoubt(sent, "lost"), Trash, nil, FateInDoubt},
		{"a file_id without a method", report.Outcome{Status: report.Ready, FileID: "f", Attempts: 1}, Trash, nil, FateForeign},
		{"a file_id without an attempt", report.Outcome{Status: report.Ready, FileID: "f", Method: report.MethodUpload}, Delete, nil, FateForeign},
		{"READY, FAILED asked", ours(report.Ready), Trash, []report.Status{report.Failed}, FateNotSelected},
		{"FAILED, FAILED asked", ours(report.Failed), Trash, []report.Status{report.Failed}, FateAct},
		{"UNDONE, to the trash again", undone(report.Ready), Trash, nil, FateDone},
		{"UNDONE, deleted for good", undone(report.Ready), Delete, nil, FateAct},
		{"UNDONE, permanent of READY only", undone(report.Ready), Delete, []report.Status{report.Ready}, FateNotSelected},
		{"UNDONE, permanent of UNDONE", undone(report.Ready), Delete, []report.Status{report.Undone}, FateAct},
		{"restore an UNDONE row", undone(report.Failed), Restore, nil, FateAct},
		{"restore a READY row", ours(report.Ready), Restore, nil, FateDone},
		{"restore a foreign UNDONE row", report.Outcome{Status: report.Undone, FileID: "f"}, Restore, nil, FateForeign},
	}
	for _, c := range cases {
		for _, reason := range []string{"", report.Reasons.UndoTrashed, "other words"} {
			j := &Job{cfg: Config{Action: c.action, Statuses: c.statuses}}
			o := c.o
			o.SetReason(reason)
			if got := j.fate(&o); got != c.want {
				t.Errorf("%s (reason %q): %v, want %v", c.name, reason, got, c.want)
			}
		}
	}
}
