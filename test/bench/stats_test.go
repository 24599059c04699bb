package main

import (
	"testing"
	"time"
)

func TestSummarizeNearestRank(t *testing.T) {
	var ds []time.Duration
	for i := 100; i >= 1; i-- {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	s := summarize(ds)
	if s.N != 100 || s.P50 != 50 || s.P90 != 90 || s.P99 != 99 || s.Max != 100 {
		t.Fatalf("summarize(1..100 ms) = %+v", s)
	}
	if one := summarize([]time.Duration{3 * time.Millisecond}); one.P50 != 3 || one.P99 != 3 {
		t.Fatalf("summarize(3 ms) = %+v", one)
	}
	if empty := summarize(nil); empty != (summary{}) {
		t.Fatalf("summarize(nil) = %+v", empty)
	}
}

func TestRatioWithoutFloor(t *testing.T) {
	if got := ratio(10, 0); got != 0 {
		t.Fatalf("ratio(10, 0) = %v, want 0", got)
	}
	if got := ratio(19.2, 0.5); got != 38.4 {
		t.Fatalf("ratio(19.2, 0.5) = %v, want 38.4", got)
	}
}
