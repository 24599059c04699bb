package render

import (
	"slices"
	"strconv"

	"github.com/smartstack-go/smartstack/internal/generator/haproxy/stanza"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

// slotServers renders a slot backend: every discovered server fills a
// slot, and the slots left over are written disabled. The cookie and the
// server_options templates see the slot name: the cookie belongs to the
// slot, whoever fills it.
func (r *renderer) slotServers(svc *Service, backendLines []string) ([]string, error) {
	name := svc.Config.BackendFor(svc.Name)
	var prev *stanza.Pool
	if b := r.in.SlotBase[name]; b != nil {
		prev = b.Pool()
	}
	limit, why := r.in.Config.slotCap(string(svc.Config.ServerOptions), r.in.FDLimit)
	backends, capped := capSlots(name, uniqueBackends(svc), limit, why)
	addrs := make([]string, len(backends))
	for j, b := range backends {
		addrs[j] = b.Host + ":" + b.Port.String()
	}
	least, spare := r.in.Config.slotSizing(prev, len(addrs))
	slots, size := assignSlots(prev, addrs, least, spare)
	size = shrinkPool(size, slots, r.in.Config.freshPoolSize(len(addrs)))
	size, trimmed := capPool(name, size, slots, limit, why)
	if capped != "" { // one line: the pool then is at the limit too
		r.res.Warnings = append(r.res.Warnings, capped)
	} else if trimmed != "" {
		r.res.Warnings = append(r.res.Warnings, trimmed)
	}
	lines := make([]string, size)
	ids := map[string]int{}
	spec := lineSpec{
		service: svc.Name, tcpMode: slices.Contains(backendLines, "mode tcp"), hasID: true, dropOptID: true,
		cookie: svc.Config.CookieValueMethod, options: string(svc.Config.ServerOptions), noOptions: svc.Config.NoServerOptions,
		useNerve: r.in.Config.UseNerveWeights,
	}
	for j, b := range backends {
		i := slots[j]
		ids[ServerName(b.Backend)] = i + 1
		var err error
		if lines[i], err = r.slotLine(spec, i, b, true); err != nil {
			return nil, err
		}
	}
	for i := range lines {
		if lines[i] != "" {
			continue
		}
		var err error
		if lines[i], err = r.slotLine(spec, i, freed(prev, i), false); err != nil {
			return nil, err
		}
	}
	r.setIDs(svc.Name, ids)
	return lines, nil
}

func (r *renderer) slotLine(spec lineSpec, i int, b Backend, enabled bool) (string, error) {
	spec.server, spec.backend, spec.enabled, spec.id = stanza.SlotName(i), b, enabled, i+1
	line, warnings, err := serverLine(spec)
	r.res.Warnings = append(r.res.Warnings, warnings...)
	return line, err
}

// uniqueBackends are svc's live servers without the later ones with a
// server name seen before, as the reload path's merge does.
func uniqueBackends(svc *Service) []Backend {
	seen := map[string]bool{}
	var out []Backend
	for k := range svc.LiveCount() {
		if n := svc.LiveName(k); !seen[n] {
			seen[n] = true
			b, id := svc.Live(k)
			out = append(out, Backend{Backend: *b, ServerID: id})
		}
	}
	return out
}

// freed is what a free slot is rendered with: the address it last held,
// which HAProxy keeps after "state maint", so the line stays what HAProxy
// runs. Its weight stays too (HAProxy keeps it), unless it came from
// haproxy_server_options, which a free slot does not carry: options are
// the service's, so a server_options change reaches free slots with the
// reload it needs anyway, and does not make later refills reload.
func freed(p *stanza.Pool, i int) Backend {
	host, port, ok := stanza.SplitAddr(p.Addr(i))
	if !ok {
		return slotPlaceholder
	}
	b := Backend{Backend: registration.Backend{Host: host, Port: registration.NumberPort(port)}}
	if w, ok := p.Slots[i].Option("weight"); ok {
		if n, err := strconv.Atoi(w); err == nil {
			b.Weight = registration.IntValue(int64(n))
		}
	}
	return b
}
