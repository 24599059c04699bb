package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"
)

type results struct {
	Params  map[string]any `json:"params"`
	Machine string         `json:"machine"`
	Started time.Time      `json:"started"`
	Took    time.Duration  `json:"took_ns"`
	Modes   []*modeResult  `json:"modes"`
}

func (p params) export() map[string]any {
	return map[string]any{"stacks": p.stacks, "services": p.services, "backends": p.backends,
		"nerves": p.nerves, "changes": p.changes, "modes": p.modes, "window": p.window.String(),
		"ensemble": p.ensemble, "fleet_hosts": p.hosts, "fleet_backends": p.hostBackends}
}

// machine describes where the figures come from: cores, CPU, memory, load
// and the commit.
func machine() string {
	model, mem := "", ""
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() && model == "" {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
			}
		}
		f.Close()
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		mem = strings.Join(strings.Fields(strings.SplitN(string(b), "\n", 2)[0])[1:], " ")
	}
	load, _ := os.ReadFile("/proc/loadavg")
	commit, _ := exec.Command("git", "describe", "--always", "--dirty").Output()
	return fmt.Sprintf("%d cores (%s), MemTotal %s, load %s before the run, commit %s",
		runtime.NumCPU(), model, mem, strings.Join(strings.Fields(string(load))[:min(3, len(strings.Fields(string(load))))], " "), strings.TrimSpace(string(commit)))
}

// totals sums the members' figures.
func totals(ms []member) (watches, watchCount, heap int64) {
	for _, m := range ms {
		watches += m.Watches.Watches
		watchCount += m.WatchCount
		heap += m.HeapBytes
	}
	return
}

func mib(b int64) string { return fmt.Sprintf("%.1f", float64(b)/(1<<20)) }

func msec(d time.Duration) string {
	switch {
	case d >= 10*time.Second:
		return fmt.Sprintf("%.1f s", d.Seconds())
	case d >= time.Second:
		return fmt.Sprintf("%.2f s", d.Seconds())
	}
	return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
}

func perMember(ms []member, f func(member) string) string {
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = f(m)
	}
	return strings.Join(parts, " / ")
}

// table prints Markdown rows with one cell per mode.
type table struct {
	w     io.Writer
	modes []*modeResult
}

func (t table) row(name string, f func(*modeResult) string) {
	cells := make([]string, len(t.modes))
	for i, r := range t.modes {
		cells[i] = f(r)
	}
	fmt.Fprintf(t.w, "| %s | %s |\n", name, strings.Join(cells, " | "))
}

// render prints the measured table, one column per mode, and the
// extrapolation table.
func render(w io.Writer, p params, res results) {
	fmt.Fprintf(w, "\n## bench-fleet: %d stacks × %d services × %d backends, %d nerves, %d-member ensemble\n\n",
		p.stacks, p.services, p.backends, p.nerves, p.ensemble)
	fmt.Fprintf(w, "Machine: %s. Took %s.\n\n", res.Machine, res.Took.Round(time.Second))
	t := table{w: w, modes: res.Modes}
	t.row("Figure", func(r *modeResult) string { return r.Mode })
	t.row("---", func(*modeResult) string { return "---" })
	renderFootprint(t)
	renderTimes(t, p)
	renderFleet(w, p, res)
}

// renderFootprint: what the stacks hold on the members.
func renderFootprint(t table) {
	t.row("watches, `wchs` (per member; nerves only → with stacks)", func(r *modeResult) string {
		return perMember(r.Base, func(m member) string { return fmt.Sprint(m.Watches.Watches) }) + " → " +
			perMember(r.Members, func(m member) string { return fmt.Sprint(m.Watches.Watches) })
	})
	t.row("the stacks' watches, `wchs`, all members", func(r *modeResult) string {
		b, _, _ := totals(r.Base)
		a, _, _ := totals(r.Members)
		return fmt.Sprint(a - b)
	})
	t.row("watches, mntr `zk_watch_count` (per member, with stacks)", func(r *modeResult) string {
		return perMember(r.Members, func(m member) string { return fmt.Sprint(m.WatchCount) })
	})
	t.row("connections per member (`wchs`, watching ones)", func(r *modeResult) string {
		return perMember(r.Members, func(m member) string { return fmt.Sprint(m.Watches.Connections) })
	})
	t.row("heap after full GC, MiB (per member; nerves only → with stacks)", func(r *modeResult) string {
		return perMember(r.Base, func(m member) string { return mib(m.HeapBytes) }) + " → " +
			perMember(r.Members, func(m member) string { return mib(m.HeapBytes) })
	})
	t.row("the stacks' heap, MiB, all members", func(r *modeResult) string {
		_, _, b := totals(r.Base)
		_, _, a := totals(r.Members)
		return mib(a - b)
	})
}

// renderTimes: requests and latencies.
func renderTimes(t table, p params) {
	t.row("start-up: every stack has every backend", func(r *modeResult) string {
		return fmt.Sprintf("%s, %d requests", msec(r.StartupTime), r.StartupRequests)
	})
	t.row("highest request rate served (start-up or restart)", func(r *modeResult) string { return fmt.Sprintf("%.0f/s", r.servedRate()) })
	t.row("steady requests/s (all members)", func(r *modeResult) string { return fmt.Sprintf("%.1f", r.SteadyRate) })
	lat := func(l latency) string { return fmt.Sprintf("%s / %s / %s", msec(l.P50), msec(l.P99), msec(l.Max)) }
	t.row(fmt.Sprintf("fan-out to all %d stacks, p50 / p99 / max (%d changes)", p.stacks, p.changes), func(r *modeResult) string { return lat(r.Fanout) })
	t.row("fan-out of an added backend, p50 / p99 / max", func(r *modeResult) string { return lat(r.FanoutAdd) })
	t.row("fan-out of a removed backend, p50 / p99 / max", func(r *modeResult) string { return lat(r.FanoutRemove) })
	t.row("restart: ensemble down → all serving", func(r *modeResult) string { return msec(r.Storm.Outage) })
	t.row("restart: serving → every stack current (p50 / max)", func(r *modeResult) string {
		return fmt.Sprintf("%s / %s", msec(r.Storm.ResyncP50), msec(r.Storm.Resync))
	})
	t.row("restart: peak `zk_outstanding_requests` (sum)", func(r *modeResult) string { return fmt.Sprint(r.Storm.PeakOutstanding) })
	t.row("restart: requests until every stack current", func(r *modeResult) string { return fmt.Sprint(r.Storm.Requests) })
	t.row("restart: back to steady rate after (requests by then)", func(r *modeResult) string {
		return fmt.Sprintf("%s (%d)", msec(r.Storm.Settled), r.Storm.SettledRequests)
	})
	t.row("discovery error snapshots (all stacks)", func(r *modeResult) string { return fmt.Sprint(r.DiscoveryErrors) })
}
