package haproxy

import (
	"slices"

	hapi "github.com/smartstack-go/smartstack/pkg/haproxy"
)

// dynamicPlan is what the runtime API does for the dynamic backends of one
// socket: servers to add, weights to set, servers to remove.
type dynamicPlan struct {
	commands []string
	// applied are the diff keys (see serverEntry) of the server lines the
	// commands bring about, which therefore need no reload.
	applied []string
	// servers are the runtimeKeys of the same servers.
	servers []string
	// removals are servers HAProxy runs that the config lost; agentless
	// those the previous generation wrote without agent-check.
	removals  []serverRef
	agentless map[serverRef]bool
	// refills are the slots to fill (slots_apply.go).
	refills []slotRefill
}

type serverRef struct{ backend, server string }

func (r serverRef) String() string { return r.backend + "/" + r.server }

// planDynamic compares `show stat` with the rendered dynamic backends. A
// weight change is applied when the line differs from the previous
// generation by its weight alone.
func planDynamic(rows []hapi.StatRow, running map[string]map[string]bool, want map[string]*desiredProxy) dynamicPlan {
	var p dynamicPlan
	for _, name := range sortedKeys(want) {
		d := want[name]
		servers, ok := running[name]
		if d.mech == mechSlots && ok {
			p.planSlots(name, d, servers)
		}
		if d.mech != mechDynamic || !ok {
			continue
		}
		for _, s := range d.rendered.order {
			p.planServer(name, d, d.rendered.servers[s], servers[s])
		}
	}
	for _, r := range rows {
		d := want[r.Proxy]
		if r.Type != hapi.TypeServer || d == nil || d.mech != mechDynamic {
			continue
		}
		if _, ok := d.rendered.servers[r.Server]; ok {
			continue
		}
		ref := serverRef{r.Proxy, r.Server}
		p.removals = append(p.removals, ref)
		if old, ok := d.old.server(r.Server); ok && !hasAgent(old) {
			if p.agentless == nil {
				p.agentless = map[serverRef]bool{}
			}
			p.agentless[ref] = true
		}
	}
	return p
}

func (p *dynamicPlan) planServer(backend string, d *desiredProxy, s renderedServer, running bool) {
	key := serverKey(backend, s.line)
	if !running {
		p.commands = append(p.commands, addServerCommands(backend, s)...)
		p.applied = append(p.applied, key)
		p.servers = append(p.servers, runtimeKey(backend, s.name))
		return
	}
	old, ok := d.old.server(s.name)
	if !ok || old.line == s.line || old.withoutWeight() != s.withoutWeight() {
		return
	}
	if old.weightOf() != s.weightOf() {
		p.commands = append(p.commands, hapi.SetWeightCommand(backend, s.name, s.weightOf()))
	}
	p.applied = append(p.applied, key)
	p.servers = append(p.servers, runtimeKey(backend, s.name))
}

// addServerCommands adds a server with every option of its config line
// (dynamic servers inherit no default-server), starts its checks, and
// only then lets it take traffic. HAProxy 2.6 creates it in forced
// maintenance; an explicit "disabled" would set the config maintenance
// flag, which "enable server" does not clear.
func addServerCommands(backend string, s renderedServer) []string {
	cmds := []string{hapi.AddServerCommand(backend, s.name, s.args...)}
	if slices.Contains(s.args, "check") {
		cmds = append(cmds, hapi.EnableHealthCommand(backend, s.name))
	}
	if hasAgent(s) {
		cmds = append(cmds, hapi.EnableAgentCommand(backend, s.name))
	}
	if s.live {
		cmds = append(cmds, hapi.EnableServerCommand(backend, s.name))
	}
	return cmds
}

// serverKey is the diff key (serverEntry.key) of a rendered server line.
func serverKey(backend, line string) string {
	return serverEntry{"backend " + backend, "\t" + trimDisabled(line)}.key()
}

func trimDisabled(line string) string {
	const flag = " disabled"
	if len(line) >= len(flag) && line[len(line)-len(flag):] == flag {
		return line[:len(line)-len(flag)]
	}
	return line
}

func (b *renderedBackend) server(name string) (renderedServer, bool) {
	if b == nil {
		return renderedServer{}, false
	}
	s, ok := b.servers[name]
	return s, ok
}
