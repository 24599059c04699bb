package synapse

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"slices"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"gopkg.in/yaml.v3"

	"github.com/smartstack-go/smartstack/internal/generator"
	"github.com/smartstack-go/smartstack/internal/watcher"
)

// DefaultOnceTimeout bounds Once's wait for every service's first
// discovery.
const DefaultOnceTimeout = 30 * time.Second

// OnceOptions configures Once. Zero values take the defaults noted.
type OnceOptions struct {
	Logger *slog.Logger
	// Timeout bounds the wait for every service's first discovery;
	// DefaultOnceTimeout.
	Timeout time.Duration
	// DryRun writes nothing: each generator that can preview its output
	// (haproxy) prints it to Out, the others are left out.
	DryRun bool
	Out    io.Writer
	// NewWatcher builds a watcher; nil means watcher.New.
	NewWatcher func(method, service string, cfg any, opts watcher.Options) (watcher.Watcher, error)
}

// ConfigError is a config Once could not build generators or watchers
// from: the config-error exit code, as for a config that does not load.
type ConfigError struct{ Err error }

func (e *ConfigError) Error() string { return e.Err.Error() }
func (e *ConfigError) Unwrap() error { return e.Err }

// Once is `synapse --once`: it discovers every service of cfg (waiting for
// each watcher's first good snapshot), hands the result to every generator
// once, as the daemon's first update would (haproxy.cfg written through
// check_command, the other generators' files), and returns. The running
// HAProxy is neither told nor reloaded. A service not discovered within
// the timeout is an error naming it.
func Once(ctx context.Context, cfg *Desired, opts OnceOptions) error {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultOnceTimeout
	}
	if opts.NewWatcher == nil {
		opts.NewWatcher = watcher.New
	}
	gens, err := onceGenerators(cfg, opts)
	if err != nil {
		return &ConfigError{err}
	}
	states, watchers, err := onceServices(cfg, gens, opts)
	if err != nil {
		return &ConfigError{err}
	}
	if err := discoverAll(ctx, states, watchers, opts.Timeout, opts.Logger); err != nil {
		return err
	}
	v := onceView(states)
	var errs []error
	for _, name := range slices.Sorted(maps.Keys(gens)) {
		errs = append(errs, onceOutput(ctx, gens[name], servicesFor(name, v), opts))
	}
	return errors.Join(errs...)
}

func onceGenerators(cfg *Desired, opts OnceOptions) (map[string]generator.Generator, error) {
	gens := make(map[string]generator.Generator, len(cfg.Generators))
	var errs []error
	for _, name := range slices.Sorted(maps.Keys(cfg.Generators)) {
		g, err := cfg.Generators[name].New(generator.Options{Logger: opts.Logger.With("component", "generator"),
			Registerer: prometheus.NewRegistry(), Once: true, DryRun: opts.DryRun})
		if err != nil {
			errs = append(errs, fmt.Errorf("generator %s: %w", name, err))
			continue
		}
		gens[name] = g
	}
	return gens, errors.Join(errs...)
}

// onceServices builds every service's state and watcher.
func onceServices(cfg *Desired, gens map[string]generator.Generator, opts OnceOptions) (map[string]*ServiceState, map[string]watcher.Watcher, error) {
	norm := func(service, name string, raw *yaml.Node) (any, error) {
		g, ok := gens[name]
		if !ok {
			return nil, fmt.Errorf("generator %s is not configured", name)
		}
		return g.Normalize(service, raw)
	}
	states := make(map[string]*ServiceState, len(cfg.Services))
	watchers := make(map[string]watcher.Watcher, len(cfg.Services))
	var errs []error
	for _, name := range slices.Sorted(maps.Keys(cfg.Services)) {
		spec := cfg.Services[name]
		st, err := NewServiceState(name, spec.Config, StateOptions{Generators: spec.Sections, Normalize: norm, Logger: opts.Logger})
		errs = append(errs, err)
		wopts := watcher.Options{Logger: opts.Logger.With("component", "watcher", "service", name, "method", spec.Method),
			Registerer: prometheus.NewRegistry()}
		w, err := opts.NewWatcher(spec.Method, name, spec.Discovery, wopts)
		errs = append(errs, err)
		states[name], watchers[name] = st, w
	}
	return states, watchers, errors.Join(errs...)
}

func onceView(states map[string]*ServiceState) view {
	v := view{ready: true}
	for _, name := range slices.Sorted(maps.Keys(states)) {
		st := states[name]
		v.services = append(v.services, serviceView{name: name, backends: st.Backends(), configs: st.GeneratorConfigs(), revision: st.Revision()})
	}
	return v
}

// onceOutput runs one generator's Update, or with DryRun its Preview.
func onceOutput(ctx context.Context, g generator.Generator, services []generator.Service, opts OnceOptions) error {
	if !opts.DryRun {
		if err := g.Update(ctx, services); err != nil {
			return fmt.Errorf("generator %s: %w", g.Name(), err)
		}
		return nil
	}
	p, ok := g.(generator.Previewer)
	if !ok {
		opts.Logger.Info("dry run: generator has no preview; left out", "generator", g.Name())
		return nil
	}
	path, text, err := p.Preview(ctx, services)
	if err != nil {
		return fmt.Errorf("generator %s: %w", g.Name(), err)
	}
	opts.Logger.Info("dry run: printing instead of writing", "generator", g.Name(), "path", path)
	_, err = opts.Out.Write(text)
	return err
}
