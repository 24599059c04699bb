package synapse

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// harness runs a Daemon whose config the test swaps between reloads.
type harness struct {
	t      *testing.T
	d      *Daemon
	hub    *hub
	reg    *prometheus.Registry
	reload chan struct{}
	done   chan error
	cancel context.CancelFunc

	mu     sync.Mutex
	cfg    *Desired
	cfgErr error
	gens   []*fakeGen
}

func start(t *testing.T, opts Options, cfg func(h *harness) *Desired) *harness {
	t.Helper()
	return startClock(t, opts, nil, cfg)
}

// startClock is start with the generator loop on clk (nil: the real one).
func startClock(t *testing.T, opts Options, clk clock, cfg func(h *harness) *Desired) *harness {
	t.Helper()
	h := &harness{t: t, hub: newHub(), reg: prometheus.NewRegistry(), reload: make(chan struct{}), done: make(chan error, 1)}
	h.cfg = cfg(h)
	opts.Load = h.load
	opts.NewWatcher = h.hub.New
	opts.Registerer = h.reg
	if opts.CoalesceWindow == 0 {
		opts.CoalesceWindow = 20 * time.Millisecond
	}
	d, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	if clk != nil {
		d.clock = clk
	}
	h.d = d
	ctx, cancel := context.WithCancel(t.Context())
	h.cancel = cancel
	go func() { h.done <- d.Run(ctx, h.reload) }()
	t.Cleanup(h.stop)
	return h
}

func (h *harness) load() (*Desired, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.cfg, h.cfgErr
}

func (h *harness) setConfig(cfg *Desired, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.cfg, h.cfgErr = cfg, err
}

// doReload triggers a reload and waits until the owner has handled it.
func (h *harness) doReload(result string) {
	h.t.Helper()
	before := value(h.d.m.reloads.WithLabelValues(result))
	h.reload <- struct{}{}
	eventually(h.t, "reload "+result, func() bool {
		return value(h.d.m.reloads.WithLabelValues(result)) > before
	})
}

func (h *harness) gen(i int) *fakeGen {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.gens[i]
}

func (h *harness) genBuilds() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.gens)
}

func (h *harness) stop() {
	h.cancel()
	select {
	case err := <-h.done:
		if err != nil {
			h.t.Errorf("Run = %v", err)
		}
	case <-time.After(5 * time.Second):
		h.t.Error("Run did not return after cancel")
	}
	h.done <- nil // a second stop returns at once
}

func TestCoalescing(t *testing.T) {
	h := start(t, Options{}, func(h *harness) *Desired {
		return desired(genSpec("g1", &h.gens, &h.mu), spec("web", "w", ""))
	})
	h.hub.send(t, "web", 1)
	eventually(t, "first update", func() bool { return h.genBuilds() == 1 && len(h.gen(0).updates()) == 1 })
	for i := 2; i <= 101; i++ {
		h.hub.send(t, "web", i)
	}
	eventually(t, "last snapshot", func() bool { return serviceNames(h.gen(0).last()) == "web=b101:101;" })
	time.Sleep(50 * time.Millisecond)
	if n := len(h.gen(0).updates()); n > 12 {
		t.Fatalf("100 snapshots gave %d updates, want a few", n)
	}
	if got := value(h.d.m.watcherUpdates.WithLabelValues("web", "fake")); got != 101 {
		t.Fatalf("watcher updates = %v", got)
	}
	if got := value(h.d.m.backends.WithLabelValues("web")); got != 1 {
		t.Fatalf("backends gauge = %v", got)
	}
}

func TestFirstUpdateHold(t *testing.T) {
	t.Run("until every watcher reported", func(t *testing.T) {
		h := start(t, Options{FirstUpdateTimeout: time.Minute}, func(h *harness) *Desired {
			return desired(genSpec("g", &h.gens, &h.mu), spec("a", "a", ""), spec("b", "b", ""))
		})
		h.hub.send(t, "a", 1)
		time.Sleep(100 * time.Millisecond)
		if n := len(h.gen(0).updates()); n != 0 {
			t.Fatalf("%d updates before every watcher reported", n)
		}
		h.hub.send(t, "b", 2)
		eventually(t, "update with both", func() bool { return serviceNames(h.gen(0).last()) == "a=b1:1;b=b2:2;" })
		if n := len(h.gen(0).updates()); n != 1 {
			t.Fatalf("%d updates, want exactly 1", n)
		}
	})
	t.Run("until the timeout", func(t *testing.T) {
		h := start(t, Options{FirstUpdateTimeout: 200 * time.Millisecond}, func(h *harness) *Desired {
			b := spec("b", "b", "")
			b.Config.DefaultServers = defaultServers(be("d", 9))
			return desired(genSpec("g", &h.gens, &h.mu), spec("a", "a", ""), b)
		})
		begin := time.Now()
		h.hub.send(t, "a", 1)
		eventually(t, "update after timeout", func() bool { return len(h.gen(0).updates()) > 0 })
		if el := time.Since(begin); el < 150*time.Millisecond {
			t.Fatalf("update after %v, before the timeout", el)
		}
		if got := serviceNames(h.gen(0).last()); got != "a=b1:1;b=d:9;" {
			t.Fatalf("update = %s", got)
		}
	})
}

func TestWatcherRestart(t *testing.T) {
	h := start(t, Options{RestartBackoff: 10 * time.Millisecond}, func(h *harness) *Desired {
		return desired(genSpec("g", &h.gens, &h.mu), spec("web", "w", ""))
	})
	first := h.hub.latest(t, "web")
	first.fail <- errors.New("session expired")
	eventually(t, "rebuilt watcher", func() bool { return h.hub.builds("web") == 2 })
	h.hub.latest(t, "web").fail <- nil // returning nil while running is a failure too
	eventually(t, "rebuilt again", func() bool { return h.hub.builds("web") == 3 })
	h.hub.send(t, "web", 7)
	eventually(t, "update", func() bool { return serviceNames(h.gen(0).last()) == "web=b7:7;" })
	st := h.d.Status()
	if w := st.Services[0].Watcher; w.Restarts != 2 || !w.Running || !w.Discovered {
		t.Fatalf("health = %+v", w)
	}
	if got := value(h.d.m.watcherRestart.WithLabelValues("web", "fake")); got != 2 {
		t.Fatalf("restarts metric = %v", got)
	}
}

func TestReload(t *testing.T) {
	h := start(t, Options{FirstUpdateTimeout: time.Minute}, func(h *harness) *Desired {
		return desired(genSpec("g", &h.gens, &h.mu), spec("keep", "k", ""), spec("sect", "s", "x"),
			spec("move", "m1", ""), spec("gone", "g", ""))
	})
	for i, s := range []string{"keep", "sect", "move", "gone"} {
		h.hub.send(t, s, i+1)
	}
	eventually(t, "first update", func() bool { return len(h.gen(0).updates()) == 1 })
	gone := h.hub.latest(t, "gone")

	next := desired(genSpec("g", &h.gens, &h.mu), spec("keep", "k", ""), spec("sect", "s", "y"),
		spec("move", "m2", ""), spec("new", "n", ""))
	h.setConfig(next, nil)
	h.doReload("success")

	for s, want := range map[string]int{"keep": 1, "sect": 1, "move": 2, "new": 1} {
		if got := h.hub.builds(s); got != want {
			t.Errorf("%s: %d watchers built, want %d", s, got, want)
		}
	}
	select {
	case <-gone.stopped:
	case <-time.After(5 * time.Second):
		t.Fatal("removed service's watcher still running")
	}
	if h.genBuilds() != 1 {
		t.Fatalf("unchanged generator rebuilt")
	}
	// sect kept its backends under its new section; move keeps its old
	// backends until its new watcher reports; new is not shown before.
	eventually(t, "update after reload", func() bool {
		last := h.gen(0).last()
		return serviceNames(last) == "keep=b1:1;move=b3:3;sect=b2:2;" && last[2].Config == "y"
	})
	h.hub.send(t, "move", 30)
	h.hub.send(t, "new", 40)
	eventually(t, "new watchers' backends", func() bool {
		return serviceNames(h.gen(0).last()) == "keep=b1:1;move=b30:30;new=b40:40;sect=b2:2;"
	})

	t.Run("bad config keeps the old", func(t *testing.T) {
		h.setConfig(nil, errors.New("services.web: missing required option discovery"))
		h.doReload("failure")
		bad := desired(genSpec("g", &h.gens, &h.mu), spec("keep", "k", "bad"))
		h.setConfig(bad, nil)
		h.doReload("failure")
		h.hub.mu.Lock()
		h.hub.buildErr["other"] = errors.New("hosts required")
		h.hub.mu.Unlock()
		h.setConfig(desired(genSpec("g", &h.gens, &h.mu), spec("keep", "k", ""), spec("other", "o", "")), nil)
		h.doReload("failure")
		if got := len(h.d.Status().Services); got != 4 {
			t.Fatalf("%d services after bad reloads, want 4", got)
		}
		if h.hub.builds("keep") != 1 {
			t.Fatal("bad reload touched a watcher")
		}
	})
	t.Run("changed generator is rebuilt", func(t *testing.T) {
		h.setConfig(desired(genSpec("g2", &h.gens, &h.mu), spec("keep", "k", "")), nil)
		h.doReload("success")
		if h.genBuilds() != 2 {
			t.Fatalf("generator builds = %d", h.genBuilds())
		}
		eventually(t, "update by the new generator", func() bool {
			return serviceNames(h.gen(1).last()) == "keep=b1:1;"
		})
		if h.hub.builds("keep") != 1 {
			t.Fatal("generator change restarted a watcher")
		}
	})
}

func TestCleanStop(t *testing.T) {
	h := start(t, Options{}, func(h *harness) *Desired {
		return desired(genSpec("g", &h.gens, &h.mu), spec("a", "a", ""), spec("b", "b", ""))
	})
	a, b := h.hub.latest(t, "a"), h.hub.latest(t, "b")
	h.stop()
	for _, w := range []*fakeWatcher{a, b} {
		select {
		case <-w.stopped:
		default:
			t.Fatalf("watcher %s still running after Run returned", w.service)
		}
	}
}
