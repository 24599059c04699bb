package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// results is the JSON file.
type results struct {
	Started     time.Time        `json:"started"`
	Options     map[string]any   `json:"options"`
	Machine     map[string]any   `json:"machine"`
	Floor       floorResult      `json:"floor"`
	Propagation *propResult      `json:"propagation,omitempty"`
	Burst       *burstResult     `json:"deploy_burst,omitempty"`
	Scale       *scaleResult     `json:"scale,omitempty"`
	NerveCPU    []nerveCPUResult `json:"nerve_cpu,omitempty"`
}

func (o options) skipped(name string) bool {
	if o.only != "" && !listed(o.only, name) {
		return true
	}
	return listed(o.skip, name)
}

func listed(list, name string) bool {
	for _, s := range strings.Split(list, ",") {
		if strings.TrimSpace(s) == name {
			return true
		}
	}
	return false
}

func (o options) record() map[string]any {
	return map[string]any{
		"services": o.services, "backends": o.backends, "events": o.events, "gap": o.gap.String(),
		"restart_interval_s": o.restartInterval, "floor_samples": o.floorSamples,
		"burst_services": o.burstServices, "burst_backends": o.burstBackends,
		"scale_services": o.scaleServices, "scale_backends": o.scaleBackends, "full": o.full, "seed": o.seed,
		"dynamic_servers": o.dynamicServers, "poll": o.poll.String(),
		"zk_watch_mode":  o.zkWatchMode,
		"nerve_services": o.nerveServices, "nerve_interval": o.nerveInterval.String(),
		"nerve_warmup": o.nerveWarmup.String(), "nerve_duration": o.nerveDuration.String(),
		"nerve_keep_alive": o.nerveKeepAlive, "only": o.only, "skip": o.skip,
	}
}

// machine records what the numbers were measured on.
func machine(e *env) map[string]any {
	m := map[string]any{"nproc": runtime.NumCPU(), "go": runtime.Version()}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		m["memory"] = strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0])
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m["kernel"] = strings.TrimSpace(string(b))
	}
	if b, err := exec.Command("haproxy", "-v").Output(); err == nil {
		m["haproxy"] = strings.SplitN(string(b), "\n", 2)[0]
	} else if b, err := exec.Command("/usr/sbin/haproxy", "-v").Output(); err == nil {
		m["haproxy"] = strings.SplitN(string(b), "\n", 2)[0]
	}
	if b, err := exec.Command(e.synBin, "version").Output(); err == nil {
		m["synapse"] = strings.TrimSpace(string(b))
	}
	if out, err := fourLetter(e.zk.Addr(0), "srvr"); err == nil {
		m["zookeeper"] = strings.SplitN(out, "\n", 2)[0]
	}
	return m
}

func (r *results) write(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("results dir: %w", err)
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("encode results: %w", err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("write results: %w", err)
	}
	fmt.Fprintln(os.Stderr, "bench: wrote", path)
	return nil
}

// print writes the table: every latency also as a multiple of the floor.
func (r *results) print(w io.Writer) {
	f := r.Floor.FloorMS
	fmt.Fprintf(w, "| measure | value | x floor |\n|---|---|---|\n")
	fmt.Fprintf(w, "| floor: ZK watch p50 | %.3f ms | |\n", r.Floor.ZKWatch.P50)
	fmt.Fprintf(w, "| floor: runtime command p50 | %.3f ms | |\n", r.Floor.Runtime.P50)
	fmt.Fprintf(w, "| **floor** (sum) | %.3f ms | 1 |\n", f)
	if p := r.Propagation; p != nil {
		row := func(name string, s summary) {
			fmt.Fprintf(w, "| propagation %s p50 / p90 / p99 / max (n=%d) | %.2f / %.2f / %.2f / %.1f ms | %.1f / %.1f / %.1f / %.0f |\n",
				name, s.N, s.P50, s.P90, s.P99, s.Max, ratio(s.P50, f), ratio(s.P90, f), ratio(s.P99, f), ratio(s.Max, f))
		}
		row("all, first read showing it", p.Latency)
		for _, k := range []string{"add", "remove", "weight"} {
			row(k, p.ByKind[k])
		}
		row("all, midpoint estimate", p.Midpoint)
		for _, k := range []string{"add", "remove", "weight"} {
			row(k+", midpoint", p.MidpointByKind[k])
		}
		fmt.Fprintf(w, "| propagation reloads per event | %.2f (%d reloads, %d events, %d timeouts) | |\n", p.ReloadsPerEvent, p.Reloads, p.Events, p.Timeouts)
		fmt.Fprintf(w, "| propagation socket commands per event | %.1f | |\n", p.SocketCommands/float64(max(1, p.Events)))
		fmt.Fprintf(w, "| propagation probe: one read of HAProxy and its pause (moving average) | %.2f ms | |\n", p.ProbeCycleMS)
	}
	r.printBurst(w, f)
	r.printScale(w)
	r.printNerveCPU(w)
}
