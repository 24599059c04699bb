package haproxy

import (
	"context"

	"github.com/smartstack-go/smartstack/internal/generator/haproxy/plan"
	"github.com/smartstack-go/smartstack/internal/generator/haproxy/stanza"
	hapi "github.com/smartstack-go/smartstack/pkg/haproxy"
)

// desiredProxies maps backend names (backend_name, else the service name)
// to the services that own them. Services without a haproxy section are
// not managed, so their namesakes in HAProxy are left alone.
func desiredProxies(in []Service) plan.Wants {
	want := plan.Wants{}
	for _, svc := range in {
		if svc.Config == nil {
			continue
		}
		name := svc.Config.BackendFor(svc.Name)
		d := &plan.Backend{Service: svc.Name, Name: name, Disabled: svc.Config.Disabled, Mech: plan.Reload, Live: svc.Names}
		if d.Live == nil {
			for k := range svc.LiveCount() {
				d.Live = append(d.Live, svc.LiveName(k))
			}
		}
		want[name] = d
	}
	return want
}

// wants is what HAProxy should run of in's services: each managed
// backend with its mechanism, chosen from res (nil when the render
// failed: the reload path, then) and planned against prev, the
// generation HAProxy was brought to last, and slotBase, the slot pools
// refills start from. It logs a backend's choice when it changes.
func (g *Generator) wants(in []Service, res *Result, prev, slotBase map[string]*stanza.Backend) plan.Wants {
	want := desiredProxies(in)
	if res == nil {
		return want
	}
	cur := res.Backends()
	g.chooser.Defaults, g.chooser.Off = g.cfg.Defaults, g.cfg.DynamicServers == DynamicOff
	if !g.chooser.Off {
		g.observeSlots(cur)
	}
	g.chooser.Choose(want, cur, prev, slotBase, g.logMechanism)
	// A backend that went away and comes back logs its choice again;
	// without this the map kept every backend name ever seen.
	for name := range g.mechs {
		if _, ok := want[name]; !ok {
			delete(g.mechs, name)
		}
	}
	return want
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
