// Package view owns the report page: one self-contained HTML file that shows
// what a migrate report says, for a person rather than a script. Counts by
// status, method and media type; FAILED and PENDING rows grouped by cause
// (report.CauseOf), each group with what it means and the next step; and a
// gallery of every READY file, its source and its Wix file side by side as
// thumbnails (the SDK's scaled-to-fill URL at thumbnail size, so the page
// never downloads Wix's full-size originals).
//
// The page is made by html/template: its CSS and JavaScript are inline and
// allowed by a Content-Security-Policy of their hashes, and the rows are
// compact JSON escaped by the template package, rendered a page at a time
// by the script, so a report of 100,000 rows stays a few megabytes and
// opens in a browser in about a second. Every cell of the report is
// hostile input: the script writes them as text, never as markup, and
// links only http(s) and file URLs.
package view
