package wix

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Upload sends one file's bytes to an upload URL from GenerateUploadURL and
// returns the new file's descriptor (usually still PENDING).
//
// The upload URL carries its own authorization and may live on another host,
// so the API key is never sent with it. fileName is added as the `filename`
// query parameter unless the URL already has one; Wix needs it when the
// Generate call named no file, and it is harmless otherwise. size must be the
// exact length of body: Wix wants a Content-Length, not a chunked stream.
//
// The PUT creates a file, so a lost answer (5xx, timeout, dropped
// connection) is reported as ErrUnknownOutcome: the file may exist.
func (c *Client) Upload(ctx context.Context, uploadURL, fileName, mimeType string, body io.Reader, size int64) (*File, error) {
	const op = "Upload"
	u, err := withFilename(uploadURL, fileName)
	if err != nil {
		return nil, fmt.Errorf("wix: %s: bad upload URL", op) // the URL may hold secrets: do not print it
	}
	if size < 0 {
		return nil, fmt.Errorf("wix: %s: negative size %d", op, size)
	}
	if size == 0 {
		body = http.NoBody
	}
	req, err := c.newUploadRequest(ctx, http.MethodPut, u, body)
	if err != nil {
		return nil, fmt.Errorf("wix: %s: %w", op, err)
	}
	req.ContentLength = size
	if mimeType != "" {
		req.Header.Set("Content-Type", mimeType)
	}
	var resp UploadResponse
	if err := c.send(req, op, &resp, true); err != nil {
		return nil, err
	}
	if resp.File == nil {
		return nil, &Error{Op: op, StatusCode: http.StatusOK, Message: "answer holds no file"}
	}
	return resp.File, nil
}

// tusVersion is the only tus protocol version Wix speaks.
const tusVersion = "1.0.0"

// Defaults of ResumableOptions.
const (
	DefaultChunkSize  = 8 << 20
	DefaultMaxResumes = 5
)

// ResumableOptions tunes UploadResumable; the zero value (or nil) uses the
// defaults.
type ResumableOptions struct {
	// ChunkSize is the most bytes sent in one PATCH, DefaultChunkSize when
	// 0 or less. Smaller chunks lose less work to a dropped connection;
	// larger ones cost fewer round trips.
	ChunkSize int64
	// MaxResumes is how many failed PATCH or HEAD requests (dropped
	// connections, timeouts, 5xx, offset conflicts, lock contention) one
	// upload survives by asking the server for its offset and carrying on
	// from there; DefaultMaxResumes when 0, none when negative. Resumes are
	// immediate: longer outages are for the caller's retry policy.
	MaxResumes int
	// OnProgress, when set, is called with the number of bytes the server
	// holds each time that number changes.
	OnProgress func(uploaded int64)
}

// UploadResumable uploads one file with the tus 1.0 protocol to the endpoint
// that GenerateResumableUploadURL returned, then finalizes it and returns the
// new file's descriptor.
//
// The steps, as Wix documents them: a tus creation POST to UploadURL whose
// Upload-Metadata carries `filename`, `contentType` and `token` (the upload
// token is tus-level authorization: Wix's docs put it in the metadata, not in
// a header, and say it is the only authorization needed, so the API key is
// never sent), plus `filetype`, the name generic tus servers read the type
// from; PATCHes of at most ChunkSize bytes to the upload's Location;
// and a finalizing PUT to {UploadURL}/{UploadToken}?filename=NAME, which
// answers the file.
//
// A PATCH that fails with a dropped connection, a timeout, a 5xx or lock
// contention (409, 423, tusd's ERR_UPLOAD_INTERRUPTED) does not restart the
// upload: the client asks the server (HEAD) how many bytes it kept and
// continues from that offset, up to MaxResumes times. body is an io.ReaderAt
// because a resume re-reads from an arbitrary offset.
//
// Only the finalizing PUT creates the file, so only its lost answer is
// reported as ErrUnknownOutcome; a failure before it leaves nothing behind
// in the Media Manager.
func (c *Client) UploadResumable(ctx context.Context, u *GenerateResumableUploadURLResponse, fileName, mimeType string, body io.ReaderAt, size int64, opts *ResumableOptions) (*File, error) {
	const op = "UploadResumable"
	if u == nil || u.UploadURL == "" || u.UploadToken == "" {
		return nil, fmt.Errorf("wix: %s: no upload URL or token", op)
	}
	if u.UploadProtocol != "" && u.UploadProtocol != UploadProtocolTUS {
		return nil, fmt.Errorf("wix: %s: unsupported upload protocol %q", op, u.UploadProtocol)
	}
	if size < 0 {
		return nil, fmt.Errorf("wix: %s: negative size %d", op, size)
	}
	var o ResumableOptions
	if opts != nil {
		o = *opts
	}
	if o.ChunkSize <= 0 {
		o.ChunkSize = DefaultChunkSize
	}
	switch {
	case o.MaxResumes == 0:
		o.MaxResumes = DefaultMaxResumes
	case o.MaxResumes < 0:
		o.MaxResumes = 0
	}
	endpoint, err := url.Parse(u.UploadURL)
	if err != nil {
		return nil, fmt.Errorf("wix: %s: bad upload URL", op)
	}

	location, err := c.tusCreate(ctx, op+" create", endpoint, u.UploadToken, fileName, mimeType, size)
	if err != nil {
		return nil, err
	}
	if err := c.tusSend(ctx, op, location, body, size, &o); err != nil {
		return nil, err
	}

	finalize := endpoint.JoinPath(url.PathEscape(u.UploadToken))
	target, err := withFilename(finalize.String(), fileName)
	if err != nil {
		return nil, fmt.Errorf("wix: %s: bad upload URL", op)
	}
	req, err := c.newUploadRequest(ctx, http.MethodPut, target, http.NoBody)
	if err != nil {
		return nil, fmt.Errorf("wix: %s: %w", op, err)
	}
	var resp UploadResponse
	if err := c.send(req, op+" finalize", &resp, true); err != nil {
		return nil, err
	}
	if resp.File == nil {
		return nil, &Error{Op: op + " finalize", StatusCode: http.StatusOK, Message: "answer holds no file"}
	}
	return resp.File, nil
}

// tusCreate creates the tus upload and returns its absolute URL. A relative
// Location is resolved against the URL that answered (after any redirect),
// as RFC 9110 says.
func (c *Client) tusCreate(ctx context.Context, op string, endpoint *url.URL, token, fileName, mimeType string, size int64) (*url.URL, error) {
	req, err := c.newUploadRequest(ctx, http.MethodPost, endpoint.String(), http.NoBody)
	if err != nil {
		return nil, fmt.Errorf("wix: %s: %w", op, err)
	}
	req.Header.Set("Tus-Resumable", tusVersion)
	req.Header.Set("Upload-Length", strconv.FormatInt(size, 10))
	req.Header.Set("Upload-Metadata", tusMetadata(
		"filename", fileName,
		"contentType", mimeType,
		"filetype", mimeType,
		"token", token))
	resp, err := c.roundTrip(req, op, false)
	if err != nil {
		return nil, err
	}
	drain(resp)
	loc := resp.Header.Get("Location")
	if loc == "" {
		return nil, &Error{Op: op, StatusCode: resp.StatusCode, Message: "answer has no Location"}
	}
	rel, err := url.Parse(loc)
	if err != nil {
		return nil, &Error{Op: op, StatusCode: resp.StatusCode, Message: "answer has a malformed Location"}
	}
	return resp.Request.URL.ResolveReference(rel), nil
}

// tusSend PATCHes the bytes from offset 0 until the server holds all of
// them, resuming from the server's offset after failures.
func (c *Client) tusSend(ctx context.Context, op string, location *url.URL, body io.ReaderAt, size int64, o *ResumableOptions) error {
	var offset int64
	resumes := 0
	progress := func(n int64) {
		if n != offset {
			offset = n
			if o.OnProgress != nil {
				o.OnProgress(n)
			}
		}
	}
	// resumable reports whether a failed step may be followed by a HEAD
	// and another try, and counts the try.
	resumable := func(err error) bool {
		ok := ctx.Err() == nil && resumes < o.MaxResumes && (IsTransient(err) || tusContention(err))
		if ok {
			resumes++
		}
		return ok
	}
	needOffset := false
	for needOffset || offset < size {
		if needOffset {
			n, err := c.tusOffset(ctx, op+" resume", location, size)
			if err != nil {
				if resumable(err) {
					continue
				}
				return err
			}
			needOffset = false
			progress(n)
			continue
		}
		n := min(o.ChunkSize, size-offset)
		next, err := c.tusPatch(ctx, op+" patch", location, io.NewSectionReader(body, offset, n), offset, n, size)
		if err != nil {
			if resumable(err) {
				needOffset = true
				continue
			}
			return err
		}
		progress(next)
	}
	return nil
}

// tusContention reports whether a PATCH failed because the server's view of
// the upload moved under it, which a HEAD and a resume from the server's
// offset fix: 409 (our Upload-Offset is stale, e.g. a PATCH we gave up on
// was still being stored), 423 (another request holds the upload's lock) and
// tusd's 400 ERR_UPLOAD_INTERRUPTED (the reference server's answer to a
// PATCH that a later request for the same upload pre-empted). tusd sends the
// code as the start of a plain-text body, which decodeError keeps as Message.
func tusContention(err error) bool {
	var e *Error
	if !errors.As(err, &e) {
		return false
	}
	switch e.StatusCode {
	case http.StatusConflict, http.StatusLocked:
		return true
	case http.StatusBadRequest:
		return strings.HasPrefix(e.Message, "ERR_UPLOAD_INTERRUPTED")
	}
	return false
}

// tusPatch sends one chunk starting at offset and returns the server's new
// offset.
func (c *Client) tusPatch(ctx context.Context, op string, location *url.URL, chunk *io.SectionReader, offset, n, size int64) (int64, error) {
	req, err := c.newUploadRequest(ctx, http.MethodPatch, location.String(), chunk)
	if err != nil {
		return 0, fmt.Errorf("wix: %s: %w", op, err)
	}
	req.ContentLength = n
	req.GetBody = func() (io.ReadCloser, error) {
		return io.NopCloser(io.NewSectionReader(chunk, 0, n)), nil
	}
	req.Header.Set("Tus-Resumable", tusVersion)
	req.Header.Set("Upload-Offset", strconv.FormatInt(offset, 10))
	req.Header.Set("Content-Type", "application/offset+octet-stream")
	resp, err := c.roundTrip(req, op, false)
	if err != nil {
		return 0, err
	}
	drain(resp)
	next, err := uploadOffset(op, resp, size)
	if err != nil {
		return 0, err
	}
	if next <= offset {
		// The server took nothing and said so without an error: sending
		// the same chunk again would loop for ever.
		return 0, &Error{Op: op, StatusCode: resp.StatusCode,
			Message: fmt.Sprintf("server did not advance the offset past %d", offset)}
	}
	return next, nil
}

// tusOffset asks the server how many bytes of the upload it holds.
func (c *Client) tusOffset(ctx context.Context, op string, location *url.URL, size int64) (int64, error) {
	req, err := c.newUploadRequest(ctx, http.MethodHead, location.String(), nil)
	if err != nil {
		return 0, fmt.Errorf("wix: %s: %w", op, err)
	}
	req.Header.Set("Tus-Resumable", tusVersion)
	resp, err := c.roundTrip(req, op, false)
	if err != nil {
		return 0, err
	}
	drain(resp)
	return uploadOffset(op, resp, size)
}

// uploadOffset reads and checks the Upload-Offset header of a tus answer.
func uploadOffset(op string, resp *http.Response, size int64) (int64, error) {
	n, err := strconv.ParseInt(resp.Header.Get("Upload-Offset"), 10, 64)
	if err != nil || n < 0 || n > size {
		return 0, &Error{Op: op, StatusCode: resp.StatusCode,
			Message: fmt.Sprintf("answer has a bad Upload-Offset %q", resp.Header.Get("Upload-Offset"))}
	}
	return n, nil
}

// newUploadRequest builds a request to an upload host. Unlike API calls it
// carries no Authorization or wix-site-id: upload URLs and tokens authorize
// themselves, and the API key must not leak to another host.
func (c *Client) newUploadRequest(ctx context.Context, method, target string, body io.Reader) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, method, target, body)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // drop the URL: it may carry tokens
		}
		return nil, err
	}
	if c.UserAgent != "" {
		req.Header.Set("User-Agent", c.UserAgent)
	}
	return req, nil
}

// withFilename adds the filename query parameter to rawURL unless it is
// already there or name is empty. The existing query is kept byte for byte
// (not re-encoded or re-ordered) because upload URLs may be signed.
func withFilename(rawURL, name string) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", err
	}
	if name == "" || u.Query().Has("filename") {
		return u.String(), nil
	}
	p := "filename=" + url.QueryEscape(name)
	if u.RawQuery == "" {
		u.RawQuery = p
	} else {
		u.RawQuery = strings.TrimSuffix(u.RawQuery, "&") + "&" + p
	}
	u.ForceQuery = false
	return u.String(), nil
}

// tusMetadata encodes key/value pairs as a tus Upload-Metadata header,
// leaving out empty values.
func tusMetadata(kv ...string) string {
	var parts []string
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			parts = append(parts, kv[i]+" "+base64.StdEncoding.EncodeToString([]byte(kv[i+1])))
		}
	}
	return strings.Join(parts, ",")
}

// drain reads what is left of an answer we only need the headers of, so the
// connection can be reused, and closes it.
func drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
}
