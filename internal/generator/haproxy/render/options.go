package render

import (
	"fmt"

	"github.com/smartstack-go/smartstack/pkg/haproxy/serveropt"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

// CheckOptions vets a registration's haproxy_server_options before any
// server line carries them: the string, after the %{...} expansion the
// server line applies, must pass serveropt.Parse, and must not need a
// mode http backend (the generator cannot tell every backend's mode from
// its lines alone, and the operator's server_options can still say it).
// An "id" must be a literal number: the id bookkeeping reads it before
// expansion. It runs where the generator takes a service's backends in
// (inputs), once per change of the service, not per render.
func CheckOptions(b registration.Backend) error {
	hso, ok := b.HAProxyServerOptions.AsString()
	if !ok || hso == "" {
		return nil
	}
	expanded, err := Expand(hso, b.Host, b.Port.String(), ServerName(b))
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

// Expand is the %{...} expansion a server line applies to an option
// string, for the server name at host and port.
func Expand(s, host, port, name string) (string, error) {
	return expand(s, templateVars{host: host, port: port, name: name})
}
