// Package zookeeperdns is synapse's methods `zookeeper_dns` and
// `zookeeper_dns_poll`: ZooKeeper (method zookeeper, or zookeeper_poll)
// supplies registrations whose host is a DNS name, and DNS turns each into
// one backend per address, re-resolved on every ZooKeeper change and every
// check_interval.
package zookeeperdns

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/smartstack-go/smartstack/internal/watcher"
	"github.com/smartstack-go/smartstack/internal/watcher/dns"
	"github.com/smartstack-go/smartstack/internal/watcher/zookeeper"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

// Method names, as `discovery.method` spells them.
const (
	Method     = "zookeeper_dns"
	PollMethod = "zookeeper_dns_poll"
)

func init() {
	watcher.RegisterType(Method, NewConfig, New)
	watcher.RegisterType(PollMethod, NewPollConfig, NewPoll)
}

// Watcher runs a ZooKeeper watcher as its source of DNS names.
type Watcher struct {
	zk       watcher.Watcher
	dns      *dns.Poller
	interval time.Duration
}

var _ watcher.PingWatcher = (*Watcher)(nil)

// New builds a zookeeper_dns watcher from a *Config.
func New(service string, cfg any, opts watcher.Options) (watcher.Watcher, error) {
	c, err := watcher.ConfigOf[Config](cfg)
	if err != nil {
		return nil, err
	}
	zk, err := zookeeper.New(service, &c.Config, opts)
	if err != nil {
		return nil, err
	}
	return newWatcher(service, Method, zk, c.DNSConfig, opts), nil
}

// NewPoll builds a zookeeper_dns_poll watcher from a *PollConfig.
func NewPoll(service string, cfg any, opts watcher.Options) (watcher.Watcher, error) {
	c, err := watcher.ConfigOf[PollConfig](cfg)
	if err != nil {
		return nil, err
	}
	zk, err := zookeeper.NewPoll(service, &c.PollConfig, opts)
	if err != nil {
		return nil, err
	}
	return newWatcher(service, PollMethod, zk, c.DNSConfig, opts), nil
}

func newWatcher(service, method string, zk watcher.Watcher, c DNSConfig, opts watcher.Options) *Watcher {
	return &Watcher{zk: zk, dns: dns.NewPoller(service, method, c.Nameserver, opts), interval: c.interval()}
}

// Ping reports the ZooKeeper session and the last DNS round. Neither
// resolves an outside name (the original's airbnb.com check).
func (w *Watcher) Ping(ctx context.Context) error {
	var errs []error
	if p, ok := w.zk.(watcher.Pinger); ok {
		errs = append(errs, p.Ping(ctx))
	}
	errs = append(errs, w.dns.Ping(ctx))
	return errors.Join(errs...)
}

// Run runs the ZooKeeper watcher and resolves its latest registrations on
// each of its updates and every check_interval. A ZooKeeper failure is
// passed on as stale; the ZooKeeper watcher's own error ends Run.
func (w *Watcher) Run(ctx context.Context, out chan<- watcher.Snapshot) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	zkOut := make(chan watcher.Snapshot)
	zkDone := make(chan error, 1)
	go func() { zkDone <- w.zk.Run(ctx, zkOut) }()
	err := w.loop(ctx, out, zkOut, zkDone)
	cancel()
	if zkErr := <-zkDone; err == nil && zkErr != nil && !errors.Is(zkErr, context.Canceled) {
		err = fmt.Errorf("zookeeper: %w", zkErr)
	}
	return err
}

// loop returns nil when ctx ends or the ZooKeeper watcher returned (its
// error is Run's to report).
func (w *Watcher) loop(ctx context.Context, out chan<- watcher.Snapshot, zkOut <-chan watcher.Snapshot, zkDone chan error) error {
	t := time.NewTicker(w.interval)
	defer t.Stop()
	var servers []dns.Server
	known := false // ZooKeeper has answered once
	for {
		var err error
		select {
		case <-ctx.Done():
			return nil
		case zkErr := <-zkDone:
			zkDone <- zkErr // for Run
			return nil
		case s := <-zkOut:
			if s.Err != nil {
				err = w.dns.Fail(ctx, out, fmt.Errorf("zookeeper: %w", s.Err))
				break
			}
			servers, known = serversOf(s.Backends), true
			err = w.dns.Poll(ctx, out, servers, s.GeneratorConfig)
		case <-t.C:
			if known {
				err = w.dns.Poll(ctx, out, servers, nil)
			}
		}
		if err != nil {
			return nil // ctx ended
		}
	}
}

// serversOf turns registrations into DNS servers; like the original, the
// resolved backends keep only name, port and labels (not weight, id or
// haproxy_server_options).
func serversOf(bs []registration.Backend) []dns.Server {
	out := make([]dns.Server, len(bs))
	for i, b := range bs {
		out[i] = dns.Server{Name: b.Name, Host: b.Host, Port: b.Port, Labels: b.Labels}
	}
	return out
}
