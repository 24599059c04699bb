package main

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"
)

// propResult is the propagation scenario's outcome.
type propResult struct {
	Services  int                `json:"services"`
	Backends  int                `json:"backends_per_service"`
	Events    int                `json:"events"`
	StartupMS float64            `json:"startup_ms"`
	Latency   summary            `json:"latency_ms"`
	ByKind    map[string]summary `json:"latency_ms_by_kind"`
	// Midpoint times each change halfway between the last read of
	// HAProxy that did not show it (from the moment it was sent) and the
	// first that did: the change happened in between, at a moment
	// independent of the probe's rhythm, so the midpoint is late or early
	// by the same amounts and its percentiles carry none of the probe's
	// lag, which Latency (the first read showing it) does.
	Midpoint       summary            `json:"latency_midpoint_ms"`
	MidpointByKind map[string]summary `json:"latency_midpoint_ms_by_kind"`
	// ProbeCycleMS is the probe's read cycle at the end (a moving
	// average): one read of HAProxy and the pause after it.
	ProbeCycleMS    float64 `json:"probe_cycle_ms"`
	Timeouts        int     `json:"timeouts"`
	Reloads         int     `json:"haproxy_reloads"`
	ReloadsPerEvent float64 `json:"reloads_per_event"`
	SynapseReloads  float64 `json:"synapse_reloads_metric"`
	SocketCommands  float64 `json:"socket_commands"`
}

// event is one change: apply writes it to ZooKeeper, seen says whether
// HAProxy's view of the service's backend shows it.
type event struct {
	kind  string
	b     *backend
	apply func() error
	seen  func(map[string]serverView) bool
}

func runPropagation(ctx context.Context, e *env, o options) (propResult, error) {
	res := propResult{Services: o.services, Backends: o.backends, Events: o.events,
		ByKind: map[string]summary{}, MidpointByKind: map[string]summary{}}
	services := serviceNames("prop", o.services)
	seq := 0
	bs := makeBackends(services, o.backends, &seq)
	sc, err := e.startScenario(ctx, "propagation", services, bs, o)
	if err != nil {
		return res, err
	}
	res.StartupMS = sc.startup
	before, err := sc.counters(ctx)
	if err != nil {
		return res, err
	}
	seen, mid, timeouts, err := sc.runEvents(ctx, bs, &seq, o)
	if err != nil {
		return res, err
	}
	// A reload the events made pending may still be waiting for the
	// rate limit: let it happen before counting.
	sleepCtx(ctx, time.Duration(o.restartInterval*float64(time.Second))+time.Second)
	after, err := sc.counters(ctx)
	if err != nil {
		return res, err
	}
	res.Timeouts = timeouts
	res.Latency, res.ByKind = seen.summaries()
	res.Midpoint, res.MidpointByKind = mid.summaries()
	res.ProbeCycleMS = ms(sc.probeCycle)
	res.Reloads = after.reloads - before.reloads
	res.ReloadsPerEvent = float64(res.Reloads) / float64(max(1, o.events))
	res.SocketCommands = after.socketCmds - before.socketCmds
	res.SynapseReloads = after.synReloads - before.synReloads
	return res, nil
}

// latencies are one measure's samples, all and by kind of event.
type latencies struct {
	all   []time.Duration
	kinds map[string][]time.Duration
}

func (l *latencies) add(kind string, d time.Duration) {
	if l.kinds == nil {
		l.kinds = map[string][]time.Duration{}
	}
	l.all = append(l.all, d)
	l.kinds[kind] = append(l.kinds[kind], d)
}

func (l *latencies) summaries() (summary, map[string]summary) {
	by := map[string]summary{}
	for k, ds := range l.kinds {
		by[k] = summarize(ds)
	}
	return summarize(l.all), by
}

// runEvents applies o.events random changes one after another, each timed
// from its write's acknowledgement to HAProxy showing it (seen), and to
// the midpoint estimate of when it did (see propResult.Midpoint).
func (sc *scenario) runEvents(ctx context.Context, bs []*backend, seq *int, o options) (seen, mid latencies, timeouts int, err error) {
	rng := rand.New(rand.NewPCG(uint64(o.seed), 1))
	pr := &probe{rng: rand.New(rand.NewPCG(uint64(o.seed), 2)), conn: newPromptConn(sc.ha.StatsSocket)}
	defer pr.conn.Close()
	live := map[string][]*backend{}
	for _, b := range bs {
		live[b.service] = append(live[b.service], b)
	}
	for range o.events {
		ev := sc.randomEvent(rng, live, seq)
		if err := ev.apply(); err != nil {
			return seen, mid, 0, err
		}
		acked := time.Now()
		before, at, err := sc.waitSeen(ctx, ev, acked, pr, o.poll, o.eventTimeout)
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
			timeouts++
			continue
		} else if err != nil {
			return seen, mid, 0, err
		}
		seen.add(ev.kind, at.Sub(acked))
		mid.add(ev.kind, before.Add(at.Sub(before)/2).Sub(acked))
		sleepCtx(ctx, o.gap)
	}
	sc.probeCycle = pr.cycle
	return seen, mid, timeouts, nil
}

// randomEvent picks add, remove or weight with equal odds; a service keeps
// at least one backend, since synapse keeps the last one anyway
// (use_previous_backends).
func (sc *scenario) randomEvent(rng *rand.Rand, live map[string][]*backend, seq *int) event {
	svc := sc.services[rng.IntN(len(sc.services))]
	list := live[svc]
	switch k := rng.IntN(3); {
	case k == 1 && len(list) > 1:
		i := rng.IntN(len(list))
		b := list[i]
		live[svc] = append(list[:i:i], list[i+1:]...)
		return event{kind: "remove", b: b, apply: func() error { return deregister(sc.e.zc, b) },
			seen: func(v map[string]serverView) bool { return !v[svc+"/"+b.serverName()].live }}
	case k == 2:
		b := list[rng.IntN(len(list))]
		w := 1 + (b.weight+rng.IntN(99))%100
		return event{kind: "weight", b: b, apply: func() error { return reweight(sc.e.zc, b, w) },
			seen: func(v map[string]serverView) bool { s := v[svc+"/"+b.serverName()]; return s.live && s.weight == w }}
	default:
		b := makeBackends([]string{svc}, 1, seq)[0]
		live[svc] = append(list, b)
		return event{kind: "add", b: b, apply: func() error { return register(sc.e.zc, sc.root, b) },
			seen: func(v map[string]serverView) bool { return v[svc+"/"+b.serverName()].live }}
	}
}

// waitSeen polls the service's backend every poll interval and returns
// when the first answer showing the change was read (at), and when the
// last read that did not show it was sent (before; from, the write's
// acknowledgement, when the first read shows it). Errors are retried:
// during a reload the stats socket briefly refuses connections. The pause
// leaves synapse a core; it bounds the timing error together with one
// "show servers state" round trip.
func (sc *scenario) waitSeen(ctx context.Context, ev event, from time.Time, pr *probe, poll, timeout time.Duration) (before, at time.Time, err error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	before = from
	pause(pr.phase())
	var last time.Time
	for {
		sent := time.Now()
		if !last.IsZero() {
			pr.observe(sent.Sub(last))
		}
		last = sent
		view, read, err := serversAt(ctx, pr.conn, ev.b.service)
		if err == nil && ev.seen(view) {
			return before, read, nil
		}
		if err == nil {
			before = sent
		}
		if ctx.Err() != nil {
			return before, time.Time{}, ctx.Err()
		}
		if err := sc.syn.exited(); err != nil {
			return before, time.Time{}, err
		}
		pause(poll)
	}
}

// probe paces waitSeen's reads. Its first read after a write waits a
// random part of a read cycle, so that where a change lands within the
// reads' rhythm is random: without it the reads keep the same rhythm
// after every write, and a change that takes about as long each time
// lands at about the same point between two reads, making the midpoint
// early or late by the same amount every time.
type probe struct {
	rng   *rand.Rand
	cycle time.Duration // moving average of one read and its pause
	conn  *promptConn
}

func (p *probe) phase() time.Duration {
	return time.Duration(p.rng.Float64() * float64(p.cycle))
}

func (p *probe) observe(d time.Duration) {
	if p.cycle == 0 {
		p.cycle = d
		return
	}
	p.cycle += (d - p.cycle) / 8
}

func sleepCtx(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}
