package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"
)

// scaleResult is the scale scenario's outcome.
type scaleResult struct {
	Services     int       `json:"services"`
	Backends     int       `json:"backends_per_service"`
	ZKWriteMS    float64   `json:"zk_write_ms"`
	StartupMS    float64   `json:"startup_ms"` // synapse exec to every backend live
	Reloads      int       `json:"haproxy_reloads"`
	Synapse      procUsage `json:"synapse"`
	ConfigBytes  int64     `json:"haproxy_cfg_bytes"`
	RenderMS     summary   `json:"render_ms"`
	RenderInProc string    `json:"render_definition"`
	// Lone changes: propagation's events, one at a time, in this large
	// config (after RSS and CPU were taken).
	Events        int     `json:"events"`
	EventLatency  summary `json:"event_latency_ms"`
	EventMidpoint summary `json:"event_latency_midpoint_ms"`
	EventTimeouts int     `json:"event_timeouts"`
	EventReloads  int     `json:"event_haproxy_reloads"`
	// SynapseAfter is read after the lone changes: its HWM is the peak of
	// the whole run, including the work after HAProxy's first reload
	// (the first full "show stat" reads), which Synapse's reading at
	// "all visible" may come before.
	SynapseAfter  *procUsage `json:"synapse_after_lone_changes,omitempty"`
	ReducedReason string     `json:"reduced,omitempty"`
}

func runScale(ctx context.Context, e *env, o options) (scaleResult, error) {
	res := scaleResult{Services: o.scaleServices, Backends: o.scaleBackends,
		RenderInProc: "internal/generator/haproxy.Render in this process, same services and backends, 5 runs"}
	if o.scaleServices*o.scaleBackends < 1000*50 {
		res.ReducedReason = "smaller than the issue's 1000 x 50 (-full)"
	}
	services := serviceNames("scale", o.scaleServices)
	seq := 2 << 20
	bs := makeBackends(services, o.scaleBackends, &seq)
	sc, err := e.startScenario(ctx, "scale", services, bs, o)
	if err != nil {
		return res, err
	}
	res.StartupMS = sc.startup
	res.ZKWriteMS = sc.writeMS
	u, err := usage(sc.syn.pid())
	if err != nil {
		return res, fmt.Errorf("synapse usage: %w", err)
	}
	res.Synapse = u
	if res.Reloads, err = reloads(sc.ha); err != nil {
		return res, err
	}
	if fi, err := os.Stat(sc.ha.ConfigPath); err == nil {
		res.ConfigBytes = fi.Size()
	}
	if err := res.loneChanges(ctx, sc, bs, &seq, o); err != nil {
		return res, err
	}
	if o.scaleEvents > 0 {
		after, err := usage(sc.syn.pid())
		if err != nil {
			return res, fmt.Errorf("synapse usage: %w", err)
		}
		res.SynapseAfter = &after
	}
	// The daemons go first: rendering competes for the same two cores.
	sc.syn.stop()
	res.RenderMS, err = timeRender(services, bs, 5)
	return res, err
}

// loneChanges times o.scaleEvents of propagation's random events, one at
// a time, against the scale scenario's 50,000 servers: how long a single
// change takes to reach HAProxy in a large config.
func (res *scaleResult) loneChanges(ctx context.Context, sc *scenario, bs []*backend, seq *int, o options) error {
	if o.scaleEvents <= 0 {
		return nil
	}
	// All visible is not all done: the updates after the initial reload
	// (a full "show stat" of every server, the state file) would make the
	// first events wait behind start-up work.
	sleepCtx(ctx, time.Duration(o.restartInterval*float64(time.Second))+time.Second)
	before, err := sc.counters(ctx)
	if err != nil {
		return err
	}
	ev := o
	ev.events = o.scaleEvents
	seen, mid, timeouts, err := sc.runEvents(ctx, bs, seq, ev)
	if err != nil {
		return err
	}
	after, err := sc.counters(ctx)
	if err != nil {
		return err
	}
	res.Events, res.EventTimeouts, res.EventReloads = o.scaleEvents, timeouts, after.reloads-before.reloads
	res.EventLatency, _ = seen.summaries()
	res.EventMidpoint, _ = mid.summaries()
	return nil
}

func (r *results) printScale(w io.Writer) {
	s := r.Scale
	if s == nil {
		return
	}
	n := fmt.Sprintf("%d x %d", s.Services, s.Backends)
	fmt.Fprintf(w, "| scale %s: start-up until all visible | %.0f ms | |\n", n, s.StartupMS)
	fmt.Fprintf(w, "| scale %s: synapse peak / final RSS | %.1f / %.1f MiB | |\n", n, float64(s.Synapse.HWMKiB)/1024, float64(s.Synapse.RSSKiB)/1024)
	if a := s.SynapseAfter; a != nil {
		fmt.Fprintf(w, "| scale %s: synapse peak / RSS after the lone changes | %.1f / %.1f MiB | |\n", n, float64(a.HWMKiB)/1024, float64(a.RSSKiB)/1024)
	}
	fmt.Fprintf(w, "| scale %s: synapse CPU to get there | %.2f s | |\n", n, s.Synapse.CPUSeconds)
	fmt.Fprintf(w, "| scale %s: haproxy.cfg render p50 / max (n=%d), size | %.1f / %.1f ms, %d KiB | |\n",
		n, s.RenderMS.N, s.RenderMS.P50, s.RenderMS.Max, s.ConfigBytes/1024)
	fmt.Fprintf(w, "| scale %s: HAProxy reloads during start-up | %d | |\n", n, s.Reloads)
	if s.Events > 0 {
		row := func(what string, l summary) {
			fmt.Fprintf(w, "| scale %s: lone change, %s, p50 / p90 / max (n=%d) | %.2f / %.2f / %.1f ms | %.1f / %.1f / %.0f |\n",
				n, what, l.N, l.P50, l.P90, l.Max, ratio(l.P50, r.Floor.FloorMS), ratio(l.P90, r.Floor.FloorMS), ratio(l.Max, r.Floor.FloorMS))
		}
		row("first read showing it", s.EventLatency)
		row("midpoint", s.EventMidpoint)
		fmt.Fprintf(w, "| scale %s: lone changes' HAProxy reloads / timeouts | %d / %d | |\n", n, s.EventReloads, s.EventTimeouts)
	}
}
