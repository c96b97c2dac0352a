package wixsim

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wixmigrate/wixmigrate/wix"
)

// Simulator is the fake Wix Media Manager. It is an http.Handler whose root
// stands for https://www.wixapis.com. Close stops its background work.
type Simulator struct {
	opts  Options
	log   *slog.Logger
	dice  *dice
	ids   *ids
	dir   string // temp dir for blobs and tus uploads, removed on Close
	blobs *blobs
	// posters maps the ID of a poster a READY video's descriptor named to
	// the video's ID, for /media/ to serve it.
	posters sync.Map

	sitesMu sync.Mutex
	sites   map[string]*site

	filesMu sync.RWMutex
	files   map[string]*fileRec // every file of every site, by ID

	uploadsMu sync.Mutex
	uploads   map[string]*uploadSession // by upload token

	tus     http.Handler
	tusCore tusCore

	fetcher  *fetcher
	timers   *timerHeap // processing ends
	listings *timerHeap // lagging listings catch up (Options.ListLag)
	cancel   context.CancelFunc

	stats     stats
	pending   atomic.Int64
	ready     atomic.Int64
	failed    atomic.Int64
	reqSeq    atomic.Uint64
	startUnix int64
	closeOnce sync.Once
}

// New returns a Simulator; it panics only if it cannot create its temp
// directory, which it needs for stored bytes.
func New(opts Options) *Simulator {
	opts = opts.withDefaults()
	dir, err := os.MkdirTemp("", "wixsim-*")
	if err != nil {
		panic("wixsim: " + err.Error())
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Simulator{
		opts:      opts,
		log:       opts.Logger,
		dice:      newDice(opts.Seed),
		ids:       newIDs(opts.Seed),
		dir:       dir,
		blobs:     &blobs{dir: dir + "/blobs"},
		sites:     map[string]*site{},
		files:     map[string]*fileRec{},
		uploads:   map[string]*uploadSession{},
		cancel:    cancel,
		startUnix: time.Now().Unix(),
	}
	s.stats.init()
	if err := os.MkdirAll(s.blobs.dir, 0o755); err != nil {
		panic("wixsim: " + err.Error())
	}
	if err := s.initTus(dir + "/tus"); err != nil {
		panic("wixsim: " + err.Error())
	}
	s.fetcher = newFetcher(s, ctx)
	s.timers = newTimerHeap(s.finish)
	s.listings = newTimerHeap(func(f *fileRec, _ outcome) { s.publish(f) })
	return s
}

// Close stops downloads and processing and removes stored bytes. Files
// still PENDING stay so.
func (s *Simulator) Close() {
	s.closeOnce.Do(func() {
		s.cancel()
		s.fetcher.close()
		s.timers.close()
		s.listings.close()
		s.blobs.release()
		os.RemoveAll(s.dir)
	})
}

// Names in Stats.Requests of what is not an API method (those are named
// by wix.Endpoint.Stat).
const (
	epUpload          = "upload"
	epTus             = "tus"
	epMedia           = "media"
	epUnknown         = "unknown"
	uploadPathPrefix  = "/_upload/"
	tusPathPrefix     = "/_tus/"
	tusFilePathPrefix = "/_tusfiles/"
	mediaPathPrefix   = "/media/"
)

// endpoint is one API method.
type endpoint struct {
	name string
	// commit marks imports, the calls CommitErrorRate applies to.
	commit bool
	fn     func(c *call) (any, *apiError)
}

// call is one authenticated API request.
type call struct {
	s    *Simulator
	r    *http.Request
	site *site
	base string // scheme://host the client reached us at
}

// routes maps "METHOD /path" to the API methods, by wix's endpoint table.
var routes = func() map[string]endpoint {
	methods := map[string]func(c *call) (any, *apiError){
		wix.EndpointImportFile.Name:                     (*call).importFile,
		wix.EndpointBulkImportFile.Name:                 (*call).bulkImport,
		wix.EndpointListFiles.Name:                      (*call).listFiles,
		wix.EndpointGetFileDescriptor.Name:              (*call).getFile,
		wix.EndpointGetFileDescriptors.Name:             (*call).getFiles,
		wix.EndpointSearchFiles.Name:                    (*call).searchFiles,
		wix.EndpointGenerateFileUploadURL.Name:          (*call).generateUploadURL,
		wix.EndpointGenerateFileResumableUploadURL.Name: (*call).generateResumableUploadURL,
		wix.EndpointBulkDeleteFiles.Name:                (*call).bulkDeleteFiles,
		wix.EndpointListDeletedFiles.Name:               (*call).listDeletedFiles,
		wix.EndpointBulkRestoreFilesFromTrashBin.Name:   (*call).bulkRestoreFiles,
	}
	m := map[string]endpoint{}
	for _, ep := range wix.Endpoints {
		m[ep.Method+" "+ep.Path] = endpoint{name: ep.Stat, commit: ep.Import, fn: methods[ep.Name]}
	}
	return m
}()

// ServeHTTP routes API calls, upload PUTs, tus requests, /media and
// /_sim/stats.
func (s *Simulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("x-wix-request-id", strconv.FormatInt(s.startUnix, 10)+"."+strconv.FormatUint(s.reqSeq.Add(1), 10))
	p := r.URL.Path
	switch {
	case p == "/_sim/stats":
		writeJSON(w, http.StatusOK, s.Stats())
	case strings.HasPrefix(p, mediaPathPrefix):
		s.counted(epMedia, w, r, s.serveMedia)
	case strings.HasPrefix(p, uploadPathPrefix):
		s.counted(epUpload, w, r, s.serveUpload)
	case strings.HasPrefix(p, tusPathPrefix), strings.HasPrefix(p, tusFilePathPrefix):
		s.counted(epTus, w, r, s.serveTus)
	default:
		ep, ok := routes[r.Method+" "+p]
		if !ok {
			s.counted(epUnknown, w, r, func(w http.ResponseWriter, r *http.Request) {
				writeError(w, appError(http.StatusNotFound, "NOT_FOUND", "no such method: "+r.Method+" "+p, nil))
			})
			return
		}
		s.counted(ep.name, w, r, func(w http.ResponseWriter, r *http.Request) { s.serveAPI(ep, w, r) })
	}
}

// counted runs h and counts its answer under name in the stats.
func (s *Simulator) counted(name string, w http.ResponseWriter, r *http.Request, h http.HandlerFunc) {
	sw := &statusWriter{ResponseWriter: w, record: func(label string) { s.stats.count(name, label) }}
	defer sw.done()
	h(sw, r)
}

// serveAPI applies, in order: auth, the site header, the rate limit, the
// injected latency and errors, the method itself and commit errors.
func (s *Simulator) serveAPI(ep endpoint, w http.ResponseWriter, r *http.Request) {
	auth := r.Header.Get("Authorization")
	if auth == "" {
		writeError(w, appError(http.StatusUnauthorized, "UNAUTHENTICATED", "missing Authorization header", nil))
		return
	}
	if s.opts.APIKey != "" && auth != s.opts.APIKey {
		writeError(w, appError(http.StatusUnauthorized, "UNAUTHENTICATED", "invalid API key", nil))
		return
	}
	siteID := strings.TrimSpace(r.Header.Get("wix-site-id"))
	if siteID == "" {
		writeError(w, appError(http.StatusBadRequest, "MISSING_SITE_ID", "missing wix-site-id header: an API key needs a site to act on", nil))
		return
	}
	if len(s.opts.Sites) > 0 && !slices.Contains(s.opts.Sites, siteID) {
		writeError(w, appError(http.StatusNotFound, "SITE_NOT_FOUND", "no site "+siteID+" for this API key", map[string]any{"siteId": siteID}))
		return
	}
	st := s.site(siteID)
	if s.opts.RateLimit > 0 {
		if ok, retry := st.limiter.take(s.opts.RateLimit, s.opts.RateBurst, time.Now()); !ok {
			w.Header().Set("Retry-After", strconv.Itoa(retry))
			writeError(w, appError(http.StatusTooManyRequests, "TOO_MANY_REQUESTS",
				"rate limit of "+strconv.Itoa(s.opts.RateLimit)+" requests per minute exceeded for this site",
				map[string]any{"retryAfterSeconds": retry}))
			return
		}
	}
	latency := s.dice.in(s.opts.Latency)
	fail := s.dice.hit(s.opts.ErrorRate)
	failUnavailable := fail && s.dice.coin()
	commitFail := ep.commit && s.dice.hit(s.opts.CommitErrorRate)
	commitDrop := commitFail && s.dice.coin()
	if latency > 0 {
		t := time.NewTimer(latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	if fail {
		writeError(w, serverError(failUnavailable))
		return
	}
	c := &call{s: s, r: r, site: st, base: baseURL(r)}
	body, aerr := ep.fn(c)
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	if commitFail {
		s.log.Debug("commit error injected", "endpoint", ep.name, "drop", commitDrop)
		if commitDrop {
			drop(w)
			return
		}
		writeError(w, serverError(s.dice.coin()))
		return
	}
	writeJSON(w, http.StatusOK, body)
}

func serverError(unavailable bool) *apiError {
	if unavailable {
		return appError(http.StatusServiceUnavailable, "UNAVAILABLE", "service temporarily unavailable", nil)
	}
	return appError(http.StatusInternalServerError, "INTERNAL_ERROR", "internal server error", nil)
}

// drop closes the client connection without an answer. It is counted
// first, so the stats already show it when the client notices.
func drop(w http.ResponseWriter) {
	if sw, ok := w.(*statusWriter); ok {
		sw.dropped = true
		sw.done()
	}
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler) // net/http closes the connection
	}
	conn.Close()
}

// baseURL is the simulator's own address as the client reached it, for
// upload URLs and /media links.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// site returns the site with id, creating it on first use.
func (s *Simulator) site(id string) *site {
	s.sitesMu.Lock()
	defer s.sitesMu.Unlock()
	st := s.sites[id]
	if st == nil {
		st = &site{id: id, prefix: sitePrefix(id), live: newShelf(), trash: newShelf(), fresh: map[*fileRec]*fileRec{}}
		s.sites[id] = st
	}
	return st
}

// lookup finds a file of st by ID; files of other sites are not found.
func (s *Simulator) lookup(st *site, id string) *fileRec {
	s.filesMu.RLock()
	f := s.files[id]
	s.filesMu.RUnlock()
	if f == nil || f.site != st {
		return nil
	}
	return f
}

// now is the wall clock for dates, in Unix nanoseconds rounded down to the
// millisecond (or to Options.DateGranularity): Wix's dates have millisecond
// precision, and so have the Date objects of its JavaScript SDK, so finer
// steps would be invisible to SDK clients (and to anyone comparing dates
// Wix sent).
func (s *Simulator) now() int64 {
	if g := s.opts.DateGranularity; g > 0 {
		return s.opts.Now().Truncate(g).UnixNano()
	}
	return s.opts.Now().UnixMilli() * int64(time.Millisecond)
}

// changed is the updatedDate of a change to a file last updated at prev:
// now, and by default at least a millisecond after prev even if the clock
// did not move (with Options.DateGranularity, now as it is: ties allowed).
func (s *Simulator) changed(prev int64) int64 {
	if s.opts.DateGranularity > 0 {
		return max(s.now(), prev)
	}
	return max(s.now(), prev+int64(time.Millisecond))
}

// create registers a new PENDING file and indexes it.
func (s *Simulator) create(f *fileRec) {
	f.created = s.now()
	f.updated = f.created
	s.filesMu.Lock()
	s.files[f.id] = f
	s.filesMu.Unlock()
	f.site.mu.Lock()
	f.site.add(f)
	f.site.mu.Unlock()
	s.pending.Add(1)
}

// judge decides a stored blob's outcome: media of the declared type (if
// any) is READY, anything else FAILED.
func (s *Simulator) judge(b blob, declared mediaKind, log *slog.Logger) outcome {
	sn, ok := sniff(b.head, func() (io.ReadCloser, error) { return s.blobs.open(b.hash) })
	if !ok {
		log.Debug("processing failed", "reason", "content is not media")
		return outcome{}
	}
	if declared != kindUnknown && declared != sn.kind {
		log.Debug("processing failed", "reason", "content is "+string(sn.kind.wire())+", declared "+string(declared.wire()))
		return outcome{}
	}
	return outcome{ready: true, sn: sn, hash: b.hash, size: b.size}
}

// finish ends processing of f with out. updatedDate moves to now (see
// changed).
// With Options.ListLag the change is visible by ID at once and in listings
// only once the lag is over.
func (s *Simulator) finish(f *fileRec, out outcome) {
	change := func(f *fileRec) {
		f.updated = s.changed(f.updated)
		if out.ready {
			f.status = statusReady
			f.media, f.mime = out.sn.kind, out.sn.mime
			f.width, f.height, f.duration = out.sn.width, out.sn.height, out.sn.durationMs
			f.size, f.hash, f.hasHash, f.hasBytes = out.size, out.hash, true, true
		} else {
			f.status = statusFailed
		}
	}
	st := f.site
	lag := s.dice.in(s.opts.ListLag)
	st.mu.Lock()
	if f.deleted {
		st.mu.Unlock() // deleted for good while processing; already uncounted
		return
	}
	if lag > 0 {
		fresh := *st.current(f)
		change(&fresh)
		st.fresh[f] = &fresh
	} else {
		st.update(f, change)
	}
	st.mu.Unlock()
	if lag > 0 {
		s.listings.after(lag, f, outcome{})
	}
	s.pending.Add(-1)
	if out.ready {
		s.ready.Add(1)
	} else {
		s.failed.Add(1)
	}
}

// publish ends a lagging listing: f takes its place and status in listings.
func (s *Simulator) publish(f *fileRec) {
	st := f.site
	st.mu.Lock()
	defer st.mu.Unlock()
	fresh := st.fresh[f]
	if fresh == nil {
		return
	}
	delete(st.fresh, f)
	// Only what processing changes: lookups read the rest without the lock.
	st.update(f, func(f *fileRec) {
		f.updated, f.status, f.media, f.mime = fresh.updated, fresh.status, fresh.media, fresh.mime
		f.width, f.height, f.duration, f.size = fresh.width, fresh.height, fresh.duration, fresh.size
		f.hash, f.hasHash, f.hasBytes = fresh.hash, fresh.hasHash, fresh.hasBytes
	})
}

// serveMedia answers GET /media/<id> with the stored bytes, as
// static.wixstatic.com does for the real service, and a scaled-to-fill
// path (/media/<id>/v1/fill/w_..,h_../<name>) with the image scaled and
// cropped to that size.
func (s *Simulator) serveMedia(w http.ResponseWriter, r *http.Request) {
	id, fillW, fillH, fill := fillPath(strings.TrimPrefix(r.URL.Path, mediaPathPrefix))
	s.filesMu.RLock()
	f := s.files[id]
	s.filesMu.RUnlock()
	var hash [16]byte
	var mime string
	ok := false
	var mod int64
	if f != nil {
		f.site.mu.RLock()
		cur := f.site.current(f)
		hash, mime, ok, mod = cur.hash, cur.mime, cur.hasBytes, cur.updated
		f.site.mu.RUnlock()
	}
	if f == nil && (r.Method == http.MethodGet || r.Method == http.MethodHead) && s.servePoster(w, r, id) {
		return
	}
	if !ok || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
		writeError(w, appError(http.StatusNotFound, "NOT_FOUND", "no media "+id, nil))
		return
	}
	file, err := s.blobs.open(hash)
	if err != nil {
		writeError(w, appError(http.StatusNotFound, "NOT_FOUND", "no media "+id, nil))
		return
	}
	defer file.Close()
	if fill {
		if out, outMIME, ok := scaleToFill(file, mime, fillW, fillH); ok {
			w.Header().Set("Content-Type", outMIME)
			http.ServeContent(w, r, "", time.Unix(0, mod), bytes.NewReader(out))
			return
		}
		if _, err := file.Seek(0, io.SeekStart); err != nil {
			writeError(w, appError(http.StatusInternalServerError, "INTERNAL", "rereading media "+id+": "+err.Error(), nil))
			return
		}
	}
	if mime != "" {
		w.Header().Set("Content-Type", mime)
	}
	http.ServeContent(w, r, "", time.Unix(0, mod), file)
}

// render turns f into its wire form. The caller holds f.site.mu.
func (s *Simulator) render(f *fileRec, base string, withMedia bool) wix.File {
	created, updated := time.Unix(0, f.created).UTC(), time.Unix(0, f.updated).UTC()
	out := wix.File{
		ID:              f.id,
		DisplayName:     f.name,
		URL:             wix.MediaURLPrefix + f.id,
		ParentFolderID:  f.parent,
		Private:         f.private,
		MediaType:       f.media.wire(),
		OperationStatus: f.status.wire(),
		SourceURL:       f.source,
		Labels:          f.labels,
		CreatedDate:     &created,
		UpdatedDate:     &updated,
		SiteID:          f.site.id,
		State:           fileStateOK,
	}
	if f.trashed {
		out.State = fileStateDeleted
	}
	if f.hasHash {
		out.Hash = hexHash(f.hash)
	}
	if f.size >= 0 {
		out.SizeInBytes = strconv.FormatInt(f.size, 10)
	}
	if f.status != statusReady {
		return out
	}
	if f.media == kindImage || f.media == kindVector {
		out.ThumbnailURL = base + mediaPathPrefix + f.id
	}
	if f.media == kindImage {
		out.Labels = append(append([]string(nil), f.labels...), aiLabels(f.hash)...)
	}
	if withMedia {
		out.Media = s.media(f)
	}
	return out
}

// media builds the type-specific part of a READY descriptor.
func (s *Simulator) media(f *fileRec) *wix.FileMedia {
	u := wix.MediaURLPrefix + f.id
	size := strconv.FormatInt(f.size, 10)
	switch f.media {
	case kindImage, kindVector:
		im := &wix.ImageMedia{Image: &wix.Image{ID: f.id, URL: u, Width: int(f.width), Height: int(f.height), Filename: f.name, SizeInBytes: size}}
		if f.media == kindVector {
			return &wix.FileMedia{Vector: im}
		}
		return &wix.FileMedia{Image: im}
	case kindVideo:
		return &wix.FileMedia{Video: s.video(f, u, size)}
	case kindAudio:
		// Wix gives an audio's duration in seconds, and its assets' in
		// milliseconds (what the SDK's wix:audio URI carries).
		return &wix.FileMedia{Audio: &wix.AudioMedia{ID: f.id, Duration: float64(f.duration) / 1000,
			Assets: []wix.AudioAsset{{ID: f.id, URL: u, Filename: f.name, SizeInBytes: size, Duration: float64(f.duration)}}}}
	case kindDocument:
		return &wix.FileMedia{Document: &wix.DocumentMedia{ID: f.id, URL: u, Filename: f.name, SizeInBytes: size}}
	case kindArchive:
		return &wix.FileMedia{Archive: &wix.GenericMedia{ID: f.id, URL: u, Filename: f.name, SizeInBytes: size}}
	case kindModel3D:
		return &wix.FileMedia{Model3D: &wix.GenericMedia{ID: f.id, URL: u, Filename: f.name, SizeInBytes: size}}
	}
	return nil
}

// video is a READY video's media: its one rendition, its size and
// duration, and a poster of the frame's size, named as Wix names posters
// (the video's ID without its extension, then f000.jpg) and served by
// /media/ as a JPEG.
func (s *Simulator) video(f *fileRec, u, size string) *wix.VideoMedia {
	v := &wix.VideoMedia{ID: f.id, URL: u, Filename: f.name, SizeInBytes: size,
		Width: int(f.width), Height: int(f.height), DurationInMilliseconds: int64(f.duration)}
	if f.width > 0 && f.height > 0 {
		v.Resolutions = []wix.VideoResolution{{URL: u, Width: int(f.width), Height: int(f.height)}}
		id := posterID(f.id)
		s.posters.LoadOrStore(id, f.id)
		v.Posters = []wix.Image{{ID: id, URL: wix.MediaURLPrefix + id, Width: int(f.width), Height: int(f.height)}}
	}
	return v
}

// servePoster answers for the poster posterID of a READY video: a grey
// JPEG of the video's frame size. It reports false when there is no such
// poster.
func (s *Simulator) servePoster(w http.ResponseWriter, r *http.Request, posterID string) bool {
	videoID, ok := s.posters.Load(posterID)
	if !ok {
		return false
	}
	s.filesMu.RLock()
	f := s.files[videoID.(string)]
	s.filesMu.RUnlock()
	if f == nil {
		return false
	}
	f.site.mu.RLock()
	cur := f.site.current(f)
	width, height, ready, mod := cur.width, cur.height, cur.status == statusReady, cur.updated
	f.site.mu.RUnlock()
	if !ready || width <= 0 || height <= 0 {
		return false
	}
	var buf bytes.Buffer
	frame := image.NewGray(image.Rect(0, 0, int(min(width, 4096)), int(min(height, 4096))))
	for i := range frame.Pix {
		frame.Pix[i] = 0x80
	}
	if err := jpeg.Encode(&buf, frame, nil); err != nil {
		return false
	}
	w.Header().Set("Content-Type", "image/jpeg")
	http.ServeContent(w, r, "", time.Unix(0, mod), bytes.NewReader(buf.Bytes()))
	return true
}

// posterSuffix ends the ID of a video's poster.
const posterSuffix = "f000.jpg"

func posterID(videoID string) string {
	return strings.TrimSuffix(videoID, path.Ext(videoID)) + posterSuffix
}

var aiWords = [...]string{"Photograph", "Sky", "Landscape", "Nature", "Product", "Art",
	"Design", "Pattern", "Color", "Light", "Texture", "Illustration", "Font", "Graphics", "Still life", "Macro"}

// aiLabels are the fake "AI" labels Wix adds to images, derived from the
// content so they are stable.
func aiLabels(h [16]byte) []string {
	a, b := int(h[0])%len(aiWords), int(h[1])%len(aiWords)
	if a == b {
		b = (b + 1) % len(aiWords)
	}
	return []string{aiWords[a], aiWords[b]}
}

// statusWriter records the status of an answer for the stats.
type statusWriter struct {
	http.ResponseWriter
	status  int
	dropped bool
	record  func(label string)
	counted bool
}

// done counts the answer once.
func (w *statusWriter) done() {
	if !w.counted {
		w.counted = true
		w.record(w.label())
	}
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection (tusd sets
// deadlines, commit errors hijack).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *statusWriter) label() string {
	switch {
	case w.dropped:
		return "dropped"
	case w.status == 0:
		return "200"
	}
	return strconv.Itoa(w.status)
}
