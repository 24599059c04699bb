package nerve

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/smartstack-go/smartstack/test/testutil"
)

// histogram returns the single histogram of the named family in reg, an
// empty one until the daemon has registered it.
func histogram(t *testing.T, reg prometheus.Gatherer, name string) *dto.Histogram {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == name && len(mf.GetMetric()) == 1 {
			return mf.GetMetric()[0].GetHistogram()
		}
	}
	return &dto.Histogram{}
}

func bounds(h *dto.Histogram) []float64 {
	var out []float64
	for _, b := range h.GetBucket() {
		out = append(out, b.GetUpperBound())
	}
	return out
}

// seqClock returns its times in order, then the last one forever.
type seqClock struct {
	mu    sync.Mutex
	times []time.Time
}

func (c *seqClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.times[0]
	if len(c.times) > 1 {
		c.times = c.times[1:]
	}
	return t
}

// A clock reading 10.0 then 12.5 makes the main-loop histogram
// observe 2.5 s; the first config's buckets are used.
func TestMainLoopHistogramObservesLoop(t *testing.T) {
	base := time.Unix(0, 0)
	clock := &seqClock{times: []time.Time{base.Add(10 * time.Second), base.Add(12500 * time.Millisecond)}}
	reg := prometheus.NewRegistry()
	first := &Desired{Prometheus: Prometheus{MainLoopBuckets: []float64{1, 3, 7}}}
	td := startDaemon(t, first, func(o *Options) {
		o.Registerer, o.Clock, o.LoopInterval = reg, clock.now, time.Millisecond
	})
	testutil.Eventually(t, 5*time.Second, func() error {
		if c := histogram(t, reg, "nerve_main_loop_duration_seconds").GetSampleCount(); c < 2 {
			return fmt.Errorf("%d loop iterations observed", c)
		}
		return nil
	})
	h := histogram(t, reg, "nerve_main_loop_duration_seconds")
	if h.GetSampleSum() != 2.5 {
		t.Errorf("sum %v, want 2.5", h.GetSampleSum())
	}
	if got := bounds(h); !slices.Equal(got, []float64{1, 3, 7}) {
		t.Errorf("buckets %v, want [1 3 7]", got)
	}
	// Buckets are fixed by the first config: a reload does not move them.
	td.load(&Desired{Prometheus: Prometheus{MainLoopBuckets: []float64{2}}}, nil)
	if got := bounds(histogram(t, reg, "nerve_main_loop_duration_seconds")); !slices.Equal(got, []float64{1, 3, 7}) {
		t.Errorf("buckets after reload %v, want [1 3 7]", got)
	}
}

// overlayDaemon runs a daemon that watches path with a 1 ms loop and
// counts its config loads (the first one included).
func overlayDaemon(t *testing.T, path string) (loads *atomic.Int32, ticks func() uint64) {
	t.Helper()
	loads = &atomic.Int32{}
	reg := prometheus.NewRegistry()
	startDaemon(t, &Desired{}, func(o *Options) {
		o.Registerer, o.LoopInterval, o.WatchFiles = reg, time.Millisecond, []string{path}
		o.Load = func() (*Desired, error) { loads.Add(1); return &Desired{}, nil }
	})
	ticks = func() uint64 { return histogram(t, reg, "nerve_main_loop_duration_seconds").GetSampleCount() }
	testutil.Eventually(t, 5*time.Second, func() error {
		if ticks() == 0 {
			return fmt.Errorf("main loop has not run")
		}
		return nil
	})
	return loads, ticks
}

func wantLoads(t *testing.T, loads *atomic.Int32, n int32) {
	t.Helper()
	testutil.Eventually(t, 5*time.Second, func() error {
		if got := loads.Load(); got != n {
			return fmt.Errorf("%d loads, want %d", got, n)
		}
		return nil
	})
}

// settle waits for two more main-loop iterations, so at least one of them
// stat'ed the files after the caller's change.
func settle(t *testing.T, ticks func() uint64) {
	t.Helper()
	from := ticks()
	testutil.Eventually(t, 5*time.Second, func() error {
		if ticks() < from+2 {
			return fmt.Errorf("waiting for the main loop")
		}
		return nil
	})
}

// setMtime gives path the modification time mtime. A missing file is
// written beside it and renamed into place with its mtime already set:
// written in place, the loop could see the write's own mtime first and
// reload once too often.
func setMtime(t *testing.T, path string, mtime time.Time) {
	t.Helper()
	target := path
	if _, err := os.Stat(path); err != nil {
		target = path + ".new"
		if err := os.WriteFile(target, []byte("{}\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chtimes(target, mtime, mtime); err != nil {
		t.Fatal(err)
	}
	if target != path {
		if err := os.Rename(target, path); err != nil {
			t.Fatal(err)
		}
	}
}

// The overlay's mtime is polled every main-loop iteration; any
// change, appearing and vanishing included, reloads.
func TestOverlayMtimeReloads(t *testing.T) {
	T := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, tc := range []struct {
		name  string
		third func(t *testing.T, path string)
		want  int32
	}{
		{"nil-T-T+5", func(t *testing.T, p string) { setMtime(t, p, T.Add(5*time.Second)) }, 3},
		{"nil-T-nil", func(t *testing.T, p string) {
			if err := os.Remove(p); err != nil {
				t.Fatal(err)
			}
		}, 3},
		{"nil-T-T", func(t *testing.T, p string) { setMtime(t, p, T) }, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "overlay.yaml")
			loads, ticks := overlayDaemon(t, path)
			settle(t, ticks)
			wantLoads(t, loads, 1)
			setMtime(t, path, T)
			wantLoads(t, loads, 2)
			tc.third(t, path)
			settle(t, ticks)
			wantLoads(t, loads, tc.want)
		})
	}
}
