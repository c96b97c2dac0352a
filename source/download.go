package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"path"
	"path/filepath"
	"strings"

	"github.com/gabriel-vasile/mimetype"

	"github.com/wixmigrate/wixmigrate/wix"
)

// Download describes a source fetched by Prober.Download.
type Download struct {
	// Size is the number of bytes written.
	Size int64
	// ContentType is the server's type when specific, else the one sniffed
	// from the content or named by the file's extension; never empty.
	ContentType string
	// FileName is a base name for the upload: from Content-Disposition,
	// else the URL's last path segment, with an extension added when it
	// has none and the type is known.
	FileName string
}

// Download fetches a source into w, for uploading it when Wix cannot fetch it
// itself. It refuses, before writing anything, a source that is not media
// (an HTML login page served with 200) or that declares more than MaxBytes;
// it stops a body that grows past MaxBytes. An error is an *Error explained
// like a probe's; w may then hold part of the body.
func (p *Prober) Download(ctx context.Context, rawURL string, w io.Writer) (Download, error) {
	u, bad := parseURL(rawURL)
	if bad != nil {
		return Download{}, bad
	}
	resp, wctx, wd, done, err := p.send(ctx, http.MethodGet, u, nil)
	defer done()
	if err != nil {
		return Download{}, fail(wctx, err, 0)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return Download{}, explainStatus(resp.StatusCode)
	}
	limit := p.maxBytes()
	if resp.ContentLength > limit {
		return Download{}, explain(&errTooLarge{size: resp.ContentLength, limit: limit}, resp.StatusCode)
	}

	body := &progressReader{r: resp.Body, w: wd}
	head := make([]byte, downloadSniffLen)
	n, rerr := 0, error(nil)
	for n < len(head) && rerr == nil {
		var m int
		m, rerr = body.Read(head[n:])
		n += m
	}
	head = head[:n]
	if rerr != nil && rerr != io.EOF {
		return Download{}, p.transferError(wctx, rerr, resp, body.n)
	}
	name := fileName(resp, u)
	ct := typeOf(resp.Header.Get("Content-Type"), name, head)
	if n == 0 {
		return Download{}, &Error{Cause: CauseEmpty, Reason: Reasons.Empty, Status: resp.StatusCode}
	}
	if d := p.judge(resp.StatusCode, ct, int64(n), ""); !d.OK {
		return Download{}, &Error{Cause: d.Cause, Reason: d.Reason, Status: resp.StatusCode}
	}

	out := &errWriter{w: w}
	if _, err := out.Write(head); err != nil {
		return Download{}, fmt.Errorf("writing the download of %s: %w", u.Redacted(), err)
	}
	rest, err := io.Copy(out, io.LimitReader(body, limit-int64(n)+1))
	size := int64(n) + rest
	var werr *writeError
	switch {
	case errors.As(err, &werr):
		return Download{}, fmt.Errorf("writing the download of %s: %w", u.Redacted(), werr.err)
	case err != nil:
		return Download{}, p.transferError(wctx, err, resp, body.n)
	case size > limit:
		return Download{}, explain(&errTooLarge{size: -1, limit: limit}, resp.StatusCode)
	}
	return Download{Size: size, ContentType: ct, FileName: withExtension(name, ct)}, nil
}

// downloadSniffLen is how much mimetype looks at by default; a download has
// the bytes anyway, so it sniffs with all of them.
const downloadSniffLen = 4096

// transferError explains a body that broke off, saying how far it got.
func (p *Prober) transferError(ctx context.Context, err error, resp *http.Response, got int64) *Error {
	e := fail(ctx, err, resp.StatusCode)
	if e.Cause == CauseConnection || e.Cause == CauseTimeout {
		out := *e
		if resp.ContentLength >= 0 {
			out.Reason = fmt.Sprintf("%s (after %d of %d bytes)", e.Reason, got, resp.ContentLength)
		} else {
			out.Reason = fmt.Sprintf("%s (after %d bytes)", e.Reason, got)
		}
		return &out
	}
	return e
}

// errWriter marks the caller's write failures, so that io.Copy's errors
// can be told apart: a failed read is the source's fault and is explained,
// a failed write is the caller's and is passed on.
type errWriter struct{ w io.Writer }

func (e *errWriter) Write(b []byte) (int, error) {
	n, err := e.w.Write(b)
	if err != nil {
		return n, &writeError{err: err}
	}
	return n, nil
}

type writeError struct{ err error }

func (e *writeError) Error() string { return e.err.Error() }

func (e *writeError) Unwrap() error { return e.err }

// fileName picks the upload's name: Content-Disposition's filename, else the
// URL's last path segment, else "download".
func fileName(resp *http.Response, u *url.URL) string {
	if _, params, err := mime.ParseMediaType(resp.Header.Get("Content-Disposition")); err == nil {
		if n := cleanName(params["filename"]); n != "" {
			return n
		}
	}
	final := u
	if resp.Request != nil && resp.Request.URL != nil {
		final = resp.Request.URL
	}
	if n := cleanName(path.Base(final.Path)); n != "" {
		return n
	}
	return "download"
}

// cleanName keeps a name's last element, so a hostile header cannot name a
// path; "" when nothing usable is left.
func cleanName(name string) string {
	name = filepath.Base(path.Base(strings.ReplaceAll(strings.TrimSpace(name), `\`, "/")))
	if name == "." || name == "/" || name == ".." || strings.Trim(name, ".") == "" {
		return ""
	}
	return name
}

// withExtension adds the type's usual extension to a name that has none,
// since Wix learns a file's type from its name too.
func withExtension(name, contentType string) string {
	if path.Ext(name) != "" {
		return name
	}
	if ext := wix.ExtensionOfMIME(contentType); ext != "" {
		return name + ext
	}
	if m := mimetype.Lookup(baseType(contentType)); m != nil && m.Extension() != "" {
		return name + m.Extension() // a type the project's table does not list
	}
	return name
}
