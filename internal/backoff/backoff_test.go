package backoff

import (
	"slices"
	"testing"
	"time"
)

func TestDoubling(t *testing.T) {
	const s = time.Second
	for _, tc := range []struct {
		name  string
		b     Doubling
		steps string // n: Next, r: Reset
		want  []time.Duration
	}{
		{"doubles to the cap", Doubling{Min: s, Max: 10 * s}, "nnnnnn", []time.Duration{s, 2 * s, 4 * s, 8 * s, 10 * s, 10 * s}},
		{"reset starts over", Doubling{Min: s, Max: 30 * s}, "nnnrnn", []time.Duration{s, 2 * s, 4 * s, s, 2 * s}},
		{"cap below min holds at min", Doubling{Min: 2 * s, Max: s}, "nnn", []time.Duration{2 * s, 2 * s, 2 * s}},
		{"zero never waits", Doubling{}, "nn", []time.Duration{0, 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []time.Duration
			for _, c := range tc.steps {
				if c == 'r' {
					tc.b.Reset()
					continue
				}
				got = append(got, tc.b.Next())
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("delays %v, want %v", got, tc.want)
			}
		})
	}
}

// Jitter spreads each delay over [d/2, d] and leaves the doubling alone.
func TestDoublingJitter(t *testing.T) {
	b := Doubling{Min: time.Second, Max: 4 * time.Second, Jitter: true}
	for _, d := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 4 * time.Second} {
		for range 50 {
			probe := b
			if got := probe.Next(); got < d/2 || got > d {
				t.Fatalf("jittered delay %s outside [%s, %s]", got, d/2, d)
			}
		}
		b.Next()
	}
}

func TestExponential(t *testing.T) {
	const s = time.Second
	for _, tc := range []struct {
		name          string
		base, ceiling time.Duration
		n             int
		u             float64
		want          time.Duration
	}{
		{"first attempt at the floor", s, 10 * s, 1, 0.5, s},
		{"grows with n", s, 100 * s, 4, 0.75, 6 * s},
		{"capped", s, 10 * s, 8, 0.9, 10 * s},
		{"huge n does not overflow", s, 10 * s, 5000, 0.5, 10 * s},
		{"ceiling below base", 5 * s, s, 3, 0.5, 5 * s},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Exponential(tc.base, tc.ceiling, tc.n, tc.u); got != tc.want {
				t.Fatalf("Exponential(%s, %s, %d, %v) = %s, want %s", tc.base, tc.ceiling, tc.n, tc.u, got, tc.want)
			}
		})
	}
	for range 100 {
		if u := Jitter(); u < 0.5 || u >= 1 {
			t.Fatalf("Jitter() = %v", u)
		}
	}
}
