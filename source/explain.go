package source

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"time"
)

// Causes are short, stable categories for grouping failures in reports and
// tables; the matching Reason says the same thing for people.
const (
	CauseOK             = "ok"
	CauseHTTP403        = "http-403"         // forbidden: usually hotlink protection
	CauseHTTP404        = "http-404"         // the file is missing at the source
	CauseHTTPStatus     = "http-status"      // any other non-2xx answer (401, 410, 429, 451, 5xx, ...)
	CauseNotMedia       = "not-media"        // HTML, text, JSON or an unrecognizable type
	CauseWrongMediaType = "wrong-media-type" // media, but not the type the manifest expects
	CauseEmpty          = "empty"            // zero bytes
	CauseTimeout        = "timeout"          // no answer, or the transfer stalled
	CauseDNS            = "dns"              // the host name does not resolve
	CauseTLS            = "tls"              // the TLS handshake or certificate check failed
	CauseConnection     = "connection"       // refused, reset or closed early
	CauseTooLarge       = "too-large"        // over Prober.MaxBytes
	CauseRedirectLoop   = "redirect-loop"    // redirects loop or exceed 10
	CauseBadURL         = "bad-url"          // not an absolute http(s) URL
	CauseCanceled       = "canceled"         // the caller gave up (Ctrl-C)
	CauseMissingFile    = "missing-file"     // a local file that does not exist
	CauseUnreadable     = "unreadable"       // a local file that cannot be read
	CauseNotAFile       = "not-a-file"       // a local path that is a directory or device
)

// Error is a source that cannot be read, already explained. It is what
// Download and OpenLocal return, so callers can copy Cause and Reason into a
// report without classifying again.
type Error struct {
	Cause  string
	Reason string
	// Status is the HTTP status when the source answered one, else 0.
	Status int
	// Err is the underlying error, when there was one.
	Err error
}

func (e *Error) Error() string { return e.Reason }

func (e *Error) Unwrap() error { return e.Err }

// errTimeout is the cancellation cause the Prober's watchdog sets, so that a
// deadline the tool imposed is told apart from the caller's own cancellation
// and the reason can name the limit.
type errTimeout struct {
	limit   time.Duration
	stalled bool // the answer had begun, then stopped
}

func (e *errTimeout) Error() string {
	if e.stalled {
		return fmt.Sprintf("the source stopped sending for %s", e.limit)
	}
	return fmt.Sprintf("the source did not answer within %s", e.limit)
}

// errRedirects is what the redirect policy returns; the client wraps it.
type errRedirects struct {
	loop bool
	to   string
}

func (e *errRedirects) Error() string {
	if e.loop {
		return fmt.Sprintf("the source's redirects loop (back to %s)", e.to)
	}
	return fmt.Sprintf("the source redirected more than %d times", maxRedirects)
}

// errTooLarge is a body over the size limit.
type errTooLarge struct {
	size  int64 // -1 when only the count read so far is known
	limit int64
}

func (e *errTooLarge) Error() string {
	if e.size < 0 {
		return fmt.Sprintf("the source is over the %s limit", formatSize(e.limit))
	}
	return fmt.Sprintf("the source is %s, over the %s limit", formatSize(e.size), formatSize(e.limit))
}

func explain(err error, status int) *Error {
	if err == nil {
		return explainStatus(status)
	}
	out := func(cause, reason string) *Error {
		return &Error{Cause: cause, Reason: reason, Status: status, Err: err}
	}
	var (
		se   *Error
		te   *errTimeout
		re   *errRedirects
		tl   *errTooLarge
		dns  *net.DNSError
		cve  *tls.CertificateVerificationError
		uae  x509.UnknownAuthorityError
		hne  x509.HostnameError
		cie  x509.CertificateInvalidError
		rhe  tls.RecordHeaderError
		ae   tls.AlertError
		nerr net.Error
	)
	switch {
	case errors.As(err, &se):
		return se
	case errors.As(err, &te):
		return out(CauseTimeout, te.Error())
	case errors.As(err, &re):
		return out(CauseRedirectLoop, re.Error())
	case errors.As(err, &tl):
		return out(CauseTooLarge, tl.Error())
	case errors.Is(err, context.Canceled):
		return out(CauseCanceled, "the check was interrupted before the source answered")
	case errors.As(err, &dns):
		if dns.IsNotFound {
			return out(CauseDNS, fmt.Sprintf("the source's host name does not resolve (DNS): %s", dns.Name))
		}
		if dns.IsTimeout {
			return out(CauseDNS, fmt.Sprintf("the DNS lookup of the source's host %s timed out", dns.Name))
		}
		return out(CauseDNS, fmt.Sprintf("the DNS lookup of the source's host %s failed: %s", dns.Name, dns.Err))
	case errors.As(err, &cve):
		return out(CauseTLS, "TLS handshake with the source failed: "+tlsDetail(cve.Err))
	case errors.As(err, &uae), errors.As(err, &hne), errors.As(err, &cie):
		return out(CauseTLS, "TLS handshake with the source failed: "+tlsDetail(err))
	case errors.As(err, &rhe):
		return out(CauseTLS, "TLS handshake with the source failed: the server does not speak TLS on that port (is the URL http rather than https?)")
	case errors.As(err, &ae), strings.Contains(err.Error(), "tls: "):
		return out(CauseTLS, "TLS handshake with the source failed: "+tlsDetail(err))
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &nerr) && nerr.Timeout():
		return out(CauseTimeout, "the source did not answer in time")
	case errors.Is(err, syscall.ECONNREFUSED):
		return out(CauseConnection, "the source refused the connection: nothing is listening at that address")
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return out(CauseConnection, "the source reset the connection")
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return out(CauseConnection, "the source closed the connection before the answer was complete")
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return out(CauseConnection, "the source's host cannot be reached from here (no route)")
	case strings.Contains(err.Error(), "unsupported protocol scheme"):
		return out(CauseBadURL, "the source redirected to a URL that is not http(s)")
	}
	return out(CauseConnection, "could not read the source: "+err.Error())
}

// tlsDetail trims Go's error prefixes so the reason reads like a sentence:
// "certificate signed by unknown authority".
func tlsDetail(err error) string {
	s := err.Error()
	if i := strings.LastIndex(s, "x509: "); i >= 0 {
		return s[i+len("x509: "):]
	}
	if i := strings.LastIndex(s, "tls: "); i >= 0 {
		return s[i+len("tls: "):]
	}
	return s
}

// explainStatus phrases a non-2xx answer the way a site owner would want it
// explained, with the likely reason and, where there is one, what helps.
func explainStatus(status int) *Error {
	text := fmt.Sprintf(Reasons.HTTPStatus, statusText(status))
	e := &Error{Cause: CauseHTTPStatus, Status: status}
	switch {
	case status == http.StatusForbidden:
		e.Cause = CauseHTTP403
		e.Reason = fmt.Sprintf(Reasons.HTTP403, statusText(status))
	case status == http.StatusNotFound:
		e.Cause = CauseHTTP404
		e.Reason = fmt.Sprintf(Reasons.HTTP404, statusText(status))
	case status == http.StatusUnauthorized:
		e.Reason = text + ": the file needs a login, which Wix's fetcher does not have"
	case status == http.StatusGone:
		e.Reason = text + ": the old site removed the file for good"
	case status == http.StatusTooManyRequests:
		e.Reason = text + ": the source throttles fetchers; retry later or with less concurrency"
	case status == http.StatusUnavailableForLegalReasons:
		e.Reason = text + ": the source refuses to serve the file for legal reasons (often by region)"
	case status == http.StatusRequestedRangeNotSatisfiable:
		e.Cause = CauseEmpty
		e.Reason = text + ": the file is empty"
	case status >= 500:
		e.Reason = text + ": the old site's server is failing; retry later"
	case status >= 300 && status < 400:
		e.Reason = text + ": a redirect without a usable target"
	case status >= 400:
		e.Reason = text + ": the source refuses the request"
	default:
		e.Reason = text
	}
	return e
}

// statusText names an HTTP status: "404 Not Found", or "HTTP 599".
func statusText(status int) string {
	if http.StatusText(status) == "" {
		return fmt.Sprintf("HTTP %d", status)
	}
	return fmt.Sprintf("%d %s", status, http.StatusText(status))
}

// formatSize writes a byte count for people: 512 bytes, 12 KB, 1.5 MB.
// Units are binary (1 MB = 1<<20 bytes), matching the default limit of
// exactly 100 MB.
func formatSize(n int64) string {
	const kb, mb, gb = 1 << 10, 1 << 20, 1 << 30
	f := func(v float64, unit string) string {
		if v < 10 && v != float64(int64(v)) {
			return fmt.Sprintf("%.1f %s", v, unit)
		}
		return fmt.Sprintf("%.0f %s", v, unit)
	}
	switch {
	case n >= gb:
		return f(float64(n)/gb, "GB")
	case n >= mb:
		return f(float64(n)/mb, "MB")
	case n >= kb:
		return f(float64(n)/kb, "KB")
	case n == 1:
		return "1 byte"
	}
	return fmt.Sprintf("%d bytes", n)
}
