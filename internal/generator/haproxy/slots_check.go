package haproxy

import (
	"context"
	"net"

	hapi "github.com/smartstack-go/smartstack/pkg/haproxy"
)

// checkSlots compares the address, port and weight HAProxy runs each live
// slot with those of the config synapse wrote, and corrects them with "set
// server". "show stat" shows none of this, and the enable/disable plan
// trusts a slot's name; but a reload with server_state_file restores each
// slot's address from the state saved before it ("changed from
// server-state after a reload"), and a slot refilled at run time would then
// send its new backend's traffic to the old one. It runs on every fresh
// read of a socket (after a reload, at start, every statResync).
func (g *Generator) checkSlots(ctx context.Context, c *hapi.Client, want map[string]*desiredProxy) {
	var cmds []string
	for _, name := range sortedKeys(want) {
		d := want[name]
		if d.mech != mechSlots || d.disabled || len(d.live) == 0 {
			continue
		}
		states, err := c.ShowServersState(ctx, name)
		if states == nil && err != nil {
			g.log.Warn("slot addresses not checked", "path", c.Path(), "backend", name, "err", err)
			continue
		}
		cmds = append(cmds, slotCorrections(d, states)...)
	}
	if len(cmds) == 0 {
		return
	}
	g.log.Warn("haproxy ran slots with another address or weight than the config, corrected",
		"path", c.Path(), "commands", len(cmds))
	g.m.slotCorrections.Add(float64(len(cmds)))
	g.sendCommands(ctx, c, cmds)
}

// slotCorrections are the "set server" commands that bring d's live
// slots (those not being refilled, which get their address anyway) to the
// address and weight of their config lines.
func slotCorrections(d *desiredProxy, states []hapi.ServerState) []string {
	byName := make(map[string]hapi.ServerState, len(states))
	for _, s := range states {
		byName[s.Name] = s
	}
	var cmds []string
	for _, name := range d.live {
		s, ok := d.rendered.servers[name]
		st, running := byName[name]
		if !ok || !running || d.refill[name] != nil || len(s.args) == 0 {
			continue
		}
		host, port, ok := splitAddr(s.args[0])
		ip := net.ParseIP(host)
		if !ok || ip == nil {
			continue
		}
		if have := net.ParseIP(st.Addr); have == nil || !have.Equal(ip) || st.Port != port {
			cmds = append(cmds, hapi.SetAddrCommand(d.backend, name, host, port))
		}
		if w := s.weightOf(); st.UWeight != w {
			cmds = append(cmds, hapi.SetWeightCommand(d.backend, name, w))
		}
	}
	return cmds
}
