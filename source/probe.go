package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/wixmigrate/wixmigrate/wix"
)

// Defaults for a zero Prober.
const (
	// DefaultMaxBytes is 100 MB: Wix's own import limits are lower for
	// images and higher for video, so this only stops absurd downloads.
	DefaultMaxBytes int64 = 100 << 20
	// DefaultTimeout bounds each wait for a source: for its answer, and
	// for the next bytes of a body.
	DefaultTimeout = 20 * time.Second
	// DefaultUserAgent names the tool honestly, so an old site's owner who
	// sees it in their logs knows what it was.
	DefaultUserAgent = "wixmigrate/1 (media migration to Wix; +https://github.com/wixmigrate/wixmigrate)"
)

// sniffLen is how much of a body the probe reads: enough for every format
// mimetype knows by its magic bytes, little enough to be cheap on any server.
const sniffLen = 512

// maxRedirects bounds redirect chains, as browsers and Go's client do.
const maxRedirects = 10

// Prober checks and downloads remote sources. The zero value is ready to use;
// a Prober is safe for concurrent use once configured.
type Prober struct {
	// Client sends the requests; nil means a client on
	// http.DefaultTransport. Its redirect policy is replaced by one that
	// stops loops and chains longer than 10, and its Timeout is ignored in
	// favour of Timeout below.
	Client *http.Client
	// UserAgent is sent with every request; "" means DefaultUserAgent.
	UserAgent string
	// MaxBytes is the largest source accepted; 0 means DefaultMaxBytes.
	MaxBytes int64
	// Timeout bounds each wait: for a source's answer, and between the
	// pieces of a body; 0 means DefaultTimeout. A slow but steady download
	// is never cut off.
	Timeout time.Duration
	// Hosts, when set, limits the requests in flight per host.
	Hosts *HostLimiter
	// Header is sent with every request, after the User-Agent (which it
	// may replace): what the source's hotlink guard wants to see.
	Header Header
}

// Diagnosis is what a probe learned about a source.
type Diagnosis struct {
	// OK says the source answers 2xx with media Wix can import (of the
	// wanted type, when one was given).
	OK bool
	// Status is the HTTP status of the answer judged, 0 when none came.
	Status int
	// ContentType is the source's type as best known: sniffed from content
	// when read, else declared by the server, else from the URL's extension.
	ContentType string
	// MediaType is the Wix media type ContentType imports as, "" when none.
	MediaType wix.MediaType
	// Size is the source's size in bytes, -1 when unknown.
	Size int64
	// Cause is a short category, one of the Cause constants.
	Cause string
	// Reason is a sentence for people, fit for a report's failure_reason.
	Reason string
}

// WixFailedReason phrases why Wix marked an import of this source FAILED,
// given this probe of the same source by the tool. When the probe found a
// problem, that problem is the reason. When the source answers the tool
// well, the difference is who asked: the source serves us but refused Wix's
// fetcher, which is what hotlink protection does.
func (d Diagnosis) WixFailedReason() string {
	if !d.OK {
		return d.Reason
	}
	return fmt.Sprintf(Reasons.RefusesWix, d.ContentType)
}

func (p *Prober) maxBytes() int64 {
	if p.MaxBytes > 0 {
		return p.MaxBytes
	}
	return DefaultMaxBytes
}

func (p *Prober) timeout() time.Duration {
	if p.Timeout > 0 {
		return p.Timeout
	}
	return DefaultTimeout
}

func (p *Prober) userAgent() string {
	if p.UserAgent != "" {
		return p.UserAgent
	}
	return DefaultUserAgent
}

// client returns the configured client with the redirect policy this package
// needs: a loop is its own cause, not just "too many redirects".
func (p *Prober) client() *http.Client {
	var c http.Client
	if p.Client != nil {
		c = *p.Client
	}
	c.Timeout = 0 // the watchdog times requests, resetting on progress
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		next := req.URL.String()
		for _, v := range via {
			if v.URL.String() == next {
				return &errRedirects{loop: true, to: next}
			}
		}
		if len(via) >= maxRedirects {
			return &errRedirects{}
		}
		return nil
	}
	return &c
}

// parseURL accepts only absolute http(s) URLs with a host: anything else is
// something Wix cannot fetch either.
func parseURL(rawURL string) (*url.URL, *Error) {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil {
		return nil, &Error{Cause: CauseBadURL, Reason: fmt.Sprintf("the source %q is not a valid URL: %v", rawURL, errors.Unwrap(err)), Err: err}
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, &Error{Cause: CauseBadURL, Reason: fmt.Sprintf("the source %q is not an http(s) URL", rawURL)}
	}
	if u.Host == "" || u.Hostname() == "" {
		return nil, &Error{Cause: CauseBadURL, Reason: fmt.Sprintf("the source %q has no host name", rawURL)}
	}
	return u, nil
}

// watchdog cancels a request when it makes no progress for the Prober's
// timeout. Unlike a fixed deadline, it lets a large download take as long as
// it keeps moving.
type watchdog struct {
	timer   *time.Timer
	limit   time.Duration
	started atomic.Bool // the answer's headers have arrived
}

func (p *Prober) watch(ctx context.Context) (context.Context, *watchdog, func()) {
	ctx, cancel := context.WithCancelCause(ctx)
	w := &watchdog{limit: p.timeout()}
	w.timer = time.AfterFunc(w.limit, func() {
		cancel(&errTimeout{limit: w.limit, stalled: w.started.Load()})
	})
	return ctx, w, func() { w.timer.Stop(); cancel(nil) }
}

// progress restarts the wait after the source sent something.
func (w *watchdog) progress() { w.timer.Reset(w.limit) }

// fail explains err, preferring the watchdog's verdict: when the watchdog
// cancelled the request, the client reports only "context canceled".
func fail(ctx context.Context, err error, status int) *Error {
	var te *errTimeout
	if cause := context.Cause(ctx); errors.As(cause, &te) {
		err = te
	}
	return explain(err, status)
}

// send performs one request under the per-host limit and the watchdog. The
// caller closes the body and then calls done.
func (p *Prober) send(ctx context.Context, method string, u *url.URL, header http.Header) (resp *http.Response, wctx context.Context, w *watchdog, done func(), err error) {
	release := func() {}
	if p.Hosts != nil {
		release, err = p.Hosts.Acquire(ctx, u.Host)
		if err != nil {
			return nil, ctx, nil, func() {}, err
		}
	}
	wctx, w, stop := p.watch(ctx)
	done = func() { stop(); release() }
	req, err := http.NewRequestWithContext(wctx, method, u.String(), nil)
	if err != nil {
		done()
		return nil, wctx, w, func() {}, err
	}
	req.Header.Set("User-Agent", p.userAgent())
	for k, v := range p.Header {
		req.Header[k] = v
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err = p.client().Do(req)
	if err != nil {
		return nil, wctx, w, done, err
	}
	w.started.Store(true)
	w.progress()
	return resp, wctx, w, done, nil
}

// Probe checks a source the way Wix's import would fetch it, without
// downloading it: a HEAD, and when HEAD is refused or says too little, a GET
// of the first 512 bytes (ranged; a server that ignores the range is cut off
// after them). want is the manifest's expected media type, "" for any.
func (p *Prober) Probe(ctx context.Context, rawURL string, want wix.MediaType) Diagnosis {
	u, bad := parseURL(rawURL)
	if bad != nil {
		return failed(bad)
	}
	head, herr := p.head(ctx, u, want)
	if herr == nil && head.OK {
		return head
	}
	if herr != nil {
		switch herr.Cause {
		case CauseDNS, CauseTLS, CauseTimeout, CauseBadURL, CauseRedirectLoop, CauseCanceled:
			// A GET would meet the same wall, and timeouts would double.
			return failed(herr)
		}
	}
	// HEAD was refused (405, 501, or a status a GET may not share: signed
	// storage URLs often answer 403 to HEAD), said too little, or the
	// connection dropped on it: the ranged GET decides.
	get, gerr := p.rangedGet(ctx, u, want)
	if gerr != nil {
		if herr == nil && gerr.Cause == CauseConnection {
			return head // the HEAD's answer says more than the dropped GET
		}
		return failed(gerr)
	}
	return get
}

func failed(e *Error) Diagnosis {
	return Diagnosis{Status: e.Status, Size: -1, Cause: e.Cause, Reason: e.Reason}
}

// head asks for the headers. The Diagnosis is final only when OK: a 2xx
// declaring a media type. Anything else is confirmed by a GET.
func (p *Prober) head(ctx context.Context, u *url.URL, want wix.MediaType) (Diagnosis, *Error) {
	resp, wctx, _, done, err := p.send(ctx, http.MethodHead, u, nil)
	defer done()
	if err != nil {
		return Diagnosis{}, fail(wctx, err, 0)
	}
	resp.Body.Close()
	declared := resp.Header.Get("Content-Type")
	if resp.StatusCode/100 == 2 && wix.MediaTypeOfMIME(declared) == "" {
		return Diagnosis{Status: resp.StatusCode, Size: -1}, nil // too little said
	}
	return p.judge(resp.StatusCode, typeOf(declared, resp.Request.URL.Path, nil), resp.ContentLength, want), nil
}

// rangedGet reads at most sniffLen bytes of the body and judges them.
func (p *Prober) rangedGet(ctx context.Context, u *url.URL, want wix.MediaType) (Diagnosis, *Error) {
	h := http.Header{"Range": {fmt.Sprintf("bytes=0-%d", sniffLen-1)}}
	resp, wctx, w, done, err := p.send(ctx, http.MethodGet, u, h)
	defer done()
	if err != nil {
		return Diagnosis{}, fail(wctx, err, 0)
	}
	defer resp.Body.Close()
	size := resp.ContentLength
	if resp.StatusCode == http.StatusPartialContent {
		size = rangeTotal(resp.Header.Get("Content-Range"))
	}
	if resp.StatusCode/100 != 2 {
		return p.judge(resp.StatusCode, "", size, want), nil
	}
	head, err := io.ReadAll(&progressReader{r: io.LimitReader(resp.Body, sniffLen), w: w})
	if err != nil {
		return Diagnosis{}, fail(wctx, err, resp.StatusCode)
	}
	if len(head) == 0 && size < 0 {
		size = 0
	}
	return p.judge(resp.StatusCode, typeOf(resp.Header.Get("Content-Type"), resp.Request.URL.Path, head), size, want), nil
}

// rangeTotal reads the complete length from "bytes 0-511/12345"; -1 when
// absent or "*".
func rangeTotal(contentRange string) int64 {
	_, total, ok := strings.Cut(contentRange, "/")
	if !ok {
		return -1
	}
	n, err := strconv.ParseInt(strings.TrimSpace(total), 10, 64)
	if err != nil || n < 0 {
		return -1
	}
	return n
}

// judge turns an answer into a Diagnosis: the one place that decides what
// an acceptable source is, for remote probes and local files alike.
func (p *Prober) judge(status int, contentType string, size int64, want wix.MediaType) Diagnosis {
	d := Diagnosis{Status: status, ContentType: contentType, MediaType: wix.MediaTypeOfMIME(contentType), Size: size}
	set := func(cause, reason string) Diagnosis {
		d.Cause, d.Reason = cause, reason
		return d
	}
	switch {
	case status != 0 && status/100 != 2:
		e := explainStatus(status)
		return set(e.Cause, e.Reason)
	case size > p.maxBytes():
		return set(CauseTooLarge, (&errTooLarge{size: size, limit: p.maxBytes()}).Error())
	case size == 0:
		return set(CauseEmpty, Reasons.Empty)
	case d.MediaType == "":
		return set(CauseNotMedia, notMediaReason(contentType))
	case !Compatible(want, d.MediaType):
		return set(CauseWrongMediaType, fmt.Sprintf(Reasons.WrongType, want, contentType, d.MediaType))
	}
	d.OK = true
	if size >= 0 {
		return set(CauseOK, fmt.Sprintf("the source answers with %s (%s)", contentType, formatSize(size)))
	}
	return set(CauseOK, fmt.Sprintf("the source answers with %s", contentType))
}

// progressReader tells the watchdog about every read that brought bytes.
type progressReader struct {
	r io.Reader
	w *watchdog
	n int64
}

func (pr *progressReader) Read(b []byte) (int, error) {
	n, err := pr.r.Read(b)
	if n > 0 {
		pr.n += int64(n)
		pr.w.progress()
	}
	return n, err
}
