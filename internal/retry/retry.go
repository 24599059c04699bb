// Package retry is synapse's retry policy (the original's with_retry):
// bounded attempts, a bound on total time, and exponential backoff with
// jitter between attempts. It lives in its own package so that watcher
// implementations can use it without importing the synapse core, which
// imports them.
package retry

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/smartstack-go/smartstack/internal/backoff"
)

// Policy bounds retrying. The zero value is invalid (MaxAttempts 0); start
// from Default or from a watcher's own defaults.
type Policy struct {
	MaxAttempts  int           // total attempts, the first included; >= 1
	MaxDelay     time.Duration // no retry once this long has passed since the first attempt
	BaseInterval time.Duration // first backoff, and the floor of every backoff
	MaxInterval  time.Duration // backoff cap; >= BaseInterval
}

// Default is the policy of a bare with_retry call: one attempt, no backoff.
func Default() Policy {
	return Policy{MaxAttempts: 1, MaxDelay: time.Hour}
}

// ErrInvalidPolicy marks the original's argument errors.
var ErrInvalidPolicy = errors.New("invalid retry policy")

// Validate reports the original's argument errors, in its order and words.
func (p Policy) Validate() error {
	var msg string
	switch {
	case p.MaxAttempts <= 0:
		msg = "max_attempts must be greater than 0"
	case p.BaseInterval < 0:
		msg = "base_interval cannot be negative"
	case p.MaxInterval < 0:
		msg = "max_interval cannot be negative"
	case p.BaseInterval > p.MaxInterval:
		msg = "base_interval cannot be greater than max_interval"
	default:
		return nil
	}
	return fmt.Errorf("%w: %s", ErrInvalidPolicy, msg)
}

// Interval is the sleep after failed attempt n (1-based): base·2^(n-1)·u
// clamped to [base, max], where u is the jitter factor in [0.5, 1.0).
func (p Policy) Interval(n int, u float64) time.Duration {
	return backoff.Exponential(p.BaseInterval, p.MaxInterval, n, u)
}

// Outcome names what happened after a failed attempt, for metrics: the
// original's statsd `synapse.retry` op tag.
type Outcome string

const (
	RaiseMaxAttempts Outcome = "raise_max_attempts"
	RaiseMaxDelay    Outcome = "raise_max_delay"
	RetryAfterSleep  Outcome = "retry_after_sleep"
)

// Clock is the time source; tests pass a fake that advances on Sleep.
type Clock interface {
	Now() time.Time
	// Sleep waits d or until ctx is done, returning ctx's error then.
	Sleep(ctx context.Context, d time.Duration) error
}

// Options tune Do. The zero value is usable.
type Options struct {
	// Retriable tells which errors are retried; nil retries every error
	// (the original's default, StandardError). Others return at once.
	Retriable func(error) bool
	Clock     Clock          // nil: the real clock
	Rand      func() float64 // uniform in [0, 1); nil: math/rand/v2
	Observe   func(Outcome)  // nil: nothing; called after each failed attempt
}

// Do calls fn with attempt numbers 1, 2, ... until it returns nil, returns
// a non-retriable error, or the policy gives up, and returns fn's last
// error. Cancelling ctx stops the backoff sleep and prevents further
// attempts; the returned error then matches both ctx.Err() and fn's last
// error with errors.Is.
func Do(ctx context.Context, p Policy, opts Options, fn func(ctx context.Context, attempt int) error) error {
	if err := p.Validate(); err != nil {
		return err
	}
	if fn == nil {
		return fmt.Errorf("%w: callback cannot be nil", ErrInvalidPolicy)
	}
	opts = opts.withDefaults()
	start := opts.Clock.Now()
	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		err := fn(ctx, attempt)
		if err == nil || !opts.Retriable(err) {
			return err
		}
		outcome := p.next(attempt, opts.Clock.Now().Sub(start))
		opts.Observe(outcome)
		if outcome != RetryAfterSleep {
			return err
		}
		u := 0.5 * (1 + opts.Rand())
		if serr := opts.Clock.Sleep(ctx, p.Interval(attempt, u)); serr != nil {
			return fmt.Errorf("%w (after attempt %d: %w)", serr, attempt, err)
		}
	}
}

// next decides after failed attempt n, elapsed since the first attempt.
func (p Policy) next(n int, elapsed time.Duration) Outcome {
	switch {
	case n >= p.MaxAttempts:
		return RaiseMaxAttempts
	case elapsed >= p.MaxDelay:
		return RaiseMaxDelay
	}
	return RetryAfterSleep
}

func (o Options) withDefaults() Options {
	if o.Retriable == nil {
		o.Retriable = func(error) bool { return true }
	}
	if o.Clock == nil {
		o.Clock = realClock{}
	}
	if o.Rand == nil {
		o.Rand = rand.Float64
	}
	if o.Observe == nil {
		o.Observe = func(Outcome) {}
	}
	return o
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) Sleep(ctx context.Context, d time.Duration) error { return backoff.Sleep(ctx, d) }

var _ Clock = realClock{}
