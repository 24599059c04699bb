package synapse

import (
	"context"
	"maps"
	"slices"
	"time"

	"github.com/smartstack-go/smartstack/internal/generator"
)

// generatorLoop calls the generators: Update after a change (coalesced, see
// coalescer), Tick every TickInterval. No Update happens before every
// service is ready (first discovery or FirstUpdateTimeout), and no Tick
// before the first Update: ticks drive reloads of a config not written yet.
// A failed Update is retried at the next tick; the original exited.
func (d *Daemon) generatorLoop(ctx context.Context) {
	d.prepareGenerators(ctx)
	tick := time.NewTicker(d.opts.TickInterval)
	defer tick.Stop()
	co := coalescer{window: d.opts.CoalesceWindow}
	var flush flushTimer
	defer flush.disarm()
	updated, retry := false, false
	for {
		d.genBeat.Mark()
		if updated && !retry {
			d.checkReady(ctx)
		}
		select {
		case <-ctx.Done():
			return
		case <-d.trigger:
			if wait := co.wait(d.clock.Now()); wait > 0 {
				flush.arm(d.clock, wait)
				continue
			}
		case <-flush.c:
		case <-tick.C:
			d.pingWatchers()
			if updated {
				d.tickAll(ctx)
			}
			if !retry {
				continue
			}
		}
		// Whatever path got here, this update carries every change so far:
		// a waiting flush and a queued trigger would only repeat it.
		flush.disarm()
		d.drainTrigger()
		if ok, done := d.updateAll(ctx); done {
			updated, retry = true, !ok
			co.updated(d.clock.Now())
		}
	}
}

// coalescer decides when a change reaches the generators. A change that
// finds the loop idle (no update ended within the last window) is applied
// at once: a lone change pays no wait, so propagation stays near the floor.
// A change within window of the last update's end waits for that window to
// close, and everything arriving meanwhile goes into one update: a deploy
// of hundreds of backends becomes an update per window, not one per
// backend. The deadline is set by the last update and never pushed back by
// later changes, so a constant stream still flushes every window (plus the
// update's own time) and no change waits longer than window.
type coalescer struct {
	window time.Duration
	last   time.Time // end of the last update; zero before the first
}

// wait is how long a change arriving at now waits; 0 means update now.
func (c *coalescer) wait(now time.Time) time.Duration {
	if c.last.IsZero() {
		return 0
	}
	return max(c.last.Add(c.window).Sub(now), 0)
}

func (c *coalescer) updated(now time.Time) { c.last = now }

// flushTimer is the armed trailing-edge update; c is nil while none is
// armed, which blocks its select case.
type flushTimer struct {
	c    <-chan time.Time
	stop func() bool
}

// arm keeps an armed timer: its deadline is the same window end.
func (f *flushTimer) arm(clk clock, d time.Duration) {
	if f.c == nil {
		f.c, f.stop = clk.NewTimer(d)
	}
}

func (f *flushTimer) disarm() {
	if f.c != nil {
		f.stop()
		f.c, f.stop = nil, nil
	}
}

// drainTrigger drops a queued change signal: the update about to read the
// view includes that change.
func (d *Daemon) drainTrigger() {
	select {
	case <-d.trigger:
	default:
	}
}

// clock is the generator loop's time, swapped for a fake in tests so the
// coalescing can be checked without sleeping.
type clock interface {
	Now() time.Time
	// NewTimer returns a channel that receives once d has passed, and a
	// func that stops the timer.
	NewTimer(d time.Duration) (<-chan time.Time, func() bool)
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) NewTimer(d time.Duration) (<-chan time.Time, func() bool) {
	t := time.NewTimer(d)
	return t.C, t.Stop
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
		err := g.Update(ctx, d.inputFor(name, v))
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
// (discovered config may take a service out of a generator). Backends are
// the view's slices, not copies: generators only read them, and a copy per
// generator run was 50,000 backends of garbage at scale.
func servicesFor(name string, v view) []generator.Service {
	return new(genInput).rebuild(name, v.services)
}

// prepareGenerators lets the generators do their work that needs no
// services while discovery's first reads are still under way.
func (d *Daemon) prepareGenerators(ctx context.Context) {
	d.genMu.Lock()
	defer d.genMu.Unlock()
	for _, name := range slices.Sorted(maps.Keys(d.gens)) {
		if p, ok := d.gens[name].(generator.Preparer); ok {
			p.Prepare(ctx)
		}
	}
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

// flushWait bounds the writes at stop: a config check_command runs with
// them, and a hung one must not keep synapse from exiting.
const flushWait = 10 * time.Second

// flushGenerators writes what the generators left behind the running
// proxy, once the loop that calls them has stopped. ctx is the daemon's,
// cancelled by now: the writes get their own deadline.
func (d *Daemon) flushGenerators(ctx context.Context) {
	d.genMu.Lock()
	defer d.genMu.Unlock()
	d.flush(ctx, d.gens, nil)
}

// flush calls Flush on the Flushers of gens that keep does not hold (the
// generators a config reload replaces; nil: all of them), so the
// generator built in their place finds the file that matches HAProxy.
// The caller holds genMu.
func (d *Daemon) flush(ctx context.Context, gens, keep map[string]generator.Generator) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), flushWait)
	defer cancel()
	for _, name := range slices.Sorted(maps.Keys(gens)) {
		f, ok := gens[name].(generator.Flusher)
		if !ok || (keep != nil && keep[name] == gens[name]) {
			continue
		}
		if err := f.Flush(ctx); err != nil {
			d.log.Error("generator output not brought up to date", "generator", name, "err", err)
		}
	}
}
