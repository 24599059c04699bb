package haproxy

import (
	"context"

	hapi "github.com/smartstack-go/smartstack/pkg/haproxy"
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
	free := freeAgentSlots(g.lastBackends())
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
			cmds = append(cmds, sweepCommands(backend, free[backend], states)...)
		}
		if len(cmds) == 0 {
			continue
		}
		g.log.Info("free slots back in maintenance with their agents off", "path", c.Path(), "commands", len(cmds))
		g.forgetStat(c.Path())
		g.sendCommands(ctx, c, cmds)
	}
}

// freeAgentSlots are, by backend, the slots with agent checks that a
// generation left free (written "disabled").
func freeAgentSlots(backends map[string]*renderedBackend) map[string][]string {
	out := map[string][]string{}
	for name, b := range backends {
		if b.pool() == nil {
			continue
		}
		for _, s := range b.order {
			srv := b.servers[s]
			if _, slot := slotIndex(s); slot && !srv.live && hasAgent(srv) {
				out[name] = append(out[name], s)
			}
		}
	}
	return out
}

// sweepCommands turn off the agent and the traffic of each free slot
// whose state shows either on. A slot HAProxy does not run is left to the
// reload that will start it.
func sweepCommands(backend string, free []string, states []hapi.ServerState) []string {
	byName := make(map[string]hapi.ServerState, len(states))
	for _, s := range states {
		byName[s.Name] = s
	}
	var cmds []string
	for _, name := range free {
		s, ok := byName[name]
		if !ok {
			continue
		}
		if s.AgentEnabled() {
			cmds = append(cmds, hapi.DisableAgentCommand(backend, name))
		}
		if s.AdminState&hapi.AdminForcedMaint == 0 {
			cmds = append(cmds, hapi.DisableServerCommand(backend, name))
		}
	}
	return cmds
}
