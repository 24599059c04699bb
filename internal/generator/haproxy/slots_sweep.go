package haproxy

import (
	"context"

	"github.com/smartstack-go/smartstack/internal/generator/haproxy/plan"
)

// sweepAgentSlots puts the free slots of pools with agent checks back in
// maintenance, their agents off, wherever HAProxy runs them otherwise. A
// reload (synapse's, or anyone's) starts every server with its agent on,
// and an agent answering "ready" ends the maintenance of a slot written
// "disabled": the slot would take traffic at the address it last held
// until the next update. Tick runs this every second, so that window is
// at most a tick; a server-state-file closes it, since HAProxy restores
// the agents' state from it.
func (g *Generator) sweepAgentSlots(ctx context.Context) {
	if !g.cfg.DoSocket {
		return
	}
	free := plan.FreeAgentSlots(g.lastBackends())
	if len(free) == 0 {
		return
	}
	for _, c := range g.clients {
		var cmds []string
		for _, backend := range sortedKeys(free) {
			states, err := c.ShowServersState(ctx, backend)
			if states == nil && err != nil {
				g.log.Debug("free agent slots not checked", "path", c.Path(), "backend", backend, "err", err)
				continue
			}
			cmds = append(cmds, plan.Sweep(backend, free[backend], states)...)
		}
		if len(cmds) == 0 {
			continue
		}
		g.log.Info("free slots back in maintenance with their agents off", "path", c.Path(), "commands", len(cmds))
		g.forgetStat(c.Path())
		g.sendCommands(ctx, c, cmds)
	}
}
