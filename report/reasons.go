package report

// Reasons are the words the report's failure_reason column uses for the
// states a run decides itself. They are presentation only: what a run does
// with a row depends on its Outcome's Status and Phase, never on these
// words (a test rewords them all and resumes). Format verbs, where there
// are some, are documented per field and must be kept.
var Reasons = struct {
	NotImported     string // a row the run did not get to
	NotChecked      string // imported, but the run did not wait for processing (PhaseUnchecked)
	Crashed         string // sent by a run that stopped before it recorded the answer
	ReportLost      string // a row a damaged or cut-short report lost
	UnknownOutcome  string // %v: why Wix's answer was lost
	WixFailed       string // Wix marked a file it fetched from a URL FAILED
	UploadFailed    string // Wix marked an uploaded file FAILED
	Refused         string // Wix refused an import without saying why
	FileGone        string // a file waited for is no longer in the Media Manager
	StillProcessing string // %s: how long the run waited
	Trashed         string // the file of a FAILED row went to the trash before the row is imported again
	// FallbackFailed: %s: WixFailed; %s: which step; %v: why.
	FallbackFailed string
	// FallbackUploadFailed: %v: why.
	FallbackUploadFailed string
	// Undo's and restore's, for UNDONE rows; %s: when (UTC, RFC 3339).
	UndoTrashed string // moved to the trash by undo
	UndoDeleted string // deleted for good by undo --permanent
	UndoGone    string // undo found the file gone already
	NotRestored string // restore found the file no longer in the trash
}{
	NotImported:          "not imported yet: the run stopped before this row",
	NotChecked:           "not checked yet (--wait=false): the file exists and its wix_url usually works already; the next run checks its processing",
	Crashed:              "import outcome unknown: the run stopped before Wix's answer was recorded; the next run looks for the file before importing again",
	ReportLost:           "import outcome unknown: the report lost this row (damaged or cut short); the Media Manager is checked for it before importing again",
	UnknownOutcome:       "import outcome unknown: Wix's answer was lost (%v); the next run looks for the file before importing again",
	WixFailed:            "Wix could not process the file (operationStatus FAILED; Wix gives no reason)",
	UploadFailed:         "Wix could not process the uploaded file (operationStatus FAILED): it is probably not media Wix accepts",
	Refused:              "Wix refused the import",
	FileGone:             "the file is no longer in the Media Manager (deleted?); re-run to import it again",
	StillProcessing:      "still processing after %s (the pending timeout); re-run to check again",
	Trashed:              "the failed file of the last attempt was moved to the Media Manager's trash bin; the row is imported again",
	FallbackFailed:       "%s; the fallback %s: %v",
	FallbackUploadFailed: "Wix could not fetch the source, and the fallback upload failed: %v",
	UndoTrashed:          "moved to the trash by undo at %s; wixmigrate restore brings it back (so does the Media Manager's trash)",
	UndoDeleted:          "deleted for good by undo --permanent at %s; Wix cannot bring it back",
	UndoGone:             "no longer in the Media Manager when undo ran at %s (deleted for good, or the trash was emptied)",
	NotRestored:          "not restored at %s: the file is no longer in the trash (deleted for good, or the trash was emptied); Wix cannot bring it back",
}

// wixFailedWordings are the wordings reports have used for PhaseWixFailed
// (see phaseOf). A report has no column for the phase, so this one state
// is recognised by its words when a report (or a journal written before
// records carried the phase) is read back; rewording Reasons.WixFailed
// keeps recognising what earlier versions wrote.
var wixFailedWordings = []string{
	"Wix could not process the file (operationStatus FAILED; Wix gives no reason)",
}
