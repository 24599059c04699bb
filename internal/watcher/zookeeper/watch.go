package zookeeper

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
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
	return w.watch(ctx, c, out)
}

// ensurePath creates the service znode and its parents, as the original
// does at start. Failing that is logged, not fatal: the children watcher
// waits for the znode to be created. It runs only when the first listing
// found the znode missing (feed.Take, before that listing is delivered,
// so the first Snapshot comes after the znode is there). One that exists
// already, as it nearly always does, costs nothing: an exists call first
// was 1,000 requests more on a 1,000-service start-up, and creating each
// component of the path would be as many writes, which ZooKeeper orders
// and logs through its leader even when they fail, for every service of
// every synapse of a fleet that starts.
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

// watch runs the children watcher, which decodes and sends in its own
// goroutine (see feed), and the config znode's watcher when that is a
// separate znode.
func (w *Watcher) watch(ctx context.Context, c zk.Client, out chan<- watcher.Snapshot) error {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()
	f := w.newFeed(ctx, out)
	defer f.stop()
	f.missing = func() { w.ensurePath(ctx, c) }
	parent, cfgPath := w.cfg.parent(), w.cfg.configPath()
	var ended atomic.Bool // a watcher stopped while ctx was live
	run := func(path string, opts zk.WatchOptions, into zk.Consumer) {
		err := zk.NewChildrenWatcher(c, path, opts).RunInto(ctx, into)
		if err != nil {
			w.watchLog.Error("zookeeper watch stopped", "path", path, "err", err)
		}
		if ctx.Err() == nil {
			ended.Store(true)
			cancel()
		}
	}
	if cfgPath != "" && cfgPath != parent {
		// Only its data matters; its children (normally none) are listed
		// by the children watcher but never read.
		copts := w.watchOptions()
		copts.ParentData = true
		copts.SkipData = func(string) bool { return true }
		wg.Go(func() { run(cfgPath, copts, configFeed{f}) })
	}
	opts := w.watchOptions()
	opts.ParentData = cfgPath == parent
	opts.SkipData = skipData
	opts.ReleaseData = true // the decoder keeps what it needs (decoder.released)
	run(parent, opts, f)
	if ended.Load() {
		return errWatchEnded
	}
	return nil
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
		Logger:         w.watchLog,
	}
}

// errWatchEnded is returned when a children watcher stops on its own,
// which only a closed connection causes; the pool closes it only after
// Run has released it, so this is a bug, reported rather than hidden.
var errWatchEnded = errors.New("zookeeper watcher: watch ended unexpectedly")
