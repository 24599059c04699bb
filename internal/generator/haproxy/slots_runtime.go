package haproxy

import (
	"net"
	"slices"
	"strconv"
	"strings"

	hapi "github.com/smartstack-go/smartstack/pkg/haproxy"
)

// mechSlots fills and empties pre-allocated slot servers with "set
// server": no server is added or deleted, so it works on any balance
// algorithm and keeps cookie and default-server.
const mechSlots mechanism = "slots"

// useSlots marks a slot backend and plans its refills: each live slot
// whose line differs from the previous generation's by address, weight or
// the disabled flag alone gets "set server ... addr", its weight, then
// "state ready". Any other difference, and a slot the pool just grew, is
// left to the reload the config diff asks for; until then the slot is
// kept in maintenance, since HAProxy runs it with its old address. With
// no previous generation at all (no do_writes, first update) nothing is
// known of the running slots: they are enabled as the reload path does,
// and the initial reload follows.
func (d *desiredProxy) useSlots(rb, old *renderedBackend) {
	d.mech, d.rendered, d.old = mechSlots, rb, old
	d.live, d.refill = nil, map[string][]string{}
	for _, name := range rb.order {
		s := rb.servers[name]
		if _, slot := slotIndex(name); !slot || !s.live {
			continue
		}
		prev, ok := old.server(name)
		cmds, refill := refillCommands(d.backend, s, old)
		if old != nil && !refill && (!ok || trimDisabled(prev.line) != s.line) {
			// HAProxy runs the slot with another line until the reload:
			// out of d.live, it stays in (or goes to) maintenance.
			continue
		}
		d.live = append(d.live, name)
		if refill {
			d.refill[name] = cmds
		}
	}
}

// refillCommands are the commands that set a slot up before "state
// ready": its address and weight. Only IP addresses can be set.
func refillCommands(backend string, s renderedServer, old *renderedBackend) ([]string, bool) {
	prev, ok := old.server(s.name)
	if !ok || (prev.live && prev.line == s.line) || slotShape(prev) != slotShape(s) {
		return nil, false
	}
	cmds := []string{}
	if prev.args[0] != s.args[0] {
		host, port, ok := splitAddr(s.args[0])
		if !ok || net.ParseIP(host) == nil {
			return nil, false
		}
		cmds = append(cmds, hapi.SetAddrCommand(backend, s.name, host, port))
	}
	if prev.weightOf() != s.weightOf() {
		cmds = append(cmds, hapi.SetWeightCommand(backend, s.name, s.weightOf()))
	}
	if hasAgent(s) {
		// Freeing the slot disabled it (planSocket); a slot never filled
		// has it on, and enabling it again is harmless.
		cmds = append(cmds, hapi.EnableAgentCommand(backend, s.name))
	}
	return cmds, true
}

// slotAgents reports whether any slot pool of want has agent checks.
func slotAgents(want map[string]*desiredProxy) bool {
	for _, d := range want {
		if d.mech == mechSlots && slices.ContainsFunc(d.rendered.order, d.slotAgent) {
			return true
		}
	}
	return false
}

func hasAgent(s renderedServer) bool { return slices.Contains(s.args, "agent-check") }

// slotAgent reports whether server is a slot of this pool with an agent
// check. An agent answering "ready" takes a server out of the maintenance
// "set server ... state maint" puts it in (though not out of the config's
// "disabled"), so a slot freed at run time must have its agent disabled.
func (d *desiredProxy) slotAgent(server string) bool {
	if d.mech != mechSlots {
		return false
	}
	s, ok := d.rendered.servers[server]
	return ok && hasAgent(s)
}

// slotShape is a slot line without its address and weight: what must not
// change for a refill to need no reload.
func slotShape(s renderedServer) string {
	if len(s.args) == 0 {
		return s.name
	}
	return renderedServer{name: s.name, args: s.args[1:]}.withoutWeight()
}

// splitAddr splits "host:port" ("[v6]:port" too) for "set server addr".
func splitAddr(addr string) (string, int, bool) {
	i := strings.LastIndexByte(addr, ':')
	if i < 0 {
		return "", 0, false
	}
	port, err := strconv.Atoi(addr[i+1:])
	if err != nil || port < 1 {
		return "", 0, false
	}
	return strings.Trim(addr[:i], "[]"), port, true
}

// slotRefill is one slot to fill: setup (address, weight) must succeed
// before the slot takes traffic.
type slotRefill struct {
	ref   serverRef
	setup []string
	key   string // diff key of the slot's new line
}

// planSlots lists the refills of a running slot backend.
func (p *dynamicPlan) planSlots(backend string, d *desiredProxy, running map[string]bool) {
	for _, name := range d.rendered.order {
		setup, ok := d.refill[name]
		if !ok || !running[name] {
			continue
		}
		key := serverKey(backend, d.rendered.servers[name].line)
		p.refills = append(p.refills, slotRefill{serverRef{backend, name}, setup, key})
	}
}

// loadSlots reads the live config file, so a restart keeps each server
// in the slot (and cookie) HAProxy runs it in.
func (g *Generator) loadSlots() {
	if g.cfg.ServerSlots == 0 || g.cfg.ConfigFilePath == "" {
		return
	}
	text, err := readLive(g.cfg.ConfigFilePath)
	if err != nil {
		g.log.Warn("slot pools not read, they start afresh", "path", g.cfg.ConfigFilePath, "err", err)
		return
	}
	g.boot = parseBackends(StripHeader(text))
}

// slotBase is the previous generation's backends, else those of the file
// found at start.
func (g *Generator) slotBase() map[string]*renderedBackend {
	if g.cfg.ServerSlots == 0 {
		return nil
	}
	if g.last == nil {
		return g.boot
	}
	return g.last.backends()
}

// slotPools are the pools the next generation starts from.
func (g *Generator) slotPools() map[string]*slotPool {
	return poolsIn(g.slotBase())
}

// observeSlots sets the pool gauges from a generation's backends. The
// gauges are reset first, so a backend that stopped being a pool (or
// left) does not keep reporting its last pool.
func (g *Generator) observeSlots(backends map[string]*renderedBackend) {
	g.m.slotPoolSize.Reset()
	g.m.slotPoolFree.Reset()
	for name, b := range backends {
		p := b.pool()
		if p == nil {
			continue
		}
		free := 0
		for i := range p.size() {
			if !p.isUsed(i) {
				free++
			}
		}
		g.m.slotPoolSize.WithLabelValues(name).Set(float64(p.size()))
		g.m.slotPoolFree.WithLabelValues(name).Set(float64(free))
	}
}
