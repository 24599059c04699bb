// Package dns is synapse's DNS discovery (method `dns`): every
// check_interval it resolves the A and AAAA records of each configured
// server and reports one backend per address.
//
// Unlike the original, a failed resolution leaves the last good backends
// in place (an Err snapshot) instead of reporting none, and health never
// resolves a hard-coded external name.
package dns

import (
	"context"
	"time"

	"github.com/smartstack-go/smartstack/internal/watcher"
)

// Method is the name `discovery.method` spells.
const Method = "dns"

func init() { watcher.RegisterType(Method, NewConfig, New) }

// Watcher is method dns.
type Watcher struct {
	*Poller
	servers  []Server
	interval time.Duration
}

var _ watcher.PingWatcher = (*Watcher)(nil)

// New builds a dns watcher from a *Config (or Config).
func New(service string, cfg any, opts watcher.Options) (watcher.Watcher, error) {
	c, err := watcher.ConfigOf[Config](cfg)
	if err != nil {
		return nil, err
	}
	return &Watcher{
		Poller:   NewPoller(service, Method, c.Nameserver, opts),
		servers:  c.Servers,
		interval: c.interval(),
	}, nil
}

// Run resolves at once, then every check_interval, counted from the start
// of the previous round as the original's "interval minus elapsed" sleep
// does. Nothing DNS does makes it return before ctx ends.
func (w *Watcher) Run(ctx context.Context, out chan<- watcher.Snapshot) error {
	t := time.NewTicker(w.interval)
	defer t.Stop()
	for {
		if err := w.Poll(ctx, out, w.servers, nil); err != nil {
			return nil // ctx ended
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}
