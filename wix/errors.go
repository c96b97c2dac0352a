package wix

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"syscall"
	"time"
)

// ErrUnknownOutcome marks an import whose answer was lost: a 5xx, a timeout
// or a dropped connection after the request was sent. The file may or may not
// exist in the Media Manager; the client never re-sends such a call, so the
// caller can reconcile instead of creating a duplicate.
var ErrUnknownOutcome = errors.New("wix: outcome unknown (the request may have taken effect)")

// ErrNotSent marks a call that never left: no connection could be made
// (refused, DNS failure, TLS handshake failure, a proxy refusing), so not a
// byte of the request was written. Its outcome is known, even for an import:
// nothing happened, and it may be sent again like a read.
var ErrNotSent = errors.New("wix: the request was not sent")

// Error is a non-2xx answer from the API.
type Error struct {
	Op          string // the call, e.g. "BulkImportFile"
	StatusCode  int
	Message     string
	Code        string // Wix's application error code
	Description string
	Violations  []FieldViolation
	RequestID   string        // x-wix-request-id, to quote to Wix support
	RetryAfter  time.Duration // from Retry-After, when the server sent one
	// MissingFileIDs are, for a 404 of a call naming files, the ones the
	// answer says the Media Manager does not have (data.fileIds), when it
	// names them.
	MissingFileIDs []string

	unknownOutcome bool
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "wix: %s: HTTP %d", e.Op, e.StatusCode)
	if e.Code != "" {
		fmt.Fprintf(&b, " %s", e.Code)
	}
	switch {
	case e.Description != "":
		fmt.Fprintf(&b, ": %s", e.Description)
	case e.Message != "":
		fmt.Fprintf(&b, ": %s", e.Message)
	}
	for _, v := range e.Violations {
		fmt.Fprintf(&b, "; %s: %s", v.Field, v.Description)
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " (request id %s)", e.RequestID)
	}
	if e.unknownOutcome {
		b.WriteString(" (outcome unknown: the request may have taken effect)")
	}
	return b.String()
}

// Is makes errors.Is(err, ErrUnknownOutcome) true for a 5xx answer to an import.
func (e *Error) Is(target error) bool {
	return target == ErrUnknownOutcome && e.unknownOutcome
}

// Reason is a short human text for reports: Wix's description, else its message.
func (e *Error) Reason() string {
	if e.Description != "" {
		return e.Description
	}
	if len(e.Violations) > 0 {
		v := e.Violations[0]
		return v.Field + ": " + v.Description
	}
	if e.Message != "" {
		return e.Message
	}
	return http.StatusText(e.StatusCode)
}

// IsThrottled reports whether err is a 429 answer; wait and try again.
func IsThrottled(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.StatusCode == http.StatusTooManyRequests
}

// RetryAfter returns the wait the server asked for, or 0.
func RetryAfter(err error) time.Duration {
	var e *Error
	if errors.As(err, &e) {
		return e.RetryAfter
	}
	return 0
}

// IsAuth reports whether err is a 401 or 403: credentials or permissions are
// wrong, and retrying cannot help; the caller must stop.
func IsAuth(err error) bool {
	var e *Error
	return errors.As(err, &e) && (e.StatusCode == http.StatusUnauthorized || e.StatusCode == http.StatusForbidden)
}

// IsTransient reports whether err may pass on a later try: 5xx answers,
// timeouts and dropped connections. Unknown-outcome errors are transient too,
// but must not be re-sent blindly; check ErrUnknownOutcome first.
func IsTransient(err error) bool {
	if err == nil {
		return false
	}
	var e *Error
	if errors.As(err, &e) {
		return e.StatusCode >= 500
	}
	if errors.Is(err, context.Canceled) {
		return false
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, errConnection) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne)
}

// IsPermanent reports whether err is a 4xx answer other than 401, 403 and
// 429: the request itself is wrong and will fail again.
func IsPermanent(err error) bool {
	var e *Error
	if !errors.As(err, &e) {
		return false
	}
	return e.StatusCode >= 400 && e.StatusCode < 500 && !IsAuth(err) && !IsThrottled(err)
}

// IsNotFound reports whether err is a 404 answer.
func IsNotFound(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.StatusCode == http.StatusNotFound
}

// errConnection wraps transport failures so IsTransient recognises them
// whatever the underlying error type.
var errConnection = errors.New("connection failed")

// transportError wraps a failed round trip. It keeps the cause but drops the
// request URL that *url.Error would print: query strings may carry upload
// tokens.
type transportError struct {
	op      string
	cause   error
	unknown bool // the request may have taken effect
	notSent bool // no byte of the request was written
}

func (e *transportError) Error() string {
	s := fmt.Sprintf("wix: %s: %v", e.op, e.cause)
	switch {
	case e.unknown:
		s += " (outcome unknown: the request may have taken effect)"
	case e.notSent:
		s += " (not sent)"
	}
	return s
}

func (e *transportError) Unwrap() []error {
	errs := []error{e.cause, errConnection}
	if e.unknown {
		errs = append(errs, ErrUnknownOutcome)
	}
	if e.notSent {
		errs = append(errs, ErrNotSent)
	}
	return errs
}
