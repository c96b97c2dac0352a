package pipeline_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/wixmigrate/wixmigrate/pipeline"
	"github.com/wixmigrate/wixmigrate/report"
	"github.com/wixmigrate/wixmigrate/wix"
	"github.com/wixmigrate/wixmigrate/wixsim"
)

// goneAfter lets the first n requests through and then finds the API gone:
// every later connection is refused, so nothing more is sent.
type goneAfter struct {
	n       atomic.Int64
	refused http.RoundTripper
}

func newGoneAfter(n int64) *goneAfter {
	g := &goneAfter{refused: &http.Transport{DialContext: func(context.Context, string, string) (net.Conn, error) {
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	}}}
	g.n.Store(n)
	return g
}

func (g *goneAfter) RoundTrip(r *http.Request) (*http.Response, error) {
	if g.n.Add(-1) >= 0 {
		return http.DefaultTransport.RoundTrip(r)
	}
	return g.refused.RoundTrip(r)
}

// TestAPILostMidRun: imports that cannot even be sent (the API went away
// after the check) are retried like reads, then stop the run; their rows
// stay not imported, not FAILED and not in doubt, and the next run sends
// them without looking for them first.
func TestAPILostMidRun(t *testing.T) {
	e := newEnv(t, wixsim.Options{ProcessingDelay: wixsim.Range{Max: 5 * time.Millisecond}})
	err := e.runImagesThrough(30, newGoneAfter(1)) // the access check only
	if !errors.Is(err, pipeline.ErrAPILost) || !errors.Is(err, wix.ErrNotSent) {
		t.Fatalf("err = %v, want the API lost", err)
	}
	for _, row := range e.readReport() {
		if row["status"] != "PENDING" || row["attempts"] != "" || row["failure_reason"] != report.Reasons.NotImported {
			t.Fatalf("a row the run could not send: %v", row)
		}
	}
	if st := e.sim.Sim.Stats(); st.Requests[wix.EndpointBulkImportFile.Stat] != nil {
		t.Fatalf("imports reached the API: %v", st.Requests)
	}

	rows := e.migrate(context.Background())
	for _, row := range rows {
		if row["status"] != "READY" || row["attempts"] != "1" {
			t.Errorf("after the API came back: %v", row)
		}
	}
	if e.stats.Adopted.Load() != 0 {
		t.Errorf("%d files adopted: rows never sent were looked for", e.stats.Adopted.Load())
	}
}
