package haproxy

import (
	"fmt"
	"strings"

	"github.com/smartstack-go/smartstack/pkg/haproxy/serveropt"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

// checkOptions vets a registration's haproxy_server_options before any
// server line carries them: the string, after the %{...} expansion the
// server line applies, must pass serveropt.Parse, and must not need a
// mode http backend (the generator cannot tell every backend's mode from
// its lines alone, and the operator's server_options can still say it).
// An "id" must be a literal number: the id bookkeeping reads it before
// expansion. It runs where the generator takes a service's backends in
// (inputs), once per change of the service, not per render.
func checkOptions(b registration.Backend) error {
	hso, ok := b.HAProxyServerOptions.AsString()
	if !ok || hso == "" {
		return nil
	}
	expanded, err := expand(hso, templateVars{host: b.Host, port: b.Port.String(), name: ServerName(b)})
	if err != nil {
		return fmt.Errorf("haproxy_server_options %q: %w", hso, err)
	}
	o, err := serveropt.Parse(expanded)
	if err != nil {
		return err
	}
	if err := o.CheckMode("tcp"); err != nil {
		return err
	}
	if expanded != hso && o.Has("id") {
		if id, _ := o.Arg("id"); !hasToken(hso, id) {
			return &serveropt.Error{Keyword: "id", Value: id, Reason: "must be a literal number, not a template"}
		}
	}
	return nil
}

// optionsWarner remembers, per service, the option strings it has warned
// about, so a bad value is logged once rather than on every change of its
// service. Each service's set is replaced on each intake, so it holds only
// what is still registered.
type optionsWarner map[string]map[string]bool

func (w optionsWarner) intake(service string, bs []registration.Backend, warn func(value string, err error)) []registration.Backend {
	var out []registration.Backend
	var seen map[string]bool
	for i, b := range bs {
		err := checkOptions(b)
		if err == nil {
			continue
		}
		if out == nil {
			out = append(make([]registration.Backend, 0, len(bs)), bs...)
			seen = map[string]bool{}
		}
		hso, _ := b.HAProxyServerOptions.AsString()
		out[i].HAProxyServerOptions = registration.Value{}
		if !w[service][hso] {
			warn(hso, err)
		}
		seen[hso] = true
	}
	if seen == nil {
		delete(w, service)
		return bs
	}
	w[service] = seen
	return out
}

// withoutID drops every "id N" pair from an option string (an id that
// collides with another server's, see idAllocator.pin).
func withoutID(hso string) string {
	f := strings.Fields(hso)
	out := f[:0]
	for i := 0; i < len(f); i++ {
		if f[i] == "id" {
			i++
			continue
		}
		out = append(out, f[i])
	}
	return strings.Join(out, " ")
}
