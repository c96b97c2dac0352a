// Package wix is a typed client for the Wix Media Manager REST API: importing
// files by URL (one at a time or in bulk), listing and reading file
// descriptors, searching, moving files to the trash bin and back, and
// uploading bytes (one-shot or resumable tus). It also composes the URLs
// and URIs Wix's official SDK gives a file's media (ScaledToFillURL,
// ImageURI), so one package owns how Wix names a file.
//
// Every call takes a context.Context. Non-2xx answers come back as *Error;
// helpers classify them (IsThrottled, IsTransient, IsAuth, IsPermanent). The
// client never retries: retry policy, rate limiting and reconciliation belong
// to the caller, which knows whether a call may safely be sent twice. An
// import whose answer was lost returns an error matching ErrUnknownOutcome;
// a call that never left (no connection could be made) matches ErrNotSent
// instead, whatever the call, because its outcome is known.
package wix

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// DefaultBaseURL is Wix's API host.
const DefaultBaseURL = "https://www.wixapis.com"

// CodeMissingResult marks a bulk item the answer said nothing about: its
// outcome is unknown (the file may exist).
const CodeMissingResult = "MISSING_RESULT"

// Batch limits set by the API.
const (
	MaxBulkImport  = 100  // items per Bulk Import File call
	MaxGetFiles    = 100  // IDs per Get File Descriptors call
	MaxPageLimit   = 100  // paging.limit of List Files and Search Files
	MaxBulkDelete  = 1000 // IDs per Bulk Delete Files and Bulk Restore call
	maxErrorBodyKB = 64
)

// RateLimit is Wix's documented limit: API calls per minute per site.
const RateLimit = 200

// Client calls the Media Manager of one site. Its zero value is not usable;
// create it with NewClient. A Client is safe for concurrent use.
type Client struct {
	// BaseURL is the API root, DefaultBaseURL unless pointed at a simulator.
	BaseURL string
	// SiteID picks the site (API keys are account-level).
	SiteID string
	// HTTPClient sends the requests; http.DefaultClient when nil.
	HTTPClient *http.Client
	// UserAgent is sent with every request.
	UserAgent string

	apiKey string
}

// NewClient returns a client for siteID authenticating with apiKey (an API
// key or an OAuth access token). The key is kept private: it never appears in
// errors, logs or String().
func NewClient(apiKey, siteID string) *Client {
	return &Client{BaseURL: DefaultBaseURL, SiteID: siteID, apiKey: apiKey, UserAgent: "wixmigrate"}
}

// String describes the client without its credentials. It has a value
// receiver so that printing a copied Client (fmt.Sprint(*c)) is covered too.
func (c Client) String() string {
	return fmt.Sprintf("wix.Client{BaseURL: %s, SiteID: %s, APIKey: [redacted]}", c.BaseURL, c.SiteID)
}

// GoString keeps %#v from printing the key too.
func (c Client) GoString() string { return c.String() }

// ImportFile imports one file from a public URL. The file starts PENDING.
func (c *Client) ImportFile(ctx context.Context, req *ImportFileRequest) (*File, error) {
	var resp ImportFileResponse
	if err := c.do(ctx, EndpointImportFile, nil, req, &resp); err != nil {
		return nil, err
	}
	if resp.File == nil {
		// Accepted, but the answer does not say what was created.
		return nil, &Error{Op: EndpointImportFile.Name, StatusCode: http.StatusOK, Message: "answer holds no file", unknownOutcome: true}
	}
	return resp.File, nil
}

// BulkImportFiles imports 1..100 files in one call. Items fail one by one:
// check each result's ItemMetadata.Success. Results are returned ordered by
// OriginalIndex, so Results[i] answers reqs[i] whatever order Wix used.
func (c *Client) BulkImportFiles(ctx context.Context, reqs []ImportFileRequest) (*BulkImportFileResponse, error) {
	if len(reqs) == 0 || len(reqs) > MaxBulkImport {
		return nil, fmt.Errorf("wix: BulkImportFiles: %d items, want 1..%d", len(reqs), MaxBulkImport)
	}
	returnEntity := true
	body := &BulkImportFileRequest{ImportFileRequests: reqs, ReturnEntity: &returnEntity}
	var resp BulkImportFileResponse
	if err := c.do(ctx, EndpointBulkImportFile, nil, body, &resp); err != nil {
		return nil, err
	}
	ordered := make([]BulkImportResult, len(reqs))
	seen := make([]bool, len(reqs))
	for _, r := range resp.Results {
		i := r.ItemMetadata.OriginalIndex
		if i < 0 || i >= len(reqs) || seen[i] {
			return nil, &Error{Op: EndpointBulkImportFile.Name, StatusCode: http.StatusOK, unknownOutcome: true,
				Message: fmt.Sprintf("answer has a bad or repeated originalIndex %d", i)}
		}
		ordered[i], seen[i] = r, true
	}
	for i, ok := range seen {
		if !ok {
			ordered[i] = BulkImportResult{ItemMetadata: ItemMetadata{OriginalIndex: i,
				Error: &ApplicationError{Code: CodeMissingResult, Description: "no result for this item in the answer"}}}
		}
	}
	resp.Results = ordered
	return &resp, nil
}

// ListFiles lists one page of a folder's files. The query is encoded exactly
// as the official SDK does it.
func (c *Client) ListFiles(ctx context.Context, req *ListFilesRequest) (*ListFilesResponse, error) {
	var resp ListFilesResponse
	if err := c.do(ctx, EndpointListFiles, req.query(), nil, &resp); err != nil {
		return nil, err
	}
	return &resp, nil
}

// ListDeletedFiles lists one page of the trash bin, filtered and paged like
// List Files.
func (c *Client) ListDeletedFiles(ctx context.Context, req *ListFilesRequest) (*ListFilesResponse, error) {
	var resp ListFilesResponse
	if err := c.do(ctx, EndpointListDeletedFiles, req.query(), nil, &resp); err != nil {
		return nil, err
	}
	return &resp, nil
}

// BulkDeleteFiles moves 1..1000 files to the trash bin, where the site owner
// can still restore them; permanent deletes them for good instead. Deleting
// a file that is already in the trash is no error, so the call may be sent
// again after a lost answer.
func (c *Client) BulkDeleteFiles(ctx context.Context, fileIDs []string, permanent bool) error {
	if len(fileIDs) == 0 || len(fileIDs) > MaxBulkDelete {
		return fmt.Errorf("wix: %s: %d IDs, want 1..%d", EndpointBulkDeleteFiles.Name, len(fileIDs), MaxBulkDelete)
	}
	body := &BulkDeleteFilesRequest{FileIDs: fileIDs, Permanent: permanent}
	return c.do(ctx, EndpointBulkDeleteFiles, nil, body, nil)
}

// BulkRestoreFiles moves 1..1000 files from the trash bin back to where
// they were.
func (c *Client) BulkRestoreFiles(ctx context.Context, fileIDs []string) error {
	if len(fileIDs) == 0 || len(fileIDs) > MaxBulkDelete {
		return fmt.Errorf("wix: %s: %d IDs, want 1..%d", EndpointBulkRestoreFilesFromTrashBin.Name, len(fileIDs), MaxBulkDelete)
	}
	body := &BulkRestoreFilesRequest{FileIDs: fileIDs}
	return c.do(ctx, EndpointBulkRestoreFilesFromTrashBin, nil, body, nil)
}

// GetFile returns one file descriptor. An unknown ID is a 404 *Error
// (see IsNotFound).
func (c *Client) GetFile(ctx context.Context, fileID string) (*File, error) {
	var resp GetFileResponse
	q := url.Values{"fileId": {fileID}}
	if err := c.do(ctx, EndpointGetFileDescriptor, q, nil, &resp); err != nil {
		return nil, err
	}
	if resp.File == nil {
		return nil, &Error{Op: EndpointGetFileDescriptor.Name, StatusCode: http.StatusOK, Message: "answer holds no file"}
	}
	return resp.File, nil
}

// GetFiles returns the descriptors of 1..100 files.
func (c *Client) GetFiles(ctx context.Context, fileIDs []string) ([]File, error) {
	if len(fileIDs) == 0 || len(fileIDs) > MaxGetFiles {
		return nil, fmt.Errorf("wix: %s: %d IDs, want 1..%d", EndpointGetFileDescriptors.Name, len(fileIDs), MaxGetFiles)
	}
	var resp GetFilesResponse
	if err := c.do(ctx, EndpointGetFileDescriptors, nil, &GetFilesRequest{FileIDs: fileIDs}, &resp); err != nil {
		return nil, err
	}
	return resp.Files, nil
}

// SearchFiles searches the whole Media Manager (or another root folder).
func (c *Client) SearchFiles(ctx context.Context, req *SearchFilesRequest) (*SearchFilesResponse, error) {
	var resp SearchFilesResponse
	if err := c.do(ctx, EndpointSearchFiles, nil, req, &resp); err != nil {
		return nil, err
	}
	return &resp, nil
}

// GenerateUploadURL returns a URL to PUT one file's bytes to (see Upload).
func (c *Client) GenerateUploadURL(ctx context.Context, req *GenerateUploadURLRequest) (*GenerateUploadURLResponse, error) {
	var resp GenerateUploadURLResponse
	if err := c.do(ctx, EndpointGenerateFileUploadURL, nil, req, &resp); err != nil {
		return nil, err
	}
	return &resp, nil
}

// GenerateResumableUploadURL returns a tus endpoint and token (see UploadResumable).
func (c *Client) GenerateResumableUploadURL(ctx context.Context, req *GenerateResumableUploadURLRequest) (*GenerateResumableUploadURLResponse, error) {
	r := *req
	if r.UploadProtocol == "" {
		r.UploadProtocol = UploadProtocolTUS
	}
	var resp GenerateResumableUploadURLResponse
	if err := c.do(ctx, EndpointGenerateFileResumableUploadURL, nil, &r, &resp); err != nil {
		return nil, err
	}
	return &resp, nil
}

// do sends one API call and decodes a 2xx answer into out. Lost answers of
// calls that create files (Endpoint.Import) are reported as unknown outcomes.
func (c *Client) do(ctx context.Context, ep Endpoint, query url.Values, in, out any) error {
	op := ep.Name
	u := strings.TrimRight(c.BaseURL, "/") + ep.Path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("wix: %s: encoding request: %w", op, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, ep.Method, u, body)
	if err != nil {
		return fmt.Errorf("wix: %s: %w", op, err)
	}
	req.Header.Set("Authorization", c.apiKey)
	req.Header.Set("wix-site-id", c.SiteID)
	req.Header.Set("Accept", "application/json")
	if c.UserAgent != "" {
		req.Header.Set("User-Agent", c.UserAgent)
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return c.send(req, op, out, ep.Import)
}

// send performs req and decodes a 2xx JSON answer into out (nil discards it).
// Shared by API calls and uploads.
func (c *Client) send(req *http.Request, op string, out any, isImport bool) error {
	resp, err := c.roundTrip(req, op, isImport)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if out == nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		// The server accepted the call; only its answer is unreadable.
		return newTransportError(op, fmt.Errorf("decoding answer: %w", err), isImport)
	}
	return nil
}

// roundTrip performs req and returns its answer when the status is 2xx; the
// caller closes the body. Anything else becomes an *Error or a transport
// error, marked as an unknown outcome when isImport says the call creates
// files. The tus steps of a resumable upload use it directly because their
// answers live in headers, not JSON.
func (c *Client) roundTrip(req *http.Request, op string, isImport bool) (*http.Response, error) {
	hc := c.HTTPClient
	if hc == nil {
		hc = http.DefaultClient
	}
	var dialing, connected atomic.Bool
	req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{
		GetConn: func(string) { dialing.Store(true) },
		GotConn: func(httptrace.GotConnInfo) { connected.Store(true) },
	}))
	resp, err := hc.Do(req)
	if err != nil {
		// A transport that began to get a connection and never got one
		// (refused, DNS, TLS handshake, a proxy's refusal) wrote nothing:
		// the outcome is known. Anything else may have been sent.
		if dialing.Load() && !connected.Load() {
			return nil, notSentError(op, err)
		}
		return nil, newTransportError(op, err, isImport)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		defer resp.Body.Close()
		e := decodeError(op, resp)
		e.unknownOutcome = isImport && resp.StatusCode >= 500
		return nil, e
	}
	return resp, nil
}

func newTransportError(op string, err error, unknown bool) error {
	return &transportError{op: op, cause: withoutURL(err), unknown: unknown}
}

// notSentError is a failure before any byte of the request was written.
func notSentError(op string, err error) error {
	return &transportError{op: op, cause: withoutURL(err), notSent: true}
}

// withoutURL drops the URL *url.Error prints: it may carry tokens.
func withoutURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// decodeError reads a non-2xx answer into an *Error.
func decodeError(op string, resp *http.Response) *Error {
	e := &Error{Op: op, StatusCode: resp.StatusCode, RequestID: resp.Header.Get("x-wix-request-id")}
	if ra := resp.Header.Get("Retry-After"); ra != "" {
		if secs, err := strconv.Atoi(strings.TrimSpace(ra)); err == nil && secs >= 0 {
			e.RetryAfter = time.Duration(secs) * time.Second
		} else if t, err := http.ParseTime(ra); err == nil {
			e.RetryAfter = max(0, time.Until(t))
		}
	}
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBodyKB<<10))
	var body ErrorBody
	if json.Unmarshal(raw, &body) == nil {
		e.Message = body.Message
		if ae := body.Details.ApplicationError; ae != nil {
			e.Code, e.Description = ae.Code, ae.Description
			if ids, ok := ae.Data["fileIds"].([]any); ok && resp.StatusCode == http.StatusNotFound {
				for _, id := range ids {
					if s, ok := id.(string); ok {
						e.MissingFileIDs = append(e.MissingFileIDs, s)
					}
				}
			}
		}
		if ve := body.Details.ValidationError; ve != nil {
			e.Violations = ve.FieldViolations
		}
	} else {
		e.Message = strings.TrimSpace(string(raw))
		if len(e.Message) > 200 {
			e.Message = e.Message[:200]
		}
	}
	return e
}
