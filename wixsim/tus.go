package wixsim

import (
	"context"
	"crypto/subtle"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/tus/tusd/v2/pkg/filestore"
	tusd "github.com/tus/tusd/v2/pkg/handler"
	"github.com/tus/tusd/v2/pkg/memorylocker"
	expslog "golang.org/x/exp/slog"
)

// tusCore is the tusd (reference tus server) handler behind resumable
// uploads, with a file store in the simulator's temp dir.
type tusCore struct {
	store  filestore.FileStore
	locker tusd.Locker
	h      *tusd.UnroutedHandler
}

// tusLockTimeout bounds how long a finalizing PUT waits for a tus request
// on the same upload to return.
const tusLockTimeout = 20 * time.Second

// initTus sets up tusd. Uploads are created at the uploadUrl
// (/_tus/<token>) and live at /_tusfiles/<id>, where clients PATCH and HEAD
// them to resume.
func (s *Simulator) initTus(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	store := filestore.New(dir)
	composer := tusd.NewStoreComposer()
	store.UseIn(composer)
	locker := patientLocker{memorylocker.New()}
	composer.UseLocker(locker)
	h, err := tusd.NewUnroutedHandler(tusd.Config{
		BasePath:        tusFilePathPrefix,
		StoreComposer:   composer,
		MaxSize:         s.opts.MaxFetchBytes,
		DisableDownload: true,
		Logger:          expslog.New(expslog.NewTextHandler(io.Discard, nil)),
		// tusd's context for a request ends only after tusd has returned
		// (see serveTus), so stores need no grace period; a short one lets
		// tusd's per-request goroutine end soon (0 would mean tusd's 10 s).
		GracefulRequestCompletionTimeout: time.Millisecond,
		PreUploadCreateCallback:          s.tusCreate,
	})
	if err != nil {
		return err
	}
	s.tusCore = tusCore{store: store, locker: locker, h: h}
	s.tus = h.Middleware(http.HandlerFunc(s.tusRoute))
	return nil
}

// patientLocker is tusd's in-memory locker without lock pre-emption: a
// request for an upload that another request holds waits until that request
// has returned (or AcquireLockTimeout passes) instead of asking it to stop.
//
// Pre-emption is what made tusd v2.9.1 race under -race: a HEAD or PATCH
// that arrives while a cut PATCH is still being handled asks the PATCH to
// release its lock, which cancels the PATCH's context, and tusd's watcher
// of that context reads the PATCH's body reader while the PATCH is still
// setting it up (context.go:65 vs unrouted_handler.go:911). Without
// pre-emption that context is never cancelled while the request is handled,
// and a resuming client also gets what it wants: the offset after the cut
// PATCH has stored what reached the server, not an ERR_UPLOAD_INTERRUPTED.
type patientLocker struct{ inner tusd.Locker }

func (l patientLocker) NewLock(id string) (tusd.Lock, error) {
	lk, err := l.inner.NewLock(id)
	if err != nil {
		return nil, err
	}
	return patientLock{lk}, nil
}

type patientLock struct{ inner tusd.Lock }

// Lock waits for the lock and never asks its holder to let go.
func (l patientLock) Lock(ctx context.Context, _ func()) error {
	return l.inner.Lock(ctx, func() {})
}

func (l patientLock) Unlock() error { return l.inner.Unlock() }

// tusCreate ties a new tus upload to the token in its creation URL; an
// unknown token gets 404.
func (s *Simulator) tusCreate(ev tusd.HookEvent) (tusd.HTTPResponse, tusd.FileInfoChanges, error) {
	u, err := url.Parse(ev.HTTPRequest.URI)
	if err != nil {
		return tusd.HTTPResponse{}, tusd.FileInfoChanges{}, tusd.ErrNotFound
	}
	tok := strings.Trim(strings.TrimPrefix(u.Path, tusPathPrefix), "/")
	s.uploadsMu.Lock()
	defer s.uploadsMu.Unlock()
	sess := s.uploads[tok]
	if sess == nil || !sess.tus {
		return tusd.HTTPResponse{}, tusd.FileInfoChanges{}, tusd.NewError("ERR_UPLOAD_NOT_FOUND", "unknown or used upload token", http.StatusNotFound)
	}
	sess.tusID = tok + "-" + token()[:16]
	return tusd.HTTPResponse{}, tusd.FileInfoChanges{ID: sess.tusID}, nil
}

// serveTus handles the tus protocol and the finalizing
// PUT {uploadUrl}/{uploadToken}?filename=NAME.
func (s *Simulator) serveTus(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPut && strings.HasPrefix(r.URL.Path, tusPathPrefix) {
		s.finalizeTus(w, r)
		return
	}
	if r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, tusPathPrefix) {
		if aerr := s.checkTusToken(r); aerr != nil {
			writeError(w, aerr)
			return
		}
	}
	// tusd reads its body field from a goroutine woken by cancellation of
	// the request's context, racing with PATCH handling when a client hangs
	// up early. A cut connection still ends the body read with an error,
	// which is how tusd saves the bytes that arrived, so tusd gets a context
	// that is cancelled only once it has returned: that wakes its
	// per-request goroutines so they end, and happens after every write
	// they could race with.
	ctx, cancel := context.WithCancel(context.WithoutCancel(r.Context()))
	defer cancel()
	s.tus.ServeHTTP(w, r.WithContext(ctx))
}

// checkTusToken authorizes a tus creation request: its Upload-Metadata must
// carry the uploadToken that Generate File Resumable Upload URL returned
// with this upload URL, as Wix documents (`token`, next to `filename` and
// `contentType`); the token is the only authorization these requests have.
// A missing token is 401, a wrong, spent or foreign one 403.
func (s *Simulator) checkTusToken(r *http.Request) *apiError {
	tok := tusd.ParseMetadataHeader(r.Header.Get("Upload-Metadata"))["token"]
	if tok == "" {
		return appError(http.StatusUnauthorized, "UNAUTHENTICATED",
			"missing upload token: put the uploadToken in Upload-Metadata as token", nil)
	}
	urlTok := strings.Trim(strings.TrimPrefix(r.URL.Path, tusPathPrefix), "/")
	s.uploadsMu.Lock()
	sess := s.uploads[tok]
	s.uploadsMu.Unlock()
	if sess == nil || !sess.tus || subtle.ConstantTimeCompare([]byte(tok), []byte(urlTok)) != 1 {
		return appError(http.StatusForbidden, "PERMISSION_DENIED",
			"the upload token is not valid for this upload URL (unknown, spent or issued for another upload)", nil)
	}
	return nil
}

// tusRoute dispatches tus requests behind tusd's middleware.
func (s *Simulator) tusRoute(w http.ResponseWriter, r *http.Request) {
	h := s.tusCore.h
	if strings.HasPrefix(r.URL.Path, tusPathPrefix) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", "POST")
			http.Error(w, "create uploads with POST", http.StatusMethodNotAllowed)
			return
		}
		h.PostFile(w, r)
		return
	}
	r.URL.Path = strings.TrimPrefix(r.URL.Path, tusFilePathPrefix)
	switch r.Method {
	case http.MethodHead:
		h.HeadFile(w, r)
	case http.MethodPatch:
		h.PatchFile(w, r)
	case http.MethodDelete:
		h.DelFile(w, r)
	default:
		w.Header().Set("Allow", "HEAD, PATCH, DELETE")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

// finalizeTus turns a complete tus upload into a file and answers {file}.
func (s *Simulator) finalizeTus(w http.ResponseWriter, r *http.Request) {
	rest := strings.TrimPrefix(r.URL.Path, tusPathPrefix)
	tok, tok2, _ := strings.Cut(rest, "/")
	name := r.URL.Query().Get("filename")
	ctx := r.Context()
	// Hold the tus upload's lock, as tusd's own requests do, so that the
	// bytes are not read while a PATCH still writes them.
	s.uploadsMu.Lock()
	var tusID string
	if sess := s.uploads[tok]; sess != nil {
		tusID = sess.tusID
	}
	s.uploadsMu.Unlock()
	if tusID != "" {
		lk, err := s.tusCore.locker.NewLock(tusID)
		if err == nil {
			lctx, cancel := context.WithTimeout(ctx, tusLockTimeout)
			err = lk.Lock(lctx, func() {})
			cancel()
		}
		if err != nil {
			writeError(w, appError(http.StatusLocked, "UPLOAD_LOCKED", "the tus upload is busy with another request", nil))
			return
		}
		defer lk.Unlock()
	}
	var upload tusd.Upload
	sess, aerr := s.takeSession(tok, func(sess *uploadSession) *apiError {
		switch {
		case tok2 != tok || !sess.tus:
			return appError(http.StatusNotFound, "UPLOAD_NOT_FOUND", "finalize with PUT {uploadUrl}/{uploadToken}", nil)
		case sess.tusID != tusID:
			return appError(http.StatusConflict, "UPLOAD_CHANGED", "a new tus upload was created at this upload URL while finalizing", nil)
		case sess.tusID == "":
			return appError(http.StatusBadRequest, "UPLOAD_INCOMPLETE", "no tus upload was created at this upload URL", nil)
		case sess.fileName == "" && name == "":
			return invalid("filename", ruleRequired, "pass ?filename= when the upload URL was made without fileName")
		}
		up, err := s.tusCore.store.GetUpload(ctx, sess.tusID)
		if err != nil {
			return appError(http.StatusBadRequest, "UPLOAD_INCOMPLETE", "tus upload not found: "+err.Error(), nil)
		}
		info, err := up.GetInfo(ctx)
		if err != nil || info.SizeIsDeferred || info.Offset != info.Size {
			return appError(http.StatusBadRequest, "UPLOAD_INCOMPLETE", "tus upload is not complete", map[string]any{"offset": info.Offset, "size": info.Size})
		}
		upload = up
		return nil
	})
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	rd, err := upload.GetReader(ctx)
	if err != nil {
		writeError(w, appError(http.StatusInternalServerError, "INTERNAL_ERROR", "cannot read tus upload: "+err.Error(), nil))
		return
	}
	f, process, aerr := s.completeUpload(sess, name, sess.mimeType, rd)
	rd.Close()
	if term := s.tusCore.store.AsTerminatableUpload(upload); term != nil {
		_ = term.Terminate(ctx)
	}
	s.answerUpload(w, r, f, process, aerr)
}
