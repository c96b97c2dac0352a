package wixsim

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// Options configure a Simulator. The zero value is a fast, fault-free
// simulator that accepts any API key and has no rate limit.
type Options struct {
	// APIKey, when set, is the only Authorization value accepted; any other
	// gets 401. When empty, any non-empty Authorization is accepted.
	APIKey string
	// Sites, when set, are the only site IDs that exist: a call naming any
	// other gets 404 SITE_NOT_FOUND. When empty, every site ID exists.
	// (Wix does not document its answer to an unknown site; a client should
	// expect 403 or 404.)
	Sites []string
	// RateLimit is the number of API requests per minute per site (Wix
	// documents 200); 0 turns rate limiting off.
	RateLimit int
	// RateBurst is how many calls the limiter lets through at once: the
	// size of each site's token bucket, which refills at RateLimit. 0 means
	// a minute's budget (RateLimit calls), the default; Wix documents no
	// burst, so a strict run sets a small one.
	RateBurst int
	// DateGranularity truncates createdDate and updatedDate to a multiple
	// of it (say time.Second), so files that change within one step tie,
	// and a status change leaves updatedDate unchanged when the clock
	// stayed within the step: Wix promises neither finer dates nor a
	// strictly increasing updatedDate. 0 means the default: millisecond
	// dates, and every status change moves updatedDate forward by a
	// millisecond at least, even if the clock did not.
	DateGranularity time.Duration
	// ProcessingDelay is how long a file takes to turn READY or FAILED after
	// its bytes arrived.
	ProcessingDelay Range
	// Latency is added to every API answer.
	Latency Range
	// ErrorRate is the share of API requests answered with a 500 or 503
	// without any effect.
	ErrorRate float64
	// CommitErrorRate is the share of Import File and Bulk Import File calls
	// that take effect but whose answer is a 5xx or a dropped connection.
	CommitErrorRate float64
	// StuckRate is the share of new files that stay PENDING forever.
	StuckRate float64
	// ListLag delays when List Files and Search Files show a file's status
	// change, as a search index that trails the store does; Get File
	// Descriptor(s) show it at once. A lagging file keeps its old place
	// and status in listings, then moves to its new updatedDate (the time
	// of the change, so already in the past).
	ListLag Range
	// Seed seeds the one random generator behind every fault and delay.
	Seed int64
	// FetchTimeout bounds one download of an import source (default 30s).
	FetchTimeout time.Duration
	// MaxFetchBytes bounds an import source and an upload (default 100 MB).
	MaxFetchBytes int64
	// FetchConcurrency is the number of downloads in flight (default 64).
	FetchConcurrency int
	// FetchTransport, when set, carries the downloads of import sources
	// instead of a fresh http.Transport (tests in virtual time give it
	// [Transport] of an origin handler).
	FetchTransport http.RoundTripper
	// Logger receives the simulator's logs; nil discards them.
	Logger *slog.Logger
	// Now stamps createdDate and updatedDate; nil means time.Now.
	Now func() time.Time
}

// Defaults applied by New for zero fields.
const (
	DefaultFetchTimeout     = 30 * time.Second
	DefaultMaxFetchBytes    = 100 << 20
	DefaultFetchConcurrency = 64
)

func (o Options) withDefaults() Options {
	if o.FetchTimeout <= 0 {
		o.FetchTimeout = DefaultFetchTimeout
	}
	if o.MaxFetchBytes <= 0 {
		o.MaxFetchBytes = DefaultMaxFetchBytes
	}
	if o.FetchConcurrency <= 0 {
		o.FetchConcurrency = DefaultFetchConcurrency
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// Range is a closed interval of durations; a value is drawn uniformly from
// it. The zero Range always yields 0.
type Range struct {
	Min, Max time.Duration
}

// String formats r the way ParseRange reads it.
func (r Range) String() string {
	if r.Min == r.Max {
		return r.Min.String()
	}
	return r.Min.String() + "-" + r.Max.String()
}

// ParseRange reads "200ms-2s" (a range) or "500ms" (a fixed duration).
// The empty string is the zero Range.
func ParseRange(s string) (Range, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Range{}, nil
	}
	lo, hi, isRange := strings.Cut(s, "-")
	min, err := time.ParseDuration(strings.TrimSpace(lo))
	if err != nil {
		return Range{}, fmt.Errorf("bad duration %q (want like 500ms or 200ms-2s)", lo)
	}
	max := min
	if isRange {
		if max, err = time.ParseDuration(strings.TrimSpace(hi)); err != nil {
			return Range{}, fmt.Errorf("bad duration %q (want like 500ms or 200ms-2s)", hi)
		}
	}
	if min < 0 || max < min {
		return Range{}, fmt.Errorf("bad range %q: need 0 <= min <= max", s)
	}
	return Range{Min: min, Max: max}, nil
}
