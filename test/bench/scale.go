package main

import (
	"context"
	"fmt"
	"io"
	"os"
)

// scaleResult is the scale scenario's outcome.
type scaleResult struct {
	Services      int       `json:"services"`
	Backends      int       `json:"backends_per_service"`
	ZKWriteMS     float64   `json:"zk_write_ms"`
	StartupMS     float64   `json:"startup_ms"` // synapse exec to every backend live
	Reloads       int       `json:"haproxy_reloads"`
	Synapse       procUsage `json:"synapse"`
	ConfigBytes   int64     `json:"haproxy_cfg_bytes"`
	RenderMS      summary   `json:"render_ms"`
	RenderInProc  string    `json:"render_definition"`
	ReducedReason string    `json:"reduced,omitempty"`
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
	// The daemons go first: rendering competes for the same two cores.
	sc.syn.stop()
	res.RenderMS, err = timeRender(services, bs, 5)
	return res, err
}

func (r *results) printScale(w io.Writer) {
	s := r.Scale
	if s == nil {
		return
	}
	n := fmt.Sprintf("%d x %d", s.Services, s.Backends)
	fmt.Fprintf(w, "| scale %s: start-up until all visible | %.0f ms | |\n", n, s.StartupMS)
	fmt.Fprintf(w, "| scale %s: synapse peak / final RSS | %.1f / %.1f MiB | |\n", n, float64(s.Synapse.HWMKiB)/1024, float64(s.Synapse.RSSKiB)/1024)
	fmt.Fprintf(w, "| scale %s: synapse CPU to get there | %.2f s | |\n", n, s.Synapse.CPUSeconds)
	fmt.Fprintf(w, "| scale %s: haproxy.cfg render p50 / max (n=%d), size | %.1f / %.1f ms, %d KiB | |\n",
		n, s.RenderMS.N, s.RenderMS.P50, s.RenderMS.Max, s.ConfigBytes/1024)
	fmt.Fprintf(w, "| scale %s: HAProxy reloads during start-up | %d | |\n", n, s.Reloads)
}
