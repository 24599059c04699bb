package zookeeper

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/internal/retry"
	"github.com/smartstack-go/smartstack/internal/watcher"
	"github.com/smartstack-go/smartstack/internal/zk"
)

// Watcher is method zookeeper: it follows the service znode's children (and
// the generator config znode's data) with watches, through
// zk.ChildrenWatcher, which re-arms them after every event and re-reads
// everything after a reconnect, a new session or resync_interval.
type Watcher struct{ *base }

var _ watcher.PingWatcher = (*Watcher)(nil)

// New builds a zookeeper watcher from a *Config (or Config).
func New(service string, cfg any, opts watcher.Options) (watcher.Watcher, error) {
	c, ok := config.As[Config](cfg)
	if !ok {
		return nil, fmt.Errorf("config is %T, want *zookeeper.Config", cfg)
	}
	b, err := newBase(service, Method, c, opts)
	if err != nil {
		return nil, err
	}
	return &Watcher{b}, nil
}

// Run watches until ctx ends. Nothing ZooKeeper does makes it return.
func (w *Watcher) Run(ctx context.Context, out chan<- watcher.Snapshot) error {
	c, release, err := w.connect(ctx, out)
	defer release()
	if err != nil {
		return nil // ctx ended
	}
	w.ensurePath(ctx, c)
	return w.watch(ctx, c, out)
}

// ensurePath creates the service znode and its parents, as the original
// does at start. Failing that is logged, not fatal: the children watcher
// waits for the znode to be created. A znode that exists already, as it
// nearly always does, costs one read: creating each component of its path
// would be as many writes, which ZooKeeper orders and logs through its
// leader even when they fail, for every service of every synapse of a
// fleet that starts.
func (w *Watcher) ensurePath(ctx context.Context, c zk.Client) {
	err := retry.Do(ctx, w.cfg.RetryPolicy.Policy(), retry.Options{}, func(ctx context.Context, _ int) error {
		if ok, _, err := c.Exists(w.cfg.parent()); err == nil && ok {
			return nil
		}
		return zk.EnsurePathACL(ctx, c, w.cfg.parent(), w.zkOpts.CreateACL())
	})
	if err != nil && ctx.Err() == nil {
		w.log.Warn("could not create the service znode; waiting for it to appear", "err", err)
	}
}

// watch runs the children watchers and turns their updates into Snapshots.
func (w *Watcher) watch(ctx context.Context, c zk.Client, out chan<- watcher.Snapshot) error {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()
	start := func(path string, opts zk.WatchOptions) <-chan zk.Snapshot {
		cw := zk.NewChildrenWatcher(c, path, opts)
		wg.Go(func() {
			if err := cw.Run(ctx); err != nil {
				w.log.Error("zookeeper watch stopped", "path", path, "err", err)
			}
		})
		return cw.Updates()
	}
	parent, cfgPath := w.cfg.parent(), w.cfg.configPath()
	opts := w.watchOptions()
	opts.ParentData = cfgPath == parent
	opts.SkipData = skipData
	opts.ReleaseData = true // the decoder keeps what it needs (decoder.released)
	children := start(parent, opts)
	var configs <-chan zk.Snapshot
	if cfgPath != "" && cfgPath != parent {
		// Only its data matters; its children (normally none) are listed
		// by the children watcher but never read.
		copts := w.watchOptions()
		copts.ParentData = true
		copts.SkipData = func(string) bool { return true }
		configs = start(cfgPath, copts)
	}
	return w.loop(ctx, children, configs, out)
}

func (w *Watcher) watchOptions() zk.WatchOptions {
	p := w.cfg.RetryPolicy.Policy()
	mode, _ := w.cfg.watchMode() // validated at load
	return zk.WatchOptions{
		Mode:           mode,
		ResyncInterval: time.Duration(w.cfg.ResyncInterval),
		ResyncJitter:   time.Duration(w.cfg.ReconnectResyncSpread),
		RetryMin:       p.BaseInterval,
		RetryMax:       p.MaxInterval,
		Logger:         w.log,
	}
}

// errWatchEnded is returned when a children watcher stops on its own,
// which only a closed connection causes; the pool closes it only after
// Run has released it, so this is a bug, reported rather than hidden.
var errWatchEnded = errors.New("zookeeper watcher: watch ended unexpectedly")

// loop sends a Snapshot after every change, at most one per
// discovery_jitter. Sends block on a slow consumer; meanwhile the children
// watchers coalesce further changes, latest wins.
func (w *Watcher) loop(ctx context.Context, children, configs <-chan zk.Snapshot, out chan<- watcher.Snapshot) error {
	dec := w.newDecoder()
	dec.released = true
	st := newState(dec, w.log, w.cfg.configPath() == w.cfg.parent())
	th := newThrottle(w.cfg.jitter())
	defer th.stop()
	dirty := false
	for {
		select {
		case <-ctx.Done():
			return nil
		case s, ok := <-children:
			if !ok {
				return ctxOr(ctx, errWatchEnded)
			}
			st.children(s)
			dirty = true
		case s, ok := <-configs:
			if !ok {
				return ctxOr(ctx, errWatchEnded)
			}
			dirty = st.config(s) || dirty
		case <-th.C:
			th.fired()
		}
		if !dirty || !th.allow() {
			continue
		}
		snap, ok := st.snapshot()
		if !ok {
			continue // config arrived before the first children read
		}
		if err := w.send(ctx, out, snap); err != nil {
			return nil
		}
		th.sent()
		dirty = false
	}
}

// ctxOr is nil once ctx has ended (the watchers stop because of it), else
// err.
func ctxOr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return nil
	}
	return err
}
