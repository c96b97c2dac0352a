package wix

import (
	"context"
	"errors"
	"fmt"
	"net/http"
)

// AccessProblem is why a client cannot work with a site at all.
type AccessProblem int

// The problems CheckAccess tells apart.
const (
	// AccessUnreachable: no connection to the API could be made (refused,
	// DNS failure, TLS handshake failure, a proxy refusing).
	AccessUnreachable AccessProblem = iota + 1
	// AccessKeyRefused: the API key (or token) was refused, or may not
	// manage this site's media (401, 403).
	AccessKeyRefused
	// AccessSiteUnknown: the API does not know the site ID (404; 428, which
	// Wix answers when a call has no site to act on).
	AccessSiteUnknown
)

// AccessError is a problem found by CheckAccess. Its message says which, in
// words for the person running the tool; Err is the API's own answer.
type AccessError struct {
	Problem AccessProblem
	BaseURL string // the API address the client tried
	SiteID  string
	Err     error
}

func (e *AccessError) Error() string {
	switch e.Problem {
	case AccessUnreachable:
		var te *transportError
		reason := e.Err
		if errors.As(e.Err, &te) {
			reason = te.cause
		}
		return fmt.Sprintf("cannot reach %s: %v", e.BaseURL, reason)
	case AccessKeyRefused:
		var ae *Error
		if errors.As(e.Err, &ae) && ae.StatusCode == http.StatusForbidden {
			return fmt.Sprintf("the API key was refused for site ID %q: it lacks the Manage Media Manager permission or belongs to another account than the site's (%v)", e.SiteID, e.Err)
		}
		return fmt.Sprintf("the API key was refused (%v)", e.Err)
	case AccessSiteUnknown:
		return fmt.Sprintf("the site ID %q is unknown (%v)", e.SiteID, e.Err)
	}
	return e.Err.Error()
}

func (e *AccessError) Unwrap() error { return e.Err }

// CheckAccess makes the cheapest call there is, a List Files page of one
// file, to learn before any import whether the API answers and accepts the
// key and the site ID. Those three problems come back as *AccessError; any
// other error (a 5xx, a throttle, a timeout) as is, for the caller to retry
// like any read.
func (c *Client) CheckAccess(ctx context.Context) error {
	_, err := c.ListFiles(ctx, &ListFilesRequest{Paging: CursorPaging{Limit: 1}})
	if err == nil {
		return nil
	}
	problem := AccessProblem(0)
	var ae *Error
	switch {
	case errors.Is(err, ErrNotSent):
		problem = AccessUnreachable
	case IsAuth(err):
		problem = AccessKeyRefused
	case errors.As(err, &ae) && (ae.StatusCode == http.StatusNotFound || ae.StatusCode == http.StatusPreconditionRequired):
		problem = AccessSiteUnknown
	default:
		return err
	}
	return &AccessError{Problem: problem, BaseURL: c.BaseURL, SiteID: c.SiteID, Err: err}
}
