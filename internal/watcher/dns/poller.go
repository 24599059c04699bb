package dns

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"

	"gopkg.in/yaml.v3"

	"github.com/smartstack-go/smartstack/internal/watcher"
	"github.com/smartstack-go/smartstack/internal/watcher/poll"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

// errNotResolved is Ping's answer before the first round.
var errNotResolved = errors.New("dns watcher has not resolved yet")

// Poller runs resolution rounds for one service and reports them: the dns
// watcher's loop and zookeeper_dns's DNS half share it.
type Poller struct {
	service, method string
	res             *Resolver
	log             *slog.Logger
	m               *metrics

	last   []registration.Backend // last good set sent
	sent   bool                   // last round succeeded and was sent
	gen    map[string]*yaml.Node  // latest generator config given to Poll
	genNew bool                   // gen not sent yet: a failed round must not lose it
	status *poll.Status
}

// NewPoller builds a Poller asking ns (empty: the system nameservers).
func NewPoller(service, method string, ns Nameservers, opts watcher.Options) *Poller {
	log := opts.Log(service, method)
	m := watcher.Metrics(opts, log, metricsFor)
	return &Poller{service: service, method: method, res: &Resolver{nameservers: ns.addrs()},
		log: log, m: m, status: poll.NewStatus(errNotResolved)}
}

// Poll resolves servers and sends the backends when they differ from the
// last set sent, as the original calls set_backends only on a change. gen
// (nil: no change) rides along with this and later snapshots, and is sent
// even when the backends are unchanged. A failed round sends an
// Err snapshot, so the service keeps its last good backends. It returns an
// error only when ctx ends.
func (p *Poller) Poll(ctx context.Context, out chan<- watcher.Snapshot, servers []Server, gen map[string]*yaml.Node) error {
	if gen != nil {
		p.gen, p.genNew = gen, true
	}
	bs, err := p.res.Backends(ctx, servers)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if err != nil {
		return p.Fail(ctx, out, err)
	}
	if p.status.Set(nil) != nil {
		p.log.Info("dns discovery recovered")
	}
	if p.sent && !p.genNew && slices.EqualFunc(bs, p.last, registration.Backend.Equal) {
		return nil
	}
	p.last, p.sent, p.genNew = bs, true, false
	p.log.Debug("dns resolution changed", "backends", len(bs))
	return watcher.Send(ctx, out, watcher.Snapshot{Service: p.service, Backends: bs, GeneratorConfig: p.gen})
}

// Fail reports a failed round: logged when it starts a failure streak,
// counted and sent every time (the receiver keeps the last good state).
func (p *Poller) Fail(ctx context.Context, out chan<- watcher.Snapshot, err error) error {
	if p.status.Set(err) == nil {
		p.log.Warn("dns discovery failed; keeping the last good backends", "err", err)
	}
	p.sent = false
	p.m.failures.WithLabelValues(p.service, p.method).Inc()
	return watcher.Send(ctx, out, watcher.Snapshot{Service: p.service, Err: err})
}

// Ping reports the last round's failure, if any. It asks nobody: a
// hard-coded external name (the original resolves airbnb.com) turns a
// private network or a DNS blip into a fleet-wide outage.
func (p *Poller) Ping(ctx context.Context) error {
	if err := p.status.Ping(ctx); err != nil {
		return fmt.Errorf("dns discovery stale: %w", err)
	}
	return nil
}

// Backends resolves every server. Each address becomes a backend with the
// server's name, port and labels, servers in order, each server's
// addresses sorted. One failed name fails the round: a partial list would
// drop healthy backends during a DNS blip.
func (r *Resolver) Backends(ctx context.Context, servers []Server) ([]registration.Backend, error) {
	var out []registration.Backend
	for _, s := range servers {
		addrs, err := r.lookup(ctx, s.Host)
		if err != nil {
			return nil, err
		}
		for _, a := range addrs {
			out = append(out, s.backend(a))
		}
	}
	return out, nil
}

// backend is the original's record for one address: name, host, port and
// labels only.
func (s Server) backend(addr string) registration.Backend {
	return registration.Backend{Name: s.Name, Host: addr, Port: s.Port, Labels: s.Labels}
}
