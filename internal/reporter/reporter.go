// Package reporter holds nerve's registry contract: the Reporter interface
// (the original's start/stop/report_up/report_down/ping, with errors instead
// of booleans), the registry of reporter types (`reporter_type:`), and a
// reference-counted pool so services that name the same registry share one
// connection, as the original shares one ZooKeeper session per host list.
package reporter

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/smartstack-go/smartstack/internal/registry"
	"github.com/smartstack-go/smartstack/internal/statsd"
	"github.com/smartstack-go/smartstack/internal/zk"
)

// Reporter registers one service instance in a registry. One service worker
// owns it and calls it from one goroutine; implementations may still run
// background work (a TTL refresher, a session watcher) that they stop in Stop.
type Reporter interface {
	// Start connects. It does not wait for the registry to be reachable:
	// an unreachable registry shows up as Ping errors, which the worker counts.
	Start(ctx context.Context) error
	// ReportUp makes the registration exist with the service's payload.
	ReportUp(ctx context.Context) error
	// ReportDown removes the registration; nothing registered is not an error.
	ReportDown(ctx context.Context) error
	// Ping tells whether the registry is reachable and the registration, if
	// one was made, still exists. ErrGone means it vanished (session expiry,
	// external delete): the worker forgets its reported state and reports
	// again in the same round.
	Ping(ctx context.Context) error
	// Stop deregisters and releases connections. It must not block longer
	// than ctx allows.
	Stop(ctx context.Context) error
}

// Waker is implemented by reporters that learn outside a round that their
// registration needs attention (a new ZooKeeper session after expiry), so the
// worker runs a round at once instead of waiting for check_interval.
type Waker interface {
	Wake() <-chan struct{}
}

// Updater is implemented by reporters that can change what they register
// without deregistering (a live weight change).
type Updater interface {
	// SetPayload replaces the payload. A current registration is rewritten
	// in place (same znode, same key: watchers see a data change, never a
	// removal); later registrations use the new payload. On error the
	// payload is still replaced, and calling again retries the rewrite.
	SetPayload(ctx context.Context, payload []byte) error
}

var (
	// ErrGone: the registration the reporter made no longer exists.
	ErrGone = errors.New("registration is gone")
	// ErrNotConnected: the registry is unreachable right now; transient.
	ErrNotConnected = errors.New("registry not connected")
)

// Service is what a reporter registers; fixed for the life of a worker.
type Service struct {
	Name          string // the services map key, for logs and metrics
	InstanceID    string
	Payload       []byte // pkg/registration.Marshal of host, port, name, ...
	CheckInterval time.Duration
}

// Options carries what the daemon shares with every reporter.
type Options struct {
	Logger     *slog.Logger
	Registerer prometheus.Registerer // nil: no metrics are exported
	// Pool shares ZooKeeper sessions between the zookeeper reporters of a
	// daemon; nil gives each reporter a pool of its own.
	Pool *zk.Pool
	// SessionTimeout is the session timeout a session-based registry
	// (ZooKeeper) asks for when this reporter opens a pooled connection;
	// 0 means the type's default. It is a daemon-wide setting rather than a
	// service key because services sharing a host set share one session.
	SessionTimeout time.Duration
	// HistogramBuckets are the buckets of the type's latency histograms
	// (Yelp's histogram_buckets_zk); nil means the type's default. Histograms
	// are shared per Registerer, so the first reporter built fixes them.
	HistogramBuckets []float64
	// Statsd returns the daemon's current DogStatsD client (nil: none). A
	// getter, not a client, because a reload may replace the client.
	Statsd func() *statsd.Client
}

// Type is one reporter_type: NewConfig returns its own config section with
// defaults set (decoded from the service mapping by the config layer), New
// builds a reporter from it.
type Type struct {
	NewConfig func() any
	New       func(s Service, cfg any, opts Options) (Reporter, error)
}

var types = registry.New[Type]("reporter type")

// Register makes a reporter type available; duplicate names panic.
func Register(name string, t Type) { types.Register(name, t) }

// Lookup returns a registered type.
func Lookup(name string) (Type, bool) { return types.Lookup(name) }

// Names lists the registered types, sorted.
func Names() []string { return types.Names() }

// New builds a reporter of the named type from its decoded config.
func New(name string, s Service, cfg any, opts Options) (Reporter, error) {
	t, ok := Lookup(name)
	if !ok {
		return nil, fmt.Errorf("specified a reporter_type of %q, which could not be found; known: %s", name, strings.Join(Names(), ", "))
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return t.New(s, cfg, opts)
}
