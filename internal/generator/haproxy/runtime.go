package haproxy

import (
	"context"
	"slices"

	hapi "github.com/smartstack-go/smartstack/pkg/haproxy"
)

// runtime is the generator's memory for runtime-API membership changes.
type runtime struct {
	// versions is each socket's HAProxy version; a zero Version means
	// unknown, which keeps the reload path.
	versions map[string]hapi.Version
	// mechs is the last logged mechanism choice per backend.
	mechs map[string]string
	// applied are the diff keys this update applied at run time.
	applied map[string]bool
	// draining are removed dynamic servers waiting for their connections
	// to end, per socket path, with their deadline.
	draining map[string]map[serverRef]drain
	// boot are the backends of the config file found at start
	// (server_slots only): its slot pools stand for the previous
	// generation until one exists.
	boot map[string]*renderedBackend
	// stats is each socket's record of the servers HAProxy runs
	// (statcache.go).
	stats statCache
}

func newRuntime() runtime {
	return runtime{
		versions: map[string]hapi.Version{}, mechs: map[string]string{},
		applied: map[string]bool{}, draining: map[string]map[serverRef]drain{},
		stats: statCache{},
	}
}

// runtimeKey names a server for Result.reasonKeys and applied.
func runtimeKey(backend, server string) string { return "server " + backend + "/" + server }

// chooseMechanisms marks each managed backend that can take dynamic
// servers, and logs the choice when it changes.
func (g *Generator) chooseMechanisms(want map[string]*desiredProxy, res *Result) {
	if res == nil || g.cfg.DynamicServers == DynamicOff {
		return
	}
	cur, old, slotBase := res.backends(), g.lastBackends(), g.slotBase()
	g.observeSlots(cur)
	for _, name := range sortedKeys(want) {
		d, rb := want[name], cur[name]
		if d.disabled || rb == nil {
			continue
		}
		if rb.pool() != nil {
			g.logMechanism(name, "slots")
			d.useSlots(rb, slotBase[name])
			continue
		}
		why := rb.dynamicRefusal(g.cfg.Defaults)
		g.logMechanism(name, why)
		if why == "" {
			d.mech, d.rendered, d.old = mechDynamic, rb, old[name]
		}
	}
}

func (g *Generator) logMechanism(backend, why string) {
	if prev, ok := g.mechs[backend]; ok && prev == why {
		return
	}
	g.mechs[backend] = why
	switch why {
	case "":
		g.log.Info("backend membership changes use dynamic servers", "backend", backend, "mechanism", mechDynamic)
		return
	case "slots":
		g.log.Info("backend membership changes use server slots", "backend", backend, "mechanism", mechSlots)
		return
	}
	g.log.Info("backend membership changes need reloads", "backend", backend, "mechanism", mechReload, "why", why)
}

// forSocket returns want as one socket's HAProxy can apply it: an HAProxy
// older than 2.4 (or one whose version is unknown) gets the reload path.
func (g *Generator) forSocket(ctx context.Context, c *hapi.Client, want map[string]*desiredProxy) map[string]*desiredProxy {
	dynamic := false
	for _, d := range want {
		dynamic = dynamic || d.mech == mechDynamic
	}
	if !dynamic {
		return want
	}
	if ok, _ := dynamicCapable(g.version(ctx, c)); ok {
		return want
	}
	out := make(map[string]*desiredProxy, len(want))
	for name, d := range want {
		legacy := *d
		if d.mech == mechDynamic {
			// Slots only need "set server addr", which old HAProxy has.
			legacy.mech = mechReload
		}
		out[name] = &legacy
	}
	return out
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
		if ok, _ := dynamicCapable(info.Version); !ok {
			g.log.Info("haproxy cannot add servers at run time, using reloads", "path", c.Path(), "version", info.Version)
		}
	}
	g.versions[c.Path()] = info.Version
	return info.Version
}

// applyDynamic sends a socket's dynamic plan. A refused command makes a
// reload pending (sendCommands); the lines still count as applied, since
// the reload reason already covers them.
func (g *Generator) applyDynamic(ctx context.Context, c *hapi.Client, p dynamicPlan) {
	cmds := p.commands
	if _, experimental := dynamicCapable(g.versions[c.Path()]); experimental {
		cmds = withExperimental(cmds)
	}
	if len(cmds) > 0 && !g.sendCommands(ctx, c, cmds) {
		return
	}
	for _, k := range append(p.applied, p.servers...) {
		g.applied[k] = true
	}
	if len(p.applied) > 0 {
		g.log.Info("servers changed at run time", "path", c.Path(), "servers", len(p.applied))
	}
	g.fillSlots(ctx, c, p.refills)
	g.drainServers(ctx, c, p.removals, p.agentless)
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
