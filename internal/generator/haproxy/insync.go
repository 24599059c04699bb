package haproxy

import (
	"context"
	"errors"
	"fmt"
	"strings"

	hapi "github.com/smartstack-go/smartstack/pkg/haproxy"
)

// InSync reports (nil) whether HAProxy runs the config of the last Update:
// no reload is pending and, with do_socket, every stats socket answers
// with every backend synapse manages that has live servers. A reload
// command like `kill -USR2` returns before HAProxy has reloaded; this is
// what tells synapse the new config is in effect (its readiness). With
// do_reloads false synapse does not reload HAProxy, so there is nothing
// of its own to wait for.
func (g *Generator) InSync(ctx context.Context) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.cfg.DoReloads {
		return nil
	}
	if len(g.reloads.pending) > 0 || g.confirm != nil {
		return fmt.Errorf("haproxy reload pending: %s", strings.Join(g.pendingReload(), "; "))
	}
	if !g.cfg.DoSocket || g.lastIn == nil {
		return nil
	}
	want := desiredProxies(g.lastIn)
	var errs []error
	for _, c := range g.clients {
		running := map[string]bool{} // only the proxies: 50,000 rows are not kept
		ok, err := c.ShowStatSummaryFunc(ctx, func(r hapi.StatRow) { running[r.Proxy] = true })
		if !ok {
			errs = append(errs, fmt.Errorf("%s: %w", c.Path(), err))
			continue
		}
		for _, name := range sortedKeys(want) {
			if d := want[name]; !d.Disabled && len(d.Live) > 0 && !running[name] {
				errs = append(errs, fmt.Errorf("%s: HAProxy does not run backend %s yet", c.Path(), name))
			}
		}
	}
	return errors.Join(errs...)
}
