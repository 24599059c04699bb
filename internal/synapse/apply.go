package synapse

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/smartstack-go/smartstack/internal/generator"
	"github.com/smartstack-go/smartstack/internal/statsd"
	"github.com/smartstack-go/smartstack/internal/supervise"
	"github.com/smartstack-go/smartstack/internal/watcher"
)

// change is what apply does to one service.
type change struct {
	spec  ServiceSpec
	state *ServiceState   // nil: keep the running state
	w     watcher.Watcher // non-nil: a new watcher replaces the running one
}

// apply moves the daemon to cfg, Caddy-style: everything new is built
// first, and only if all of it builds is anything swapped. Unchanged
// services keep their watcher and state; a service whose discovery is
// unchanged keeps its watcher and gets a new state fed with the last
// snapshot; anything else gets a new watcher.
func (d *Daemon) apply(ctx context.Context, cfg *Desired) error {
	gens, gensChanged, err := d.buildGenerators(cfg)
	if err != nil {
		return err
	}
	changes, err := d.plan(cfg, gensChanged, d.normalizer(gens))
	if err != nil {
		return err
	}
	d.genMu.Lock()
	d.flush(ctx, d.gens, gens)
	d.gens = gens
	d.genMu.Unlock()
	d.setReporters(gens)
	d.genSpecs = cfg.Generators
	d.commit(ctx, cfg, changes)
	d.applyStatsd(cfg.Statsd)
	if err := d.applyPrometheus(cfg.Prometheus); err != nil {
		return fmt.Errorf("%w: %w", errServer, err)
	}
	return nil
}

// errServer marks an apply that succeeded except for the metrics server.
var errServer = errors.New("config applied, but the metrics server failed")

// buildGenerators keeps each generator whose section is unchanged and
// builds the others. gensChanged reports any difference in the set.
func (d *Daemon) buildGenerators(cfg *Desired) (map[string]generator.Generator, bool, error) {
	out := make(map[string]generator.Generator, len(cfg.Generators))
	changed := len(cfg.Generators) != len(d.gens)
	var errs []error
	for _, name := range slices.Sorted(maps.Keys(cfg.Generators)) {
		spec := cfg.Generators[name]
		if old, ok := d.gens[name]; ok && d.genSpecs[name].Fingerprint == spec.Fingerprint {
			out[name] = old
			continue
		}
		changed = true
		g, err := spec.New(generator.Options{Logger: d.log.With("component", "generator"),
			Registerer: d.swapReg})
		if err != nil {
			errs = append(errs, fmt.Errorf("generator %s: %w", name, err))
			continue
		}
		out[name] = g
	}
	if err := errors.Join(errs...); err != nil {
		return nil, false, err
	}
	return out, changed, nil
}

// normalizer binds Normalize to one generator set, serialised with the
// generator loop's calls.
func (d *Daemon) normalizer(gens map[string]generator.Generator) Normalizer {
	return func(service, name string, raw *yaml.Node) (any, error) {
		g, ok := gens[name]
		if !ok {
			return nil, fmt.Errorf("generator %s is not configured", name)
		}
		d.genMu.Lock()
		defer d.genMu.Unlock()
		return g.Normalize(service, raw)
	}
}

// plan builds the new states and watchers the config needs.
func (d *Daemon) plan(cfg *Desired, gensChanged bool, norm Normalizer) ([]change, error) {
	var changes []change
	var errs []error
	for _, name := range slices.Sorted(maps.Keys(cfg.Services)) {
		spec := cfg.Services[name]
		old := d.services[name]
		if old != nil && old.spec.Fingerprint == spec.Fingerprint && !gensChanged {
			continue
		}
		c := change{spec: spec}
		var err error
		c.state, err = NewServiceState(name, spec.Config, StateOptions{
			Generators: spec.Sections, Normalize: norm, Logger: d.log,
			Rejected: func(reason string) { d.m.rejected.WithLabelValues(name, reason).Inc() },
		})
		errs = append(errs, err)
		if old == nil || old.spec.WatchKey != spec.WatchKey {
			c.w, err = d.opts.NewWatcher(spec.Method, name, spec.Discovery, d.watcherOptions(spec))
			errs = append(errs, err)
		}
		changes = append(changes, c)
	}
	return changes, errors.Join(errs...)
}

func (d *Daemon) watcherOptions(spec ServiceSpec) watcher.Options {
	return watcher.Options{Logger: d.log.With("component", "watcher", "service", spec.Name, "method", spec.Method),
		Registerer: d.swapReg}
}

// commit swaps in what plan built. Replaced and removed watchers are all
// cancelled before any is waited for.
func (d *Daemon) commit(ctx context.Context, cfg *Desired, changes []change) {
	var stopping []*runner
	for name, e := range d.services {
		if _, ok := cfg.Services[name]; !ok {
			d.log.Info("service removed from config; stopping its watcher", "service", name)
			stopping = append(stopping, e.run)
			delete(d.services, name)
			d.m.backends.DeleteLabelValues(name)
		}
	}
	for _, c := range changes {
		if e := d.services[c.spec.Name]; e != nil && c.w != nil {
			stopping = append(stopping, e.run)
		}
	}
	for _, r := range stopping {
		r.stop()
	}
	for _, r := range stopping {
		r.wait()
		d.m.statsd().Incr("synapse.watcher.stop", statsd.Tag("watcher_name", r.service))
	}
	for _, c := range changes {
		d.commitService(ctx, c)
	}
	d.current = cfg
	d.shape = nil
	d.publish()
}

func (d *Daemon) commitService(ctx context.Context, c change) {
	e := d.services[c.spec.Name]
	if e == nil {
		e = &entry{}
		d.services[c.spec.Name] = e
		d.log.Info("starting service", "service", c.spec.Name, "method", c.spec.Method)
	}
	e.spec = c.spec
	if c.w == nil {
		d.replaceState(e, c.state)
		return
	}
	e.pending, e.last = c.state, nil
	e.deadline = time.Now().Add(d.opts.FirstUpdateTimeout)
	e.run = d.newRunner(c.spec, c.w)
	e.run.start(ctx, d.snaps)
	d.m.statsd().Incr("synapse.watcher.start", statsd.Tag("watcher_name", c.spec.Name), "start_result:success")
}

// replaceState installs st for a service whose watcher keeps running: fed
// the last snapshot, it is ready at once; without one it takes the place
// of whichever state (ready or pending) the service had.
func (d *Daemon) replaceState(e *entry, st *ServiceState) {
	switch {
	case e.last != nil:
		if _, err := st.Apply(*e.last); err != nil {
			d.log.Warn("replaying the last discovery into the new config", "service", e.spec.Name, "err", err)
		}
		e.state, e.pending = st, nil
	case e.pending != nil:
		e.pending = st
	default:
		e.state = st
	}
}

func (d *Daemon) newRunner(spec ServiceSpec, first watcher.Watcher) *runner {
	opts := d.watcherOptions(spec)
	return &runner{
		service: spec.Name, method: spec.Method, first: first, log: opts.Logger,
		build: func() (watcher.Watcher, error) {
			return d.opts.NewWatcher(spec.Method, spec.Name, spec.Discovery, opts)
		},
		backoff:   supervise.Policy{Min: d.opts.RestartBackoff, Max: d.opts.MaxRestartBackoff, ResetAfter: time.Minute},
		onRestart: func() { d.m.watcherRestart.WithLabelValues(spec.Name, spec.Method).Inc() },
	}
}

// reload applies a new config only if it loads and builds completely: a
// bad config keeps the running one (the original had no reload at all).
func (d *Daemon) reload(ctx context.Context) {
	d.life.Reloading()
	cfg, err := d.opts.Load()
	if err == nil {
		d.logWarnings(cfg)
		err = d.apply(ctx, cfg)
	}
	status := ""
	if errors.Is(err, errServer) {
		d.log.Error("metrics server", "err", err)
		status, err = "; "+err.Error(), nil
	}
	if err != nil {
		d.m.reloads.WithLabelValues("failure").Inc()
		d.logProblems("config reload failed; keeping the running config", err)
		d.life.Reloaded("config reload failed; the previous config keeps running: " + err.Error())
		return
	}
	d.m.reloads.WithLabelValues("success").Inc()
	d.log.Info("config reloaded", "services", len(cfg.Services), "generators", len(cfg.Generators))
	d.life.Reloaded(fmt.Sprintf("config reloaded: %d services", len(cfg.Services)) + status)
}
