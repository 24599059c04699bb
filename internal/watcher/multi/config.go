package multi

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/smartstack-go/smartstack/internal/awsconf"
	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/internal/labelfilter"
	"github.com/smartstack-go/smartstack/internal/watcher"
)

// Resolver methods (docs/synapse.md, multi). base is the original's stub: it
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
// Filters are the section's own label_filters (and deprecated
// label_filter): as in the original, each child keeps only its backends
// that pass them, before the resolver merges.
type Child struct {
	Name    string
	Method  string
	Cfg     any
	Filters labelfilter.Section
}

// ResolverConfig is `resolver:`.
type ResolverConfig struct {
	Method          string   `yaml:"method"`
	SequentialOrder []string `yaml:"sequential_order"`
	// S3URL (s3_toggle) is s3://bucket/key of the YAML object of watcher
	// weights.
	S3URL string `yaml:"s3_url"`
	// S3PollingInterval (s3_toggle) is the time between fetches.
	S3PollingInterval config.Duration `yaml:"s3_polling_interval_seconds"`
	// AWS (ours, s3_toggle) are the optional aws_region, aws_access_key_id
	// and aws_secret_access_key, as ec2tag takes them.
	AWS awsconf.Keys `yaml:",inline"`
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
	registry := watcher.NewConfigs()
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
		child := Child{Name: k.Value}
		cfg, ok := config.DecodeTyped(d, v, kp, "method", registry, &child.Filters)
		if ok {
			child.Method, child.Cfg = methodOf(v), cfg
		}
		if msg, dep := child.Filters.Deprecated(); dep {
			d.Warnf(keyNode(v, "label_filter"), config.KeyPath(kp, "label_filter"), "%s", msg)
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

// keyNode is the key node of key in mapping n (through aliases), or n
// itself when absent, so that a message still has a line.
func keyNode(n *yaml.Node, key string) *yaml.Node {
	m := n
	for m != nil && m.Kind == yaml.AliasNode {
		m = m.Alias
	}
	for i := 0; m != nil && i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i]
		}
	}
	return n
}

// Warnings gathers what the children's configs and the resolver's AWS
// keys warn about (half a key pair), each prefixed with its key path, for
// the config loader.
func (c *Config) Warnings() []string {
	var out []string
	for _, ch := range c.Watchers {
		if w, ok := ch.Cfg.(interface{ Warnings() []string }); ok {
			for _, msg := range w.Warnings() {
				out = append(out, "watchers."+ch.Name+"."+msg)
			}
		}
	}
	for _, msg := range c.Resolver.AWS.Warnings() {
		out = append(out, "resolver."+msg)
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
		for _, err := range config.Unjoin(ch.Filters.Validate()) {
			errs = append(errs, fmt.Errorf("watchers.%s.%w", ch.Name, err))
		}
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
		return []error{errors.New("resolver.method: missing; want one of base, s3_toggle, sequential, union")}
	case ResolverBase, ResolverUnion:
		return nil
	case ResolverSequential:
		return r.validateOrder(children)
	case ResolverS3Toggle:
		return r.validateS3()
	default:
		return []error{fmt.Errorf("resolver.method: unknown resolver %q, known: base, s3_toggle, sequential, union", r.Method)}
	}
}

// validateS3 checks the s3_toggle keys, as the original does at start.
func (r ResolverConfig) validateS3() []error {
	var errs []error
	if _, _, err := parseS3URL(r.S3URL); err != nil {
		errs = append(errs, err)
	}
	if r.S3PollingInterval <= 0 {
		errs = append(errs, errors.New("resolver.s3_polling_interval_seconds: missing or 0; want a number of seconds > 0"))
	}
	if err := r.AWS.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("resolver.%w", err))
	}
	return errs
}

// parseS3URL splits s3://bucket/key; the key may hold further slashes.
func parseS3URL(u string) (bucket, key string, err error) {
	rest, ok := strings.CutPrefix(u, "s3://")
	if ok {
		bucket, key, ok = strings.Cut(rest, "/")
	}
	if !ok || bucket == "" || key == "" {
		return "", "", fmt.Errorf("resolver.s3_url: %q is not of the form s3://bucket/key", u)
	}
	return bucket, key, nil
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
