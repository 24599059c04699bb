package plan

import (
	"github.com/smartstack-go/smartstack/internal/generator/haproxy/stanza"
	hapi "github.com/smartstack-go/smartstack/pkg/haproxy"
)

// dynamic plans the dynamic backends and slot refills against "show
// stat". A weight change is applied when the line differs from the
// previous generation by its weight alone.
func (p *Plan) dynamic(rows []serverRow, running map[string]map[string]bool, want Wants) {
	for _, name := range want.Names() {
		d := want[name]
		servers, ok := running[name]
		if d.Mech == Slots && ok {
			p.planSlots(name, d, servers)
		}
		if d.Mech != Dynamic || !ok {
			continue
		}
		for _, s := range d.Stanza.Order {
			p.planServer(name, d, d.Stanza.Servers[s], servers[s])
		}
	}
	for _, r := range rows {
		d := want[r.proxy]
		if d == nil || d.Mech != Dynamic {
			continue
		}
		if _, ok := d.Stanza.Servers[r.server]; ok {
			continue
		}
		ref := Ref{r.proxy, r.server}
		p.Removals = append(p.Removals, ref)
		if old, ok := d.Old.Server(r.server); ok && !old.Has("agent-check") {
			if p.Agentless == nil {
				p.Agentless = map[Ref]bool{}
			}
			p.Agentless[ref] = true
		}
	}
}

func (p *Plan) planServer(backend string, d *Backend, s stanza.Server, running bool) {
	change := Change{Ref{backend, s.Name}, s.Spec()}
	if !running {
		p.Runtime = append(p.Runtime, AddServerCommands(backend, s)...)
		p.Changes = append(p.Changes, change)
		status := StatMaint
		if s.Live {
			status = StatUp
		}
		p.Added = append(p.Added, hapi.StatRow{Proxy: backend, Server: s.Name, Type: hapi.TypeServer, Status: status})
		return
	}
	old, ok := d.Old.Server(s.Name)
	if !ok || old.Line == s.Line || old.WithoutWeight() != s.WithoutWeight() {
		return
	}
	if old.Weight() != s.Weight() {
		p.Runtime = append(p.Runtime, hapi.SetWeightCommand(backend, s.Name, s.Weight()))
	}
	p.Changes = append(p.Changes, change)
}

// AddServerCommands add a server with every option of its config line
// (dynamic servers inherit no default-server), start its checks, and only
// then let it take traffic. HAProxy 2.6 creates it in forced
// maintenance; an explicit "disabled" would set the config maintenance
// flag, which "enable server" does not clear.
func AddServerCommands(backend string, s stanza.Server) []string {
	cmds := []string{hapi.AddServerCommand(backend, s.Name, s.Words()...)}
	if s.Has("check") {
		cmds = append(cmds, hapi.EnableHealthCommand(backend, s.Name))
	}
	if s.Has("agent-check") {
		cmds = append(cmds, hapi.EnableAgentCommand(backend, s.Name))
	}
	if s.Live {
		cmds = append(cmds, hapi.EnableServerCommand(backend, s.Name))
	}
	return cmds
}
