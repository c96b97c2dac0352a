// Package wixsim is a fake of the Wix Media Manager REST API that behaves
// like the real service, for tests, demos and benchmarks.
//
// It owns everything a client of www.wixapis.com/site-media/v1 can observe:
// authentication (Authorization and wix-site-id headers), per-site rate
// limits, Wix-shaped error bodies, site-isolated file stores with folders
// created from filePath, keyset-paged List Files and Search Files, a trash
// bin (Bulk Delete Files, List Deleted Files, Bulk Restore Files From Trash
// Bin; trashed files leave List Files and MEDIA_ROOT), and
// asynchronous processing in which imported sources are really downloaded,
// sniffed and measured before a file turns READY or FAILED: images and
// vectors get their size, videos their frame size, duration and a poster
// (served by /media/ as a JPEG of the frame's size), audio its duration,
// read from MP4/MOV/M4A, WAV and MP3 headers, so descriptors carry what the
// SDK's wix: media URIs read. Upload URLs (a
// one-shot PUT) and resumable tus 1.0 uploads (served by tusd, the reference
// server) point back at the simulator itself, derived from the request's
// Host header, and GET /media/<id> serves stored bytes: what
// https://static.wixstatic.com/media/<id> would serve for the real service.
// As on Wix, the upload token is a tus upload's only authorization: the
// creation request must carry it in Upload-Metadata as `token` (401
// without it, 403 with a wrong or spent one). Dates have millisecond
// precision, like Wix's and like the Date objects of Wix's JavaScript SDK,
// against which package conformance checks the simulator.
//
// Two options make it stricter than its defaults, which are kind to
// clients: Options.RateBurst (by default a site's bucket holds a minute's
// budget, so a client may burst that many calls) and
// Options.DateGranularity (by default every status change moves updatedDate
// forward by a millisecond at least, so updatedDate orders changes
// strictly). Wix promises neither.
//
// Use it like net/http/httptest:
//
//	srv := wixsim.NewServer(wixsim.Options{APIKey: "k"})
//	defer srv.Close()
//	// point the client at srv.URL instead of https://www.wixapis.com
//
// or mount a [Simulator] (an http.Handler) in a server of your own; the
// wixmigrate sim command does that.
//
// Faults are injected reproducibly from Options.Seed: added latency, 5xx
// answers that have no effect (ErrorRate), imports that take effect although
// the client sees a 5xx or a dropped connection (CommitErrorRate), and files
// that stay PENDING forever (StuckRate). All random draws come from one
// seeded generator in request order, so the same seed and the same sequence
// of requests produce the same faults.
//
// GET /_sim/stats reports request counts per endpoint name and status, and
// files per operation status; see [Stats] for the names.
package wixsim
