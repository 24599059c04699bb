package synapse

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/smartstack-go/smartstack/internal/watcher"
)

// watcherExit is a watcher whose Run returned before it was stopped.
type watcherExit struct {
	service string
	err     error
}

// discoverAll runs every watcher until each service has had a good
// snapshot, applied to its state, then stops them all. A watcher that
// gives up, or a service still undiscovered at timeout, is an error
// naming the service and the last discovery problem seen.
func discoverAll(parent context.Context, states map[string]*ServiceState, watchers map[string]watcher.Watcher, timeout time.Duration, log *slog.Logger) error {
	ctx, cancel := context.WithTimeout(parent, timeout)
	snaps := make(chan watcher.Snapshot)
	exits := make(chan watcherExit, len(watchers))
	var wg sync.WaitGroup
	defer func() { cancel(); wg.Wait() }()
	for name, w := range watchers {
		wg.Go(func() {
			err := w.Run(ctx, snaps)
			if ctx.Err() == nil {
				exits <- watcherExit{name, err}
			}
		})
	}
	pending := maps.Clone(states)
	problems := map[string]error{}
	for len(pending) > 0 {
		select {
		case s := <-snaps:
			st := pending[s.Service]
			if st == nil {
				continue
			}
			if _, err := st.Apply(s); err != nil {
				problems[s.Service] = err
				if s.Err != nil {
					continue
				}
				log.Warn("discovery problem", "service", s.Service, "err", err)
			}
			delete(pending, s.Service)
		case e := <-exits:
			if e.err == nil {
				e.err = errors.New("watcher stopped without an error")
			}
			return fmt.Errorf("service %s: discovery failed: %w", e.service, e.err)
		case <-ctx.Done():
			if err := parent.Err(); err != nil {
				return fmt.Errorf("stopped before every service was discovered: %w", err)
			}
			return notDiscovered(pending, problems, timeout)
		}
	}
	return nil
}

func notDiscovered(pending map[string]*ServiceState, problems map[string]error, timeout time.Duration) error {
	var lines []string
	for _, name := range slices.Sorted(maps.Keys(pending)) {
		line := fmt.Sprintf("service %s: no discovery within %s", name, timeout)
		if p := problems[name]; p != nil {
			line += "; last problem: " + p.Error()
		}
		lines = append(lines, line)
	}
	return errors.New(strings.Join(lines, "\n"))
}
