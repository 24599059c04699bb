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

// updateWants are an update's wants. part are those of the services
// whose stanzas changed (render's Fresh), which a socket's record that
// followed the previous generation's commands is planned against; all of
// them, for a record read afresh, are built only when one is: a lone
// change among 1,000 services otherwise built, chose and sorted the wants
// of all 1,000 before its command.
type updateWants struct {
	part  plan.Wants // nil: plan all
	all   plan.Wants
	build func() plan.Wants
}

// whole are every service's wants.
func (w *updateWants) whole() plan.Wants {
	if w.all == nil {
		w.all, w.build = w.build(), nil
	}
	return w.all
}

// allWants are updateWants that plan want whole.
func allWants(want plan.Wants) *updateWants { return &updateWants{all: want} }

// updateWants are the wants of an update that rendered res from in
// (res nil: the render failed).
func (g *Generator) updateWants(in []Service, res *Result) *updateWants {
	prev, slotBase := g.lastBackends(), g.slotBase()
	w := &updateWants{build: func() plan.Wants { return g.wants(in, res, prev, slotBase) }}
	switch {
	case res == nil:
		// Every service is planned: nothing is known to be as before.
	case !g.sameServices || !g.uniqueBackends:
		// The wants of every service are chosen: a service that went away
		// is forgotten (wants), and of two services with one backend name
		// the later one's is planned, as for a record read afresh.
		fresh := make(map[string]bool, len(res.Fresh))
		for _, i := range res.Fresh {
			fresh[in[i].Name] = true
		}
		w.part = w.whole().Of(fresh)
	default:
		w.part = g.freshWants(in, res, prev, slotBase)
	}
	return w
}

// freshWants are wants for the services of res.Fresh alone: the same
// backends wants gives them, each built and chosen from its own service
// and stanzas only. It is used when in are the last update's services
// (same names and configs, in order: the same backends wanted, so no
// choice is forgotten) and every backend has a name of its own.
func (g *Generator) freshWants(in []Service, res *Result, prev, slotBase map[string]*stanza.Backend) plan.Wants {
	fresh := make([]Service, len(res.Fresh))
	for k, i := range res.Fresh {
		fresh[k] = in[i]
	}
	part := desiredProxies(fresh)
	cur := res.Backends()
	g.chooser.Defaults, g.chooser.Off = g.cfg.Defaults, g.cfg.DynamicServers == DynamicOff
	if !g.chooser.Off {
		g.observeSlotsOf(part, cur)
	}
	g.chooser.Update(part, cur, prev, slotBase, g.logMechanism)
	return part
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

// observeSlotsOf is observeSlots for want's backends alone, the others'
// gauges left as they are: every slot pool is rendered, so planned, on
// every update (render.Result.Fresh), and a backend that stops being a
// pool loses its gauges here.
func (g *Generator) observeSlotsOf(want plan.Wants, backends map[string]*stanza.Backend) {
	for name := range want {
		var p *stanza.Pool
		if b := backends[name]; b != nil {
			p = b.Pool()
		}
		g.setPoolGauges(name, p)
	}
}
