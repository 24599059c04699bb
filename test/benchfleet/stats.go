package main

import (
	"math"
	"slices"
	"time"
)

// latency is the summary of one set of fan-out times.
type latency struct {
	N             int
	P50, P99, Max time.Duration
}

// summarize takes nearest-rank percentiles: with 100 samples p99 is the
// 99th smallest, an observed value rather than an interpolation.
func summarize(ds []time.Duration) latency {
	if len(ds) == 0 {
		return latency{}
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return latency{N: len(s), P50: rank(s, 50), P99: rank(s, 99), Max: s[len(s)-1]}
}

func rank(sorted []time.Duration, p float64) time.Duration {
	i := int(math.Ceil(p/100*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

// scale is a linear extrapolation: a figure measured at size `from`
// predicted at size `to`. The fleet table uses it per row, each row
// naming what its figure grows with.
func scale(v float64, from, to float64) float64 {
	if from == 0 {
		return math.NaN()
	}
	return v * to / from
}

// perSecond is a counter's rate over a window.
func perSecond(delta int64, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(delta) / d.Seconds()
}
