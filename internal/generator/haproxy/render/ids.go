package render

import (
	"fmt"
	"maps"
)

// ServerIDs maps a service name to its servers' HAProxy ids (server name
// to id), the original's @server_id_map. Ids stay stable across
// generations, so a seamless reload with a server-state-file keeps each
// server's state (airbnb/synapse#238). An id of 0 is recorded when an
// "id" token in haproxy_server_options has no number after it, as Ruby's
// to_i gives; such a server gets no generated id.
//
// Render never modifies a service's map: a service rendered anew gets a
// new one, unless its ids are the same. So a Result shares the maps of
// the services whose ids did not change with its Input (the whole map
// when none did), and the render memo knows an unchanged map by
// identity.
type ServerIDs map[string]map[string]int

// Clone returns a deep copy.
func (s ServerIDs) Clone() ServerIDs {
	out := make(ServerIDs, len(s))
	for svc, ids := range s {
		out[svc] = maps.Clone(ids)
	}
	return out
}

// idAllocator assigns ids for one service.
type idAllocator struct {
	ids   map[string]int // server name -> id
	used  map[int]bool
	owner map[int]string // the server that last took each id
	max   int
	// free is at or below the lowest id not in used: used only grows, so
	// next's search starts there instead of at 1, where a new service's
	// 50 servers cost 1,275 lookups (a sixth of a 50,000-server render).
	free int
	// dropped holds the servers whose own id (haproxy_server_options'
	// "id N") another server of the backend already has: their line
	// must not carry it, as HAProxy refuses a config with two equal ids.
	dropped map[string]bool
}

// newIDAllocator starts from prev's ids; servers is how many the backend
// has, so that a new service's maps are made at their size rather than
// grown server by server.
func newIDAllocator(prev map[string]int, maxID, servers int) *idAllocator {
	size := max(len(prev), servers)
	a := &idAllocator{ids: make(map[string]int, size), used: make(map[int]bool, size), owner: make(map[int]string, size),
		max: maxID, free: 1}
	maps.Copy(a.ids, prev)
	for name, id := range a.ids {
		a.used[id] = true
		a.owner[id] = name
	}
	return a
}

func (a *idAllocator) set(name string, id int) {
	a.ids[name] = id
	a.used[id] = true
	a.owner[id] = name
}

// taken reports whether another server of the backend holds id.
func (a *idAllocator) taken(name string, id int, present map[string]bool) bool {
	owner, ok := a.owner[id]
	return ok && a.used[id] && owner != name && present[owner] && a.ids[owner] == id
}

// remember takes a cached server's id unless one is already known.
func (a *idAllocator) remember(name string, cachedID int) {
	if _, ok := a.ids[name]; !ok && cachedID > 0 {
		a.set(name, cachedID)
	}
}

// pin applies a live backend's own id: a haproxy_server_id, overridden by
// an "id N" token in haproxy_server_options (which is what the server line
// will carry, so the map must agree). An id another present server holds
// is not taken (ids must be unique in a backend, or HAProxy refuses the
// whole config): the server gets a generated one, and the error says so.
func (a *idAllocator) pin(service, name string, b Backend, present map[string]bool) error {
	var err error
	if b.ServerID > 0 {
		if a.taken(name, b.ServerID, present) {
			err = fmt.Errorf("service %s: server %s: haproxy_server_id %d is taken by %s; using another", service, name, b.ServerID, a.owner[b.ServerID])
		} else {
			a.set(name, b.ServerID)
		}
	}
	hso, ok := b.HAProxyServerOptions.AsString()
	if !ok {
		return err
	}
	id, ok := optionsID(hso)
	if !ok {
		return err
	}
	if id > 0 && a.taken(name, id, present) {
		if a.dropped == nil {
			a.dropped = map[string]bool{}
		}
		a.dropped[name] = true
		if a.ids[name] == id {
			delete(a.ids, name)
		}
		return fmt.Errorf("service %s: server %s: ignoring \"id %d\" of its haproxy_server_options, server %s has that id", service, name, id, a.owner[id])
	}
	a.set(name, id)
	return nil
}

// next gives a live server without an id the lowest free id from 1, or
// reports that the service has used up max_server_id ids.
func (a *idAllocator) next(service, name string) error {
	if _, ok := a.ids[name]; ok {
		return nil
	}
	if len(a.ids) >= a.max {
		return fmt.Errorf("ran out of server ids for %s, if you need more increase the max_server_id option", service)
	}
	probe, found := a.free, false
	for range a.max {
		if !a.used[probe] {
			found = true
			break
		}
		probe = probe%a.max + 1
	}
	if !found {
		// Every id is used though fewer servers hold one (keep and pin
		// forget servers, not ids): 1, as a search from 1 ends.
		probe = 1
	} else {
		a.free = probe
	}
	a.set(name, probe)
	return nil
}

// keep forgets the servers that are not in the backend any more, so the
// map does not grow without bound.
func (a *idAllocator) keep(present map[string]bool) {
	for name := range a.ids {
		if !present[name] {
			delete(a.ids, name)
		}
	}
}

func (a *idAllocator) lookup(name string) (int, bool) {
	id, ok := a.ids[name]
	return id, ok
}

// setIDs records a service's ids in the Result. Ids the same as the
// input's leave its map in place: a lone change among 1,000 services then
// copies none (cloning every service's map was a tenth of its render),
// and the memo still knows the service's ids by identity. Otherwise the
// Result gets a map of its own (shallow: a service's ids are replaced,
// never modified) before the first change.
func (r *renderer) setIDs(service string, ids map[string]int) {
	if prev, ok := r.res.ServerIDs[service]; ok && maps.Equal(prev, ids) {
		return
	}
	if r.sharedIDs {
		r.res.ServerIDs, r.sharedIDs = maps.Clone(r.res.ServerIDs), false
	}
	r.res.ServerIDs[service] = ids
}
