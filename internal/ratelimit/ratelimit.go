// Package ratelimit is nerve's per-service report limiter: a token bucket with
// the original's exact semantics (docs/nerve.md, rate_limiting), so a flapping service
// cannot flood ZooKeeper with writes.
package ratelimit

import (
	"fmt"
	"math"
	"sync"
	"time"
)

// Limiter is a token bucket. Unlike most buckets it starts with averageRate
// tokens (not maxBurst) and refills from the time of the last successful
// take, as the original does; a failed take leaves the bucket untouched.
type Limiter struct {
	mu     sync.Mutex
	rate   float64
	burst  float64
	tokens float64
	last   time.Time
	now    func() time.Time
}

// New validates the parameters (rate >= 0, burst >= 1; +Inf rate allowed)
// and returns a limiter reading time from now, or time.Now when nil.
func New(averageRate, maxBurst float64, now func() time.Time) (*Limiter, error) {
	if math.IsNaN(averageRate) || averageRate < 0 {
		return nil, fmt.Errorf("average_rate must be a number >= 0, got %v", averageRate)
	}
	if math.IsNaN(maxBurst) || maxBurst < 1 {
		return nil, fmt.Errorf("max_burst must be a number >= 1, got %v", maxBurst)
	}
	if now == nil {
		now = time.Now
	}
	return &Limiter{rate: averageRate, burst: maxBurst, tokens: averageRate, last: now(), now: now}, nil
}

// Allow takes one token if there is one.
func (l *Limiter) Allow() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if math.IsInf(l.rate, 1) {
		return true
	}
	now := l.now()
	tokens := math.Min(l.tokens+l.rate*now.Sub(l.last).Seconds(), l.burst)
	if tokens < 1 {
		return false
	}
	l.tokens = tokens - 1
	l.last = now
	return true
}
