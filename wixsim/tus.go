package wixsim

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/tus/tusd/v2/pkg/filestore"
	tusd "github.com/tus/tusd/v2/pkg/handler"
	"github.com/tus/tusd/v2/pkg/memorylocker"
	expslog "golang.org/x/exp/slog"

	"github.com/wixmigrate/wixmigrate/wix"
)

// tusCore is the tusd (reference tus server) handler behind resumable
// uploads, with a file store in the simulator's temp dir.
type tusCore struct {
	store filestore.FileStore
	h     *tusd.UnroutedHandler
}

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
	memorylocker.New().UseIn(composer)
	h, err := tusd.NewUnroutedHandler(tusd.Config{
		BasePath:                tusFilePathPrefix,
		StoreComposer:           composer,
		MaxSize:                 s.opts.MaxFetchBytes,
		DisableDownload:         true,
		Logger:                  expslog.New(expslog.NewTextHandler(io.Discard, nil)),
		PreUploadCreateCallback: s.tusCreate,
	})
	if err != nil {
		return err
	}
	s.tusCore = tusCore{store: store, h: h}
	s.tus = h.Middleware(http.HandlerFunc(s.tusRoute))
	return nil
}

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
	// tusd reads its body field from a goroutine woken by request
	// cancellation, racing with PATCH handling when a client hangs up early.
	// A cut connection still ends the body read with an error, which is how
	// tusd saves the bytes that arrived, so the request's cancellation is not
	// needed.
	s.tus.ServeHTTP(w, r.WithContext(context.WithoutCancel(r.Context())))
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
	var upload tusd.Upload
	sess, aerr := s.takeSession(tok, func(sess *uploadSession) *apiError {
		switch {
		case tok2 != tok || !sess.tus:
			return appError(http.StatusNotFound, "UPLOAD_NOT_FOUND", "finalize with PUT {uploadUrl}/{uploadToken}", nil)
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
	f, aerr := s.completeUpload(sess, name, sess.mimeType, rd)
	rd.Close()
	if term := s.tusCore.store.AsTerminatableUpload(upload); term != nil {
		_ = term.Terminate(ctx)
	}
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	writeJSON(w, http.StatusOK, wix.UploadResponse{File: f.renderFor(s, baseURL(r))})
}
