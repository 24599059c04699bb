package haproxy

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	hapi "github.com/smartstack-go/smartstack/pkg/haproxy"
)

// skipInitialReload drops the reload a start makes pending when HAProxy
// already runs what synapse would have it reload into: the first
// generation equals haproxy.cfg on disk (the caller checked, timestamp
// header aside), and every socket's "show stat", read by this update,
// runs exactly the proxies of that config and the servers of its
// backends. A restarted synapse then leaves HAProxy and its connections
// alone. The other reasons of the update (a socket that failed, a server
// HAProxy does not run) stand.
func (g *Generator) skipInitialReload(ctx context.Context, text string) {
	if !g.cfg.DoSocket || len(g.clients) == 0 || !g.reloads.has(reasonInitial) {
		return
	}
	if err := g.fileOlderThanHAProxy(ctx); err != nil {
		g.log.Info("haproxy may not run the config on disk, reloading", "why", err)
		return
	}
	want := configProxies(text)
	for _, c := range g.clients {
		e := g.stats[c.Path()]
		if e == nil {
			return // failed, or commands the record cannot follow were sent
		}
		if err := runsProxies(e.rows, want); err != nil {
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

// configProxies maps each proxy section of a config to its server names
// (nil for a frontend).
func configProxies(text string) map[string]map[string]bool {
	out := map[string]map[string]bool{}
	var cur map[string]bool
	for line := range strings.SplitSeq(text, "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) >= 2 && line[0] != '\t' && line[0] != ' ' && (f[0] == "frontend" || f[0] == "backend" || f[0] == "listen"):
			cur = map[string]bool{}
			out[f[1]] = cur
		case len(line) > 0 && line[0] != '\t' && line[0] != ' ':
			cur = nil // global, defaults, peers, ...
		case len(f) >= 2 && f[0] == "server" && cur != nil:
			cur[f[1]] = true
		}
	}
	return out
}

// runsProxies reports the first difference between the proxies and
// servers of rows and want. Proxies HAProxy makes itself (GLOBAL for the
// stats socket, <HTTPCLIENT>, ...) are not the config's.
func runsProxies(rows []hapi.StatRow, want map[string]map[string]bool) error {
	got := map[string]map[string]bool{}
	for _, r := range rows {
		if r.Proxy == "GLOBAL" || strings.HasPrefix(r.Proxy, "<") {
			continue
		}
		if got[r.Proxy] == nil {
			got[r.Proxy] = map[string]bool{}
		}
		if r.Type == hapi.TypeServer {
			if !want[r.Proxy][r.Server] {
				return fmt.Errorf("server %s/%s is not in the config", r.Proxy, r.Server)
			}
			got[r.Proxy][r.Server] = true
		}
	}
	for _, name := range sortedKeys(want) {
		servers, ok := got[name]
		if !ok {
			return fmt.Errorf("proxy %s is not running", name)
		}
		if len(servers) != len(want[name]) {
			return fmt.Errorf("proxy %s runs %d servers, the config has %d", name, len(servers), len(want[name]))
		}
	}
	if len(got) != len(want) {
		return fmt.Errorf("haproxy runs %d proxies, the config has %d", len(got), len(want))
	}
	return nil
}
