package pipeline

import (
	"context"
	"math/rand/v2"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// limiter is the one gate every API call of a run passes. It keeps calls
// under the configured rate, and when Wix throttles anyway (another tool on
// the same site, a lower real limit) it pauses everyone, halves its rate and
// climbs back step by step.
type limiter struct {
	l       *rate.Limiter
	ceiling rate.Limit // the configured rate; recovery never exceeds it
	floor   rate.Limit

	mu          sync.Mutex
	pausedUntil time.Time
	streak      int // successes since the last throttle or step up
	throttles   int // consecutive throttles, for backoff
}

// newLimiter allows perMinute calls a minute. perMinute <= 0 means no limit.
func newLimiter(perMinute float64) *limiter {
	if perMinute <= 0 {
		return &limiter{l: rate.NewLimiter(rate.Inf, 1), ceiling: rate.Inf, floor: rate.Inf}
	}
	r := rate.Limit(perMinute / 60)
	return &limiter{l: rate.NewLimiter(r, 1), ceiling: r, floor: r / 16}
}

// wait blocks until a call may go, or ctx ends.
func (a *limiter) wait(ctx context.Context) error {
	for {
		a.mu.Lock()
		pause := time.Until(a.pausedUntil)
		a.mu.Unlock()
		if pause <= 0 {
			break
		}
		if err := sleep(ctx, pause); err != nil {
			return err
		}
	}
	return a.l.Wait(ctx)
}

// throttled records a 429: everyone pauses for retryAfter (or a growing,
// jittered backoff when the server named none) and the rate halves.
func (a *limiter) throttled(retryAfter time.Duration) time.Duration {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.throttles++
	a.streak = 0
	pause := retryAfter
	if pause <= 0 {
		pause = backoff(a.throttles, 500*time.Millisecond, 30*time.Second)
	}
	if until := time.Now().Add(pause); until.After(a.pausedUntil) {
		a.pausedUntil = until
	}
	if a.l.Limit() != rate.Inf {
		a.l.SetLimit(max(a.floor, a.l.Limit()/2))
	}
	return pause
}

// succeeded records a call that was not throttled; every 20 in a row raise
// the rate by a quarter, up to the configured one.
func (a *limiter) succeeded() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.throttles = 0
	if a.l.Limit() >= a.ceiling {
		return
	}
	a.streak++
	if a.streak >= 20 {
		a.streak = 0
		a.l.SetLimit(min(a.ceiling, a.l.Limit()*1.25))
	}
}

// backoff is an exponential delay with full jitter for the n-th retry (n >= 1).
func backoff(n int, base, ceiling time.Duration) time.Duration {
	d := base << min(n-1, 20)
	if d <= 0 || d > ceiling {
		d = ceiling
	}
	return d/2 + rand.N(d/2+1)
}

// sleep waits for d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
