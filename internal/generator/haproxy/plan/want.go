package plan

import (
	"slices"

	"github.com/smartstack-go/smartstack/internal/generator/haproxy/stanza"
)

// Backend is what synapse wants of one HAProxy backend it manages.
type Backend struct {
	Service string
	// Name is the HAProxy backend name (backend_name, else the service's).
	Name string
	// Disabled services keep every server of their backend in
	// maintenance.
	Disabled bool
	// Live are the server names of the live backends, in watcher order;
	// shared with the inputs, so replaced, never appended to in place.
	Live []string
	// Mech is how new and removed servers reach HAProxy (Choose sets it);
	// with Dynamic or Slots, Stanza (this generation) and Old (the
	// previous one, nil at first) are the backend's stanzas.
	Mech        Mechanism
	Stanza, Old *stanza.Backend
	// Refill holds, with Slots, the commands that set up each slot to
	// fill before it takes traffic.
	Refill map[string][]string
}

// Wants are the managed backends by name.
type Wants map[string]*Backend

// Names are w's backend names, sorted.
func (w Wants) Names() []string { return sortedKeys(w) }

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Of is w's backends of the services in services: the generator plans
// only those whose stanzas changed against a socket's record (which
// followed every command the previous updates sent), when it cannot build
// their wants alone (two services share a backend name). Planning only
// those keeps a lone change from walking every server of a large config
// (tens of milliseconds at 50,000 servers); a record read afresh is
// planned whole, which is how drift from outside is still corrected.
func (w Wants) Of(services map[string]bool) Wants {
	out := make(Wants, len(services))
	for name, d := range w {
		if services[d.Service] {
			out[name] = d
		}
	}
	return out
}

// dropsAtRuntime reports whether server left a dynamic backend's config.
func (d *Backend) dropsAtRuntime(server string) bool {
	if d.Mech != Dynamic {
		return false
	}
	_, ok := d.Stanza.Servers[server]
	return !ok
}

// SlotAgent reports whether server is a slot of this pool with an agent
// check. An agent answering "ready" takes a server out of the maintenance
// "set server ... state maint" puts it in (though not out of the config's
// "disabled"), so a slot freed at run time must have its agent disabled.
func (d *Backend) SlotAgent(server string) bool {
	if d.Mech != Slots {
		return false
	}
	s, ok := d.Stanza.Servers[server]
	return ok && s.Has("agent-check")
}

// SlotAgents reports whether any slot pool of w has agent checks: agents
// change admin states behind a record of "show stat".
func (w Wants) SlotAgents() bool {
	for _, d := range w {
		if d.Mech != Slots {
			continue
		}
		for _, name := range d.Stanza.Order {
			if d.SlotAgent(name) {
				return true
			}
		}
	}
	return false
}
