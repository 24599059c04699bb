package haproxy

import (
	"net"
	"strconv"
	"strings"

	"github.com/smartstack-go/smartstack/internal/generator/haproxy/stanza"
)

// withConfigAddrs rewrites the srv_addr and srv_port of each live slot in
// a "show servers state" dump to those of its line in backends (the
// config the reload is about to load). HAProxy restores a server's
// address from the file over the config's, so a dump taken while a slot
// still ran elsewhere (a refill not applied at run time, an operator's
// "set server addr") would otherwise move the slot back after the reload,
// until checkSlots corrects it. Lines it cannot read are kept as they are.
func withConfigAddrs(state string, backends map[string]*stanza.Backend) string {
	lines := strings.Split(state, "\n")
	if len(lines) < 2 || !strings.HasPrefix(lines[1], "# ") {
		return state
	}
	col := map[string]int{}
	for i, name := range strings.Fields(lines[1][2:]) {
		col[name] = i
	}
	be, srv, addr, port := col["be_name"], col["srv_name"], col["srv_addr"], col["srv_port"]
	if be == 0 && srv == 0 || addr == 0 || port == 0 {
		return state
	}
	for i := 2; i < len(lines); i++ {
		f := strings.Fields(lines[i])
		if len(f) <= max(be, srv, addr, port) {
			continue
		}
		if _, slot := stanza.SlotIndex(f[srv]); !slot || backends[f[be]] == nil || backends[f[be]].Pool() == nil {
			continue
		}
		s, ok := backends[f[be]].Servers[f[srv]]
		if !ok || !s.Live || s.Addr() == "" {
			continue
		}
		host, p, ok := stanza.SplitAddr(s.Addr())
		if !ok || net.ParseIP(host) == nil {
			continue
		}
		f[addr], f[port] = host, strconv.Itoa(p)
		lines[i] = strings.Join(f, " ")
	}
	return strings.Join(lines, "\n")
}
