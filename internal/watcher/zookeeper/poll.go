package zookeeper

import (
	"context"
	"errors"
	"fmt"
	gopath "path"
	"sync"
	"time"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/internal/retry"
	"github.com/smartstack-go/smartstack/internal/watcher"
	"github.com/smartstack-go/smartstack/internal/zk"
)

// PollWatcher is method zookeeper_poll: no watches, a full read of the
// service znode every polling_interval_sec. It never creates the znode.
type PollWatcher struct {
	*base
	interval time.Duration
}

var _ watcher.PingWatcher = (*PollWatcher)(nil)

// NewPoll builds a zookeeper_poll watcher from a *PollConfig (or PollConfig).
func NewPoll(service string, cfg any, opts watcher.Options) (watcher.Watcher, error) {
	c, ok := config.As[PollConfig](cfg)
	if !ok {
		return nil, fmt.Errorf("config is %T, want *zookeeper.PollConfig", cfg)
	}
	b, err := newBase(service, PollMethod, &c.Config, opts)
	if err != nil {
		return nil, err
	}
	return &PollWatcher{base: b, interval: c.pollInterval()}, nil
}

// Run discovers at once and then every interval until ctx ends. A failed
// round keeps the last good backends; the next round tries again.
func (w *PollWatcher) Run(ctx context.Context, out chan<- watcher.Snapshot) error {
	c, release, err := w.connect(ctx, out)
	defer release()
	if err != nil {
		return nil
	}
	st := newState(w.newDecoder(), w.log, w.cfg.configPath() == w.cfg.parent())
	tick := time.NewTicker(w.interval)
	defer tick.Stop()
	for {
		if err := w.round(ctx, c, st, out); err != nil {
			return nil // ctx ended
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

// round is one discovery, retried per retry_policy, and its Snapshot.
func (w *PollWatcher) round(ctx context.Context, c zk.Client, st *state, out chan<- watcher.Snapshot) error {
	var snap, cfg zk.Snapshot
	err := retry.Do(ctx, w.cfg.RetryPolicy.Policy(), retry.Options{}, func(ctx context.Context, _ int) error {
		var err error
		snap, cfg, err = w.discover(ctx, c)
		return err
	})
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if err != nil {
		w.log.Warn("zookeeper poll failed; keeping the last good backends", "err", err)
		snap = zk.Snapshot{Path: w.cfg.parent(), Err: fmt.Errorf("zookeeper poll %s: %w", w.cfg.parent(), err)}
	}
	st.children(snap)
	if cfgPath := w.cfg.configPath(); cfgPath != "" && cfgPath != w.cfg.parent() {
		st.config(cfg)
	}
	s, _ := st.snapshot()
	return w.send(ctx, out, s)
}

// discover reads the children and the generator config. A generator config
// read failure does not fail the round: the original treats it as "no
// config", and the Err in cfg keeps the previous one.
func (w *PollWatcher) discover(ctx context.Context, c zk.Client) (snap, cfg zk.Snapshot, err error) {
	parent, cfgPath := w.cfg.parent(), w.cfg.configPath()
	snap = zk.Snapshot{Path: parent, Children: map[string][]byte{}}
	names, _, err := c.Children(parent)
	switch {
	case errors.Is(err, zk.ErrNoNode):
		return snap, zk.Snapshot{Path: cfgPath}, nil
	case err != nil:
		return snap, cfg, fmt.Errorf("list children: %w", err)
	}
	snap.Exists = true
	if snap.Children, err = readChildren(ctx, c, parent, names); err != nil {
		return snap, cfg, err
	}
	if cfgPath == "" {
		return snap, cfg, nil
	}
	cfg = readData(c, cfgPath)
	if cfgPath == parent {
		snap.ParentData = cfg.ParentData
	}
	return snap, cfg, nil
}

// readData reads one znode's data into a Snapshot's ParentData.
func readData(c zk.Client, path string) zk.Snapshot {
	data, _, err := c.Get(path)
	switch {
	case errors.Is(err, zk.ErrNoNode):
		return zk.Snapshot{Path: path}
	case err != nil:
		return zk.Snapshot{Path: path, Err: fmt.Errorf("read %s: %w", path, err)}
	}
	return zk.Snapshot{Path: path, Exists: true, ParentData: data}
}

// pollConcurrency bounds the reads in flight; go-zookeeper pipelines them
// on its one connection.
const pollConcurrency = 32

// readChildren reads the data of every child whose name does not carry its
// registration. A child deleted since the listing is left out; any other
// failure fails the round, since a partial set must not replace a good one.
func readChildren(ctx context.Context, c zk.Client, parent string, names []string) (map[string][]byte, error) {
	out := make(map[string][]byte, len(names))
	var mu sync.Mutex
	var errs []error
	sem := make(chan struct{}, pollConcurrency)
	var wg sync.WaitGroup
	for _, n := range names {
		if skipData(n) {
			out[n] = nil
			continue
		}
		if ctx.Err() != nil {
			break
		}
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			data, _, err := c.Get(gopath.Join(parent, n))
			mu.Lock()
			defer mu.Unlock()
			switch {
			case errors.Is(err, zk.ErrNoNode):
			case err != nil:
				errs = append(errs, fmt.Errorf("read %s: %w", n, err))
			default:
				out[n] = data
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%d child reads failed: %w", len(errs), errs[0])
	}
	return out, nil
}
