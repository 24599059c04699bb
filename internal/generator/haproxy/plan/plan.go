package plan

import (
	"fmt"
	"strings"

	hapi "github.com/smartstack-go/smartstack/pkg/haproxy"
)

// Statuses a plan gives servers after its commands: "enable server" and
// "add server" plus "enable server" leave a server taking traffic, which
// Socket reads from "UP" as from "no check"; a disabled, added disabled
// or draining server is in maintenance.
const (
	StatUp    = "UP"
	StatMaint = "MAINT"
)

// Plan is what one socket's HAProxy gets for one update, and what only a
// reload can do.
type Plan struct {
	// Commands enable and disable the servers HAProxy runs (Split says
	// which go before the run-time changes and which after).
	Commands []string
	// Status is each commanded server's status once HAProxy took it.
	Status map[Ref]string
	// Reasons are what the socket cannot do.
	Reasons []Reason
	// Runtime adds servers to dynamic backends and sets their weights;
	// Changes are the server lines they bring about.
	Runtime []string
	Changes []Change
	// Removals are servers of dynamic backends HAProxy runs that the
	// config lost, to drain and delete; Agentless those the previous
	// generation wrote without agent-check.
	Removals  []Ref
	Agentless map[Ref]bool
	// Added are the stat rows of the servers Runtime adds.
	Added []hapi.StatRow
	// Refills are the slots to fill.
	Refills []Refill
}

// Idle reports whether p has nothing to send.
func (p *Plan) Idle() bool {
	return len(p.Commands) == 0 && len(p.Runtime) == 0 && len(p.Removals) == 0 && len(p.Refills) == 0
}

// Running maps each proxy of rows to its server names.
func Running(rows []hapi.StatRow) map[string]map[string]bool {
	running := map[string]map[string]bool{}
	for _, r := range rows {
		if running[r.Proxy] == nil {
			running[r.Proxy] = map[string]bool{}
		}
		if r.Type == hapi.TypeServer {
			running[r.Proxy][r.Server] = true
		}
	}
	return running
}

// Socket plans one socket: rows are its "show stat" (or the record of
// it), running is Running(rows). Servers of backends synapse does not
// manage are left alone (the original disables them). A wanted backend
// or server that HAProxy does not run, and that no run-time command
// brings about, needs a reload.
func Socket(rows []hapi.StatRow, running map[string]map[string]bool, want Wants) Plan {
	servers := make([]serverRow, 0, len(rows))
	for _, r := range rows {
		if r.Type == hapi.TypeServer {
			servers = append(servers, serverRow{r.Proxy, r.Server, r.Status})
		}
	}
	return socket(servers, running, want)
}

// serverRow is a server's row of "show stat" as the plans read it.
type serverRow struct{ proxy, server, status string }

func socket(rows []serverRow, running map[string]map[string]bool, want Wants) Plan {
	p := Plan{Status: map[Ref]string{}}
	enabled := p.checkRunning(running, want)
	for _, r := range rows {
		d := want[r.proxy]
		if d == nil {
			continue
		}
		ref := Ref{r.proxy, r.server}
		switch {
		case d.dropsAtRuntime(r.server), d.Refill[r.server] != nil:
			// The dynamic plan deletes it, or the refill readies it once
			// set up.
		case enabled[r.proxy][r.server]:
			// DOWN by health check also gets "enable server", as in the
			// original: it only clears maintenance and is harmless. A
			// server without checks reports "no check" while it takes
			// traffic; enabling it again on every update was pure socket
			// noise.
			if !strings.HasPrefix(r.status, "UP") && r.status != "no check" {
				p.Commands = append(p.Commands, hapi.EnableServerCommand(r.proxy, r.server))
				p.Status[ref] = StatUp
			}
		case r.status != "MAINT":
			if d.SlotAgent(r.server) {
				// An agent's "ready" would end the freed slot's maintenance.
				p.Commands = append(p.Commands, hapi.DisableAgentCommand(r.proxy, r.server))
			}
			p.Commands = append(p.Commands, hapi.DisableServerCommand(r.proxy, r.server))
			p.Status[ref] = StatMaint
		}
	}
	p.dynamic(rows, running, want)
	return p
}

// checkRunning finds the wanted servers HAProxy runs (enabled, by
// backend) and gives a reason for those it does not run, unless the
// dynamic plan adds them.
func (p *Plan) checkRunning(running map[string]map[string]bool, want Wants) map[string]map[string]bool {
	enabled := map[string]map[string]bool{}
	for _, name := range want.Names() {
		d := want[name]
		if d.Disabled || len(d.Live) == 0 {
			continue
		}
		servers, ok := running[name]
		if !ok {
			p.Reasons = append(p.Reasons, Reason{NewSection,
				fmt.Sprintf("backend %s of service %s is not running", name, d.Service)})
			continue
		}
		enabled[name] = map[string]bool{}
		for _, s := range d.Live {
			if servers[s] {
				enabled[name][s] = true
				continue
			}
			if d.Mech == Dynamic {
				continue // the dynamic plan adds it
			}
			p.Reasons = append(p.Reasons, Reason{NewServer, fmt.Sprintf("server %s/%s is not running", name, s)})
		}
	}
	return enabled
}

// Split is Commands in two batches, each in its order: the enables, which
// go before the run-time changes and slot refills, and the disables,
// which go after them. A backend whose servers are replaced in one update
// (a slot freed as another is filled, a server disabled as one is added)
// then always has one in service: sent first, the disables left it none
// until the new one was ready, and requests in between got a 503.
func (p Plan) Split() (enables, disables []string) {
	for _, c := range p.Commands {
		if strings.HasPrefix(c, "enable ") {
			enables = append(enables, c)
		} else {
			disables = append(disables, c)
		}
	}
	return enables, disables
}
