package plan

import (
	"fmt"
	"strings"

	hapi "github.com/smartstack-go/smartstack/pkg/haproxy"
)

// Proxies maps each proxy section of a config to its server names (none
// for a frontend).
func Proxies(cfg Config) map[string]map[string]bool {
	out := map[string]map[string]bool{}
	for _, s := range cfg {
		f := strings.Fields(s.Title)
		if len(f) < 2 || f[0] != "frontend" && f[0] != "backend" && f[0] != "listen" {
			continue // global, defaults, peers, ...
		}
		servers := out[f[1]]
		if servers == nil {
			servers = map[string]bool{}
			out[f[1]] = servers
		}
		for _, l := range s.Servers {
			servers[serverField(l)] = true
		}
	}
	return out
}

// Runs reports the first difference between the proxies and servers of
// rows ("show stat") and want (Proxies): none means HAProxy already runs
// the config, and the reload a start makes pending can be skipped.
// Proxies HAProxy makes itself (GLOBAL for the stats socket, <HTTPCLIENT>,
// ...) are not the config's.
func Runs(rows []hapi.StatRow, want map[string]map[string]bool) error {
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
