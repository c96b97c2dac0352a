package manifest

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net/url"
	"path/filepath"
	"slices"

	"github.com/wixmigrate/wixmigrate/wix"
)

// Row is one manifest row.
type Row struct {
	// Line is the physical line where the record starts; the header is 1.
	Line int
	// Index counts data rows from 0, skipped blank records not included.
	Index int
	// Record is the manifest's fields exactly as read: with the report
	// columns split off when reading a report, with the wrong number of
	// fields when Err says so, and nil when the line was not valid CSV.
	// Use Fields to write it back under the header.
	Record []string
	// Report is the report part when reading with Options.ReportColumns:
	// one field per report column, or nil when the field count is wrong.
	Report []string
	// Import is what the row asks for; meaningful only when Err is nil.
	Import Import
	// Key identifies the import: rows with equal keys ask for the identical
	// import and need it only once. Zero when Err is set.
	Key Key
	// Err is why the row cannot be imported, or nil.
	Err *RowError

	width  int    // the manifest header's field count
	source string // the source_url field as written
}

// Source is the row's source_url field as written, even when the row is
// invalid ("" when the line has no such field).
func (r *Row) Source() string { return r.source }

// Fields returns Record fitted to the manifest header's width, for writing
// the report: padded with empty fields when a malformed row has too few (or
// none), cut when it has too many, so the report columns after it stay
// aligned. Rows with the right width return Record itself.
func (r *Row) Fields() []string {
	if len(r.Record) == r.width {
		return r.Record
	}
	out := make([]string, r.width)
	copy(out, r.Record)
	return out
}

// Import is a row's import request, checked and normalized.
type Import struct {
	// SourceURL is the source as written, trimmed; for http(s) URLs the
	// scheme and host are lower-cased.
	SourceURL string
	// Local is set when the source is a file on this machine (a file://
	// URL or a path); LocalPath is then its absolute, cleaned path. Whether
	// it exists is checked when the file is opened (source.OpenLocal), since
	// files may appear between reading and importing.
	Local     bool
	LocalPath string

	DisplayName    string
	MimeType       string        // lower case
	MediaType      wix.MediaType // upper case; empty when not given
	ParentFolderID string
	FilePath       string
	Labels         []string // trimmed, empty labels dropped; nil when none
	Private        *bool    // nil when not given
}

// Request builds the Import File request. A row without a parent folder gets
// defaultFolder ("" lets Wix use the media root). It is meant for remote
// sources: for a Local one, URL holds the file:// URL of LocalPath, which
// Wix cannot fetch; upload the file instead.
func (im Import) Request(defaultFolder string) wix.ImportFileRequest {
	req := wix.ImportFileRequest{
		URL:            im.SourceURL,
		MediaType:      im.MediaType,
		DisplayName:    im.DisplayName,
		ParentFolderID: im.ParentFolderID,
		Labels:         slices.Clone(im.Labels),
		MimeType:       im.MimeType,
		FilePath:       im.FilePath,
	}
	if req.ParentFolderID == "" {
		req.ParentFolderID = defaultFolder
	}
	if im.Private != nil {
		private := *im.Private
		req.Private = &private
	}
	if im.Local {
		req.URL = (&url.URL{Scheme: "file", Path: filepath.ToSlash(im.LocalPath)}).String()
	}
	return req
}

// Key identifies an import: a truncated SHA-256 of every import field after
// normalization. Passthrough columns are not part of it.
type Key [16]byte

// IsZero reports whether k is the zero key of a row that failed.
func (k Key) IsZero() bool { return k == Key{} }

func (k Key) String() string { return hex.EncodeToString(k[:]) }

// Key computes the import's key. Label order and repeated labels do not
// change it; a local source is identified by its resolved path, so two
// spellings of one file are one import.
func (im Import) Key() Key {
	var buf [512]byte
	b := buf[:0]
	if im.Local {
		b = append(b, 'L')
		b = appendString(b, im.LocalPath)
	} else {
		b = append(b, 'R')
		b = appendString(b, im.SourceURL)
	}
	b = appendString(b, im.DisplayName)
	b = appendString(b, im.MimeType)
	b = appendString(b, string(im.MediaType))
	b = appendString(b, im.ParentFolderID)
	b = appendString(b, im.FilePath)
	labels := im.Labels
	if !sortedUnique(labels) {
		labels = slices.Compact(slices.Sorted(slices.Values(labels)))
	}
	b = binary.AppendUvarint(b, uint64(len(labels)))
	for _, l := range labels {
		b = appendString(b, l)
	}
	if im.Private != nil && *im.Private { // unset is Wix's default: not private
		b = append(b, 1)
	} else {
		b = append(b, 0)
	}
	sum := sha256.Sum256(b)
	return Key(sum[:16])
}

// sortedUnique reports whether labels are already in key order, which
// spares the common zero-or-one label case a sorted copy.
func sortedUnique(labels []string) bool {
	for i := 1; i < len(labels); i++ {
		if labels[i-1] >= labels[i] {
			return false
		}
	}
	return true
}

// appendString appends s length-prefixed, so that field boundaries cannot
// be forged by the fields' contents.
func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// RowError says why a row cannot be imported.
type RowError struct {
	Line   int
	Column string // the column's name as written; "" for whole-row problems
	Msg    string
}

func (e *RowError) Error() string {
	if e.Column == "" {
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return fmt.Sprintf("line %d, column %q: %s", e.Line, e.Column, e.Msg)
}
