package ratelimit

import (
	"math"
	"testing"
	"time"
)

type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time      { return c.t }
func (c *fakeClock) add(d time.Duration) { c.t = c.t.Add(d) }
func newClock() *fakeClock               { return &fakeClock{t: time.Unix(1000, 0)} }
func mustNew(t *testing.T, r, b float64, c *fakeClock) *Limiter {
	t.Helper()
	l, err := New(r, b, c.now)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// Invalid parameters. Strings cannot reach a float64; the config
// layer rejects them by type.
func TestNewValidates(t *testing.T) {
	for _, tc := range []struct {
		name        string
		rate, burst float64
		ok          bool
	}{
		{"negative rate", -1, 10, false},
		{"zero burst", 10, 0, false},
		{"nan rate", math.NaN(), 10, false},
		{"zero rate", 0, 1, true},
		{"inf rate", math.Inf(1), 1, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.rate, tc.burst, nil)
			if (err == nil) != tc.ok {
				t.Fatalf("err = %v, want ok=%v", err, tc.ok)
			}
		})
	}
}

// A fresh limiter allows the first report.
func TestFreshLimiterAllows(t *testing.T) {
	if !mustNew(t, 100, 500, newClock()).Allow() {
		t.Fatal("first take refused")
	}
}

// A long idle period fills the bucket to max_burst, no more.
func TestBurstCap(t *testing.T) {
	c := newClock()
	l := mustNew(t, 100, 500, c)
	c.add(6 * time.Second)
	for i := range 500 {
		if !l.Allow() {
			t.Fatalf("take %d refused", i)
		}
	}
	if l.Allow() {
		t.Fatal("take 501 allowed")
	}
}

// An empty bucket refuses, and refills with time.
func TestRefill(t *testing.T) {
	c := newClock()
	l := mustNew(t, 100, 500, c)
	for l.Allow() {
	}
	if l.Allow() {
		t.Fatal("allowed when empty")
	}
	c.add(time.Second)
	if !l.Allow() {
		t.Fatal("refused after refill")
	}
}

// An infinite rate never throttles.
func TestInfiniteRate(t *testing.T) {
	l := mustNew(t, math.Inf(1), 1, newClock())
	for i := range 1000 {
		if !l.Allow() {
			t.Fatalf("take %d refused", i)
		}
	}
}

func TestZeroRateNeverAllows(t *testing.T) {
	c := newClock()
	l := mustNew(t, 0, 10, c)
	c.add(time.Hour)
	if l.Allow() {
		t.Fatal("zero rate allowed a take")
	}
}

// Draining every second for 250 s settles at the average rate.
func TestAverageRate(t *testing.T) {
	c := newClock()
	l := mustNew(t, 100, 500, c)
	total := 0
	for s := 1; s <= 250; s++ {
		c.add(time.Second)
		n := 0
		for l.Allow() {
			n++
		}
		if s > 25 {
			total += n
		}
	}
	avg := float64(total) / 225
	if math.Abs(avg-100) > 5 {
		t.Fatalf("average %.2f/s, want 100±5", avg)
	}
}
