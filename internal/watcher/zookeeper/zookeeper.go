// Package zookeeper is synapse's ZooKeeper discovery: method `zookeeper`
// follows the service znode with watches, `zookeeper_poll` re-reads it on a
// timer. Both read the same data as the original (nerve or serverset
// registrations, base64_ child names, generator config from a znode's data)
// and share one connection per sorted host list.
//
// Unlike the original, neither ever ends the process: disconnects, session
// expiry, a deleted service znode and malformed children leave the last good
// backends in place while the watcher re-arms, resyncs and waits.
package zookeeper

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"

	"github.com/smartstack-go/smartstack/internal/watcher"
	"github.com/smartstack-go/smartstack/internal/zk"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

// Method names, as `discovery.method` spells them.
const (
	Method     = "zookeeper"
	PollMethod = "zookeeper_poll"
)

func init() {
	watcher.RegisterType(Method, NewConfig, New)
	watcher.RegisterType(PollMethod, NewPollConfig, NewPoll)
}

// base is what both methods share: config, logging, metrics and the pooled
// connection, which Ping inspects.
type base struct {
	service string
	method  string
	cfg     *Config
	format  registration.Format
	servers []string // sorted
	log     *slog.Logger
	// watchLog is log without the service's path: each children watcher
	// adds the path it watches (the service's, or its config znode's).
	watchLog *slog.Logger
	m        *metrics
	pool     *Pool
	zkOpts   zk.Options
	entry    atomic.Pointer[zk.Shared] // set while Run holds the connection
}

func newBase(service, method string, cfg *Config, opts watcher.Options) (*base, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	f, _ := cfg.format() // Validate checked it
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	m := watcher.Metrics(opts, log, metricsFor)
	zkOpts := zk.Options{SessionTimeout: time.Duration(cfg.SessionTimeout), Logger: log}
	if err := cfg.Apply(&zkOpts); err != nil {
		return nil, err
	}
	b := &base{
		service: service, method: method, cfg: cfg, format: f, servers: cfg.sortedHosts(),
		watchLog: log.With("service", service, "method", method),
		m:        m, pool: defaultPool, zkOpts: zkOpts,
	}
	b.log = b.watchLog.With("path", cfg.parent())
	for _, w := range cfg.Warnings() {
		b.log.Warn(w)
	}
	return b, nil
}

// Ping reports whether the watcher's ZooKeeper session is connected. A
// disconnected watcher still serves its last good backends; Ping is for
// health reporting only.
func (b *base) Ping(context.Context) error {
	e := b.entry.Load()
	if e == nil {
		return errors.New("zookeeper watcher is not running")
	}
	c := e.Client()
	if c == nil {
		return fmt.Errorf("zookeeper %s: not connected yet", strings.Join(b.servers, ","))
	}
	if s := c.State(); s != zk.StateHasSession {
		return fmt.Errorf("zookeeper %s: no session (state %s)", strings.Join(b.servers, ","), s)
	}
	return nil
}

// connect takes a reference on the pooled connection and waits for its
// first session. If that takes longer than a connect timeout it sends one
// error snapshot, so the core knows discovery is stale rather than slow.
// The caller must call release, also on error (then ctx has ended).
func (b *base) connect(ctx context.Context, out chan<- watcher.Snapshot) (c conn, release func(), err error) {
	e, _, rel := b.pool.Acquire(b.servers, b.zkOpts)
	b.entry.Store(e)
	release = func() { b.entry.Store(nil); rel() }
	timer := time.NewTimer(zk.DefaultConnectTimeout)
	defer timer.Stop()
	late := timer.C
	for {
		select {
		case <-e.Ready():
			return e.Client(), release, nil
		case <-ctx.Done():
			return nil, release, ctx.Err()
		case <-late:
			late = nil
			err := fmt.Errorf("zookeeper %s: not connected", strings.Join(b.servers, ","))
			b.log.Warn("no zookeeper session yet; still trying", "err", err)
			if err := b.send(ctx, out, watcher.Snapshot{Err: err}); err != nil {
				return nil, release, err
			}
		}
	}
}

// send delivers s, counting failed rounds.
func (b *base) send(ctx context.Context, out chan<- watcher.Snapshot, s watcher.Snapshot) error {
	s.Service = b.service
	if s.Err != nil {
		b.m.errors.WithLabelValues(b.service, b.method).Inc()
	}
	return watcher.Send(ctx, out, s)
}

func (b *base) newDecoder() *decoder {
	return newDecoder(b.format, b.cfg.configPath(), b.log, func() {
		b.m.badChildren.WithLabelValues(b.service).Inc()
	})
}
