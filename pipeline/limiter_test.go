package pipeline

import (
	"context"
	"testing"
	"testing/synctest"
	"time"
)

func TestBackoff(t *testing.T) {
	t.Parallel()
	const base, ceiling = 100 * time.Millisecond, 2 * time.Second
	cases := []struct {
		n        int
		min, max time.Duration
	}{
		{1, 50 * time.Millisecond, 100 * time.Millisecond},
		{2, 100 * time.Millisecond, 200 * time.Millisecond},
		{4, 400 * time.Millisecond, 800 * time.Millisecond},
		{5, 800 * time.Millisecond, 1600 * time.Millisecond},
		{6, time.Second, ceiling},  // 3.2s would pass the ceiling: capped
		{50, time.Second, ceiling}, // a shift past the type's width: capped, not 0
	}
	for _, c := range cases {
		for range 200 {
			if d := backoff(c.n, base, ceiling); d < c.min || d > c.max {
				t.Fatalf("backoff(%d) = %v, want %v..%v", c.n, d, c.min, c.max)
			}
		}
	}
}

// TestLimiterPacesCalls runs in virtual time: at 60 calls a minute, calls
// go out a second apart.
func TestLimiterPacesCalls(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		l := newLimiter(60)
		start := time.Now()
		for i := range 5 {
			if err := l.wait(context.Background()); err != nil {
				t.Fatal(err)
			}
			if got, want := time.Since(start), time.Duration(i)*time.Second; got != want {
				t.Fatalf("call %d at %v, want %v", i, got, want)
			}
		}
	})
}

// TestLimiterThrottle: a 429 pauses every caller for its Retry-After and
// halves the rate; 20 calls in a row without one raise it by a quarter, up
// to the configured rate and never beyond.
func TestLimiterThrottle(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		l := newLimiter(120)
		if err := l.wait(ctx); err != nil {
			t.Fatal(err)
		}
		if pause := l.throttled(5 * time.Second); pause != 5*time.Second {
			t.Errorf("pause %v, want the server's 5s", pause)
		}
		if got := ratePerMinute(l); got != 60 {
			t.Errorf("rate after a throttle %v/min, want 60", got)
		}
		// Two callers waiting: both wait out the pause.
		start := time.Now()
		done := make(chan time.Duration, 2)
		for range 2 {
			go func() {
				l.wait(ctx)
				done <- time.Since(start)
			}()
		}
		for range 2 {
			if d := <-done; d < 5*time.Second {
				t.Errorf("a caller went after %v, inside the 5s pause", d)
			}
		}
		for range 20 {
			l.succeeded()
		}
		if got := ratePerMinute(l); got != 75 {
			t.Errorf("rate after 20 successes %v/min, want 75", got)
		}
		for range 200 {
			l.succeeded()
		}
		if got := ratePerMinute(l); got != 120 {
			t.Errorf("rate after many successes %v/min, want the configured 120", got)
		}
		// With no Retry-After, the pause grows with each throttle in a row.
		p1 := l.throttled(0)
		p2 := l.throttled(0)
		p3 := l.throttled(0)
		if !(p1 <= time.Second && p3 >= time.Second && p3 <= 2*time.Second && p2 <= time.Second) {
			t.Errorf("pauses %v %v %v, want growing backoffs from 500ms", p1, p2, p3)
		}
		// Interrupted while paused: wait returns at once with ctx's error.
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if err := l.wait(cctx); err == nil {
			t.Error("wait under a pause ignored a cancelled context")
		}
	})
}

// ratePerMinute is the limiter's current rate.
func ratePerMinute(l *limiter) float64 { return float64(l.l.Limit()) * 60 }

func TestNoLimit(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		l := newLimiter(NoRateLimit)
		start := time.Now()
		for range 1000 {
			l.wait(context.Background())
		}
		if time.Since(start) != 0 {
			t.Errorf("1000 calls without a limit took %v", time.Since(start))
		}
	})
}
