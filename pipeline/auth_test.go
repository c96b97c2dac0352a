package pipeline_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wixmigrate/wixmigrate/migrate"
	"github.com/wixmigrate/wixmigrate/pipeline"
	"github.com/wixmigrate/wixmigrate/wix"
	"github.com/wixmigrate/wixmigrate/wixsim"
)

// revokedAfter lets the first n requests through, then answers every one
// 401 as Wix does for a key revoked mid-run, with a request ID.
type revokedAfter struct{ n atomic.Int64 }

func (r *revokedAfter) RoundTrip(req *http.Request) (*http.Response, error) {
	if r.n.Add(-1) >= 0 {
		return http.DefaultTransport.RoundTrip(req)
	}
	if req.Body != nil {
		io.Copy(io.Discard, req.Body)
		req.Body.Close()
	}
	body := `{"message":"Unauthorized","details":{"applicationError":{"code":"UNAUTHORIZED","description":"the API key was revoked"}}}`
	return &http.Response{StatusCode: http.StatusUnauthorized, Status: "401 Unauthorized", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:  http.Header{"Content-Type": {"application/json"}, "X-Wix-Request-Id": {"req-revoked-1"}},
		Body:    io.NopCloser(strings.NewReader(body)),
		Request: req}, nil
}

// TestAuthErrorKeepsWixsError: a key refused mid-run stops the run with
// ErrAuth, and the error still carries Wix's *wix.Error, so its request ID
// can be quoted to Wix support.
func TestAuthErrorKeepsWixsError(t *testing.T) {
	t.Parallel()
	e := newEnv(t, wixsim.Options{ProcessingDelay: wixsim.Range{Max: 5 * time.Millisecond}})
	rt := &revokedAfter{}
	rt.n.Store(1) // the access check only
	err := e.runImagesThrough(5, rt)
	if !errors.Is(err, pipeline.ErrAuth) {
		t.Fatalf("err = %v, want ErrAuth", err)
	}
	var we *wix.Error
	if !errors.As(err, &we) || we.StatusCode != http.StatusUnauthorized || we.RequestID != "req-revoked-1" {
		t.Fatalf("err = %v: errors.As finds %+v, want Wix's 401 with its request ID", err, we)
	}
}

// runImagesThrough migrates a manifest of n origin images with the API
// reached through rt, and returns the run's error.
func (e *env) runImagesThrough(n int, rt http.RoundTripper) error {
	e.t.Helper()
	var b strings.Builder
	b.WriteString("source_url\n")
	for i := range n {
		fmt.Fprintf(&b, "{{origin}}/img/%d.png\n", i)
	}
	e.writeManifest(b.String())
	client := *e.client
	client.HTTPClient = &http.Client{Transport: rt}
	cfg := e.cfg
	cfg.Client = &client
	m, err := migrate.Open(cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	_, err = m.Run(context.Background())
	return err
}
