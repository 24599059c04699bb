package synapse

import (
	"errors"
	"fmt"

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
// where the key path is known; presence and ranges in Validate.
func (s *DefaultServer) UnmarshalConfig(d *config.Decoder, n *yaml.Node, path string) error {
	var k defaultServerKeys
	d.Decode(n, path, &k)
	*s = DefaultServer{HAProxyServerID: k.HAProxyServerID.Value}
	b := &s.Backend
	b.Name, b.Weight, b.Labels = k.Name.Value, k.Weight.Value, k.Labels.Value
	b.HAProxyServerOptions = k.HAProxyServerOptions.Value
	var errs []error
	want := func(key string, v registration.Value, kinds ...registration.Kind) {
		for _, kind := range kinds {
			if !v.Present() || v.Kind() == kind {
				return
			}
		}
		errs = append(errs, fmt.Errorf("%s: cannot use %s, want %s", key, v, kinds[0]))
	}
	want("host", k.Host.Value, registration.KindString)
	want("name", b.Name, registration.KindString, registration.KindNumber)
	want("haproxy_server_options", b.HAProxyServerOptions, registration.KindString)
	want("labels", b.Labels, registration.KindObject)
	b.Host, _ = k.Host.AsString()
	if k.Port.Present() {
		p, err := registration.PortFromValue(k.Port.Value)
		if err != nil {
			errs = append(errs, fmt.Errorf("port: %w", err))
		}
		b.Port = p
	}
	if k.ID.Present() {
		id, ok := k.ID.AsInt()
		if !ok {
			errs = append(errs, fmt.Errorf("id: cannot use %s, want an integer", k.ID.Value))
		}
		b.ID = &id
	}
	return errors.Join(errs...)
}

func (s DefaultServer) validate() error {
	var errs []error
	if s.Host == "" {
		errs = append(errs, errors.New("missing host"))
	}
	if s.Port.IsZero() {
		errs = append(errs, errors.New("missing port"))
	} else if _, err := s.Port.Int(); err != nil {
		errs = append(errs, fmt.Errorf("port: %w", err))
	}
	if len(errs) > 0 {
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
