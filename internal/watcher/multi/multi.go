// Package multi is synapse's multi discovery (method `multi`, also what a
// service's `discovery_multi` becomes): it runs several child watchers and
// reports one backend set merged from their latest good sets by a resolver,
// `union` (every child's backends, in config order, duplicates kept),
// `sequential` (the first child in sequential_order with backends) or
// `s3_toggle` (the child an S3 object of weights picks). Each child keeps
// only its backends that pass its own label filters.
//
// A child that fails is stale, not empty: its last good set stays in the
// merge, and a child whose Run returns an error is restarted with backoff
// instead of ending the service's discovery.
package multi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/smartstack-go/smartstack/internal/supervise"
	"github.com/smartstack-go/smartstack/internal/watcher"
)

// Method is the name `discovery.method` uses.
const Method = "multi"

// Restart backoff of a child whose Run returned: doubled per consecutive
// failure, so a broken child neither spins nor waits long after a fix.
const (
	minBackoff = time.Second
	maxBackoff = 30 * time.Second
)

func init() { watcher.RegisterType(Method, NewConfig, New) }

// Watcher runs the children of one service and merges their sets.
type Watcher struct {
	service  string
	children []*child
	resolver resolver
	log      *slog.Logger
	// backoff is the first restart delay; a field so tests can shorten it.
	backoff time.Duration
}

var _ watcher.PingWatcher = (*Watcher)(nil)

// New builds a multi watcher and every child from a *Config.
func New(service string, cfg any, opts watcher.Options) (watcher.Watcher, error) {
	c, err := watcher.ConfigOf[Config](cfg)
	if err != nil {
		return nil, err
	}
	log := opts.Log(service, Method)
	daemonLog := opts.Logger
	if daemonLog == nil {
		daemonLog = slog.New(slog.DiscardHandler)
	}
	m := watcher.Metrics(opts, log, metricsFor)
	w := &Watcher{service: service, log: log, backoff: minBackoff}
	for _, ch := range c.Watchers {
		copts := opts
		copts.Logger = log.With("child", ch.Name)
		cw, err := watcher.New(ch.Method, service, ch.Cfg, copts)
		if err != nil {
			return nil, fmt.Errorf("watchers.%s: %w", ch.Name, err)
		}
		w.children = append(w.children, &child{name: ch.Name, w: cw, filters: ch.Filters.Filters()})
	}
	w.resolver = newResolver(c.Resolver, w.children, resolverEnv{service: service, log: log, base: daemonLog, m: m})
	return w, nil
}

// update is one child's snapshot, tagged with the child's index.
type update struct {
	idx  int
	snap watcher.Snapshot
}

// Run starts every child under its own supervisor goroutine (and the
// resolver's own source, if it has one) and, after each child snapshot or
// resolver change, sends the resolver's merged set. Everything started is
// stopped and waited for before Run returns.
func (w *Watcher) Run(ctx context.Context, out chan<- watcher.Snapshot) error {
	ctx, cancel := context.WithCancel(ctx)
	updates := make(chan update)
	changed := make(chan struct{}, 1)
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait()
	}()
	for i, ch := range w.children {
		wg.Go(func() { w.supervise(ctx, i, ch, updates) })
	}
	if r, ok := w.resolver.(sourced); ok {
		wg.Go(func() { r.run(ctx, changed) })
	}
	for {
		var s watcher.Snapshot
		send := false
		select {
		case <-ctx.Done():
			return nil
		case u := <-updates:
			s, send = w.apply(u)
		case <-changed:
			s, send = w.remerge()
		}
		if !send {
			continue
		}
		if err := watcher.Send(ctx, out, s); err != nil {
			return nil
		}
	}
}

// remerge is the merged snapshot after a resolver change, if there is one.
func (w *Watcher) remerge() (watcher.Snapshot, bool) {
	m := w.resolver.merge()
	return watcher.Snapshot{Service: w.service, Backends: m.backends, GeneratorConfig: m.genConfig}, m.ok
}

// apply records a child snapshot and returns the merged snapshot to send.
// Nothing is sent while no child has a good set and none has failed yet.
func (w *Watcher) apply(u update) (watcher.Snapshot, bool) {
	ch := w.children[u.idx]
	ch.record(u.snap)
	if u.snap.Err != nil {
		w.log.Warn("child discovery failed; keeping its last good backends", "child", ch.name, "err", u.snap.Err)
	}
	m := w.resolver.merge()
	s := watcher.Snapshot{Service: w.service, Backends: m.backends, GeneratorConfig: m.genConfig}
	if !m.ok {
		if u.snap.Err == nil {
			return s, false
		}
		s.Backends, s.GeneratorConfig = nil, nil
		s.Err = fmt.Errorf("no child has discovered backends yet: %s: %w", ch.name, u.snap.Err)
	}
	return s, true
}

// supervise runs one child until ctx ends, restarting it with backoff when
// its Run returns early, so one broken child never ends the others.
func (w *Watcher) supervise(ctx context.Context, idx int, ch *child, updates chan<- update) {
	supervise.Run(ctx, supervise.Policy{Min: w.backoff, Max: maxBackoff}, func(ctx context.Context) (bool, error) {
		err := w.runChild(ctx, idx, ch, updates)
		if err == nil {
			err = errors.New("returned before shutdown")
		}
		return false, err
	}, func(err error, restartIn time.Duration) {
		w.log.Error("child watcher stopped; restarting", "child", ch.name, "err", err, "in", restartIn)
		// The child's set is now stale until it reports again.
		select {
		case updates <- update{idx: idx, snap: watcher.Snapshot{Err: fmt.Errorf("child watcher stopped: %w", err)}}:
		case <-ctx.Done():
		}
	})
}

// runChild runs the child once, forwarding its snapshots tagged with idx.
// The forwarder goroutine is owned here and ends before runChild returns.
func (w *Watcher) runChild(ctx context.Context, idx int, ch *child, updates chan<- update) error {
	cctx, cancel := context.WithCancel(ctx)
	snaps := make(chan watcher.Snapshot)
	fwd := make(chan struct{})
	go func() {
		defer close(fwd)
		for {
			select {
			case s := <-snaps:
				select {
				case updates <- update{idx: idx, snap: s}:
				case <-cctx.Done():
					return
				}
			case <-cctx.Done():
				return
			}
		}
	}()
	err := ch.w.Run(cctx, snaps)
	cancel()
	<-fwd
	return err
}

// Ping is the resolver's health: union is healthy if any child is,
// sequential and s3_toggle if their current pick is.
func (w *Watcher) Ping(ctx context.Context) error {
	return w.resolver.ping(ctx)
}

func lower(s string) string { return strings.ToLower(s) }
