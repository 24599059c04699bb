package main

import (
	"context"
	"fmt"
	"time"

	"github.com/smartstack-go/smartstack/pkg/haproxy"
	"github.com/smartstack-go/smartstack/test/testutil"
)

// scenario is one private HAProxy and one synapse watching a ZooKeeper
// subtree that already holds the initial backends.
type scenario struct {
	e        *env
	root     string
	services []string
	ha       *testutil.HAProxy
	client   *haproxy.Client
	syn      *synapseProc
	startup  float64 // ms from synapse's exec to every initial backend live
	writeMS  float64 // ms to register the initial backends
	// probeCycle is the propagation probe's read cycle (propagation.go).
	probeCycle time.Duration
}

// counters are the cumulative numbers read before and after a phase.
type counters struct {
	reloads    int     // HAProxy master's reload counter
	socketCmds float64 // synapse_haproxy_socket_commands_total
	synReloads float64 // synapse_haproxy_reloads_total
}

// startScenario registers bs, then starts HAProxy and synapse and waits
// until HAProxy serves every one of bs.
func (e *env) startScenario(ctx context.Context, name string, services []string, bs []*backend, o options) (*scenario, error) {
	sc := &scenario{e: e, root: "/bench/" + name, services: services}
	if err := createServices(e.zc, sc.root, services); err != nil {
		return nil, err
	}
	start := time.Now()
	if err := registerAll(ctx, e.zc, sc.root, bs); err != nil {
		return nil, err
	}
	sc.writeMS = ms(time.Since(start))
	h, err := e.startHAProxy(name + "-haproxy")
	if err != nil {
		return nil, err
	}
	sc.ha, sc.client = h, haproxy.New(h.StatsSocket, haproxy.WithTimeout(30*time.Second))
	start = time.Now()
	sc.syn, err = e.startSynapse(h, synapseOpts{name: name, services: services, zkRoot: sc.root, restartInterval: o.restartInterval, dynamicServers: o.dynamicServers, zkWatchMode: o.zkWatchMode})
	if err != nil {
		return nil, err
	}
	poll := max(time.Millisecond, time.Duration(len(bs))*2*time.Microsecond)
	done, err := waitAllLive(ctx, sc.client, bs, poll, o.startTimeout, sc.syn.exited)
	if err != nil {
		return nil, fmt.Errorf("%s start: %w", name, err)
	}
	sc.startup = ms(done.Sub(start))
	return sc, nil
}

func (sc *scenario) counters(ctx context.Context) (counters, error) {
	var c counters
	var err error
	if c.reloads, err = reloads(sc.ha); err != nil {
		return c, err
	}
	if c.socketCmds, err = metric(ctx, sc.syn.metricsAddr, "synapse_haproxy_socket_commands_total"); err != nil {
		return c, err
	}
	if c.synReloads, err = metric(ctx, sc.syn.metricsAddr, "synapse_haproxy_reloads_total"); err != nil {
		return c, err
	}
	return c, nil
}
