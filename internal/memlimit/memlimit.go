// Package memlimit holds a daemon's Go memory near a budget without the
// cost of a low GOGC at every size: below the budget the collector runs
// as GOGC says; above it, the heap is collected once it has grown by a
// share of what was live at the last collection (Headroom), so a heap
// that outgrows the budget costs more collections, never a collector
// that runs on every allocation.
//
// It sets the runtime's soft memory limit (debug.SetMemoryLimit) after
// every collection, from the live heap that collection left: a fixed
// limit below what a large deployment holds live would make the
// collector run constantly.
package memlimit

import (
	"math"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// Options are the budget and the headroom.
type Options struct {
	// Budget is the Go runtime memory (GOMEMLIMIT's accounting: heap,
	// stacks and the runtime's own, less what is returned to the OS) the
	// heap may use before Headroom holds it.
	Budget int64
	// Headroom is the share of the live heap (and of the heap's unused
	// span space, which grows with it) always left to grow past the
	// budget: 0.25 collects as GOGC=25 would there.
	Headroom float64
}

// Usage is what the runtime held after a collection.
type Usage struct {
	Live    uint64 // live heap objects
	Unused  uint64 // heap span space not holding objects
	NonHeap uint64 // stacks, runtime metadata and other runtime memory
}

// Limit is the memory limit after a collection that left u.
func Limit(o Options, u Usage) int64 {
	grow := float64(u.Live+u.Unused) * (1 + o.Headroom)
	return max(o.Budget, int64(math.Min(grow+float64(u.NonHeap), math.MaxInt64/2)))
}

// Tuner sets the limit after each collection until Stop.
type Tuner struct {
	opts    Options
	mu      sync.Mutex
	stopped bool
	samples []metrics.Sample
	last    int64
}

// sentinel is collected at every cycle; its cleanup retunes. It holds a
// pointer so it is not a tiny allocation, whose cleanups may never run.
type sentinel struct{ _ *byte }

// Start sets the limit now and after every collection.
func Start(o Options) *Tuner {
	t := &Tuner{opts: o, samples: []metrics.Sample{
		{Name: "/gc/heap/live:bytes"},
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/memory/classes/heap/unused:bytes"},
		{Name: "/memory/classes/heap/free:bytes"},
		{Name: "/memory/classes/heap/released:bytes"},
		{Name: "/memory/classes/total:bytes"},
	}}
	t.tune()
	return t
}

// Stop lifts the limit and stops retuning.
func (t *Tuner) Stop() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.stopped = true
	debug.SetMemoryLimit(math.MaxInt64)
}

// Last is the limit set last.
func (t *Tuner) Last() int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.last
}

func (t *Tuner) tune() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stopped {
		return
	}
	metrics.Read(t.samples)
	v := func(i int) uint64 { return t.samples[i].Value.Uint64() }
	heap := v(1) + v(2) + v(3) + v(4)
	u := Usage{Live: v(0), Unused: v(2), NonHeap: v(5) - min(heap, v(5))}
	t.last = Limit(t.opts, u)
	debug.SetMemoryLimit(t.last)
	runtime.AddCleanup(&sentinel{}, func(t *Tuner) { t.tune() }, t)
}
