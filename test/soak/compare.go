package main

import (
	"fmt"
	"slices"
	"sort"
	"time"
)

// divergence is one address on which HAProxy and ZooKeeper disagreed for
// longer than the convergence window.
type divergence struct {
	addr   string
	kind   string // "missing from HAProxy" or "stale in HAProxy"
	since  time.Time
	lasted time.Duration // 0 while it still lasts
}

// comparer checks HAProxy's live servers against the registered backends
// in ZooKeeper and times how long each difference takes to go away.
type comparer struct {
	window      time.Duration
	open        map[string]*divergence // addr+kind → first seen
	converged   []time.Duration
	divergences []*divergence
	checks      int
	skipped     int // ZooKeeper or HAProxy did not answer
}

func newComparer(window time.Duration) *comparer {
	return &comparer{window: window, open: map[string]*divergence{}}
}

// check compares once. A difference first seen now opens; one gone closes
// with its convergence time; one older than the window is a divergence.
func (c *comparer) check(now time.Time, want, got map[string]bool) {
	c.checks++
	seen := map[string]bool{}
	note := func(addr, kind string) {
		key := kind + " " + addr
		seen[key] = true
		d := c.open[key]
		if d == nil {
			c.open[key] = &divergence{addr: addr, kind: kind, since: now}
			return
		}
		if now.Sub(d.since) > c.window && !slices.Contains(c.divergences, d) {
			c.divergences = append(c.divergences, d)
		}
	}
	for a := range want {
		if !got[a] {
			note(a, "missing from HAProxy")
		}
	}
	for a := range got {
		if !want[a] {
			note(a, "stale in HAProxy")
		}
	}
	for key, d := range c.open {
		if !seen[key] {
			d.lasted = now.Sub(d.since)
			c.converged = append(c.converged, d.lasted)
			delete(c.open, key)
		}
	}
}

// percentiles of the convergence times, as "p50 ... max".
func (c *comparer) percentiles() string {
	if len(c.converged) == 0 {
		return "none (no difference was ever seen)"
	}
	d := slices.Clone(c.converged)
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	at := func(p float64) time.Duration { return d[min(len(d)-1, int(p*float64(len(d))))] }
	return fmt.Sprintf("n=%d p50=%v p90=%v p99=%v max=%v", len(d), at(0.5).Round(time.Millisecond),
		at(0.9).Round(time.Millisecond), at(0.99).Round(time.Millisecond), d[len(d)-1].Round(time.Millisecond))
}

// countLong is how many of the converged differences were divergences.
func countLong(c *comparer) int {
	n := 0
	for _, d := range c.divergences {
		if d.lasted > 0 {
			n++
		}
	}
	return n
}
