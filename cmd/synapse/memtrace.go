//go:build pprof

package main

import (
	"fmt"
	"os"
	"runtime/metrics"
	"strings"
	"time"
)

// With -tags pprof and SYNAPSE_MEMTRACE set, synapse writes to stderr, every
// 20 ms, its resident set (from /proc/self/statm) and where it is in the Go
// runtime's accounting (MiB, goroutines as a count), so that what makes up the peak RSS of a start-up can
// be read afterwards (docs/benchmarks.md).
func init() {
	if os.Getenv("SYNAPSE_MEMTRACE") == "" {
		return
	}
	go memtrace()
}

var memtraceNames = []string{
	"/memory/classes/heap/objects:bytes",
	"/memory/classes/heap/unused:bytes",
	"/memory/classes/heap/free:bytes",
	"/memory/classes/heap/released:bytes",
	"/memory/classes/heap/stacks:bytes",
	"/memory/classes/os-stacks:bytes",
	"/memory/classes/metadata/other:bytes",
	"/memory/classes/total:bytes",
	"/gc/heap/goal:bytes",
	"/sched/goroutines:goroutines",
}

func memtrace() {
	samples := make([]metrics.Sample, len(memtraceNames))
	for i, n := range memtraceNames {
		samples[i].Name = n
	}
	start := time.Now()
	for range time.Tick(20 * time.Millisecond) {
		metrics.Read(samples)
		var b strings.Builder
		fmt.Fprintf(&b, "memtrace t=%.2f rss=%.1f", time.Since(start).Seconds(), rssMiB())
		for _, s := range samples {
			name, unit, _ := strings.Cut(s.Name, ":")
			name = strings.TrimPrefix(name, "/memory/classes/")
			if unit == "bytes" {
				fmt.Fprintf(&b, " %s=%.1f", name, float64(s.Value.Uint64())/(1<<20))
			} else {
				fmt.Fprintf(&b, " %s=%d", name, s.Value.Uint64())
			}
		}
		fmt.Fprintln(os.Stderr, b.String())
	}
}

func rssMiB() float64 {
	data, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return -1
	}
	var size, res int64
	fmt.Sscan(string(data), &size, &res)
	return float64(res*int64(os.Getpagesize())) / (1 << 20)
}
