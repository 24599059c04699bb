package statefile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/smartstack-go/smartstack/internal/generator/haproxy/render"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

// ConfigKey is the per-service key that holds the service's haproxy map
// in the original's state file, beside the server names.
const ConfigKey = "watcher_config_for_generator"

// encode writes the cache as the original does: JSON.pretty_generate
// (two-space indent, no final newline) of
// {service: {server: {timestamp, haproxy_server_id, backend fields...},
// watcher_config_for_generator: {...}}}. Without timestamps it is the
// fingerprint that decides whether anything but time changed.
func (s *File) encode(timestamps bool) []byte {
	services := make([]registration.Member, 0, len(s.services))
	for _, cs := range s.services {
		members := make([]registration.Member, 0, len(cs.servers)+1)
		for _, srv := range cs.servers {
			members = append(members, registration.Member{Key: srv.name, Value: srv.value(timestamps)})
		}
		if cs.config.Present() {
			members = append(members, registration.Member{Key: ConfigKey, Value: cs.config})
		}
		services = append(services, registration.Member{Key: cs.name, Value: registration.ObjectValue(members...)})
	}
	compact, err := registration.ObjectValue(services...).AppendJSON(nil)
	if err != nil {
		// Values come from parsed JSON or our own constructors; the only
		// failure is invalid UTF-8, which Ruby refuses too.
		compact = []byte("{}")
	}
	var out bytes.Buffer
	if err := json.Indent(&out, compact, "", "  "); err != nil {
		return compact
	}
	return out.Bytes()
}

func (srv *cachedServer) value(timestamps bool) registration.Value {
	ts := registration.IntValue(0)
	if timestamps {
		ts = registration.IntValue(srv.seen)
	}
	id := registration.NullValue()
	if srv.id > 0 {
		id = registration.IntValue(int64(srv.id))
	}
	members := []registration.Member{{Key: "timestamp", Value: ts}, {Key: "haproxy_server_id", Value: id}}
	return registration.ObjectValue(append(members, srv.backend.Value().Members()...)...)
}

// decode reads a state file. null is an empty cache; services and servers
// that are not objects, and servers without host or port, are skipped.
func (s *File) decode(data []byte) error {
	v, err := registration.ParseValue(data)
	if err != nil {
		return err
	}
	switch v.Kind() {
	case registration.KindNull:
		return nil
	case registration.KindObject:
	default:
		return errors.New("not a JSON object")
	}
	for _, svc := range v.Members() {
		if svc.Value.Kind() != registration.KindObject {
			continue
		}
		cs := s.service(svc.Key)
		for _, m := range svc.Value.Members() {
			if m.Key == ConfigKey {
				cs.config = m.Value
				continue
			}
			srv, err := decodeServer(m.Key, m.Value)
			if err != nil {
				s.Dropped = append(s.Dropped, fmt.Errorf("service %q, server %q: %w", svc.Key, m.Key, err))
				continue
			}
			if srv != nil {
				cs.put(srv)
			}
		}
	}
	return nil
}

// decodeServer reads one cached server: nil without host or port (as
// the original skips them), an error when the values fail the checks a
// discovered registration passes (the file is as untrusted as the
// registrations it was written from, and an older version wrote them
// unchecked). The server's name is rebuilt from its values, so a key
// the current rules would not produce cannot reach a config line.
func decodeServer(key string, v registration.Value) (*cachedServer, error) {
	host, ok := member(v, "host").AsString()
	port, err := registration.PortFromValue(member(v, "port"))
	if !ok || host == "" || err != nil {
		return nil, nil
	}
	b := registration.Backend{
		Name: member(v, "name"), Host: host, Port: port,
		Weight: member(v, "weight"), HAProxyServerOptions: member(v, "haproxy_server_options"),
		Labels: member(v, "labels"),
	}
	if err := b.Validate(); err != nil {
		return nil, err
	}
	if err := render.CheckOptions(b); err != nil {
		return nil, err
	}
	if id, ok := member(v, "id").AsInt(); ok {
		b.ID = &id
	}
	srv := &cachedServer{name: render.ServerName(b), backend: b}
	if id, ok := member(v, "haproxy_server_id").AsInt(); ok && id > 0 && id <= maxStateServerID {
		srv.id = int(id)
	}
	srv.seen, _ = member(v, "timestamp").AsInt()
	return srv, nil
}

// member reads an object key; null reads as absent, as both are nil in
// Ruby.
func member(v registration.Value, key string) registration.Value {
	m, ok := v.Get(key)
	if !ok || m.Kind() == registration.KindNull {
		return registration.Value{}
	}
	return m
}

// configValue is a service's normalised haproxy section as the original's
// map: the injected defaults first, then the keys that were given.
func configValue(c *render.ServiceConfig) registration.Value {
	m := []registration.Member{
		{Key: "server_options", Value: optionsValue(c)},
		{Key: "server_port_override", Value: portOverrideValue(c.ServerPortOverride)},
		{Key: "backend", Value: stringsValue(c.Backend)},
		{Key: "frontend", Value: stringsValue(c.Frontend)},
		{Key: "listen", Value: stringsValue(c.Listen)},
	}
	if c.Port.Present {
		m = append(m, registration.Member{Key: "port", Value: numberOrNull(c.Port.Value)})
	}
	optional := []struct {
		key string
		val *string
	}{{"bind_address", c.BindAddress}, {"bind_options", c.BindOptions}, {"backend_name", c.BackendName}}
	for _, o := range optional {
		if o.val != nil {
			m = append(m, registration.Member{Key: o.key, Value: registration.StringValue(*o.val)})
		}
	}
	for _, o := range [][2]string{{"backend_order", c.BackendOrder}, {"cookie_value_method", c.CookieValueMethod}} {
		if o[1] != "" {
			m = append(m, registration.Member{Key: o[0], Value: registration.StringValue(o[1])})
		}
	}
	if c.SharedFrontend != nil {
		m = append(m, registration.Member{Key: "shared_frontend", Value: stringsValue(c.SharedFrontend)})
	}
	if c.Disabled {
		m = append(m, registration.Member{Key: "disabled", Value: registration.BoolValue(true)})
	}
	return registration.ObjectValue(m...)
}

func stringsValue(lines []string) registration.Value {
	vals := make([]registration.Value, len(lines))
	for i, l := range lines {
		vals[i] = registration.StringValue(l)
	}
	return registration.ArrayValue(vals...)
}

func numberOrNull(s string) registration.Value {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return registration.IntValue(n)
	}
	return registration.NullValue()
}

func portOverrideValue(p *render.PortOverride) registration.Value {
	switch {
	case p == nil:
		return registration.NullValue()
	case p.IsString:
		return registration.StringValue(p.Value)
	}
	return numberOrNull(p.Value)
}

// optionsValue is server_options as the original's map holds it: null
// stands for any value that is not a string.
func optionsValue(c *render.ServiceConfig) registration.Value {
	if c.NoServerOptions {
		return registration.NullValue()
	}
	return registration.StringValue(string(c.ServerOptions))
}
