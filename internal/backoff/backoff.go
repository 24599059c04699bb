// Package backoff is the one place that says how long to wait before the
// next try: a doubling delay with a floor, a cap and a reset (Doubling),
// and the retry policy's jittered exponential formula (Exponential). Every
// retry loop of both daemons takes its delays from here, each with its own
// bounds.
package backoff

import (
	"math"
	"math/rand/v2"
	"time"
)

// Doubling is a delay that starts at Min and doubles after each use up to
// Max. The zero value never waits. It is not safe for concurrent use: each
// loop owns its own.
type Doubling struct {
	Min, Max time.Duration
	// Jitter, when set, makes each delay uniform in [d/2, d] instead of d,
	// so a fleet that failed together does not retry in step; the doubling
	// itself is unaffected.
	Jitter bool

	next time.Duration // 0: Min
}

// Next returns the delay to wait now and doubles the following one.
func (b *Doubling) Next() time.Duration {
	d := b.next
	if d == 0 {
		d = b.Min
	}
	b.next = min(2*d, max(b.Max, b.Min))
	if b.Jitter && d > 0 {
		d = d/2 + rand.N(d/2+1)
	}
	return d
}

// Reset makes the next delay Min again, after a success or a run that
// lasted long enough not to count as part of a failure streak.
func (b *Doubling) Reset() { b.next = 0 }

// Exponential is the delay after failed attempt n (1-based):
// base·2^(n-1)·u clamped to [base, ceiling], where u is a jitter factor
// (see Jitter). A ceiling below base counts as base.
func Exponential(base, ceiling time.Duration, n int, u float64) time.Duration {
	ceiling = max(ceiling, base)
	f := float64(base) * math.Pow(2, float64(n-1)) * u
	// Comparing as floats first keeps huge n from overflowing the conversion.
	if f >= float64(ceiling) {
		return ceiling
	}
	return max(time.Duration(f), base)
}

// Jitter is a factor uniform in [0.5, 1) for Exponential.
func Jitter() float64 { return 0.5 + rand.Float64()/2 }
