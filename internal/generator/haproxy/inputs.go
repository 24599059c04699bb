package haproxy

import (
	"fmt"

	"github.com/smartstack-go/smartstack/internal/generator"
	"github.com/smartstack-go/smartstack/internal/generator/haproxy/render"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

// inputEntry is one service's vetted backends and their names, kept
// while the synapse loop hands over the same ones (render.MemoSource): at
// 50,000 servers building the names again on every update was megabytes
// of garbage for a change to one service. The backends are the watcher's
// own slice unless the intake removed options (render.Service.Registered).
type inputEntry struct {
	source   render.MemoSource
	backends []registration.Backend
	names    []string // ServerName of each, in order
}

// inputs turns the generator's view of the services into Render's. A
// service in the same place as in the last update, with the same backends
// (render.MemoSource), takes that update's vetted backends and names
// without a lookup by name: at 1,000 services that was most of this step
// for a lone change.
func (g *Generator) inputs(services []generator.Service) ([]Service, error) {
	out := make([]Service, 0, len(services))
	if g.inputCache == nil {
		g.inputCache = make(map[string]inputEntry, len(services))
	}
	prev := g.prevIn
	same := prev != nil && len(prev) == len(services)
	for i, s := range services {
		svc := Service{Name: s.Name, Cached: g.state.Cached(s.Name), Source: render.SourceOf(s.Revision, s.Backends)}
		switch c := s.Config.(type) {
		case nil:
		case *ServiceConfig:
			svc.Config = c
		default:
			return nil, fmt.Errorf("haproxy generator: service %s: config of type %T, want *haproxy.ServiceConfig from Normalize", s.Name, s.Config)
		}
		same = same && prev[i].Name == svc.Name && prev[i].Config == svc.Config
		if same && svc.Source != (render.MemoSource{}) && prev[i].Source == svc.Source {
			// The cache entry holds these too (it is what they came from).
			svc.Registered, svc.Names = prev[i].Registered, prev[i].Names
			out = append(out, svc)
			continue
		}
		e, ok := g.inputCache[s.Name]
		if !ok || svc.Source == (render.MemoSource{}) || e.source != svc.Source {
			e = namedInputs(svc.Source, g.vetOptions(s))
			g.inputCache[s.Name] = e
		}
		svc.Registered, svc.Names = e.backends, e.names
		out = append(out, svc)
	}
	// Kept in place (a new map of 1,000 entries per update was garbage):
	// only services that went are swept out.
	if len(g.inputCache) > len(services) {
		g.sweepInputs(services)
	}
	if !same {
		g.uniqueBackends = uniqueBackends(out)
	}
	g.prevIn, g.sameServices = out, same
	return out, nil
}

// uniqueBackends reports whether no two services of in with a config
// share a backend name.
func uniqueBackends(in []Service) bool {
	seen := make(map[string]bool, len(in))
	for _, svc := range in {
		if svc.Config == nil {
			continue
		}
		name := svc.Config.BackendFor(svc.Name)
		if seen[name] {
			return false
		}
		seen[name] = true
	}
	return true
}

// sweepInputs forgets the services not in services.
func (g *Generator) sweepInputs(services []generator.Service) {
	names := make(map[string]bool, len(services))
	for _, s := range services {
		names[s.Name] = true
	}
	for name := range g.inputCache {
		if !names[name] {
			delete(g.inputCache, name)
		}
	}
}

// vetOptions returns the service's backends with the haproxy_server_options
// that render.CheckOptions refuses removed: the registration is still used,
// without them, and one warning names the keyword.
func (g *Generator) vetOptions(s generator.Service) []registration.Backend {
	if g.optWarn == nil {
		g.optWarn = optionsWarner{}
	}
	return g.optWarn.intake(s.Name, s.Backends, func(value string, err error) {
		g.log.Warn("using a registration without its haproxy_server_options", "service", s.Name,
			"haproxy_server_options", value, "err", err)
	})
}

// namedInputs is the entry of backends: the slice itself, and its names.
func namedInputs(source render.MemoSource, backends []registration.Backend) inputEntry {
	e := inputEntry{source: source, backends: backends, names: make([]string, len(backends))}
	for i := range backends {
		e.names[i] = ServerName(backends[i])
	}
	return e
}
