package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"time"
)

// modeResult is one watch mode's figures.
type modeResult struct {
	Mode string `json:"mode"`
	// Base is each member with the nerves registered and no stack yet;
	// Members is each member with every stack watching, at steady state.
	Base    []member `json:"base"`
	Members []member `json:"members"`
	// StartupTime and StartupRequests: from starting the stacks until every
	// stack saw every backend (a full read of the fleet).
	StartupTime     time.Duration `json:"startup_ns"`
	StartupRequests int64         `json:"startup_requests"`
	SteadyRate      float64       `json:"steady_requests_per_s"`
	SteadyWindow    time.Duration `json:"steady_window_ns"`
	Fanout          latency       `json:"fanout"`
	FanoutAdd       latency       `json:"fanout_add"`
	FanoutRemove    latency       `json:"fanout_remove"`
	Storm           storm         `json:"storm"`
	DiscoveryErrors int           `json:"discovery_errors"`
}

const root = "/fleet"

func serviceNames(s int) []string {
	out := make([]string, s)
	for i := range out {
		out[i] = fmt.Sprintf("svc%03d", i)
	}
	return out
}

// runMode measures one watch mode on a fresh ensemble.
func runMode(ctx context.Context, p params, mode string) (*modeResult, error) {
	dir, err := os.MkdirTemp("", "benchfleet-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	f, err := startFleet(ctx, p, mode, dir)
	if err != nil {
		return nil, err
	}
	defer f.stop()
	r := &modeResult{Mode: mode}
	if r.Base, err = f.e.inspect(ctx); err != nil {
		return nil, err
	}
	st, err := measureStartup(ctx, p, f.e, mode, f.services, dir, r)
	if err != nil {
		return nil, err
	}
	defer st.stop()
	if err := measureSteady(p, f.e, r); err != nil {
		return nil, err
	}
	if r.Members, err = f.e.inspect(ctx); err != nil {
		return nil, err
	}
	progress("%s: %d changes", mode, p.changes)
	ds, err := fanout(ctx, f.w, st.view, root, f.services, p.changes, rand.New(rand.NewPCG(uint64(p.seed), 1)))
	if err != nil {
		return nil, err
	}
	r.Fanout = summarize(ds)
	adds, removes := split(ds)
	r.FanoutAdd, r.FanoutRemove = summarize(adds), summarize(removes)
	progress("%s: restarting the whole ensemble", mode)
	if r.Storm, err = measureStorm(ctx, f.e, f.w, st.view, f.services, r.SteadyRate); err != nil {
		return nil, err
	}
	if err := f.ns.exited(); err != nil {
		return nil, err
	}
	r.DiscoveryErrors = st.view.errorCount()
	return r, nil
}

// fleet is what runs before the stacks: the ensemble, the benchmark's
// client with the service znodes it created, and the nerves.
type fleet struct {
	e        *ensemble
	w        *writer
	ns       *nerves
	services []string
	stops    []func()
}

func (f *fleet) stop() {
	for i := len(f.stops) - 1; i >= 0; i-- {
		f.stops[i]()
	}
}

func startFleet(ctx context.Context, p params, mode, dir string) (f *fleet, err error) {
	f = &fleet{services: serviceNames(p.services)}
	defer func() {
		if err != nil {
			f.stop()
		}
	}()
	if f.e, err = startEnsemble(p.ensemble); err != nil {
		return nil, fmt.Errorf("start zookeeper: %w", err)
	}
	f.stops = append(f.stops, func() { _ = f.e.stop() })
	if f.w, err = dialWriter(f.e.z.Addrs()); err != nil {
		return nil, err
	}
	f.stops = append(f.stops, f.w.close)
	for _, s := range f.services {
		if err := f.w.ensure(root + "/" + s); err != nil {
			return nil, err
		}
	}
	progress("%s: zookeeper up (%d members); starting %d nerves", mode, p.ensemble, p.nerves)
	if f.ns, err = registerAll(ctx, p, f.e, f.w, f.services, dir); err != nil {
		return nil, err
	}
	f.stops = append(f.stops, f.ns.stop)
	return f, nil
}

// registerAll starts the nerves and waits until ZooKeeper holds every
// registration.
func registerAll(ctx context.Context, p params, e *ensemble, w *writer, services []string, dir string) (*nerves, error) {
	shares, err := share(services, p.backends, p.nerves)
	if err != nil {
		return nil, err
	}
	ns, err := startNerves(p.nerveBin, dir, e.z.Addrs(), root, shares)
	if err != nil {
		return nil, err
	}
	err = poll(ctx, 3*time.Minute, func() (bool, error) {
		if err := ns.exited(); err != nil {
			return true, err // no use waiting
		}
		for _, s := range services {
			if n, err := w.children(root + "/" + s); err != nil || n != p.backends {
				return false, err
			}
		}
		return true, nil
	})
	if err != nil {
		ns.stop()
		return nil, fmt.Errorf("registrations: %w", err)
	}
	// A few check rounds, so the nerves are at steady state too.
	time.Sleep(3 * time.Second)
	return ns, nil
}

func measureStartup(ctx context.Context, p params, e *ensemble, mode string, services []string, dir string, r *modeResult) (*stacks, error) {
	progress("%s: starting %d stacks × %d services", mode, p.stacks, p.services)
	before, err := e.packets()
	if err != nil {
		return nil, err
	}
	start := time.Now()
	st, err := startStacks(ctx, stackConfig{n: p.stacks, hosts: e.z.Addrs(), services: services, root: root, mode: mode, dir: dir})
	if err != nil {
		return nil, err
	}
	if err := poll(ctx, 5*time.Minute, func() (bool, error) { return st.view.complete(p.backends), nil }); err != nil {
		st.stop()
		return nil, fmt.Errorf("stacks never saw every backend: %w", err)
	}
	r.StartupTime = time.Since(start)
	after, err := e.packets()
	if err != nil {
		st.stop()
		return nil, err
	}
	r.StartupRequests = after - before
	return st, nil
}

// measureSteady counts the requests the ensemble receives while nothing
// changes, after a pause for the start-up's stragglers.
func measureSteady(p params, e *ensemble, r *modeResult) error {
	time.Sleep(5 * time.Second)
	a, err := e.packets()
	if err != nil {
		return err
	}
	start := time.Now()
	time.Sleep(p.window)
	b, err := e.packets()
	if err != nil {
		return err
	}
	r.SteadyWindow = time.Since(start)
	r.SteadyRate = perSecond(b-a, r.SteadyWindow)
	return nil
}

// fanout makes n changes one at a time, alternately adding a backend to a
// random service and removing it again, and times each from the write's
// acknowledgement to the moment the last stack applied it.
func fanout(ctx context.Context, w *writer, v *view, root string, services []string, n int, rng *rand.Rand) ([]time.Duration, error) {
	var out []time.Duration
	var live, liveSvc, liveAddr string
	for i := range n {
		var (
			pr  *probe
			err error
		)
		if live == "" {
			liveSvc = services[rng.IntN(len(services))]
			host, port := fmt.Sprintf("10.2.%d.%d", i/250, i%250), 20000+i
			liveAddr = addr(host, port)
			if pr, err = v.arm(map[string]target{liveSvc: {addr: liveAddr, present: true}}); err != nil {
				return nil, err
			}
			live, err = w.register(root+"/"+liveSvc, fmt.Sprintf("change-%d", i), host, port)
		} else {
			if pr, err = v.arm(map[string]target{liveSvc: {addr: liveAddr, present: false}}); err != nil {
				return nil, err
			}
			err, live = w.remove(live), ""
		}
		ack := time.Now()
		if err != nil {
			return nil, err
		}
		at, err := pr.wait(ctx, time.Minute)
		if err != nil {
			return nil, fmt.Errorf("change %d: %w", i, err)
		}
		out = append(out, max(0, slices.MaxFunc(at, func(a, b time.Time) int { return a.Compare(b) }).Sub(ack)))
		time.Sleep(20 * time.Millisecond)
	}
	if live != "" {
		return out, w.remove(live)
	}
	return out, nil
}

// split separates fanout's changes: adds are the even ones, removals the
// odd ones.
func split(ds []time.Duration) (adds, removes []time.Duration) {
	for i, d := range ds {
		if i%2 == 0 {
			adds = append(adds, d)
		} else {
			removes = append(removes, d)
		}
	}
	return adds, removes
}

// poll calls cond every 100 ms until it is done or timeout passes. An
// error with done ends the wait with it; one without is only the reason
// given if the timeout passes.
func poll(ctx context.Context, timeout time.Duration, cond func() (done bool, err error)) error {
	deadline := time.Now().Add(timeout)
	for {
		ok, err := cond()
		if ok {
			return err
		}
		if time.Now().After(deadline) {
			if err == nil {
				err = fmt.Errorf("not done after %v", timeout)
			}
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s bench-fleet: %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}
