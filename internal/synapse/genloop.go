package synapse

import (
	"context"
	"maps"
	"slices"
	"time"

	"github.com/smartstack-go/smartstack/internal/generator"
)

// generatorLoop calls the generators: Update after a change (coalesced over
// CoalesceWindow), Tick every TickInterval. No Update happens before every
// service is ready (first discovery or FirstUpdateTimeout), and no Tick
// before the first Update: ticks drive reloads of a config not written yet.
// A failed Update is retried at the next tick; the original exited.
func (d *Daemon) generatorLoop(ctx context.Context) {
	tick := time.NewTicker(d.opts.TickInterval)
	defer tick.Stop()
	updated, retry := false, false
	for {
		select {
		case <-ctx.Done():
			return
		case <-d.trigger:
			if !sleep(ctx, d.opts.CoalesceWindow) {
				return
			}
			select { // changes during the window are in this update
			case <-d.trigger:
			default:
			}
		case <-tick.C:
			d.pingWatchers()
			if updated {
				d.tickAll(ctx)
			}
			if !retry {
				continue
			}
		}
		if ok, done := d.updateAll(ctx); done {
			updated, retry = true, !ok
		}
	}
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// updateAll hands the current view to every generator. done is false when
// the view is not ready yet; ok is false when a generator failed.
func (d *Daemon) updateAll(ctx context.Context) (ok, done bool) {
	v := d.currentView()
	if !v.ready {
		return true, false
	}
	d.genMu.Lock()
	defer d.genMu.Unlock()
	ok = true
	for _, name := range slices.Sorted(maps.Keys(d.gens)) {
		g := d.gens[name]
		start := time.Now()
		err := g.Update(ctx, servicesFor(name, v))
		d.m.generation.WithLabelValues(name).Observe(time.Since(start).Seconds())
		if err != nil {
			ok = false
			d.m.generatorErrs.WithLabelValues(name, "update").Inc()
			d.m.statsd().Incr("synapse.config.update_failed", "generator:"+name)
			d.log.Error("generator update failed; retrying at the next tick", "generator", name, "err", err)
		}
	}
	d.m.statsd().Incr("synapse.config.update")
	return ok, true
}

// servicesFor is what generator name sees: the services enabled for it
// (discovered config may take a service out of a generator), as copies.
func servicesFor(name string, v view) []generator.Service {
	out := make([]generator.Service, 0, len(v.services))
	for _, s := range v.services {
		cfg, ok := s.configs[name]
		if !ok {
			continue
		}
		out = append(out, generator.Service{Name: s.name, Backends: slices.Clone(s.backends), Config: cfg, Revision: s.revision})
	}
	return out
}

func (d *Daemon) tickAll(ctx context.Context) {
	d.genMu.Lock()
	defer d.genMu.Unlock()
	for _, name := range slices.Sorted(maps.Keys(d.gens)) {
		if err := d.gens[name].Tick(ctx); err != nil {
			d.m.generatorErrs.WithLabelValues(name, "tick").Inc()
			d.log.Error("generator tick failed", "generator", name, "err", err)
		}
	}
}
