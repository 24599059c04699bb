package synapse

import (
	"context"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/smartstack-go/smartstack/internal/watcher"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

// entry is one running service, owned by the state-owner goroutine.
type entry struct {
	spec ServiceSpec
	run  *runner
	// state is what the generators see; nil until the service is ready.
	// pending waits for its watcher's first good snapshot (or deadline)
	// and then replaces state: a new or re-pointed watcher never hands
	// the generators a half-known service.
	state    *ServiceState
	pending  *ServiceState
	deadline time.Time
	// last is the last good snapshot of the current watcher, replayed into
	// a state rebuilt on reload.
	last *watcher.Snapshot
	// sv caches state's view while its revision stands.
	sv      *serviceView
	svState *ServiceState
	dirty   bool // queued for the next publish (viewPatch)
}

// view is the published, read-only picture the generator loop and /status
// read: one entry per ready service, sorted by name.
type view struct {
	services []serviceView
	ready    bool // every service was ready once; sticky
	health   map[string]*runner
	methods  map[string]string
}

type serviceView struct {
	name     string
	backends []registration.Backend
	configs  map[string]any
	revision uint64
	// stamp is unique to this view of this service: equal stamps are the
	// same content, which lets servicesFor rebuild only what changed.
	stamp uint64
}

// ownerLoop is the state owner: it applies snapshots, promotes pending
// states at their deadline and handles reloads until ctx ends.
func (d *Daemon) ownerLoop(ctx context.Context, reload <-chan struct{}) {
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	// alive wakes an idle loop so its beat shows it still runs.
	alive := time.NewTicker(d.opts.TickInterval)
	defer alive.Stop()
	for {
		d.ownerBeat.Mark()
		d.resetPromotionTimer(timer)
		select {
		case <-ctx.Done():
			return
		case <-alive.C:
		case s := <-d.snaps:
			d.handleSnapshot(s)
			d.drainSnapshots()
		case <-reload:
			d.reload(ctx)
		case <-timer.C:
			d.promoteExpired(time.Now())
		}
		if d.stale {
			d.publish()
		}
	}
}

// maxSnapshotBatch bounds the snapshots taken in one go, so a watcher
// flood cannot hold off a reload or the promotion timer for long.
const maxSnapshotBatch = 256

// drainSnapshots applies the snapshots already waiting, so that they are
// published once: at start-up 1,000 services arrive together, and
// publishing after each of them rebuilt the view 1,000 times (O(n²), about
// 340 MB of garbage at 1,000 services). A lone snapshot finds none waiting
// and is published at once.
func (d *Daemon) drainSnapshots() {
	for range maxSnapshotBatch {
		select {
		case s := <-d.snaps:
			d.handleSnapshot(s)
		default:
			return
		}
	}
}

func (d *Daemon) resetPromotionTimer(t *time.Timer) {
	var next time.Time
	for _, e := range d.services {
		if e.pending != nil && (next.IsZero() || e.deadline.Before(next)) {
			next = e.deadline
		}
	}
	wait := time.Hour
	if !next.IsZero() {
		wait = max(time.Until(next), 0)
	}
	t.Reset(wait)
}

func (d *Daemon) handleSnapshot(s watcher.Snapshot) {
	e, ok := d.services[s.Service]
	if !ok {
		return // a watcher stopped by a reload, racing its last send
	}
	now := time.Now()
	e.run.noteSnapshot(now, s.Err)
	d.m.watcherUpdates.WithLabelValues(s.Service, e.spec.Method).Inc()
	target := e.state
	if e.pending != nil {
		target = e.pending
	}
	changed, err := target.Apply(s)
	if err != nil {
		d.log.Warn("discovery problem", "service", s.Service, "err", err)
	}
	if s.Err == nil {
		e.last = &s
	}
	if e.pending != nil && s.Err == nil {
		d.promote(e, "first discovery")
		return
	}
	if changed && e.pending == nil {
		d.stale = true
		d.patch.mark(e)
	}
}

// promote makes e's pending state the one generators see.
func (d *Daemon) promote(e *entry, why string) {
	e.state, e.pending = e.pending, nil
	d.log.Debug("service ready", "service", e.spec.Name, "why", why)
	d.stale = true
	d.patch.mark(e)
}

func (d *Daemon) promoteExpired(now time.Time) {
	for _, name := range slices.Sorted(maps.Keys(d.services)) {
		e := d.services[name]
		if e.pending != nil && !now.Before(e.deadline) {
			d.log.Warn("no discovery yet; using default servers or the previous backends",
				"service", name, "waited_seconds", d.opts.FirstUpdateTimeout.Seconds())
			d.promote(e, "timeout")
		}
	}
}

// publish makes a new view from the ready states, updates the gauges and
// wakes the generator loop without blocking. The name order and the
// health and methods maps only change with the set of services (commit
// resets them), so they are shared by every view until then. A view that
// already holds every service gets only the changed ones replaced
// (viewPatch); otherwise every service is looked at.
func (d *Daemon) publish() {
	d.stale = false
	if d.shape == nil {
		d.shape = d.newShape()
	}
	v, ok := d.patch.apply(d, d.view)
	if !ok {
		v = d.buildView()
	}
	d.patch.done(d.shape)
	d.mu.Lock()
	v.ready = v.ready || d.view.ready
	d.view = v
	d.mu.Unlock()
	select {
	case d.trigger <- struct{}{}:
	default:
	}
}

func (d *Daemon) buildView() view {
	v := view{ready: true, health: d.shape.health, methods: d.shape.methods,
		services: make([]serviceView, 0, len(d.shape.names))}
	for _, name := range d.shape.names {
		e := d.services[name]
		if e.state == nil {
			v.ready = false
			continue
		}
		v.services = append(v.services, d.serviceView(e))
	}
	return v
}

// shape is what publish takes from the set of services rather than from
// their states. Views share its maps: they are never written after
// newShape.
type shape struct {
	names   []string       // sorted
	index   map[string]int // a name's place in names
	health  map[string]*runner
	methods map[string]string
}

func (d *Daemon) newShape() *shape {
	sh := &shape{names: slices.Sorted(maps.Keys(d.services)), index: make(map[string]int, len(d.services)),
		health: make(map[string]*runner, len(d.services)), methods: make(map[string]string, len(d.services))}
	for i, name := range sh.names {
		sh.index[name] = i
	}
	for name, e := range d.services {
		sh.health[name], sh.methods[name] = e.run, e.spec.Method
	}
	return sh
}

// serviceView returns e's view, rebuilt only when its state or revision
// moved: a snapshot of one service does not copy every other service.
func (d *Daemon) serviceView(e *entry) serviceView {
	if e.sv != nil && e.svState == e.state && e.sv.revision == e.state.Revision() {
		return *e.sv
	}
	d.patch.stamps++
	sv := serviceView{name: e.spec.Name, backends: e.state.Backends(), configs: e.state.GeneratorConfigs(),
		revision: e.state.Revision(), stamp: d.patch.stamps}
	e.sv, e.svState = &sv, e.state
	d.m.backends.WithLabelValues(sv.name).Set(float64(len(sv.backends)))
	return sv
}

func (d *Daemon) currentView() view {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.view
}

// logProblems logs a joined error one line per problem.
func (d *Daemon) logProblems(msg string, err error) {
	for _, line := range strings.Split(err.Error(), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			d.log.Error(msg, "err", line)
		}
	}
}
