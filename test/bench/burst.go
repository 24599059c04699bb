package main

import (
	"context"
	"fmt"
	"io"
	"time"
)

// burstResult is the deploy-burst scenario's outcome.
type burstResult struct {
	Services       int     `json:"services"`
	Backends       int     `json:"backends_registered"`
	WriteMS        float64 `json:"zk_write_ms"`    // first write to last acknowledgement
	VisibleMS      float64 `json:"all_visible_ms"` // first write to all live in HAProxy
	AfterLastAckMS float64 `json:"visible_after_last_ack_ms"`
	Reloads        int     `json:"haproxy_reloads"`
	SynapseReloads float64 `json:"synapse_reloads_metric"`
	SocketCommands float64 `json:"socket_commands"`
}

// runBurst starts with one backend per service (so synapse is past its
// first write), then registers burstBackends at once, as a deploy does.
func runBurst(ctx context.Context, e *env, o options) (burstResult, error) {
	res := burstResult{Services: o.burstServices, Backends: o.burstBackends}
	services := serviceNames("burst", o.burstServices)
	seq := 1 << 20 // distinct from other scenarios' addresses, for readable logs
	initial := makeBackends(services, 1, &seq)
	sc, err := e.startScenario(ctx, "burst", services, initial, o)
	if err != nil {
		return res, err
	}
	before, err := sc.counters(ctx)
	if err != nil {
		return res, err
	}
	var bs []*backend
	for i := range o.burstBackends {
		bs = append(bs, makeBackends(services[i%len(services):i%len(services)+1], 1, &seq)...)
	}
	start := time.Now()
	if err := registerAll(ctx, e.zc, sc.root, bs); err != nil {
		return res, err
	}
	acked := time.Now()
	done, err := waitAllLive(ctx, sc.client, bs, 2*time.Millisecond, o.startTimeout, sc.syn.exited)
	if err != nil {
		return res, fmt.Errorf("burst: %w", err)
	}
	res.WriteMS, res.VisibleMS, res.AfterLastAckMS = ms(acked.Sub(start)), ms(done.Sub(start)), ms(done.Sub(acked))
	sleepCtx(ctx, time.Duration(o.restartInterval*float64(time.Second))+time.Second)
	after, err := sc.counters(ctx)
	if err != nil {
		return res, err
	}
	res.Reloads = after.reloads - before.reloads
	res.SynapseReloads = after.synReloads - before.synReloads
	res.SocketCommands = after.socketCmds - before.socketCmds
	return res, nil
}

func (r *results) printBurst(w io.Writer, floor float64) {
	b := r.Burst
	if b == nil {
		return
	}
	fmt.Fprintf(w, "| burst: %d backends over %d services, all visible (from first write) | %.0f ms | %.0f |\n",
		b.Backends, b.Services, b.VisibleMS, ratio(b.VisibleMS, floor))
	fmt.Fprintf(w, "| burst: ZK writes took / visible after last ack | %.0f / %.0f ms | |\n", b.WriteMS, b.AfterLastAckMS)
	fmt.Fprintf(w, "| burst: HAProxy reloads / socket commands | %d / %.0f | |\n", b.Reloads, b.SocketCommands)
}
