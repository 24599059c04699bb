// Package base is synapse's method `base`: no discovery at all. The
// service's backends are its default_servers, as in the original's base
// watcher. The watcher reports one empty set, a real answer ("nothing
// discovered"), and the service state's default_servers rule turns it
// into the default servers; it then idles until synapse stops it.
package base

import (
	"context"

	"github.com/smartstack-go/smartstack/internal/watcher"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

// Method is the name `discovery.method` uses.
const Method = "base"

func init() { watcher.RegisterType(Method, NewConfig, New) }

// Config is the `discovery:` section of method base: it has no keys of
// its own (method and the label filters are the shared ones), so any
// other key warns as unknown.
type Config struct{}

// NewConfig returns an empty Config.
func NewConfig() *Config { return &Config{} }

// Validate accepts every Config: there is nothing to check.
func (*Config) Validate() error { return nil }

// Watcher reports its service's default servers.
type Watcher struct {
	service string
}

var _ watcher.PingWatcher = (*Watcher)(nil)

// New builds a base watcher from a *Config (or Config).
func New(service string, cfg any, _ watcher.Options) (watcher.Watcher, error) {
	if _, err := watcher.ConfigOf[Config](cfg); err != nil {
		return nil, err
	}
	return &Watcher{service: service}, nil
}

// Run sends the empty set once, so the service counts as discovered at
// once (no first-write hold) and gets its default_servers, then waits.
func (w *Watcher) Run(ctx context.Context, out chan<- watcher.Snapshot) error {
	s := watcher.Snapshot{Service: w.service, Backends: []registration.Backend{}}
	if watcher.Send(ctx, out, s) != nil {
		return nil
	}
	<-ctx.Done()
	return nil
}

// Ping is always healthy, as the original's base watcher: there is no
// source that could be down.
func (*Watcher) Ping(context.Context) error { return nil }
