package main

import (
	"testing"
	"time"
)

func set(addrs ...string) map[string]bool {
	m := map[string]bool{}
	for _, a := range addrs {
		m[a] = true
	}
	return m
}

// A difference shorter than the window converges and is timed; one
// longer is a divergence, once, whether or not it ends later.
func TestComparer(t *testing.T) {
	t0 := time.Unix(1000, 0)
	c := newComparer(5 * time.Second)
	c.check(t0, set("a:1", "b:2"), set("a:1", "b:2"))
	c.check(t0.Add(time.Second), set("a:1", "b:2", "c:3"), set("a:1", "b:2"))
	c.check(t0.Add(2*time.Second), set("a:1", "b:2", "c:3"), set("a:1", "b:2", "c:3", "old:9"))
	if len(c.converged) != 1 || c.converged[0] != time.Second {
		t.Fatalf("converged %v, want one of 1s (c:3)", c.converged)
	}
	for i := 3; i <= 9; i++ {
		c.check(t0.Add(time.Duration(i)*time.Second), set("a:1"), set("a:1", "old:9"))
	}
	if len(c.divergences) != 1 || c.divergences[0].addr != "old:9" || c.divergences[0].kind != "stale in HAProxy" || c.divergences[0].lasted != 0 {
		t.Fatalf("divergences %+v, want old:9 stale and still open", c.divergences)
	}
	if len(c.open) != 1 {
		t.Errorf("open %v, want only old:9 (b:2 and c:3 left both sides)", c.open)
	}
	c.check(t0.Add(10*time.Second), set("a:1"), set("a:1"))
	if len(c.divergences) != 1 || c.divergences[0].lasted != 8*time.Second {
		t.Errorf("divergence after it ended: %+v, want one that lasted 8s", c.divergences[0])
	}
	if c.checks != 11 || len(c.open) != 0 {
		t.Errorf("checks %d, open %v", c.checks, c.open)
	}
}

func TestPercentiles(t *testing.T) {
	c := newComparer(time.Second)
	if got := c.percentiles(); got != "none (no difference was ever seen)" {
		t.Errorf("empty: %q", got)
	}
	for i := 1; i <= 10; i++ {
		c.converged = append(c.converged, time.Duration(i)*10*time.Millisecond)
	}
	if got, want := c.percentiles(), "n=10 p50=60ms p90=100ms p99=100ms max=100ms"; got != want {
		t.Errorf("percentiles %q, want %q", got, want)
	}
}

func TestSum(t *testing.T) {
	m := map[string]float64{
		`synapse_haproxy_reloads_total{reason="new",result="success"}`:  3,
		`synapse_haproxy_reloads_total{reason="diff",result="success"}`: 2,
		`synapse_haproxy_reloads_total{reason="new",result="failure"}`:  1,
		`synapse_haproxy_reloads_totalx{result="success"}`:              7,
	}
	if got := sum(m, "synapse_haproxy_reloads_total", `result="success"`); got != 5 {
		t.Errorf("success %v, want 5", got)
	}
	if got := sum(m, "synapse_haproxy_reloads_total", `result="failure"`); got != 1 {
		t.Errorf("failure %v, want 1", got)
	}
}
