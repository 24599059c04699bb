package haproxy

import (
	"github.com/smartstack-go/smartstack/internal/generator/haproxy/render"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

// optionsWarner remembers, per service, the option strings it has warned
// about, so a bad value is logged once rather than on every change of its
// service. Each service's set is replaced on each intake, so it holds only
// what is still registered.
type optionsWarner map[string]map[string]bool

func (w optionsWarner) intake(service string, bs []registration.Backend, warn func(value string, err error)) []registration.Backend {
	var out []registration.Backend
	var seen map[string]bool
	for i, b := range bs {
		err := render.CheckOptions(b)
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
