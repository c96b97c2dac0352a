package wixsim

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/wixmigrate/wixmigrate/wix"
)

// uploadSession is what Generate File (Resumable) Upload URL promised: the
// placement and type of the file the token's upload will create.
type uploadSession struct {
	site     *site
	p        placement
	mimeType string
	fileName string
	tus      bool
	tusID    string // the tus upload created with this token, once there is one
}

// checkUploadRequest validates the fields both upload-URL methods share.
func (c *call) checkUploadRequest(v *violations, mimeType, fileName, size, parent, filePath string, private *bool, labels []string) *uploadSession {
	if strings.TrimSpace(mimeType) == "" {
		v.add("mimeType", ruleRequired, "must not be empty")
	} else if len(mimeType) > maxMimeType {
		v.add("mimeType", ruleMaxLength, "must be at most %d characters", maxMimeType)
	}
	if size != "" {
		if n, err := strconv.ParseInt(size, 10, 64); err != nil || n < 0 {
			v.add("sizeInBytes", ruleFormat, "must be a decimal string")
		}
	}
	p := checkPlacement(v, c.site, fileName, parent, filePath, private, labels)
	return &uploadSession{site: c.site, p: p, mimeType: mimeType, fileName: p.name}
}

func (s *Simulator) addSession(sess *uploadSession) string {
	tok := token()
	s.uploadsMu.Lock()
	s.uploads[tok] = sess
	s.uploadsMu.Unlock()
	return tok
}

// generateUploadURL is POST /site-media/v1/files/generate-upload-url. The
// URL points back at this simulator and accepts one PUT.
func (c *call) generateUploadURL() (any, *apiError) {
	var req wix.GenerateUploadURLRequest
	if err := decode(c.r, &req); err != nil {
		return nil, err
	}
	var v violations
	sess := c.checkUploadRequest(&v, req.MimeType, req.FileName, req.SizeInBytes, req.ParentFolderID, req.FilePath, req.Private, req.Labels)
	if err := v.err(); err != nil {
		return nil, err
	}
	tok := c.s.addSession(sess)
	return wix.GenerateUploadURLResponse{UploadURL: c.base + uploadPathPrefix + tok}, nil
}

// generateResumableUploadURL is POST
// /site-media/v1/files/generate-resumable-upload-url: a tus 1.0 creation
// endpoint on this simulator and the token that finalizes the upload.
func (c *call) generateResumableUploadURL() (any, *apiError) {
	var req wix.GenerateResumableUploadURLRequest
	if err := decode(c.r, &req); err != nil {
		return nil, err
	}
	var v violations
	if req.UploadProtocol != "" && req.UploadProtocol != wix.UploadProtocolTUS {
		v.add("uploadProtocol", ruleFormat, "must be TUS")
	}
	sess := c.checkUploadRequest(&v, req.MimeType, req.FileName, req.SizeInBytes, req.ParentFolderID, req.FilePath, req.Private, req.Labels)
	if err := v.err(); err != nil {
		return nil, err
	}
	sess.tus = true
	tok := c.s.addSession(sess)
	return wix.GenerateResumableUploadURLResponse{
		UploadProtocol: wix.UploadProtocolTUS,
		UploadURL:      c.base + tusPathPrefix + tok,
		UploadToken:    tok,
	}, nil
}

// takeSession removes and returns the session of tok if ok accepts it.
func (s *Simulator) takeSession(tok string, ok func(*uploadSession) *apiError) (*uploadSession, *apiError) {
	s.uploadsMu.Lock()
	defer s.uploadsMu.Unlock()
	sess := s.uploads[tok]
	if sess == nil {
		return nil, appError(http.StatusNotFound, "UPLOAD_NOT_FOUND", "unknown or used upload token", nil)
	}
	if err := ok(sess); err != nil {
		return nil, err
	}
	delete(s.uploads, tok)
	return sess, nil
}

// serveUpload answers PUT <uploadUrl>[?filename=NAME]: it stores the body
// and answers {file}. The token in the URL is the only authorization.
func (s *Simulator) serveUpload(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPut {
		w.Header().Set("Allow", http.MethodPut)
		writeError(w, appError(http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", "upload with PUT", nil))
		return
	}
	tok := strings.TrimPrefix(r.URL.Path, uploadPathPrefix)
	name := r.URL.Query().Get("filename")
	sess, aerr := s.takeSession(tok, func(sess *uploadSession) *apiError {
		if sess.tus {
			return appError(http.StatusBadRequest, "INVALID_ARGUMENT", "this token is for a tus upload", nil)
		}
		if sess.fileName == "" && name == "" {
			return invalid("filename", ruleRequired, "pass ?filename= when the upload URL was made without fileName")
		}
		return nil
	})
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	f, process, aerr := s.completeUpload(sess, name, r.Header.Get("Content-Type"), r.Body)
	s.answerUpload(w, r, f, process, aerr)
}

// answerUpload answers a finished upload (one PUT, or the last step of a
// tus upload) with its file, and only then lets its processing start, so
// the answer says PENDING like Wix's.
func (s *Simulator) answerUpload(w http.ResponseWriter, r *http.Request, f *fileRec, process func(), aerr *apiError) {
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	answer := wix.UploadResponse{File: f.renderFor(s, baseURL(r))}
	process()
	writeJSON(w, http.StatusOK, answer)
}

// completeUpload stores an upload's bytes and creates its file, which then
// goes through processing like an import's (sniffing, delay, stuck).
func (s *Simulator) completeUpload(sess *uploadSession, name, contentType string, body io.Reader) (*fileRec, func(), *apiError) {
	if sess.fileName != "" {
		name = sess.fileName
	}
	name = truncate(name, storedDisplayName)
	b, err := s.blobs.put(body, s.opts.MaxFetchBytes)
	if errors.Is(err, errTooLarge) {
		return nil, nil, appError(http.StatusRequestEntityTooLarge, "FILE_TOO_LARGE", "upload exceeds "+strconv.FormatInt(s.opts.MaxFetchBytes, 10)+" bytes", nil)
	}
	if err != nil {
		return nil, nil, appError(http.StatusInternalServerError, "INTERNAL_ERROR", "cannot store upload: "+err.Error(), nil)
	}
	mimeType := sess.mimeType
	if mimeType == "" {
		mimeType = contentType
	}
	declared, _ := kindOfMIME(mimeType)
	kind, ext := guess(declared, mimeType, name)
	st := sess.site
	f := &fileRec{
		site: st, id: fileID(st.prefix, kind, ext, s.ids.next()),
		name: name, parent: sess.p.parent, labels: sess.p.labels, private: sess.p.private,
		size: b.size, hash: b.hash, hasHash: true, media: kind,
	}
	s.create(f)
	stuck := s.dice.hit(s.opts.StuckRate)
	delay := s.dice.in(s.opts.ProcessingDelay)
	if stuck {
		return f, func() {}, nil
	}
	out := s.judge(b, declared, s.log.With("file", f.id))
	// The caller renders its answer first and schedules the verdict after,
	// so even with no processing delay an upload answers PENDING, like an
	// import, as on Wix.
	return f, func() { s.timers.after(delay, f, out) }, nil
}

// renderFor renders f with its media under its site's read lock.
func (f *fileRec) renderFor(s *Simulator, base string) *wix.File {
	f.site.mu.RLock()
	out := s.render(f, base, true)
	f.site.mu.RUnlock()
	return &out
}
