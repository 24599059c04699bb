// Package watcher is synapse's discovery axis (`discovery.method:`): the
// Watcher interface, the Snapshot a watcher reports, and the registry of
// methods. Watchers stay dumb: each one reports the full backend set of its
// service as it sees it now. Default servers, port overrides, dedupe, "keep
// the previous backends on an empty result" and change detection happen once,
// in internal/synapse's ServiceState.
package watcher

import (
	"context"
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"
	"gopkg.in/yaml.v3"

	"github.com/smartstack-go/smartstack/pkg/registration"
)

// Watcher discovers the backends of one service.
type Watcher interface {
	// Run discovers until ctx is cancelled, sending a Snapshot with the
	// FULL backend set every time something may have changed (never a
	// delta; sending an unchanged set is harmless). It must return once ctx
	// is cancelled, must never close out, and should use Send so that a
	// blocked send does not outlive ctx. An error return means the watcher
	// cannot go on (the original's fail-fast); transient discovery problems
	// are reported as a Snapshot with Err set instead.
	Run(ctx context.Context, out chan<- Snapshot) error
}

// Pinger is implemented by watchers that can tell whether their source is
// reachable (the original's ping?), for health reporting.
type Pinger interface {
	Ping(ctx context.Context) error
}

// PingWatcher is a Watcher that answers Ping: every built-in method.
type PingWatcher interface {
	Watcher
	Pinger
}

// Snapshot is what a watcher knows about its service at one moment.
type Snapshot struct {
	// Service is the services map key the watcher was built for.
	Service string
	// Backends is the full discovered set, in discovery order. An empty
	// set is a real answer ("nothing registered"), handled by the service's
	// default_servers / use_previous_backends rules. The receiver keeps
	// the slice without copying it: do not modify it after sending.
	Backends []registration.Backend
	// GeneratorConfig is per-generator config found by discovery (the
	// zookeeper watcher's generator_config_path data), keyed by generator
	// name, each value the raw section as internal/config.Parse reads it
	// (JSON parses into a node too). Nil or empty means "no change": the
	// service keeps its current generator config.
	GeneratorConfig map[string]*yaml.Node
	// Err reports a failed discovery round. The receiver then ignores
	// Backends and GeneratorConfig and keeps the last good state: stale
	// beats partial.
	Err error
}

// Options carries what the daemon shares with every watcher.
type Options struct {
	Logger     *slog.Logger          // nil: discard
	Registerer prometheus.Registerer // nil: no metrics are exported
}

// Log is the logger of service's watcher of method: Logger (nil: discard)
// with the service, the method and attrs on every line, so the lines of
// hundreds of watchers can be told apart.
func (o Options) Log(service, method string, attrs ...any) *slog.Logger {
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return log.With(append([]any{"service", service, "method", method}, attrs...)...)
}

// Metrics returns a watcher type's shared metrics for opts.Registerer
// (metricsFor registers them once per Registerer, see metrics.Shared).
// Metrics that cannot be registered leave the watcher running with
// unexported ones, which log says.
func Metrics[M any](opts Options, log *slog.Logger, metricsFor func(prometheus.Registerer) (M, error)) M {
	m, err := metricsFor(opts.Registerer)
	if err != nil {
		log.Warn("watcher metrics not exported", "err", err)
	}
	return m
}

// Send delivers s on out unless ctx ends first, so a watcher blocked on a
// slow consumer still returns promptly on shutdown.
func Send(ctx context.Context, out chan<- Snapshot, s Snapshot) error {
	select {
	case out <- s:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
