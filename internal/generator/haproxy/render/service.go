package render

import (
	"fmt"
	"strconv"

	"gopkg.in/yaml.v3"

	"github.com/smartstack-go/smartstack/internal/config"
)

// ServiceConfig is a service's `haproxy` section (services.<name>.haproxy,
// or the map delivered through ZooKeeper).
type ServiceConfig struct {
	// Port decides whether a frontend is written: absent, null, or a value.
	Port        Port    `yaml:"port"`
	BindAddress *string `yaml:"bind_address"`
	// BindOptions is nil when absent; "" keeps the original's trailing
	// space after the bind address.
	BindOptions   *string     `yaml:"bind_options"`
	ServerOptions OptionsText `yaml:"server_options"`
	// NoServerOptions is set when server_options is given but is not a
	// string (null, a list, a mapping, a number): the original appends
	// server_options only when it is a string, so then nothing, not even
	// the space before it, is added to the server lines.
	NoServerOptions bool `yaml:"-"`
	// ServerPortOverride is the deprecated alias of the service-level
	// backend_port_override; the generator itself does not read it.
	ServerPortOverride *PortOverride `yaml:"server_port_override"`

	Frontend []string `yaml:"frontend"`
	Backend  []string `yaml:"backend"`
	Listen   []string `yaml:"listen"`

	BackendName       *string `yaml:"backend_name"`
	BackendOrder      string  `yaml:"backend_order"`
	CookieValueMethod string  `yaml:"cookie_value_method"`
	// SharedFrontend is nil when absent.
	SharedFrontend []string `yaml:"shared_frontend"`
	Disabled       bool     `yaml:"disabled"`
	// UseNerveWeights is accepted because the README documents it here, but
	// like the original only the top-level key is read.
	UseNerveWeights bool `yaml:"use_nerve_weights"`
}

// UnmarshalConfig decodes the section and fills the defaults, so a map
// without `listen` (the original crashes on one from ZooKeeper) is safe.
func (s *ServiceConfig) UnmarshalConfig(d *config.Decoder, n *yaml.Node, path string) error {
	*s = ServiceConfig{}
	type plain ServiceConfig
	d.Decode(n, path, (*plain)(s))
	// A null value never reaches Port's own decoder, so presence is read
	// from the mapping.
	if v, ok := mappingValue(n, "port"); ok && v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
		s.Port = NullPort()
	}
	if v, ok := mappingValue(n, "server_options"); ok && !isString(v) {
		s.ServerOptions, s.NoServerOptions = "", true
		if !isNullNode(v) {
			d.Warnf(v, config.KeyPath(path, "server_options"),
				"%s is not a string: ignored, as the original does; write the options on one line", describeValue(v))
		}
	}
	s.Normalize()
	return nil
}

// OptionsText is server_options. Only a string is used; anything else is
// ignored (see ServiceConfig.NoServerOptions) rather than refused, as the
// original loads its own spec fixture's list-valued server_options.
type OptionsText string

// UnmarshalConfig implements config.Unmarshaler.
func (o *OptionsText) UnmarshalConfig(_ *config.Decoder, n *yaml.Node, _ string) error {
	if isString(n) {
		*o = OptionsText(n.Value)
	}
	return nil
}

// isString reports whether n (aliases followed) is a YAML string, as
// Ruby's is_a?(String) sees it: `check` and "5" are, 5 and true are not.
func isString(n *yaml.Node) bool {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n != nil && n.Kind == yaml.ScalarNode && n.ShortTag() == "!!str"
}

func isNullNode(n *yaml.Node) bool {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n == nil || n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// describeValue names a non-string value for a warning: a list, a mapping,
// the number 5.
func describeValue(n *yaml.Node) string {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	switch {
	case n.Kind == yaml.MappingNode:
		return "a mapping"
	case n.Kind == yaml.SequenceNode:
		return "a list"
	case n.ShortTag() == "!!bool":
		return "the boolean " + n.Value
	}
	return "the number " + n.Value
}

// Normalize fills the defaults the original injects when a service is
// created: server_options "", empty frontend, backend and listen lists.
func (s *ServiceConfig) Normalize() {
	for _, l := range []*[]string{&s.Frontend, &s.Backend, &s.Listen} {
		if *l == nil {
			*l = []string{}
		}
	}
}

// BackendFor is backend_name, else the service name.
func (s *ServiceConfig) BackendFor(service string) string {
	if s.BackendName != nil {
		return *s.BackendName
	}
	return service
}

// Port is the tri-state `port` key: absent (no frontend), present with null
// (bind without ":port", for unix@ addresses) or a value.
type Port struct {
	Present bool
	// Value is the port as written ("" for null).
	Value string
}

// PortValue returns a present, non-null port.
func PortValue(p int) Port { return Port{Present: true, Value: strconv.Itoa(p)} }

// NullPort returns a present port with a null value.
func NullPort() Port { return Port{Present: true} }

// UnmarshalConfig accepts an integer 0-65535 or a string of such digits.
func (p *Port) UnmarshalConfig(_ *config.Decoder, n *yaml.Node, _ string) error {
	if err := checkPortNode(n); err != nil {
		return err
	}
	*p = Port{Present: true, Value: n.Value}
	return nil
}

// PortOverride is a port that keeps whether it was written as a number or
// a string, as the original passes the type through to the backends.
type PortOverride struct {
	Value    string
	IsString bool
}

// UnmarshalConfig accepts an integer 0-65535 or a string of such digits.
func (p *PortOverride) UnmarshalConfig(_ *config.Decoder, n *yaml.Node, _ string) error {
	if err := checkPortNode(n); err != nil {
		return err
	}
	*p = PortOverride{Value: n.Value, IsString: n.Tag == "!!str"}
	return nil
}

func checkPortNode(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode || (n.Tag != "!!int" && n.Tag != "!!str") {
		return fmt.Errorf("cannot use %s as a port: want an integer 0-65535", describeNode(n))
	}
	if v, err := strconv.ParseUint(n.Value, 10, 16); err != nil || strconv.FormatUint(v, 10) != n.Value {
		return fmt.Errorf("cannot use %q as a port: want an integer 0-65535", n.Value)
	}
	return nil
}

func describeNode(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	return strconv.Quote(n.Value)
}

// Section is one entry of extra_sections: a title line and its lines.
type Section struct {
	Title string
	Lines []string
}

// Sections is extra_sections, in file order (Ruby hashes keep it; a Go
// map would not).
type Sections []Section

// UnmarshalConfig decodes a mapping of title to list of lines.
func (s *Sections) UnmarshalConfig(d *config.Decoder, n *yaml.Node, path string) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("cannot use %s as a mapping of section titles to lists of lines", describeNode(n))
	}
	out := make(Sections, 0, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		title := n.Content[i].Value
		lines := []string{}
		d.Decode(n.Content[i+1], config.KeyPath(path, title), &lines)
		out = append(out, Section{Title: title, Lines: lines})
	}
	*s = out
	return nil
}
