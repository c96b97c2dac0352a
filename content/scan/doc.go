// Package scan collects the media URLs of a site's content exports into
// a manifest migrate reads: one row per media file, in order of first
// occurrence, with WordPress's resized copies folded into their original's
// variants column and what WordPress knows of an attachment (its title)
// taken from its export (WXR) or database dump, read in the same pass as
// the URLs. It owns the manifest's scanned columns (Columns) and the
// limits a row is held to (MaxSourceURL, MaxFilePath, MaxDisplayName).
//
// Run scans files and folders; ReadWXRAttachments reads a WordPress
// export's attachments on its own.
package scan
