package multi

import (
	"errors"
	"fmt"
	"slices"

	"gopkg.in/yaml.v3"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/internal/watcher"
)

// Resolver methods (spec/synapse.md 2.10). base is the original's stub: it
// always resolves to no backends.
const (
	ResolverBase       = "base"
	ResolverUnion      = "union"
	ResolverSequential = "sequential"
	ResolverS3Toggle   = "s3_toggle"
)

// Config is the `discovery:` section of method multi, as written or as the
// config loader rewrites `discovery_multi` into it.
type Config struct {
	Watchers Children       `yaml:"watchers"`
	Resolver ResolverConfig `yaml:"resolver"`
}

// Children are the child discovery sections in config order: union
// concatenates in this order, as the original walks its (ordered) hash.
type Children []Child

// Child is one named child discovery section, decoded into its own method's
// config. Cfg is nil when the section had errors (already reported).
type Child struct {
	Name   string
	Method string
	Cfg    any
}

// ResolverConfig is `resolver:`. The s3_toggle keys are decoded so that a
// config written for the original reads without unknown-key warnings.
type ResolverConfig struct {
	Method                   string   `yaml:"method"`
	SequentialOrder          []string `yaml:"sequential_order"`
	S3URL                    string   `yaml:"s3_url"`
	S3PollingIntervalSeconds any      `yaml:"s3_polling_interval_seconds"`
}

// NewConfig returns an empty Config; multi has no defaults.
func NewConfig() *Config { return &Config{} }

var _ config.Unmarshaler = (*Children)(nil)

// UnmarshalConfig decodes each child through the watcher registry, the way
// the synapse loader decodes `discovery:` itself, keeping mapping order.
func (c *Children) UnmarshalConfig(d *config.Decoder, n *yaml.Node, path string) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("cannot use %s as a mapping of watcher name to discovery section", n.ShortTag())
	}
	registry := methodRegistry()
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.Errorf(k, path, "watcher names must be strings")
			continue
		}
		kp := config.KeyPath(path, k.Value)
		if v.Kind == yaml.ScalarNode && v.ShortTag() != "!!null" {
			// DecodeTyped would call a string section empty; the original
			// rejects a child that is not a hash.
			d.Errorf(v, kp, "cannot use %s as a mapping", v.ShortTag())
			*c = append(*c, Child{Name: k.Value})
			continue
		}
		cfg, ok := config.DecodeTyped(d, v, kp, "method", registry)
		child := Child{Name: k.Value}
		if ok {
			child.Method, child.Cfg = methodOf(v), cfg
		}
		*c = append(*c, child)
	}
	return nil
}

// methodOf is the child's method, lower-cased by DecodeTyped's lookup.
func methodOf(n *yaml.Node) string {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	for i := 0; n != nil && i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == "method" {
			return lower(n.Content[i+1].Value)
		}
	}
	return ""
}

// methodRegistry adapts the watcher registry for config.DecodeTyped.
func methodRegistry() map[string]func() any {
	out := map[string]func() any{}
	for _, m := range watcher.Methods() {
		t, _ := watcher.Lookup(m)
		out[m] = t.NewConfig
	}
	return out
}

// Validate reports every problem: no children, a child that did not decode
// or is invalid, and the resolver's keys.
func (c *Config) Validate() error {
	var errs []error
	if len(c.Watchers) == 0 {
		errs = append(errs, errors.New("watchers: missing or empty; want a mapping of name to discovery section"))
	}
	seen := map[string]bool{}
	for _, ch := range c.Watchers {
		if seen[ch.Name] {
			errs = append(errs, fmt.Errorf("watchers.%s: defined twice", ch.Name))
		}
		seen[ch.Name] = true
		if ch.Cfg == nil {
			errs = append(errs, fmt.Errorf("watchers.%s: no valid discovery section", ch.Name))
			continue
		}
		if v, ok := ch.Cfg.(interface{ Validate() error }); ok {
			if err := v.Validate(); err != nil {
				errs = append(errs, fmt.Errorf("watchers.%s: %w", ch.Name, err))
			}
		}
	}
	errs = append(errs, c.Resolver.validate(c.Watchers)...)
	return errors.Join(errs...)
}

func (r ResolverConfig) validate(children Children) []error {
	switch lower(r.Method) {
	case "":
		return []error{errors.New("resolver.method: missing; want one of base, sequential, union")}
	case ResolverBase, ResolverUnion:
		return nil
	case ResolverSequential:
		return r.validateOrder(children)
	case ResolverS3Toggle:
		return []error{errors.New("resolver s3_toggle is not available yet")}
	default:
		return []error{fmt.Errorf("resolver.method: unknown resolver %q, known: base, sequential, union", r.Method)}
	}
}

// validateOrder demands exactly the set of watcher names, as the original.
func (r ResolverConfig) validateOrder(children Children) []error {
	if len(r.SequentialOrder) == 0 {
		return []error{errors.New("resolver.sequential_order: missing or empty; want every watcher name in order")}
	}
	var errs []error
	names := make([]string, 0, len(children))
	for _, ch := range children {
		names = append(names, ch.Name)
	}
	for _, o := range r.SequentialOrder {
		if !slices.Contains(names, o) {
			errs = append(errs, fmt.Errorf("resolver.sequential_order: %q is not a watcher name", o))
		}
	}
	for _, n := range names {
		if !slices.Contains(r.SequentialOrder, n) {
			errs = append(errs, fmt.Errorf("resolver.sequential_order: watcher %q is missing", n))
		}
	}
	return errs
}
