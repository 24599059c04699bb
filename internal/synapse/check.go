package synapse

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"

	"gopkg.in/yaml.v3"

	"github.com/smartstack-go/smartstack/internal/generator"
)

// Check is the generators' part of `synapse -k`: every service starts
// with its default servers, as at start-up before discovery answers, and
// each generator that can check its output (generator.Checker) does so,
// writing nothing outside a temporary directory. The error is a config
// that does not build or render; problems are the rest.
func Check(ctx context.Context, cfg *Desired, log *slog.Logger) ([]generator.Problem, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	gens, err := onceGenerators(cfg, OnceOptions{Logger: log, DryRun: true})
	if err != nil {
		return nil, err
	}
	norm := func(service, name string, raw *yaml.Node) (any, error) {
		g, ok := gens[name]
		if !ok {
			return nil, fmt.Errorf("generator %s is not configured", name)
		}
		return g.Normalize(service, raw)
	}
	states := make(map[string]*ServiceState, len(cfg.Services))
	var errs []error
	for _, name := range slices.Sorted(maps.Keys(cfg.Services)) {
		spec := cfg.Services[name]
		st, err := NewServiceState(name, spec.Config, StateOptions{Generators: spec.Sections, Normalize: norm, Logger: log})
		if err != nil {
			errs = append(errs, err)
			continue
		}
		states[name] = st
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	v := onceView(states)
	var probs []generator.Problem
	for _, name := range slices.Sorted(maps.Keys(gens)) {
		c, ok := gens[name].(generator.Checker)
		if !ok {
			continue
		}
		p, err := c.Check(ctx, servicesFor(name, v))
		if err != nil {
			errs = append(errs, fmt.Errorf("generator %s: %w", name, err))
		}
		probs = append(probs, p...)
	}
	return probs, errors.Join(errs...)
}
