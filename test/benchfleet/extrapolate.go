package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/smartstack-go/smartstack/internal/watcher/zookeeper"
)

// factors are the linear scale-ups from the measured fleet to the target:
// what each figure grows with.
type factors struct {
	backends float64 // watched (stack, backend) pairs
	watchers float64 // stacks watching one service
	sessions float64 // ZooKeeper sessions: a nerve and a synapse per host
}

func fleetFactors(p params) factors {
	return factors{
		backends: scale(1, float64(p.stacks*p.services*p.backends), float64(p.hosts*p.hostBackends)),
		watchers: scale(1, float64(p.stacks), float64(p.hosts)),
		sessions: scale(1, float64(p.stacks+p.nerves), float64(2*p.hosts)),
	}
}

// renderFleet prints each figure at the target fleet, linearly.
func renderFleet(w io.Writer, p params, res results) {
	f := fleetFactors(p)
	fmt.Fprintf(w, "\n### Linear extrapolation to %s hosts, each synapse watching %s backends\n\n", count(float64(p.hosts)), count(float64(p.hostBackends)))
	fmt.Fprintf(w, "Factors: watched backends ×%.0f, watchers of a service ×%.0f, sessions ×%.0f.\n\n", f.backends, f.watchers, f.sessions)
	t := table{w: w, modes: res.Modes}
	t.row("Figure | grows with", func(r *modeResult) string { return r.Mode })
	t.row("--- | ---", func(*modeResult) string { return "---" })
	resync := zookeeper.DefaultResyncInterval
	t.row("synapse watches, whole ensemble | watched backends", func(r *modeResult) string {
		b, _, _ := totals(r.Base)
		a, _, _ := totals(r.Members)
		return count(scale(float64(a-b), 1, f.backends))
	})
	t.row("heap for them, whole ensemble (GiB) | watched backends", func(r *modeResult) string {
		_, _, b := totals(r.Base)
		_, _, a := totals(r.Members)
		return fmt.Sprintf("%.1f", scale(float64(a-b), 1, f.backends)/(1<<30))
	})
	t.row("steady requests/s | sessions", func(r *modeResult) string { return count(scale(r.SteadyRate, 1, f.sessions)) })
	t.row(fmt.Sprintf("periodic resyncs, requests/s (resync_interval %v) | watched backends", resync), func(r *modeResult) string {
		return count(scale(float64(r.StartupRequests), 1, f.backends) / resync.Seconds())
	})
	t.row("one full read of the fleet, requests | watched backends", func(r *modeResult) string {
		return count(scale(float64(r.StartupRequests), 1, f.backends))
	})
	t.row("fan-out p50 / p99 / max | watchers of a service", func(r *modeResult) string {
		return fmt.Sprintf("%s / %s / %s", scaleDur(r.Fanout.P50, f.watchers), scaleDur(r.Fanout.P99, f.watchers), scaleDur(r.Fanout.Max, f.watchers))
	})
	t.row("restart: serving → every stack current | its requests ÷ the fastest rate served here", func(r *modeResult) string {
		rate := r.servedRate()
		if rate == 0 {
			return "n/a"
		}
		return msec(time.Duration(scale(float64(r.Storm.Requests), 1, f.backends) / rate * float64(time.Second)))
	})
	t.row("restart: peak outstanding requests | sessions", func(r *modeResult) string {
		return count(scale(float64(r.Storm.PeakOutstanding), 1, f.sessions))
	})
	t.row("restart: requests until every stack current | watched backends", func(r *modeResult) string {
		return count(scale(float64(r.Storm.Requests), 1, f.backends))
	})
}

// servedRate is the highest request rate the ensemble was seen to serve:
// the start-up's full read or the storm's resync, whichever was faster.
func (r *modeResult) servedRate() float64 {
	return max(perSecond(r.StartupRequests, r.StartupTime), perSecond(r.Storm.Requests, r.Storm.Resync))
}

func scaleDur(d time.Duration, k float64) string { return msec(time.Duration(float64(d) * k)) }

// count prints a large figure with thousands separators.
func count(v float64) string {
	n := int64(v + 0.5)
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
