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
func Runs(rows []hapi.StatRow, want map[string]map[string]bool) error {
	return NewRecord(rows).Runs(want)
}

// Runs is the package's Runs against the record. Proxies HAProxy makes
// itself (GLOBAL for the stats socket, <HTTPCLIENT>, ...) are not the
// config's.
func (rec *Record) Runs(want map[string]map[string]bool) error {
	own := func(name string) bool { return name != "GLOBAL" && !strings.HasPrefix(name, "<") }
	for _, r := range rec.all(own) {
		if !want[r.proxy][r.server] {
			return fmt.Errorf("server %s/%s is not in the config", r.proxy, r.server)
		}
	}
	for _, name := range sortedKeys(want) {
		px, ok := rec.proxies[name]
		if !ok || !px.runs() {
			return fmt.Errorf("proxy %s is not running", name)
		}
		if len(px.rows) != len(want[name]) {
			return fmt.Errorf("proxy %s runs %d servers, the config has %d", name, len(px.rows), len(want[name]))
		}
	}
	got := 0
	for name, px := range rec.proxies {
		if own(name) && px.runs() {
			got++
		}
	}
	if got != len(want) {
		return fmt.Errorf("haproxy runs %d proxies, the config has %d", got, len(want))
	}
	return nil
}
