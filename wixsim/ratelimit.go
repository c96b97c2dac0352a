package wixsim

import (
	"math"
	"sync"
	"time"
)

// bucket is a site's token bucket: capacity is the burst (by default the
// per-minute limit) and it refills continuously at limit/60 tokens a
// second, so a client that keeps exactly to the limit is never throttled
// while a burst above it is.
type bucket struct {
	mu     sync.Mutex
	tokens float64
	last   time.Time
	init   bool
}

// take spends one token; when none is left it returns how long until one
// is, rounded up to whole seconds (at least 1) for Retry-After.
func (b *bucket) take(perMinute, burst int, now time.Time) (ok bool, retryAfter int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	rate := float64(perMinute) / 60 // tokens per second
	capacity := float64(perMinute)
	if burst > 0 {
		capacity = float64(burst)
	}
	if !b.init {
		b.tokens, b.last, b.init = capacity, now, true
	}
	if el := now.Sub(b.last).Seconds(); el > 0 {
		b.tokens = math.Min(capacity, b.tokens+el*rate)
		b.last = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := int(math.Ceil((1 - b.tokens) / rate))
	return false, max(wait, 1)
}
