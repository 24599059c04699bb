package haproxy

import (
	"context"

	"github.com/smartstack-go/smartstack/internal/generator/haproxy/plan"
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
func (g *Generator) checkSlots(ctx context.Context, c *hapi.Client, want plan.Wants) {
	var cmds []string
	for _, name := range sortedKeys(want) {
		d := want[name]
		if d.Mech != plan.Slots || d.Disabled || len(d.Live) == 0 {
			continue
		}
		states, err := c.ShowServersState(ctx, name)
		if states == nil && err != nil {
			g.log.Warn("slot addresses not checked", "path", c.Path(), "backend", name, "err", err)
			continue
		}
		cmds = append(cmds, plan.Corrections(d, states)...)
	}
	if len(cmds) == 0 {
		return
	}
	g.log.Warn("haproxy ran slots with another address or weight than the config, corrected",
		"path", c.Path(), "commands", len(cmds))
	g.m.slotCorrections.Add(float64(len(cmds)))
	g.sendCommands(ctx, c, cmds)
}
