package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"

	"github.com/smartstack-go/smartstack/internal/synapse"
	"github.com/smartstack-go/smartstack/internal/watcher"
	"github.com/smartstack-go/smartstack/internal/watcher/zookeeper"
	"github.com/smartstack-go/smartstack/internal/zkconfig"
)

// stacks are N synapse discovery stacks in this process: per stack, one
// `zookeeper` watcher per service built by zookeeper.New (what synapse's
// loader calls) feeding a synapse.ServiceState per service, as synapse's
// main loop does; no generator. Each stack gets its own ZooKeeper
// session: the watchers pool one session per host list and credential per
// process, so each stack gets its own zk_auth digest identity (one
// credentials file each). That costs one addAuth per session and changes
// nothing else: the service znodes exist, so no znode is created with the
// credential's ACL.
type stacks struct {
	view   *view
	cancel context.CancelFunc
	wg     sync.WaitGroup
	logf   *os.File // the watchers' log, closed once they have stopped
}

// stackConfig is what every stack watches and how.
type stackConfig struct {
	n        int
	hosts    []string
	services []string // names; znode root + "/" + name
	root     string
	mode     string // zk_watch_mode
	dir      string // credentials files and the watchers' log
}

func startStacks(ctx context.Context, c stackConfig) (*stacks, error) {
	logf, err := os.Create(filepath.Join(c.dir, "stacks-"+c.mode+".log"))
	if err != nil {
		return nil, fmt.Errorf("stacks log: %w", err)
	}
	log := slog.New(slog.NewTextHandler(logf, &slog.HandlerOptions{Level: slog.LevelWarn}))
	ctx, cancel := context.WithCancel(ctx)
	st := &stacks{view: newView(c.n, c.services), cancel: cancel, logf: logf}
	for i := range c.n {
		if err := st.start(ctx, c, i, log); err != nil {
			st.stop()
			return nil, err
		}
	}
	return st, nil
}

// start builds stack i's watchers and states and runs them.
func (st *stacks) start(ctx context.Context, c stackConfig, i int, log *slog.Logger) error {
	cred := filepath.Join(c.dir, fmt.Sprintf("stack-%d.cred", i))
	if err := os.WriteFile(cred, fmt.Appendf(nil, "stack%d:bench", i), 0o600); err != nil {
		return fmt.Errorf("stack %d credentials: %w", i, err)
	}
	auth := &zkconfig.Auth{CredentialsFile: cred}
	out := make(chan watcher.Snapshot, len(c.services))
	states := map[string]*synapse.ServiceState{}
	for _, svc := range c.services {
		cfg := zookeeper.NewConfig()
		cfg.Hosts, cfg.Path, cfg.WatchMode = c.hosts, c.root+"/"+svc, c.mode
		cfg.ZKAuth = auth
		w, err := zookeeper.New(svc, cfg, watcher.Options{Logger: log.With("stack", i)})
		if err != nil {
			return fmt.Errorf("stack %d service %s: %w", i, svc, err)
		}
		s, err := synapse.NewServiceState(svc, synapse.ServiceConfig{UsePreviousBackends: true}, synapse.StateOptions{})
		if err != nil {
			return fmt.Errorf("stack %d service %s: %w", i, svc, err)
		}
		states[svc] = s
		st.wg.Go(func() {
			if err := w.Run(ctx, out); err != nil {
				log.Error("watcher stopped", "stack", i, "service", svc, "err", err)
			}
		})
	}
	st.wg.Go(func() { st.consume(ctx, i, out, states) })
	return nil
}

// consume is the stack's main loop: apply each snapshot, then let the
// view see the service's backends.
func (st *stacks) consume(ctx context.Context, i int, in <-chan watcher.Snapshot, states map[string]*synapse.ServiceState) {
	for {
		select {
		case <-ctx.Done():
			return
		case snap := <-in:
			s := states[snap.Service]
			if _, err := s.Apply(snap); err != nil {
				st.view.failed()
				continue
			}
			st.view.update(i, snap.Service, s.Backends())
		}
	}
}

// stop cancels every watcher and waits for them (each closes its session).
func (st *stacks) stop() {
	st.cancel()
	st.wg.Wait()
	st.logf.Close()
}
