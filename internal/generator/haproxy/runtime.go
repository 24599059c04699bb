package haproxy

import (
	"context"
	"slices"

	"github.com/smartstack-go/smartstack/internal/generator/haproxy/plan"
	"github.com/smartstack-go/smartstack/internal/generator/haproxy/stanza"
	hapi "github.com/smartstack-go/smartstack/pkg/haproxy"
)

// runtime is the generator's memory for runtime-API membership changes.
type runtime struct {
	// versions is each socket's HAProxy version; a zero Version means
	// unknown, which keeps the reload path.
	versions map[string]hapi.Version
	// mechs is the last logged mechanism choice per backend.
	mechs map[string]string
	// chooser picks each backend's mechanism.
	chooser plan.Chooser
	// applied are the server lines this update applied at run time.
	applied plan.Applied
	// draining are removed dynamic servers waiting for their connections
	// to end, per socket path, with their deadline.
	draining map[string]map[plan.Ref]drain
	// boot are the backends of the config file found at start
	// (server_slots only): its slot pools stand for the previous
	// generation until one exists.
	boot map[string]*stanza.Backend
	// stats is each socket's record of the servers HAProxy runs
	// (statcache.go).
	stats statCache
}

func newRuntime() runtime {
	return runtime{
		versions: map[string]hapi.Version{}, mechs: map[string]string{},
		applied: plan.Applied{}, draining: map[string]map[plan.Ref]drain{},
		stats: statCache{},
	}
}

// chooseMechanisms marks each managed backend that can take dynamic
// servers or fills slots, and logs the choice when it changes.
func (g *Generator) chooseMechanisms(want plan.Wants, res *Result) {
	if res == nil {
		return
	}
	cur := res.backends()
	g.chooser.Defaults, g.chooser.Off = g.cfg.Defaults, g.cfg.DynamicServers == DynamicOff
	if !g.chooser.Off {
		g.observeSlots(cur)
	}
	why := g.chooser.Choose(want, cur, g.lastBackends(), g.slotBase())
	for _, name := range sortedKeys(why) {
		g.logMechanism(name, why[name])
	}
}

func (g *Generator) logMechanism(backend, why string) {
	if prev, ok := g.mechs[backend]; ok && prev == why {
		return
	}
	g.mechs[backend] = why
	switch why {
	case "":
		g.log.Info("backend membership changes use dynamic servers", "backend", backend, "mechanism", plan.Dynamic)
		return
	case plan.SlotsChoice:
		g.log.Info("backend membership changes use server slots", "backend", backend, "mechanism", plan.Slots)
		return
	}
	g.log.Info("backend membership changes need reloads", "backend", backend, "mechanism", plan.Reload, "why", why)
}

// forSocket returns want as one socket's HAProxy can apply it.
func (g *Generator) forSocket(ctx context.Context, c *hapi.Client, want plan.Wants) plan.Wants {
	for _, d := range want {
		if d.Mech == plan.Dynamic {
			return plan.ForVersion(want, g.version(ctx, c))
		}
	}
	return want
}

// version asks HAProxy once per socket (again after a socket failure).
func (g *Generator) version(ctx context.Context, c *hapi.Client) hapi.Version {
	if v, ok := g.versions[c.Path()]; ok {
		return v
	}
	info, err := c.ShowInfo(ctx)
	_, down := g.socketDown[c.Path()]
	switch {
	case err != nil && down:
		// Logged once, as the socket's failure; ticks retry it.
		info.Version = hapi.Version{}
	case err != nil:
		g.log.Warn("haproxy version unknown, using reloads for new servers", "path", c.Path(), "err", err)
		info.Version = hapi.Version{}
	default:
		if ok, _ := plan.Capable(info.Version); !ok {
			g.log.Info("haproxy cannot add servers at run time, using reloads", "path", c.Path(), "version", info.Version)
		}
	}
	g.versions[c.Path()] = info.Version
	return info.Version
}

// applyDynamic sends a socket's dynamic commands. A refused command makes
// a reload pending (sendCommands); the lines still count as applied,
// since the reload reason already covers them.
func (g *Generator) applyDynamic(ctx context.Context, c *hapi.Client, p plan.Plan) {
	cmds := p.Runtime
	if _, experimental := plan.Capable(g.versions[c.Path()]); experimental {
		cmds = withExperimental(cmds)
	}
	if len(cmds) > 0 && !g.sendCommands(ctx, c, cmds) {
		return
	}
	g.applied.Record(p.Changes...)
	if len(p.Changes) > 0 {
		g.log.Info("servers changed at run time", "path", c.Path(), "servers", len(p.Changes))
	}
	g.fillSlots(ctx, c, p.Refills)
	g.drainServers(ctx, c, p.Removals, p.Agentless)
}

// withExperimental starts every batch with "experimental-mode on", which
// HAProxy 2.4 and 2.5 want on the connection that sends "add server".
func withExperimental(cmds []string) []string {
	var out []string
	for batch := range slices.Chunk(cmds, socketBatchSize-1) {
		out = append(out, "experimental-mode on")
		out = append(out, batch...)
	}
	return out
}
