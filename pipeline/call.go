package pipeline

import (
	"context"
	"errors"
	"fmt"

	"github.com/wixmigrate/wixmigrate/wix"
)

// ErrAuth wraps a 401/403: the run stops at once.
var ErrAuth = errors.New("Wix refused the credentials")

// call runs one API call through the shared limiter, retrying what may be
// retried: throttles always (they are never a row failure), transient errors
// up to Config.Retries times with jittered backoff. Calls whose outcome is
// unknown are never re-sent here.
func (r *run) call(ctx context.Context, endpoint string, fn func(ctx context.Context) error) error {
	// Calls in flight finish even after an interrupt, so their answers are
	// recorded; only waiting for the limiter stops at once.
	callCtx := context.WithoutCancel(ctx)
	transient := 0
	for {
		if err := r.limiter.wait(ctx); err != nil {
			return err
		}
		r.stats.countCall(endpoint)
		err := fn(callCtx)
		switch {
		case err == nil:
			r.limiter.succeeded()
			return nil
		case wix.IsThrottled(err):
			r.stats.Throttles.Add(1)
			pause := r.limiter.throttled(wix.RetryAfter(err))
			r.log.Debug("throttled by Wix", "endpoint", endpoint, "pause", pause)
			continue
		case wix.IsAuth(err):
			return fmt.Errorf("%w: %v", ErrAuth, err)
		case errors.Is(err, wix.ErrUnknownOutcome):
			return err
		case wix.IsTransient(err) && transient < r.cfg.Retries:
			transient++
			r.stats.Retries.Add(1)
			d := backoff(transient, r.cfg.RetryBase, r.cfg.RetryMax)
			r.log.Debug("retrying after a transient error", "endpoint", endpoint, "attempt", transient, "wait", d, "err", err)
			if err := sleep(ctx, d); err != nil {
				return err
			}
		default:
			return err
		}
	}
}
