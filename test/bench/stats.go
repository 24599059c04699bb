package main

import (
	"math"
	"slices"
	"time"
)

// summary is a latency distribution in milliseconds.
type summary struct {
	N   int     `json:"n"`
	P50 float64 `json:"p50"`
	P90 float64 `json:"p90"`
	P99 float64 `json:"p99"`
	Max float64 `json:"max"`
}

func summarize(ds []time.Duration) summary {
	if len(ds) == 0 {
		return summary{}
	}
	ms := make([]float64, len(ds))
	for i, d := range ds {
		ms[i] = float64(d) / float64(time.Millisecond)
	}
	slices.Sort(ms)
	return summary{N: len(ms), P50: pct(ms, 50), P90: pct(ms, 90), P99: pct(ms, 99), Max: ms[len(ms)-1]}
}

// pct is the nearest-rank percentile of sorted values.
func pct(sorted []float64, p float64) float64 {
	i := int(math.Ceil(p/100*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

// ratio is a over the floor, 0 when there is no floor to divide by.
func ratio(a, floor float64) float64 {
	if floor <= 0 {
		return 0
	}
	return math.Round(a/floor*10) / 10
}

func ms(d time.Duration) float64 { return math.Round(float64(d)/float64(time.Microsecond)) / 1000 }
