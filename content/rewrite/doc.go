// Package rewrite points a site's content exports at the migrated media:
// it reads migrate's reports into a Mapping (every spelling of a source URL,
// and WordPress size variants, to the Wix URL, or with TargetWixURI to the
// file's Wix media URI) and rewrites files through
// the content engine, writing them under a folder or in place (in two
// phases, so a failed run changes no input), and lists the old-host media
// no READY row maps as a manifest for the next migrate.
//
// Run is the whole run; a Config that cannot run is refused with a typed
// error (ErrNoReports, *BaseURLError, *OutInsideInputError...) before
// anything is read or written.
package rewrite
