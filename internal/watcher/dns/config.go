package dns

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

// DefaultCheckInterval is the original's re-resolve period.
const DefaultCheckInterval = 30 * time.Second

// minCheckInterval keeps check_interval 0 from spinning: the original's
// loop sleeps interval minus elapsed, so 0 means "as fast as it can", and a
// busy loop against a nameserver helps nobody.
const minCheckInterval = 100 * time.Millisecond

// Config is the `discovery:` section of method dns.
type Config struct {
	Servers []Server `yaml:"servers"`
	// Nameserver: empty asks the nameservers of /etc/resolv.conf.
	Nameserver    Nameservers     `yaml:"nameserver"`
	CheckInterval config.Duration `yaml:"check_interval"`
}

// NewConfig returns a Config with the defaults set.
func NewConfig() *Config {
	return &Config{CheckInterval: config.Duration(DefaultCheckInterval)}
}

// Validate reports every invalid key, each named with its value.
func (c *Config) Validate() error {
	var errs []error
	if len(c.Servers) == 0 {
		errs = append(errs, errors.New("servers: missing or empty; want a list of {name, host, port}"))
	}
	for i, s := range c.Servers {
		if err := s.validate(); err != nil {
			errs = append(errs, fmt.Errorf("servers[%d]: %w", i, err))
		}
	}
	if err := c.Nameserver.Validate(); err != nil {
		errs = append(errs, err)
	}
	if c.CheckInterval < 0 {
		errs = append(errs, fmt.Errorf("check_interval: %s must not be negative", c.CheckInterval))
	}
	return errors.Join(errs...)
}

// interval is check_interval, floored at minCheckInterval.
func (c *Config) interval() time.Duration {
	return max(time.Duration(c.CheckInterval), minCheckInterval)
}

// Server is one `servers` entry: a DNS name (or an IP literal) whose
// addresses become backends that share its name, port and labels.
type Server struct {
	Name   registration.Value
	Host   string
	Port   registration.Port
	Labels registration.Value
}

// serverKeys lists the keys a server may have; others warn.
type serverKeys struct {
	Name   config.JSONValue `yaml:"name"`
	Host   string           `yaml:"host"`
	Port   config.JSONValue `yaml:"port"`
	Labels config.JSONValue `yaml:"labels"`
}

// UnmarshalConfig implements config.Unmarshaler. A plain string entry is
// an error naming the fix: the original crashes on it although two of its
// sample configs use that form.
func (s *Server) UnmarshalConfig(d *config.Decoder, n *yaml.Node, path string) error {
	if n.Kind == yaml.ScalarNode {
		return fmt.Errorf("cannot use %q, want a mapping {name, host, port}", n.Value)
	}
	var k serverKeys
	d.Decode(n, path, &k)
	*s = Server{Name: k.Name.Value, Host: k.Host, Labels: k.Labels.Value}
	if !k.Port.Present() {
		return nil // validate reports it
	}
	p, err := registration.PortFromValue(k.Port.Value)
	if err != nil {
		return fmt.Errorf("port: %w", err)
	}
	s.Port = p
	return nil
}

func (s Server) validate() error {
	var errs []error
	if strings.TrimSpace(s.Host) == "" {
		errs = append(errs, errors.New("host: missing; want a DNS name or an IP address"))
	}
	if s.Port.IsZero() {
		errs = append(errs, errors.New("port: missing"))
	} else if _, err := s.Port.Int(); err != nil {
		errs = append(errs, fmt.Errorf("port: %w", err))
	}
	if k := s.Name.Kind(); s.Name.Present() && k != registration.KindString && k != registration.KindNumber {
		errs = append(errs, fmt.Errorf("name: cannot use %s, want a string", s.Name))
	}
	if s.Labels.Present() && s.Labels.Kind() != registration.KindObject {
		errs = append(errs, fmt.Errorf("labels: cannot use %s, want a mapping", s.Labels))
	}
	return errors.Join(errs...)
}

// Nameservers is `nameserver`: one address or a list, each an IP with an
// optional port (53 by default), as "10.0.0.2", "10.0.0.2:5353" or
// "[fd00::2]:5353".
type Nameservers []string

// UnmarshalConfig implements config.Unmarshaler: the original passes a
// string or a list straight to Ruby's resolver, which takes both.
func (ns *Nameservers) UnmarshalConfig(d *config.Decoder, n *yaml.Node, path string) error {
	if n.Kind == yaml.ScalarNode {
		var s string
		d.Decode(n, path, &s)
		*ns = Nameservers{s}
		return nil
	}
	var l []string
	d.Decode(n, path, &l)
	*ns = l
	return nil
}

// Validate reports every entry that is not an IP or IP:port.
func (ns Nameservers) Validate() error {
	var errs []error
	for i, s := range ns {
		if _, err := nameserverAddr(s); err != nil {
			errs = append(errs, fmt.Errorf("nameserver[%d]: %w", i, err))
		}
	}
	return errors.Join(errs...)
}

// addrs returns the nameservers as host:port dial addresses.
func (ns Nameservers) addrs() []string {
	out := make([]string, 0, len(ns))
	for _, s := range ns {
		a, _ := nameserverAddr(s) // validate checked it
		out = append(out, a)
	}
	return out
}

// nameserverAddr turns "ip" or "ip:port" into a dial address. Names are
// refused: resolving the resolver would need a resolver.
func nameserverAddr(s string) (string, error) {
	if a, err := netip.ParseAddr(s); err == nil {
		return net.JoinHostPort(a.String(), "53"), nil
	}
	ap, err := netip.ParseAddrPort(s)
	if err != nil || ap.Port() == 0 {
		return "", fmt.Errorf("%q is not an IP address or IP:port", s)
	}
	return net.JoinHostPort(ap.Addr().String(), strconv.Itoa(int(ap.Port()))), nil
}
