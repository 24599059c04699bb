package synapse

import (
	"errors"
	"fmt"
	"strconv"

	"gopkg.in/yaml.v3"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

// ServiceConfig holds the keys of a `services.<name>` section that shape its
// backend list (docs/synapse.md, services.<name>). The synapse config loader decodes the
// rest (discovery, per-generator sections) and sets LabelFilters from the
// discovery section (see DiscoveryFilters).
type ServiceConfig struct {
	// DefaultServers is the initial backend list, and the list used when
	// discovery finds nothing. Default: none.
	DefaultServers []DefaultServer `yaml:"default_servers"`
	// KeepDefaultServers appends DefaultServers to every discovered list
	// (before dedupe). Default: false.
	KeepDefaultServers bool `yaml:"keep_default_servers"`
	// UsePreviousBackends keeps the current backends when discovery finds
	// nothing and there are no default servers. Default: true.
	UsePreviousBackends bool `yaml:"use_previous_backends"`
	// BackendPortOverride replaces the port of every discovered backend,
	// keeping its JSON type ("8081" stays a string). Default: none. The
	// loader falls back to the deprecated haproxy.server_port_override.
	BackendPortOverride *PortOverride `yaml:"backend_port_override"`
	// LeaderElection narrows the backends to the one with the smallest id
	// (ZooKeeper sequence number). Default: false.
	LeaderElection bool `yaml:"leader_election"`
	// LoadTestConcurrency, when > 0, asks the loader for that many copies
	// of the service named <name>_0 … <name>_{N-1}. Default: 0.
	LoadTestConcurrency int `yaml:"load_test_concurrency"`
	// LabelFilters live under `discovery:` in the config file, not here.
	LabelFilters []LabelFilter `yaml:"-"`
}

// NewServiceConfig returns a ServiceConfig with the defaults set. A loader
// that decodes the service section into several targets at once (where
// UnmarshalConfig is not called) starts from this.
func NewServiceConfig() ServiceConfig {
	return ServiceConfig{UsePreviousBackends: true}
}

// UnmarshalConfig implements config.Unmarshaler: defaults, then the file.
func (c *ServiceConfig) UnmarshalConfig(d *config.Decoder, n *yaml.Node, path string) error {
	*c = NewServiceConfig()
	type plain ServiceConfig
	d.Decode(n, path, (*plain)(c))
	return nil
}

// DefaultBackends returns the default servers as backend records.
func (c ServiceConfig) DefaultBackends() []registration.Backend {
	out := make([]registration.Backend, len(c.DefaultServers))
	for i, s := range c.DefaultServers {
		out[i] = s.Backend
	}
	return out
}

// Validate reports every invalid value, each prefixed with its key path
// relative to the service section.
func (c ServiceConfig) Validate() error {
	var errs []error
	for i, s := range c.DefaultServers {
		if err := s.validate(); err != nil {
			errs = append(errs, fmt.Errorf("default_servers[%d]: %w", i, err))
		}
	}
	if c.BackendPortOverride != nil {
		if err := c.BackendPortOverride.validate(); err != nil {
			errs = append(errs, fmt.Errorf("backend_port_override: %w", err))
		}
	}
	if c.LoadTestConcurrency < 0 {
		errs = append(errs, fmt.Errorf("load_test_concurrency: %d is negative", c.LoadTestConcurrency))
	}
	for _, f := range c.LabelFilters {
		if err := f.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("discovery.label_filters: %w", err))
		}
	}
	return errors.Join(errs...)
}

// portOverrideMsg keeps the original's words, naming the value.
const portOverrideMsg = "invalid backend_port_override value %s, want digits (a port 0-65535)"

// PortOverride is backend_port_override: a port number written as a JSON
// number or a string of digits, kept in that type.
type PortOverride struct{ Port registration.Port }

// UnmarshalConfig implements config.Unmarshaler.
func (p *PortOverride) UnmarshalConfig(d *config.Decoder, n *yaml.Node, path string) error {
	var j config.JSONValue
	d.Decode(n, path, &j)
	port, err := registration.PortFromValue(j.Value)
	if err != nil {
		return fmt.Errorf(portOverrideMsg, j.Value)
	}
	p.Port = port
	return nil
}

// validate applies the original's /^\d+$/ to the whole value (Ruby's ^ and
// $ match at line breaks, so it let "x\n80" through) and, beyond it, the
// port range: a larger number would only fail later, in HAProxy.
func (p PortOverride) validate() error {
	// Base-10 ParseUint takes no sign, space or underscore: digits only.
	if _, err := strconv.ParseUint(p.Port.String(), 10, 16); err != nil {
		return fmt.Errorf(portOverrideMsg, p.Port.Value())
	}
	return nil
}

var (
	_ config.Unmarshaler = (*ServiceConfig)(nil)
	_ config.Unmarshaler = (*PortOverride)(nil)
	_ config.Unmarshaler = (*DefaultServer)(nil)
	_ config.Unmarshaler = (*LabelFilter)(nil)
	_ config.Unmarshaler = (*config.JSONValue)(nil)
)
