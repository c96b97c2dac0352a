// Package source owns reading media from where it lives — local files and
// remote URLs — and explaining why a source cannot be read.
//
// Wix's import fetches a source URL itself and, when it cannot, marks the
// file FAILED with no reason. This package gives the tool its own view of a
// source so that a report can say why: a [Prober] asks the source the way Wix
// would (HEAD, then a small ranged GET) and returns a [Diagnosis] with a short
// Cause for grouping and a Reason sentence for people. The same
// classification explains a failed [Prober.Download], which the tool uses to
// upload sources that block Wix's fetcher, and [OpenLocal], which opens local
// files for upload. [MimeTypeFor] is the one rule for naming a file's type,
// and [HostLimiter] keeps checks of many URLs polite to each host. A
// [Header] carries what a source's hotlink guard wants to see (a Referer, a
// token) to every fetch; its values are secrets and never printed.
package source
