package nerve

import (
	"context"
	"io/fs"
	"sort"
	"time"

	"github.com/smartstack-go/smartstack/internal/statsd"
)

// apply moves the running services to cfg (docs/nerve.md, Reloads): removed
// services stop and deregister, new ones start, unchanged ones are left
// alone (their znodes stay), changed ones are replaced make-before-break.
func (d *Daemon) apply(ctx context.Context, cfg *Desired) error {
	d.applyStatsd(cfg.Statsd)
	d.mu.Lock()
	d.current = cfg
	var removed, replaced, fresh []*supervisor
	for name, s := range d.workers {
		if _, ok := cfg.Services[name]; !ok {
			removed = append(removed, s)
			delete(d.workers, name)
		}
	}
	for _, name := range sortedNames(cfg.Services) {
		spec := cfg.Services[name]
		old, ok := d.workers[name]
		switch {
		case !ok:
			d.workers[name] = startSupervisor(ctx, spec, d.env, d.backoff, "new")
		case old.spec.Fingerprint != spec.Fingerprint:
			s := startSupervisor(ctx, spec, d.env, d.backoff, "update")
			d.workers[name] = s
			replaced, fresh = append(replaced, old), append(fresh, s)
		}
	}
	d.mu.Unlock()
	d.logChanges(removed, fresh)
	stopAll(removed)
	d.m.reapAll(removed, "old")
	d.waitReported(ctx, fresh)
	stopAll(replaced)
	d.m.reapAll(replaced, "update")
	d.m.desired.Set(float64(len(cfg.Services)))
	return d.applyPrometheus(cfg.Prometheus)
}

func (d *Daemon) logChanges(removed, updated []*supervisor) {
	for _, s := range removed {
		d.log.Info("service removed from config; stopping", "service", s.spec.Name)
	}
	for _, s := range updated {
		d.log.Info("service config changed; replacing make-before-break", "service", s.spec.Name)
	}
}

// waitReported gives replacement workers until UpdateWait to make their
// first report, so the old registration is removed only once the new one
// exists (or clearly will not soon).
func (d *Daemon) waitReported(ctx context.Context, ss []*supervisor) {
	if len(ss) == 0 {
		return
	}
	t := time.NewTimer(d.opts.UpdateWait)
	defer t.Stop()
	// The main loop waits here, alive: keep its beat fresh for the watchdog.
	alive := time.NewTicker(time.Second)
	defer alive.Stop()
	for _, s := range ss {
		if !d.waitOne(ctx, s, t.C, alive.C) {
			return
		}
	}
}

// waitOne waits for s's first report; false when the deadline or ctx
// ended the wait.
func (d *Daemon) waitOne(ctx context.Context, s *supervisor, deadline, alive <-chan time.Time) bool {
	for {
		select {
		case <-s.st.reported:
			return true
		case <-alive:
			d.beat.Mark()
		case <-deadline:
			d.log.Warn("replacement worker has not reported yet; stopping the old one anyway", "service", s.spec.Name)
			return false
		case <-ctx.Done():
			return false
		}
	}
}

// applyStatsd keeps the client while the destination is unchanged, so a
// reload does not reopen the socket.
func (d *Daemon) applyStatsd(cfg *statsd.Config) {
	if d.current != nil && equalStatsd(cfg, d.current.Statsd) {
		return
	}
	var c *statsd.Client
	if cfg != nil {
		var err error
		if c, err = statsd.New(*cfg, statsd.Options{Logger: d.log}); err != nil {
			d.log.Warn("statsd disabled", "err", err)
		}
	}
	if d.current == nil {
		c.Incr("nerve.start") // first config: the process is starting
	}
	if old := d.m.sd.Swap(c); old != nil {
		_ = old.Close()
	}
}

func equalStatsd(a, b *statsd.Config) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}

// Statsd is the current DogStatsD client, nil when none; reporters send
// through it.
func (d *Daemon) Statsd() *statsd.Client { return d.m.statsd() }

// applyPrometheus starts, moves or stops the HTTP server to match p.
func (d *Daemon) applyPrometheus(p Prometheus) error {
	addr := ""
	if p.Enabled {
		addr = p.Addr
	}
	return d.endpoint.Apply(addr, d.Handler(), d.log)
}

// MetricsAddr is the bound address of the metrics server, "" when off.
func (d *Daemon) MetricsAddr() string { return d.endpoint.Addr() }

// touchHeartbeat tells an outside watchdog that the main loop is alive. A
// failure is logged and counted but does not stop nerve (the original
// exits, deregistering everything; registrations are worth more).
func (d *Daemon) touchHeartbeat() {
	d.mu.Lock()
	path, mode := "", fs.FileMode(0)
	if d.current != nil {
		path, mode = d.current.HeartbeatPath, d.current.FileMode
	}
	d.mu.Unlock()
	if path == "" {
		return
	}
	if err := touch(path, mode); err != nil {
		d.m.heartbeatFails.Inc()
		d.log.Error("heartbeat touch failed", "path", path, "err", err)
	}
}

func (d *Daemon) updateGauges() {
	var running, up, down, maxFail int
	for _, st := range d.Status() {
		if st.Running {
			running++
		}
		switch st.Reported {
		case "up":
			up++
		case "down":
			down++
		}
		maxFail = max(maxFail, st.ConsecutiveFailures)
	}
	d.m.running.Set(float64(running))
	d.m.up.Set(float64(up))
	d.m.down.Set(float64(down))
	d.m.failuresMax.Set(float64(maxFail))
}

func (d *Daemon) observeLoop(el time.Duration) {
	d.m.mainLoop.Observe(el.Seconds())
	d.m.statsd().Timing("nerve.main_loop.elapsed_time", el)
}

func sortedNames[V any](m map[string]V) []string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
