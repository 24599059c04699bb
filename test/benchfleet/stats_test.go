package main

import (
	"math"
	"testing"
	"time"
)

func TestSummarize(t *testing.T) {
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	hundred := make([]time.Duration, 100)
	for i := range hundred {
		hundred[i] = ms(100 - i) // reversed: summarize must sort
	}
	tests := []struct {
		name string
		in   []time.Duration
		want latency
	}{
		{name: "empty", in: nil, want: latency{}},
		{name: "one", in: []time.Duration{ms(5)}, want: latency{N: 1, P50: ms(5), P99: ms(5), Max: ms(5)}},
		{name: "hundred", in: hundred, want: latency{N: 100, P50: ms(50), P99: ms(99), Max: ms(100)}},
		{name: "three", in: []time.Duration{ms(3), ms(1), ms(2)}, want: latency{N: 3, P50: ms(2), P99: ms(3), Max: ms(3)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := summarize(tt.in); got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestScale(t *testing.T) {
	tests := []struct {
		name        string
		v, from, to float64
		want        float64
		wantNaN     bool
	}{
		{name: "hosts", v: 10_000, from: 200, to: 10_000, want: 500_000},
		{name: "down", v: 50, from: 100, to: 10, want: 5},
		{name: "zero size", v: 1, from: 0, to: 10, wantNaN: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := scale(tt.v, tt.from, tt.to)
			if tt.wantNaN != math.IsNaN(got) || (!tt.wantNaN && got != tt.want) {
				t.Errorf("scale(%v, %v, %v) = %v, want %v", tt.v, tt.from, tt.to, got, tt.want)
			}
		})
	}
}

func TestPerSecond(t *testing.T) {
	if got := perSecond(300, 10*time.Second); got != 30 {
		t.Errorf("perSecond(300, 10s) = %v, want 30", got)
	}
	if got := perSecond(300, 0); got != 0 {
		t.Errorf("perSecond over no time = %v, want 0", got)
	}
}

func TestReceived(t *testing.T) {
	tests := []struct {
		name            string
		prev, raw, want int64
	}{
		{name: "steady", prev: 100, raw: 131, want: 30},
		{name: "only our own sample", prev: 100, raw: 101, want: 0},
		{name: "first sample after a start", prev: -1, raw: 50, want: 49},
		{name: "counter started again", prev: 9000, raw: 12, want: 11},
		{name: "fresh counter with only our sample", prev: -1, raw: 1, want: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := received(tt.prev, tt.raw); got != tt.want {
				t.Errorf("received(%d, %d) = %d, want %d", tt.prev, tt.raw, got, tt.want)
			}
		})
	}
}
