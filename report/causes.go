package report

import (
	"strings"

	"github.com/wixmigrate/wixmigrate/source"
)

// A Cause is a kind of failure_reason, as data: the key a report page
// groups FAILED and PENDING rows by, and what to tell a person about it. A
// report keeps only a reason's words; the causes table recognises them by
// the formats that wrote them (Reasons here, source.Reasons for what a
// source did), so a reworded reason keeps its cause.
type Cause struct {
	Key   string // stable, lower-case; "" for a reason of no known kind
	Title string // the group's name
	Means string // what it means, one sentence
	Next  string // the next step, one sentence
	// wordings are the formats written for this cause (verbs stand for
	// details), pointers so that rewording Reasons is followed.
	wordings []*string
}

// CauseInvalidRow is the key of a manifest row that is not valid: no
// wording says so, the row itself does (manifest.Row.Err).
const CauseInvalidRow = "invalid-row"

// causes is the table, in the order a reason is tried against it: a more
// specific format before a format it is a case of.
var causes = []Cause{
	{Key: CauseInvalidRow, Title: "Invalid manifest rows",
		Means: "The manifest row is not valid, so it was never sent to Wix.",
		Next:  "Fix the cell the reason names in the manifest, then run migrate again."},
	{Key: "not-imported", Title: "Not imported yet", wordings: []*string{&Reasons.NotImported},
		Means: "The run stopped before it got to these rows.",
		Next:  "Run the same migrate command again: it resumes where it stopped."},
	{Key: "not-checked", Title: "Not checked yet", wordings: []*string{&Reasons.NotChecked},
		Means: "Imported with --wait=false: the files exist, but whether Wix processed them was not checked.",
		Next:  "Run migrate again: it checks them without importing anything twice."},
	{Key: "in-doubt", Title: "Outcome unknown", wordings: []*string{&Reasons.Crashed, &Reasons.ReportLost, &Reasons.UnknownOutcome},
		Means: "The import was sent, but Wix's answer was lost (the run stopped, or the connection did).",
		Next:  "Run migrate again: it looks for the files in the Media Manager before importing, so nothing is imported twice."},
	{Key: "still-processing", Title: "Still processing", wordings: []*string{&Reasons.StillProcessing},
		Means: "Wix was still processing these files when the pending timeout ran out.",
		Next:  "Run migrate again later to check them, or give Wix longer with --pending-timeout."},
	{Key: "file-gone", Title: "Deleted from the Media Manager", wordings: []*string{&Reasons.FileGone},
		Means: "The file was deleted from the Media Manager while the run waited for it.",
		Next:  "Run migrate again to import it again."},
	{Key: "trashed", Title: "Failed file moved to the trash", wordings: []*string{&Reasons.Trashed},
		Means: "The last attempt's failed file went to the Media Manager's trash bin, and the row is due to be imported again.",
		Next:  "Run migrate again to import it again."},
	{Key: "fallback-failed", Title: "Fallback upload failed", wordings: []*string{&Reasons.FallbackFailed, &Reasons.FallbackUploadFailed},
		Means: "Wix could not fetch the source, and downloading and uploading it instead failed too.",
		Next:  "The reason names the step that failed; fix that, then run migrate again."},
	{Key: "hotlink", Title: "Refused to Wix (hotlink protection)", wordings: []*string{&source.Reasons.RefusesWix},
		Means: "The old site serves the file to this tool but refused Wix's fetcher, as hotlink protection does.",
		Next:  "Run migrate again with the fallback upload on (--fallback-upload, the default): it downloads the file and uploads it."},
	{Key: "http-403", Title: "Forbidden at the old site (403)", wordings: []*string{&source.Reasons.HTTP403},
		Means: "The old site answered 403 Forbidden: usually hotlink protection, which refuses other sites' servers.",
		Next:  "Pass the header the site wants with --source-header, or keep the fallback upload on (--fallback-upload) and run migrate again."},
	{Key: "http-404", Title: "Missing at the old site (404)", wordings: []*string{&source.Reasons.HTTP404},
		Means: "The file is gone at the old site: it answered 404 Not Found.",
		Next:  "Fix the row's source_url in the manifest (or remove the row), then run migrate again."},
	{Key: "html-page", Title: "An HTML page, not media", wordings: []*string{&source.Reasons.HTMLPage},
		Means: "The old site answered a web page instead of the file: usually a login page or an error page.",
		Next:  "Open the source URL in a browser; point the manifest row at the file itself (or make it public), then run migrate again."},
	{Key: "not-media", Title: "Not media", wordings: []*string{&source.Reasons.NotMedia},
		Means: "The source is not a type the Media Manager takes.",
		Next:  "Check that the source URL points at the media file itself, and fix the manifest row."},
	{Key: "wrong-type", Title: "Not the expected media type", wordings: []*string{&source.Reasons.WrongType},
		Means: "The source is media, but not the type the manifest's media_type column asks for.",
		Next:  "Fix the row's media_type (or leave it empty), then run migrate again."},
	{Key: "empty", Title: "Empty source", wordings: []*string{&source.Reasons.Empty},
		Means: "The old site served the file with no content (0 bytes).",
		Next:  "Replace the file at the old site or fix the row's source_url, then run migrate again."},
	{Key: "http-status", Title: "Error answer from the old site", wordings: []*string{&source.Reasons.HTTPStatus},
		Means: "The old site answered with an error instead of the file.",
		Next:  "The reason gives the status: retry later for 429 or 5xx (run migrate again); fix the manifest row otherwise."},
	{Key: "local-file", Title: "Local file problem", wordings: []*string{&source.Reasons.LocalFile},
		Means: "A local source file is missing, empty or cannot be read.",
		Next:  "Fix the path in the manifest (relative paths start at the manifest's folder), then run migrate again."},
	{Key: "wix-failed", Title: "Wix could not fetch or process it", wordings: append([]*string{&Reasons.WixFailed}, pointers(wixFailedWordings)...),
		Means: "Wix marked the imported file FAILED and gave no reason; no fallback upload was made.",
		Next:  "Run migrate again with the fallback upload on (--fallback-upload, the default) to download and upload the file."},
	{Key: "upload-failed", Title: "Uploaded file not accepted", wordings: []*string{&Reasons.UploadFailed},
		Means: "Wix could not process a file that was uploaded to it: it is probably not media Wix accepts.",
		Next:  "Open the file; replace it with a format Wix takes, then run migrate again."},
	{Key: "refused", Title: "Refused by Wix", wordings: []*string{&Reasons.Refused},
		Means: "Wix refused the import without saying why.",
		Next:  "Check the row's columns (media_type, mime_type, folder); run migrate again."},
}

func pointers(s []string) []*string {
	out := make([]*string, len(s))
	for i := range s {
		out[i] = &s[i]
	}
	return out
}

// CauseOf returns the cause of a failure_reason as a report wrote it, and
// false for a reason of no known kind (Wix's own words, a source that did
// not answer): a page groups those by their text.
func CauseOf(reason string) (Cause, bool) {
	reason = strings.TrimSpace(reason)
	for _, c := range causes {
		for _, w := range c.wordings {
			if matchesFormat(*w, reason) {
				return c, true
			}
		}
	}
	return Cause{}, false
}

// CauseByKey returns the cause of a key, and false for an unknown key.
func CauseByKey(key string) (Cause, bool) {
	for _, c := range causes {
		if c.Key == key {
			return c, true
		}
	}
	return Cause{}, false
}

// matchesFormat reports whether text is what format writes for some
// details: the format's literal pieces in order, the first at the start and
// the last at the end; a verb stands for any text.
func matchesFormat(format, text string) bool {
	pieces := splitVerbs(format)
	if len(pieces) == 1 {
		return text == pieces[0]
	}
	first, last := pieces[0], pieces[len(pieces)-1]
	if !strings.HasPrefix(text, first) || len(text) < len(first)+len(last) || !strings.HasSuffix(text, last) {
		return false
	}
	rest := text[len(first) : len(text)-len(last)]
	for _, p := range pieces[1 : len(pieces)-1] {
		i := strings.Index(rest, p)
		if i < 0 {
			return false
		}
		rest = rest[i+len(p):]
	}
	return true
}

// splitVerbs splits a format at its verbs (%s, %v, %d, ...; %% is a
// literal percent sign).
func splitVerbs(format string) []string {
	var pieces []string
	var b strings.Builder
	for i := 0; i < len(format); i++ {
		if format[i] != '%' || i+1 == len(format) {
			b.WriteByte(format[i])
			continue
		}
		i++
		if format[i] == '%' {
			b.WriteByte('%')
			continue
		}
		pieces = append(pieces, b.String())
		b.Reset()
	}
	return append(pieces, b.String())
}
