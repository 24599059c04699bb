package haproxy

import (
	"context"
	"strings"
	"time"

	"github.com/smartstack-go/smartstack/internal/generator/haproxy/plan"
	hapi "github.com/smartstack-go/smartstack/pkg/haproxy"
)

// drain is a removed dynamic server waiting to be deleted.
type drain struct {
	deadline time.Time // drain_timeout after the removal
	killed   bool      // "shutdown sessions server" was sent
}

// drainServers removes the servers a socket's dynamic backends lost. A
// removal puts the server in maintenance, which stops new traffic while
// established connections run on ("state drain" would still route
// persistent requests to it), then deletes it once HAProxy allows: no
// connections and an empty queue. Past drain_timeout the remaining
// sessions are shut down. Servers that came back stop draining.
//
// The agent check is disabled first: an agent answering "ready" cancels
// maintenance, which would put the server back in rotation mid-drain.
// HAProxy 2.6 takes "disable agent" silently on a server without one, so
// it is sent for every removal whose line in the previous generation is
// not known to lack agent-check (agentless): the stat record keeps no
// agent status, and after a restart there is no previous generation.
// Skipping it where it is known useless makes the common removal one
// command on the socket, no batch. Health checks need nothing:
// maintenance pauses them, they cannot end it, and "del server" stops
// them itself.
//
// Which servers drain is read from HAProxy on every update, not kept: a
// restarted synapse finds the servers the old one left in maintenance
// among the removals, and drains and deletes them the same way (with a
// fresh drain_timeout).
func (g *Generator) drainServers(ctx context.Context, c *hapi.Client, removals []plan.Ref, agentless map[plan.Ref]bool) {
	path := c.Path()
	prev := g.draining[path]
	next := make(map[plan.Ref]drain, len(removals))
	var fresh []string
	for _, r := range removals {
		d, ok := prev[r]
		if !ok {
			d = drain{deadline: g.now().Add(time.Duration(g.cfg.DrainTimeout))}
			if !agentless[r] {
				fresh = append(fresh, hapi.DisableAgentCommand(r.Backend, r.Server))
			}
			fresh = append(fresh, hapi.SetServerStateCommand(r.Backend, r.Server, hapi.Maint))
		}
		next[r] = d
	}
	g.draining[path] = next
	if len(fresh) > 0 {
		g.sendCommands(ctx, c, fresh)
	}
	g.deleteDrained(ctx, c)
}

// finishDrains retries the deletions pending on every socket, from Tick.
func (g *Generator) finishDrains(ctx context.Context) {
	for _, c := range g.clients {
		if len(g.draining[c.Path()]) > 0 {
			g.deleteDrained(ctx, c)
		}
	}
}

// deleteDrained tries "del server" on each draining server of a socket.
// A refusal because connections remain keeps it draining; any other
// refusal (the server is gone, or was enabled again) ends the drain.
func (g *Generator) deleteDrained(ctx context.Context, c *hapi.Client) {
	pending := g.draining[c.Path()]
	now := g.now()
	for _, r := range sortedRefs(pending) {
		d := pending[r]
		var cmds []string
		if !now.Before(d.deadline) && !d.killed {
			cmds = append(cmds, "shutdown sessions server "+hapi.ServerRef(r.Backend, r.Server))
			d.killed = true
			pending[r] = d
			g.log.Warn("drain timeout, shutting down the server's sessions", "server", r.String(), "timeout", time.Duration(g.cfg.DrainTimeout))
		}
		results, err := c.Exec(ctx, append(cmds, hapi.DelServerCommand(r.Backend, r.Server))...)
		if err != nil {
			g.socketFailed(c.Path(), err)
			return
		}
		g.endDrain(c.Path(), r, results[len(results)-1])
	}
}

func (g *Generator) endDrain(path string, r plan.Ref, res hapi.Result) {
	switch {
	case res.Err == nil:
		g.m.socketCommands.WithLabelValues("ok").Inc()
		g.log.Info("server deleted at run time", "path", path, "server", r.String())
	case strings.Contains(res.Answer, "still has connections"):
		g.log.Debug("server still draining", "path", path, "server", r.String())
		return
	default:
		g.m.socketCommands.WithLabelValues("error").Inc()
		g.log.Warn("server not deleted, ending its drain", "path", path, "server", r.String(), "err", res.Err)
	}
	delete(g.draining[path], r)
}

func sortedRefs(m map[plan.Ref]drain) []plan.Ref {
	keys := make([]string, 0, len(m))
	byKey := map[string]plan.Ref{}
	for r := range m {
		keys = append(keys, r.String())
		byKey[r.String()] = r
	}
	out := make([]plan.Ref, 0, len(keys))
	for _, k := range sortedKeys(byKey) {
		out = append(out, byKey[k])
	}
	return out
}
