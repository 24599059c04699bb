package memlimit

import (
	"math"
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

func TestLimit(t *testing.T) {
	const mib = 1 << 20
	o := Options{Budget: 80 * mib, Headroom: 0.25}
	for _, tc := range []struct {
		name string
		u    Usage
		want int64
	}{
		{"small heap: the budget", Usage{Live: 10 * mib, Unused: 2 * mib, NonHeap: 10 * mib}, 80 * mib},
		{"past the budget: a quarter more", Usage{Live: 80 * mib, Unused: 0, NonHeap: 20 * mib}, 120 * mib},
		{"unused span space grows with the heap", Usage{Live: 60 * mib, Unused: 20 * mib, NonHeap: 0}, 100 * mib},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Limit(o, tc.u); got != tc.want {
				t.Errorf("Limit = %d MiB, want %d MiB", got/mib, tc.want/mib)
			}
		})
	}
}

var keep []byte

// After a collection the limit follows the live heap: a heap past the
// budget gets its headroom, and Stop lifts the limit.
func TestTunerFollowsLiveHeap(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(before) })
	tu := Start(Options{Budget: 1 << 20, Headroom: 0.25})
	defer tu.Stop()
	keep = make([]byte, 64<<20)
	for i := range keep {
		keep[i] = byte(i)
	}
	deadline := time.Now().Add(5 * time.Second)
	for tu.Last() < 80<<20 && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if got := tu.Last(); got < 80<<20 {
		t.Fatalf("limit %d MiB with 64 MiB live, want at least 80", got>>20)
	}
	if got := debug.SetMemoryLimit(-1); got != tu.Last() {
		t.Errorf("runtime limit %d, tuner's %d", got, tu.Last())
	}
	keep = nil
	tu.Stop()
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("limit after Stop = %d, want none", got)
	}
}
