package synapse

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/generator"
)

// manualClock is a clock whose time moves only when the test says so;
// its timers fire on advance.
type manualClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []*manualTimer
}

type manualTimer struct {
	at time.Time
	c  chan time.Time
}

func newManualClock() *manualClock { return &manualClock{now: time.Unix(1_000_000, 0)} }

func (c *manualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *manualClock) NewTimer(d time.Duration) (<-chan time.Time, func() bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &manualTimer{at: c.now.Add(d), c: make(chan time.Time, 1)}
	c.timers = append(c.timers, t)
	c.fireLocked()
	return t.c, func() bool { return c.stop(t) }
}

func (c *manualClock) stop(t *manualTimer) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := len(c.timers)
	c.timers = slices.DeleteFunc(c.timers, func(x *manualTimer) bool { return x == t })
	return len(c.timers) < n
}

func (c *manualClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	c.fireLocked()
}

func (c *manualClock) fireLocked() {
	c.timers = slices.DeleteFunc(c.timers, func(t *manualTimer) bool {
		if t.at.After(c.now) {
			return false
		}
		t.c <- t.at
		return true
	})
}

// armed is how many timers wait to fire: 1 once the loop holds a change.
func (c *manualClock) armed() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers)
}

func TestCoalescerWait(t *testing.T) {
	const w = 15 * time.Millisecond
	t0 := time.Unix(1_000_000, 0)
	c := coalescer{window: w}
	if got := c.wait(t0); got != 0 {
		t.Fatalf("before any update: wait %v, want 0", got)
	}
	c.updated(t0)
	for _, tc := range []struct {
		after, want time.Duration
	}{
		{0, w}, // right after an update: the whole window
		{4 * time.Millisecond, 11 * time.Millisecond}, // the rest of it, not a new one
		{w, 0}, // the window has closed: idle again
		{time.Hour, 0},
	} {
		if got := c.wait(t0.Add(tc.after)); got != tc.want {
			t.Errorf("%v after an update: wait %v, want %v", tc.after, got, tc.want)
		}
	}
}

// startManual runs a daemon with one service "web" on a manual clock and
// a window of an hour: only the leading edge or an advance can update.
func startManual(t *testing.T) (*harness, *manualClock) {
	t.Helper()
	clk := newManualClock()
	h := startClock(t, Options{CoalesceWindow: time.Hour, TickInterval: time.Hour}, clk, func(h *harness) *Desired {
		return desired(genSpec("g", &h.gens, &h.mu), spec("web", "w", ""))
	})
	h.hub.send(t, "web", 1)
	eventually(t, "first update at once", func() bool { return h.genBuilds() == 1 && len(h.gen(0).updates()) == 1 })
	return h, clk
}

func TestLoneChangeAppliedAtOnce(t *testing.T) {
	h, clk := startManual(t)
	clk.advance(2 * time.Hour) // idle: nothing updated within the window
	h.hub.send(t, "web", 2)
	eventually(t, "lone change", func() bool { return serviceNames(h.gen(0).last()) == "web=b2:2;" })
	if n := len(h.gen(0).updates()); n != 2 {
		t.Fatalf("%d updates, want 2", n)
	}

	// Right after that update the next change waits for the window.
	h.hub.send(t, "web", 3)
	eventually(t, "flush armed", func() bool { return clk.armed() == 1 })
	if n := len(h.gen(0).updates()); n != 2 {
		t.Fatalf("change within the window updated at once (%d updates)", n)
	}
	clk.advance(time.Hour)
	eventually(t, "trailing update", func() bool { return serviceNames(h.gen(0).last()) == "web=b3:3;" })
	if n := len(h.gen(0).updates()); n != 3 {
		t.Fatalf("%d updates, want 3", n)
	}
}

func TestRapidSnapshotsCoalesce(t *testing.T) {
	h, clk := startManual(t)
	clk.advance(2 * time.Hour)
	for i := 2; i <= 101; i++ {
		h.hub.send(t, "web", i)
	}
	// The first change goes out at once, the rest wait for the window;
	// the owner may still publish the last one after a flush, so advance
	// whenever a flush is armed until the last state is out.
	eventually(t, "last state", func() bool {
		if serviceNames(h.gen(0).last()) == "web=b101:101;" {
			return true
		}
		if clk.armed() > 0 {
			clk.advance(time.Hour)
		}
		return false
	})
	if n := len(h.gen(0).updates()); n > 5 {
		t.Fatalf("100 snapshots gave %d updates, want a few", n)
	}
}

func TestContinuousStreamFlushesEveryWindow(t *testing.T) {
	h, clk := startManual(t)
	const windows = 5
	port := 1
	for w := 1; w <= windows; w++ {
		// A change every quarter window: a debounce would never fire. The
		// last one must be published before the window closes, else it
		// rightly waits for the next window.
		for q := 0; q < 4; q++ {
			port++
			h.hub.send(t, "web", port)
			eventually(t, "published", func() bool { return published(h.d, port) })
			clk.advance(15 * time.Minute)
		}
		want := serviceNames([]generator.Service{{Name: "web", Backends: backendsOf(port)}})
		eventually(t, "flush at the window's end", func() bool { return serviceNames(h.gen(0).last()) == want })
		if n := len(h.gen(0).updates()); n != 1+w {
			t.Fatalf("after %d windows: %d updates, want %d", w, n, 1+w)
		}
	}
}

// published tells whether the owner's view has web at port.
func published(d *Daemon, port int) bool {
	v := d.currentView()
	return len(v.services) == 1 && len(v.services[0].backends) == 1 && v.services[0].backends[0].Host == fmt.Sprintf("b%d", port)
}
