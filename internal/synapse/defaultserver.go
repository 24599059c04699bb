package synapse

import (
	"errors"
	"fmt"
	"slices"

	"gopkg.in/yaml.v3"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

// DefaultServer is one `default_servers` entry: a backend written in the
// config file instead of discovered.
type DefaultServer struct {
	registration.Backend
	// HAProxyServerID is the entry's haproxy_server_id, which the original
	// honours for default servers. registration.Backend has no field for
	// it (the ZooKeeper schema drops it), so it is kept here for the
	// HAProxy generator.
	HAProxyServerID registration.Value
	refused         []string // keys UnmarshalConfig reported, which validate leaves alone
}

// defaultServerKeys lists the keys a default server may have: the backend
// record's fields. Other keys warn, as everywhere in the config.
type defaultServerKeys struct {
	Name                 config.JSONValue `yaml:"name"`
	Host                 config.JSONValue `yaml:"host"`
	Port                 config.JSONValue `yaml:"port"`
	ID                   config.JSONValue `yaml:"id"`
	Weight               config.JSONValue `yaml:"weight"`
	HAProxyServerOptions config.JSONValue `yaml:"haproxy_server_options"`
	HAProxyServerID      config.JSONValue `yaml:"haproxy_server_id"`
	Labels               config.JSONValue `yaml:"labels"`
}

// UnmarshalConfig implements config.Unmarshaler. Types are checked here,
// each problem recorded at its own key; presence and ranges in validate,
// which says nothing more about a key already refused here. A
// haproxy_server_options that is not a string is ignored with a warning,
// as the original ignores it.
func (s *DefaultServer) UnmarshalConfig(d *config.Decoder, n *yaml.Node, path string) error {
	var k defaultServerKeys
	d.Decode(n, path, &k)
	*s = DefaultServer{HAProxyServerID: k.HAProxyServerID.Value}
	b := &s.Backend
	b.Name, b.Weight, b.Labels = k.Name.Value, k.Weight.Value, k.Labels.Value
	bad := func(key, format string, args ...any) {
		d.Errorf(config.Lookup(n, key), config.KeyPath(path, key), format, args...)
		s.refused = append(s.refused, key)
	}
	want := func(key string, v registration.Value, kinds ...registration.Kind) bool {
		for _, kind := range kinds {
			if !v.Present() || v.Kind() == kind {
				return true
			}
		}
		bad(key, "cannot use %s, want %s", v, kinds[0])
		return false
	}
	want("host", k.Host.Value, registration.KindString)
	want("name", b.Name, registration.KindString, registration.KindNumber)
	want("labels", b.Labels, registration.KindObject)
	if o := k.HAProxyServerOptions.Value; o.Present() && o.Kind() != registration.KindString && o.Kind() != registration.KindNull {
		key := config.KeyPath(path, "haproxy_server_options")
		d.Warnf(config.Lookup(n, "haproxy_server_options"), key, "%s is not a string: ignored, as the original does", o)
	} else {
		b.HAProxyServerOptions = o
	}
	b.Host, _ = k.Host.AsString()
	if k.Port.Present() {
		p, err := registration.PortFromValue(k.Port.Value)
		if _, rangeErr := p.Int(); err != nil || rangeErr != nil {
			bad("port", "cannot use %s as a port: want an integer 0-65535", k.Port.Value)
		}
		b.Port = p
	}
	if k.ID.Present() {
		id, ok := k.ID.AsInt()
		if !ok {
			bad("id", "cannot use %s, want an integer", k.ID.Value)
		}
		b.ID = &id
	}
	return nil
}

func (s DefaultServer) validate() error {
	var errs []error
	if s.Host == "" && !slices.Contains(s.refused, "host") {
		errs = append(errs, errors.New("missing host"))
	}
	if s.Port.IsZero() && !slices.Contains(s.refused, "port") {
		errs = append(errs, errors.New("missing port"))
	} else if _, err := s.Port.Int(); err != nil && !slices.Contains(s.refused, "port") {
		errs = append(errs, fmt.Errorf("port: %w", err))
	}
	if len(errs) > 0 || len(s.refused) > 0 {
		return errors.Join(errs...)
	}
	// The same check every discovered registration passes: a default
	// server reaches the same config lines.
	var ie *registration.InvalidError
	if err := s.Backend.Validate(); errors.As(err, &ie) {
		return fmt.Errorf("%s: invalid value %q: %s", ie.Key, ie.Value, ie.Reason)
	} else if err != nil {
		return err
	}
	return nil
}
