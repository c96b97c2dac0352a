package wixsim

import (
	"net"
	"net/http"
)

// Server is a Simulator listening on a loopback port, like
// httptest.Server.
type Server struct {
	// URL is the base URL, http://127.0.0.1:port, that stands for
	// https://www.wixapis.com.
	URL string
	Sim *Simulator

	srv *http.Server
	ln  net.Listener
}

// NewServer starts a Simulator on 127.0.0.1 and a free port. It panics if
// it cannot listen, as httptest.NewServer does.
func NewServer(opts Options) *Server {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic("wixsim: cannot listen: " + err.Error())
	}
	sim := New(opts)
	s := &Server{URL: "http://" + ln.Addr().String(), Sim: sim, ln: ln, srv: &http.Server{Handler: sim}}
	go s.srv.Serve(ln)
	return s
}

// Close stops the server, closing open connections, and then the
// simulator.
func (s *Server) Close() {
	s.srv.Close()
	s.Sim.Close()
}
