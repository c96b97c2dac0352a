package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/wixmigrate/wixmigrate/wix"
)

// ErrAuth wraps a 401/403: the run stops at once.
var ErrAuth = errors.New("Wix refused the credentials")

// ErrAPILost wraps an import that could not even be sent through all its
// retries (no connection to the API): the run stops, its rows not imported.
var ErrAPILost = errors.New("lost the connection to the Wix API")

// Caller makes a run's API calls: every one passes the shared limiter, and
// what may be retried is. Undo and restore runs make theirs through one
// too, with the same rate and retry policy as a migration.
type Caller struct {
	limiter   *limiter
	stats     *Stats
	log       *slog.Logger
	retries   int
	retryBase time.Duration
	retryMax  time.Duration
}

// NewCaller returns a Caller with s's rate and retries (zero fields take
// their defaults), counting its calls in stats.
func NewCaller(s Settings, stats *Stats, log *slog.Logger) *Caller {
	s = s.WithDefaults()
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Caller{limiter: newLimiter(s.Rate), stats: stats, log: log,
		retries: s.Retries, retryBase: s.RetryBase, retryMax: s.RetryMax}
}

// call runs fn, one call of ep, through c and returns its answer.
// Throttles are always retried (they are never a row failure), transient
// errors up to the configured retries with jittered backoff; calls whose
// outcome is unknown are never re-sent here. A 401/403 comes back wrapping
// ErrAuth.
func call[T any](ctx context.Context, c *Caller, ep wix.Endpoint, fn func(context.Context) (T, error)) (T, error) {
	var answer T
	err := c.Do(ctx, ep, func(ctx context.Context) (err error) {
		answer, err = fn(ctx)
		return err
	})
	return answer, err
}

// Do makes one call of ep: fn, through the limiter, retried as call says.
func (c *Caller) Do(ctx context.Context, ep wix.Endpoint, fn func(context.Context) error) error {
	// Calls in flight finish even after an interrupt, so their answers are
	// recorded; only waiting for the limiter stops at once.
	callCtx := context.WithoutCancel(ctx)
	transient := 0
	for {
		if err := c.limiter.wait(ctx); err != nil {
			return err
		}
		c.stats.countCall(ep.Name)
		err := fn(callCtx)
		switch {
		case err == nil:
			c.limiter.succeeded()
			return nil
		case wix.IsThrottled(err):
			c.stats.Throttles.Add(1)
			pause := c.limiter.throttled(wix.RetryAfter(err))
			c.log.Debug("throttled by Wix", "endpoint", ep.Name, "pause", pause)
			continue
		case errors.As(err, new(*wix.AccessError)):
			return err // a verdict on the whole run, not a hiccup
		case wix.IsAuth(err):
			return fmt.Errorf("%w: %w", ErrAuth, err) // keeps the *wix.Error and its request ID
		case errors.Is(err, wix.ErrUnknownOutcome):
			return err
		case wix.IsTransient(err) && transient < c.retries:
			transient++
			c.stats.Retries.Add(1)
			d := backoff(transient, c.retryBase, c.retryMax)
			c.log.Debug("retrying after a transient error", "endpoint", ep.Name, "attempt", transient, "wait", d, "err", err)
			if err := sleep(ctx, d); err != nil {
				return err
			}
		default:
			return err
		}
	}
}

// AccessTimeout bounds CheckAccess's wait for an answer: an API that
// accepts connections but never answers is as unreachable as one that
// refuses them.
const AccessTimeout = 30 * time.Second

// CheckAccess asks the API, before anything is planned or sent, whether it
// answers and accepts the client's key and site ID: one List Files page of
// one file (wix.Client.CheckAccess), retried like any read while Wix has
// trouble (5xx, 429). An API that cannot be reached (or gives no answer
// within AccessTimeout), a refused key and an unknown site come back at
// once as a *wix.AccessError. The call counts in stats.
func CheckAccess(ctx context.Context, cfg Config, stats *Stats) error {
	if cfg.Client == nil {
		return errors.New("pipeline: no client")
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	calls := NewCaller(cfg.Settings.WithDefaults(), stats, log)
	return calls.Do(ctx, wix.EndpointListFiles, func(ctx context.Context) error {
		ctx, cancel := context.WithTimeout(ctx, AccessTimeout)
		defer cancel()
		err := cfg.Client.CheckAccess(ctx)
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil {
			return &wix.AccessError{Problem: wix.AccessUnreachable, BaseURL: cfg.Client.BaseURL, SiteID: cfg.Client.SiteID,
				Err: fmt.Errorf("no answer within %s", AccessTimeout)}
		}
		return err
	})
}
