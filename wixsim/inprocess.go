package wixsim

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
)

// Transport returns an http.RoundTripper that answers every request with h
// in the caller's goroutine, without a network: give it to the client of a
// [Simulator] (and, as Options.FetchTransport, the simulator's downloads from
// an origin handler) to run a migration in virtual time under
// testing/synctest, where a goroutine waiting on a loopback connection would
// keep the fake clock from moving. A dropped connection (CommitErrorRate) is
// an error, as on a network.
func Transport(h http.Handler) http.RoundTripper { return inProcess{h} }

type inProcess struct{ h http.Handler }

func (t inProcess) RoundTrip(req *http.Request) (resp *http.Response, err error) {
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	in := req.Clone(req.Context())
	in.RequestURI = req.URL.RequestURI()
	in.RemoteAddr = "127.0.0.1:1"
	if in.Body == nil {
		in.Body = http.NoBody
	}
	rec := httptest.NewRecorder()
	defer func() {
		if p := recover(); p != nil {
			if p != http.ErrAbortHandler {
				panic(p)
			}
			resp, err = nil, fmt.Errorf("%s %s: %w", req.Method, req.URL, errDropped)
		}
	}()
	t.h.ServeHTTP(rec, in)
	if req.Body != nil {
		req.Body.Close()
	}
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	resp = rec.Result()
	resp.Request = req
	return resp, nil
}

// errDropped is an in-process connection the handler dropped.
var errDropped = errors.New("connection reset by peer (in-process transport)")
