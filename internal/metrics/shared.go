package metrics

import (
	"errors"
	"fmt"
	"reflect"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

// Shared returns the set of collectors build made for reg and T, building
// it on first use. Reuse alone is not enough: the synapse daemon's
// registerer replaces a collector registered through it again, so each new
// watcher would take the series over from the running ones. T keys the
// set, so each package needs its own type. A nil reg builds unexported
// collectors every time. Only the call that built the set returns its
// error, prefixed with component; later ones get the same collectors.
func Shared[T any](reg prometheus.Registerer, component string, build func(*Group) T) (T, error) {
	if reg == nil {
		return build(&Group{}), nil
	}
	sharedMu.Lock()
	defer sharedMu.Unlock()
	key := sharedKey{reg: reg, set: reflect.TypeFor[T]()}
	if set, ok := shared[key]; ok {
		return set.(T), nil
	}
	g := &Group{reg: reg}
	set := build(g)
	shared[key] = set
	if err := errors.Join(g.errs...); err != nil {
		return set, fmt.Errorf("%s: %w", component, err)
	}
	return set, nil
}

type sharedKey struct {
	reg prometheus.Registerer
	set reflect.Type
}

var (
	sharedMu sync.Mutex
	shared   = map[sharedKey]any{}
)

// Group registers collectors on one registerer through Reuse and keeps
// the errors, so a set of collectors reads as a list of definitions. A
// collector that failed to register is still returned, unexported, so
// callers never need a nil check.
type Group struct {
	reg  prometheus.Registerer
	errs []error
}

// CounterVec registers a new counter vector, or reuses reg's of that name.
func (g *Group) CounterVec(opts prometheus.CounterOpts, labels ...string) *prometheus.CounterVec {
	return add(g, prometheus.NewCounterVec(opts, labels))
}

// Counter registers a new counter, or reuses reg's of that name.
func (g *Group) Counter(opts prometheus.CounterOpts) prometheus.Counter {
	return add(g, prometheus.NewCounter(opts))
}

// GaugeVec registers a new gauge vector, or reuses reg's of that name.
func (g *Group) GaugeVec(opts prometheus.GaugeOpts, labels ...string) *prometheus.GaugeVec {
	return add(g, prometheus.NewGaugeVec(opts, labels))
}

// HistogramVec registers a new histogram vector, or reuses reg's of that
// name, whose buckets then stay as they were registered.
func (g *Group) HistogramVec(opts prometheus.HistogramOpts, labels ...string) *prometheus.HistogramVec {
	return add(g, prometheus.NewHistogramVec(opts, labels))
}

func add[C prometheus.Collector](g *Group, c C) C {
	c, err := Reuse(g.reg, c)
	if err != nil {
		g.errs = append(g.errs, err)
	}
	return c
}
