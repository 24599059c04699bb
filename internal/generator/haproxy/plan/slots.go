package plan

import (
	"net"

	"github.com/smartstack-go/smartstack/internal/generator/haproxy/stanza"
	hapi "github.com/smartstack-go/smartstack/pkg/haproxy"
)

// Refill is one slot to fill: Setup (address, weight) must succeed
// before the slot takes traffic ("state ready").
type Refill struct {
	Ref   Ref
	Setup []string
	Spec  string // the slot's new line, without " disabled"
}

// useSlots marks a slot backend and plans its refills: each live slot
// whose line differs from the previous generation's by address, weight or
// the disabled flag alone gets "set server ... addr", its weight, then
// "state ready". Any other difference, and a slot the pool just grew, is
// left to the reload the config diff asks for; until then the slot is
// kept in maintenance, since HAProxy runs it with its old address. With
// no previous generation at all (no do_writes, first update) nothing is
// known of the running slots: they are enabled as the reload path does,
// and the initial reload follows.
func (d *Backend) useSlots(rb, old *stanza.Backend) {
	d.Mech, d.Stanza, d.Old = Slots, rb, old
	d.Live, d.Refill = nil, map[string][]string{}
	for _, name := range rb.Order {
		s := rb.Servers[name]
		if !stanza.IsSlot(name) || !s.Live {
			continue
		}
		prev, ok := old.Server(name)
		cmds, refill := refillCommands(d.Name, s, old)
		if old != nil && !refill && (!ok || prev.Spec() != s.Line) {
			// HAProxy runs the slot with another line until the reload:
			// out of d.Live, it stays in (or goes to) maintenance.
			continue
		}
		d.Live = append(d.Live, name)
		if refill {
			d.Refill[name] = cmds
		}
	}
}

// refillCommands are the commands that set a slot up before "state
// ready": its address and weight. Only IP addresses can be set.
func refillCommands(backend string, s stanza.Server, old *stanza.Backend) ([]string, bool) {
	prev, ok := old.Server(s.Name)
	if !ok || (prev.Live && prev.Line == s.Line) || prev.Shape() != s.Shape() {
		return nil, false
	}
	cmds := []string{}
	if prev.Addr() != s.Addr() {
		host, port, ok := stanza.SplitAddr(s.Addr())
		if !ok || net.ParseIP(host) == nil {
			return nil, false
		}
		cmds = append(cmds, hapi.SetAddrCommand(backend, s.Name, host, port))
	}
	if prev.Weight() != s.Weight() {
		cmds = append(cmds, hapi.SetWeightCommand(backend, s.Name, s.Weight()))
	}
	if s.Has("agent-check") {
		// Freeing the slot disabled it (Socket); a slot never filled has
		// it on, and enabling it again is harmless.
		cmds = append(cmds, hapi.EnableAgentCommand(backend, s.Name))
	}
	return cmds, true
}

// planSlots lists the refills of a running slot backend.
func (p *Plan) planSlots(backend string, d *Backend, running map[string]bool) {
	for _, name := range d.Stanza.Order {
		setup, ok := d.Refill[name]
		if !ok || !running[name] {
			continue
		}
		spec := d.Stanza.Servers[name].Spec()
		p.Refills = append(p.Refills, Refill{Ref{backend, name}, setup, spec})
	}
}

// Corrections are the "set server" commands that bring d's live slots
// (those not being refilled, which get their address anyway) to the
// address and weight of their config lines, where states (HAProxy's
// "show servers state") show others: a reload with server_state_file
// restores each slot's address from the state saved before it.
func Corrections(d *Backend, states []hapi.ServerState) []string {
	byName := make(map[string]hapi.ServerState, len(states))
	for _, s := range states {
		byName[s.Name] = s
	}
	var cmds []string
	for _, name := range d.Live {
		s, ok := d.Stanza.Servers[name]
		st, running := byName[name]
		if !ok || !running || d.Refill[name] != nil || s.Addr() == "" {
			continue
		}
		host, port, ok := stanza.SplitAddr(s.Addr())
		ip := net.ParseIP(host)
		if !ok || ip == nil {
			continue
		}
		if have := net.ParseIP(st.Addr); have == nil || !have.Equal(ip) || st.Port != port {
			cmds = append(cmds, hapi.SetAddrCommand(d.Name, name, host, port))
		}
		if w := s.Weight(); st.UWeight != w {
			cmds = append(cmds, hapi.SetWeightCommand(d.Name, name, w))
		}
	}
	return cmds
}

// FreeAgentSlots are, by backend, the slots with agent checks that a
// generation left free (written "disabled").
func FreeAgentSlots(backends map[string]*stanza.Backend) map[string][]string {
	out := map[string][]string{}
	for name, b := range backends {
		if b.Pool() == nil {
			continue
		}
		for _, s := range b.Order {
			srv := b.Servers[s]
			if stanza.IsSlot(s) && !srv.Live && srv.Has("agent-check") {
				out[name] = append(out[name], s)
			}
		}
	}
	return out
}

// Sweep turns off the agent and the traffic of each free slot whose
// state shows either on. An agent answering "ready" ends the maintenance
// of a slot written "disabled" after any reload. A slot HAProxy does not
// run is left to the reload that will start it.
func Sweep(backend string, free []string, states []hapi.ServerState) []string {
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
