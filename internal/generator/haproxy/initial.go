package haproxy

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/smartstack-go/smartstack/internal/generator/haproxy/plan"
)

// skipInitialReload drops the reload a start makes pending when HAProxy
// already runs what synapse would have it reload into: the first
// generation equals haproxy.cfg on disk (the caller checked, timestamp
// header aside), and every socket's "show stat", read by this update,
// runs exactly the proxies of that config and the servers of its
// backends. A restarted synapse then leaves HAProxy and its connections
// alone. The other reasons of the update (a socket that failed, a server
// HAProxy does not run) stand.
func (g *Generator) skipInitialReload(ctx context.Context, sections plan.Config) {
	if !g.cfg.DoSocket || len(g.clients) == 0 || !g.reloads.has(reasonInitial) {
		return
	}
	if err := g.fileOlderThanHAProxy(ctx); err != nil {
		g.log.Info("haproxy may not run the config on disk, reloading", "why", err)
		return
	}
	want := plan.Proxies(sections)
	for _, c := range g.clients {
		e := g.stats[c.Path()]
		if e == nil {
			return // failed, or commands the record cannot follow were sent
		}
		if err := e.rec.Runs(want); err != nil {
			g.log.Info("haproxy does not run the config on disk, reloading", "path", c.Path(), "why", err)
			return
		}
	}
	g.reloads.drop(reasonInitial)
	g.log.Info("haproxy already runs the generated config, no reload at start")
}

// fileOlderThanHAProxy fails unless haproxy.cfg was last written before
// the HAProxy process answering the first socket started: a file written
// later (synapse stopped between its write and its reload) may differ from
// what HAProxy runs in lines "show stat" does not show (a timeout, say).
// HAProxy gives its uptime in whole seconds, so a file written within a
// second after the start passes.
func (g *Generator) fileOlderThanHAProxy(ctx context.Context) error {
	st, err := os.Stat(g.cfg.ConfigFilePath)
	if err != nil {
		return err
	}
	info, err := g.clients[0].ShowInfo(ctx)
	if err != nil {
		return err
	}
	up, err := strconv.Atoi(info.Raw["Uptime_sec"])
	if err != nil {
		return fmt.Errorf("show info: Uptime_sec %q: %w", info.Raw["Uptime_sec"], err)
	}
	started := time.Now().Add(-time.Duration(up) * time.Second)
	if st.ModTime().After(started) {
		return fmt.Errorf("%s was written at %s, after haproxy started (%s)", g.cfg.ConfigFilePath,
			st.ModTime().Format(time.RFC3339), started.Format(time.RFC3339))
	}
	return nil
}
