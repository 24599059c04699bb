package render

import (
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/smartstack-go/smartstack/internal/generator/haproxy/plan"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

// server is one entry of a backend stanza. backend points into the
// Service's Cached or Backends, reg into its Registered: a copy of the
// Backend made every server entry 200 bytes, copied again by order, for
// every server of every render.
type server struct {
	name    string
	backend *Backend
	reg     *registration.Backend // when backend is nil
	enabled bool
}

// registration is the server's registration.
func (s server) registration() *registration.Backend {
	if s.backend != nil {
		return &s.backend.Backend
	}
	return s.reg
}

// value is the server's Backend, a copy on the stack for one line.
func (s server) value() Backend {
	if s.backend != nil {
		return *s.backend
	}
	return Backend{Backend: *s.reg}
}

// liveServer is live server k of svc, enabled.
func liveServer(svc *Service, k int) server {
	s := server{name: svc.LiveName(k), enabled: true}
	if svc.Backends != nil {
		s.backend = &svc.Backends[k]
	} else {
		s.reg = &svc.Registered[k]
	}
	return s
}

// mergeServers orders a service's servers as the original does: cached
// ones first (disabled), then live ones, a live server keeping its cached
// position. It reports option and weight changes against the cache.
func (r *renderer) mergeServers(svc *Service) []server {
	n := len(svc.Cached) + len(svc.Backends)
	out, index := make([]server, 0, n), make(map[string]int, n)
	for k := range svc.Cached {
		b := &svc.Cached[k]
		name := ServerName(b.Backend)
		if i, ok := index[name]; ok {
			out[i].backend = b
			continue
		}
		index[name] = len(out)
		out = append(out, server{name: name, backend: b})
	}
	for k := range svc.LiveCount() {
		s := liveServer(svc, k)
		i, ok := index[s.name]
		if !ok {
			index[s.name] = len(out)
			out = append(out, s)
			continue
		}
		r.compareCached(svc, s.name, out[i].registration(), s.registration())
		out[i] = s
	}
	return out
}

// compareCached notes what needs a reload: the stats socket cannot change
// a server's options or weight.
func (r *renderer) compareCached(svc *Service, name string, old, cur *registration.Backend) {
	service, ref := svc.Name, plan.Ref{Backend: svc.Config.BackendFor(svc.Name), Server: name}
	if !orEmpty(old.HAProxyServerOptions).Equal(orEmpty(cur.HAProxyServerOptions)) {
		r.res.addReason(ref, fmt.Sprintf("haproxy_server_options changed for %s/%s", service, name))
	}
	if r.in.Config.UseNerveWeights && !orEmpty(old.Weight).Equal(orEmpty(cur.Weight)) {
		r.res.addReason(ref, fmt.Sprintf("weight changed for %s/%s", service, name))
	}
}

// orEmpty is Ruby's fetch(key, ""): a missing key reads as "".
func orEmpty(v registration.Value) registration.Value {
	if !v.Present() {
		return registration.StringValue("")
	}
	return v
}

// assignIDs runs the original's id bookkeeping for one service and stores
// the result in r.res.ServerIDs.
func (r *renderer) assignIDs(svc *Service, servers []server) *idAllocator {
	a := newIDAllocator(r.in.ServerIDs[svc.Name], r.in.Config.MaxServerID, len(servers))
	for _, s := range servers {
		if !s.enabled {
			a.remember(s.name, s.backend.ServerID)
		}
	}
	present := make(map[string]bool, len(servers))
	for _, s := range servers {
		present[s.name] = true
	}
	for _, s := range servers {
		if s.enabled {
			if err := a.pin(svc.Name, s.name, s.value(), present); err != nil {
				r.res.Warnings = append(r.res.Warnings, err.Error())
			}
		}
	}
	for k := range svc.LiveCount() {
		if err := a.next(svc.Name, svc.LiveName(k)); err != nil {
			r.res.Warnings = append(r.res.Warnings, err.Error())
		}
	}
	a.keep(present)
	r.setIDs(svc.Name, a.ids)
	return a
}

// order sorts the servers by backend_order: asc, desc, no_shuffle, or a
// shuffle that is the same for the same seed and input order.
func order(servers []server, backendOrder string, seed int64) []server {
	out := slices.Clone(servers)
	byName := func(a, b server) int {
		switch {
		case a.name < b.name:
			return -1
		case a.name > b.name:
			return 1
		}
		return 0
	}
	switch backendOrder {
	case "asc":
		slices.SortStableFunc(out, byName)
	case "desc":
		slices.SortStableFunc(out, byName)
		slices.Reverse(out)
	case "no_shuffle":
	default:
		shuffle(out, seed)
	}
	return out
}

// shuffle is Fisher-Yates over PCG, with our own bounded draw so the
// order cannot change with a Go release.
func shuffle(s []server, seed int64) {
	rng := rand.NewPCG(uint64(seed), 0)
	for i := len(s) - 1; i > 0; i-- {
		j := int(boundedDraw(rng, uint64(i+1)))
		s[i], s[j] = s[j], s[i]
	}
}

// boundedDraw returns a uniform number in [0, n) by rejection.
func boundedDraw(rng *rand.PCG, n uint64) uint64 {
	limit := ^uint64(0) - (^uint64(0) % n)
	for {
		if v := rng.Uint64(); v < limit {
			return v % n
		}
	}
}

// backendServers returns the server lines of a service's backend stanza.
func (r *renderer) backendServers(svc *Service, backendLines []string) ([]string, error) {
	servers := r.mergeServers(svc)
	ids := r.assignIDs(svc, servers)
	tcp := slices.Contains(backendLines, "mode tcp")
	var lines []string
	for _, s := range order(servers, svc.Config.BackendOrder, r.in.Seed) {
		id, hasID := ids.lookup(s.name)
		hasID = hasID && id > 0 // HAProxy refuses id 0, which Ruby's to_i can leave
		line, warnings, err := serverLine(lineSpec{
			service: svc.Name, server: s.name, backend: s.value(), enabled: s.enabled,
			id: id, hasID: hasID, dropOptID: ids.dropped[s.name], tcpMode: tcp, cookie: svc.Config.CookieValueMethod,
			options: string(svc.Config.ServerOptions), noOptions: svc.Config.NoServerOptions, useNerve: r.in.Config.UseNerveWeights,
		})
		if err != nil {
			return nil, err
		}
		r.res.Warnings = append(r.res.Warnings, warnings...)
		lines = append(lines, line)
	}
	return lines, nil
}
