package haproxy

import (
	"fmt"
	"slices"

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

// inputBuffers are the two slices updates build their inputs in, in
// turn: one is the last update's (Generator.prevIn), and the next is
// built in the other from it, writing only the services that differ. At
// 1,000 services a new slice per update was 140 KB of garbage, and
// building every entry anew most of this step for a lone change.
type inputBuffers struct {
	bufs [2][]Service
	cur  int // the buffer prevIn is
	// written are the entries the last update wrote (all: every one),
	// which the other buffer lacks.
	written []int
	all     bool
}

// next is the buffer to build n services in from prev, brought up to
// prev's entries (same length), else a new one; busy is a slice that
// must not be reused (the inputs of the last successful render).
func (b *inputBuffers) next(prev, busy []Service, n int) (out []Service, same bool) {
	w := b.bufs[1-b.cur]
	switch {
	case prev == nil || len(prev) != n:
		out = make([]Service, n)
	case len(w) != n || len(busy) > 0 && &busy[0] == &w[0]:
		out, same = slices.Clone(prev), true
	default:
		out, same = w, true
		if b.all {
			copy(out, prev)
			break
		}
		for _, i := range b.written {
			out[i] = prev[i]
		}
	}
	b.written, b.all = b.written[:0], !same
	return out, same
}

// keep makes out, built by next, the buffer prevIn is.
func (b *inputBuffers) keep(out []Service) {
	if cur := b.bufs[b.cur]; len(cur) > 0 && len(out) > 0 && &cur[0] == &out[0] {
		return
	}
	b.cur = 1 - b.cur
	b.bufs[b.cur] = out
}

// inputs turns the generator's view of the services into Render's. When
// they are as many as the last update's, the entries of the services that
// are as they were (same place, name, config and backends, by
// render.MemoSource) are left as that update built them: only the others
// are written, a service with the same backends keeping that update's
// vetted backends and names without a lookup by name.
func (g *Generator) inputs(services []generator.Service) ([]Service, error) {
	if g.inputCache == nil {
		g.inputCache = make(map[string]inputEntry, len(services))
	}
	prev := g.prevIn
	out, same := g.inBufs.next(prev, g.lastIn, len(services))
	for i, s := range services {
		svc := Service{Name: s.Name, Cached: g.state.Cached(s.Name), Source: render.SourceOf(s.Revision, s.Backends)}
		switch c := s.Config.(type) {
		case nil:
		case *ServiceConfig:
			svc.Config = c
		default:
			g.inBufs.all = true // out is half written
			return nil, fmt.Errorf("haproxy generator: service %s: config of type %T, want *haproxy.ServiceConfig from Normalize", s.Name, s.Config)
		}
		same = same && prev[i].Name == svc.Name && prev[i].Config == svc.Config
		if len(prev) == len(services) && prev[i].Name == svc.Name && svc.Source != (render.MemoSource{}) && prev[i].Source == svc.Source {
			// The cache entry holds these too (it is what they came from).
			if prev[i].Config == svc.Config && len(svc.Cached) == 0 && len(prev[i].Cached) == 0 {
				continue // out[i] is prev[i]
			}
			svc.Registered, svc.Names = prev[i].Registered, prev[i].Names
		} else {
			e, ok := g.inputCache[s.Name]
			if !ok || svc.Source == (render.MemoSource{}) || e.source != svc.Source {
				e = namedInputs(svc.Source, g.vetOptions(s))
				g.inputCache[s.Name] = e
			}
			svc.Registered, svc.Names = e.backends, e.names
		}
		out[i] = svc
		g.inBufs.written = append(g.inBufs.written, i)
	}
	// Kept in place (a new map of 1,000 entries per update was garbage):
	// only services that went are swept out.
	if len(g.inputCache) > len(services) {
		g.sweepInputs(services)
	}
	if !same {
		g.uniqueBackends = uniqueBackends(out)
	}
	g.inBufs.keep(out)
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
