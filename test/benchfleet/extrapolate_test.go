package main

import (
	"testing"
	"time"
)

func TestFleetFactors(t *testing.T) {
	p := params{stacks: 200, services: 50, backends: 20, nerves: 50, hosts: 10_000, hostBackends: 2_000}
	got := fleetFactors(p)
	want := factors{backends: 100, watchers: 50, sessions: 80}
	if got != want {
		t.Errorf("fleetFactors = %+v, want %+v", got, want)
	}
}

func TestCount(t *testing.T) {
	for in, want := range map[float64]string{0: "0", 999: "999", 1000: "1,000", 1234567.4: "1,234,567", 99.5: "100"} {
		if got := count(in); got != want {
			t.Errorf("count(%v) = %q, want %q", in, got, want)
		}
	}
}

func TestServedRate(t *testing.T) {
	r := &modeResult{StartupRequests: 10_000, StartupTime: 2 * time.Second,
		Storm: storm{Requests: 30_000, Resync: 3 * time.Second}}
	if got := r.servedRate(); got != 10_000 {
		t.Errorf("servedRate = %v, want the storm's 10,000/s", got)
	}
	if got := (&modeResult{}).servedRate(); got != 0 {
		t.Errorf("servedRate of nothing = %v, want 0", got)
	}
}
