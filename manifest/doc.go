// Package manifest reads the CSV manifest a user gives wixmigrate: one row per
// media file to bring into the Wix Media Manager. It owns the manifest format
// (which columns mean what, how values are checked and normalized), and
// reading the manifest part of a report back (a report is the manifest's
// columns followed by the report's own, which package report owns and
// passes in as [Options.ReportColumns]; this package only reserves their
// names, [ReservedColumns]).
//
// # Columns
//
// Column names are compared case-insensitively, ignoring '_', '-' and spaces,
// so source_url, sourceUrl and "Source URL" are one name. The known columns:
//
//	source_url        required; aliases url, sourceUrl. An http(s) URL, a file://
//	                  URL, or a local path (absolute, or relative to
//	                  [Options.BaseDir]); local sources set Import.Local.
//	display_name      at most 1000 characters
//	mime_type         like image/jpeg; at most 100 characters
//	media_type        the expected type: one of wix.MediaTypes except OTHER,
//	                  any case; normalized to upper case
//	parent_folder_id  at most 100 characters
//	file_path         like /products/2024; at most 100 characters
//	labels            separated by ';'; at most 500, each at most 200 characters
//	private           true/false, yes/no, 1/0 (any case); empty leaves it unset
//
// Every other column is the user's own (a SKU, a post slug). It is not
// interpreted, and its fields reach the report exactly as encoding/csv read
// them. Import values are trimmed of surrounding white space; the record
// itself ([Row.Record]) never is.
//
// # Delimiters
//
// Fields are separated by commas, or by what spreadsheets save as "CSV" in
// many locales (semicolons) or as text (tabs). [NewReader] detects which
// from the header line, counting only delimiters outside quotes: the only
// one there (none: a one-column manifest, read with commas), or among
// several the only one with which the header names valid columns. When more
// than one does, it returns a *[DelimiterError] naming those it saw, and
// [Options.Delimiter] must say. [Reader.Delimiter] tells which was used, so
// that a report is written with it and opens in the same spreadsheet.
//
// # Header errors
//
// [NewReader] rejects, as a *[HeaderError] naming the column, a header with no
// source URL column, an empty column name, two names for one column (the same
// name twice, or two aliases of one field such as url and source_url), or a
// column named like a report column. The last rule covers every report column
// except media_type: the manifest's media_type is an input (the expected
// type) and may coexist with the report's media_type (the type Wix found),
// because a report is split by position, not by name — its last
// len(Options.ReportColumns) columns are the report part (or, for a report
// of an earlier version, those of one of Options.EarlierReportColumns).
//
// # Row errors
//
// A row that cannot be imported still comes back from [Reader.Next], with
// [Row.Err] saying why ("line 7, column \"source_url\": \"ftp://x\" is not an
// http(s) URL"; "line 9: 4 fields, header has 5"), so that the report keeps
// one row per manifest row and the other rows go ahead. Lines are physical
// lines of the file, 1 being the header; a row's line is where its record
// starts, so a quoted field spanning lines does not shift later numbers.
// Blank lines, and records whose fields are all blank (spreadsheets export
// trailing ",,," rows), are not rows and are skipped.
//
// # Why encoding/csv and where gocsv
//
// The project reads CSV with github.com/gocarina/gocsv where it fits, and it
// fits the fixed, typed report columns: package report decodes [Row.Report]
// into its typed fields with gocsv's struct-tag decoding. The manifest itself is read
// with encoding/csv directly, because gocsv's decoders cannot do what a
// manifest needs: they map known columns onto a struct and drop the rest,
// where a manifest passes unknown columns through in order; they stop at the
// first malformed record, where a manifest fails that row and goes on; they
// report neither the record's start line (csv.Reader.FieldPos) nor the fields
// of a row with the wrong field count; their header matching is configured by
// package-level state (SetHeaderNormalizer) shared with every other user of
// gocsv in the binary; and their reflection is slow for a hot loop: decoding
// the 11 report fields takes about 1.3 µs and 25 allocations, more than
// reading, checking and keying a whole manifest row (about 1.1 µs, 6
// allocations; see BenchmarkRead here and report's BenchmarkDecodeFields).
// The report part is decoded only when asked for, so reading a report costs
// what reading a manifest does.
//
// # Streaming
//
// The reader holds one record at a time, so memory does not grow with the
// manifest: a run reads a million-row manifest twice (to import, then to
// write the report) at well over 200k rows/s. Each [Row] is freshly
// allocated and may be kept.
//
// encoding/csv accepts CRLF and LF line ends, quoted fields holding commas,
// quotes and line breaks, and skips empty lines; NewReader also drops a UTF-8
// byte order mark. One loss is encoding/csv's and is accepted: a CRLF inside
// a quoted field is read as LF.
package manifest
