package source

import (
	"context"
	"strings"
	"sync"
)

// DefaultPerHost is how many requests a HostLimiter lets run at once against
// one host: enough to be quick, few enough that an old site's server (often
// small shared hosting) does not throttle or ban the checker.
const DefaultPerHost = 4

// HostLimiter bounds the requests in flight per host. The zero value allows
// DefaultPerHost; it is safe for concurrent use and forgets idle hosts, so
// it does not grow with the number of hosts seen.
type HostLimiter struct {
	// PerHost is the most requests at once per host; 0 means DefaultPerHost.
	// Set it before first use.
	PerHost int

	mu    sync.Mutex
	hosts map[string]*hostSlots
}

type hostSlots struct {
	sem   chan struct{}
	users int // holders and waiters; the entry goes when it drops to 0
}

// Acquire waits for a slot for host (compared without case) and returns the
// function that gives it back. It fails only when ctx ends first.
func (l *HostLimiter) Acquire(ctx context.Context, host string) (release func(), err error) {
	host = strings.ToLower(host)
	l.mu.Lock()
	if l.hosts == nil {
		l.hosts = make(map[string]*hostSlots)
	}
	h := l.hosts[host]
	if h == nil {
		n := l.PerHost
		if n <= 0 {
			n = DefaultPerHost
		}
		h = &hostSlots{sem: make(chan struct{}, n)}
		l.hosts[host] = h
	}
	h.users++
	l.mu.Unlock()

	leave := func() {
		l.mu.Lock()
		h.users--
		if h.users == 0 {
			delete(l.hosts, host)
		}
		l.mu.Unlock()
	}
	select {
	case h.sem <- struct{}{}:
	case <-ctx.Done():
		leave()
		return nil, ctx.Err()
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			<-h.sem
			leave()
		})
	}, nil
}
