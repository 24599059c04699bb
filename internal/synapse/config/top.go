package config

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/internal/generator"
)

// topLevel is the file's root mapping. Every key that is not reserved lands
// in Generators.
type topLevel struct {
	Services       map[string]yaml.Node `yaml:"services"`
	ServiceConfDir *string              `yaml:"service_conf_dir"`
	Statsd         *Statsd              `yaml:"statsd"`
	Prometheus     *Prometheus          `yaml:"prometheus"`
	FileMode       config.FileMode      `yaml:"file_mode"`
	Generators     map[string]yaml.Node `yaml:",inline"`
}

func (l *loader) load(path string, root *yaml.Node) *Config {
	var top topLevel
	l.main.Decode(root, "", &top)
	cfg := &Config{File: path, Services: nil, Generators: l.generators(top.Generators)}
	cfg.Statsd = statsdConfig(top.Statsd)
	cfg.Prometheus = prometheusConfig(top.Prometheus)
	cfg.FileMode = l.fileMode(root, top.FileMode)
	l.validateReserved(root, cfg)
	sources := l.serviceSources(top)
	cfg.Services = l.services(sources, cfg.Generators)
	return cfg
}

// statsdConfig fills the defaults of a present section: the original reads
// `statsd['host'] || 'localhost'`, so an explicit empty host keeps the default.
func statsdConfig(s *Statsd) *Statsd {
	if s == nil {
		return nil
	}
	out := *s
	if out.Host == "" {
		out.Host = DefaultStatsdHost
	}
	if out.Port == 0 {
		out.Port = DefaultStatsdPort
	}
	return &out
}

func prometheusConfig(p *Prometheus) Prometheus {
	out := Prometheus{Bind: DefaultPrometheusBind, Port: DefaultPrometheusPort}
	if p != nil {
		out.Enabled = p.Enabled
		if p.Bind != "" {
			out.Bind = p.Bind
		}
		if p.Port != 0 {
			out.Port = p.Port
		}
	}
	return out
}

func (l *loader) validateReserved(root *yaml.Node, cfg *Config) {
	if s := cfg.Statsd; s != nil && (s.Port < 1 || s.Port > 65535) {
		l.main.Errorf(valueNode(root, "statsd", "port"), "statsd.port", "%d is not a port (1-65535)", s.Port)
	}
	for metric, rate := range cfg.Statsd.sampleRates() {
		if rate < 0 || rate > 1 {
			l.main.Errorf(valueNode(root, "statsd", "sample_rate"), config.KeyPath("statsd.sample_rate", metric),
				"sample rate %v is not between 0 and 1", rate)
		}
	}
	if p := cfg.Prometheus; p.Port < 0 || p.Port > 65535 {
		l.main.Errorf(valueNode(root, "prometheus", "port"), "prometheus.port", "%d is not a port (0-65535)", p.Port)
	}
}

// fileMode checks file_mode: the daemon reads back what it writes, so the
// owner must keep read and write.
func (l *loader) fileMode(root *yaml.Node, m config.FileMode) fs.FileMode {
	if !m.Set {
		return 0
	}
	if err := config.CheckOwnerRW(m.Mode); err != nil {
		n := valueNode(root, "file_mode")
		l.main.Errorf(n, "file_mode", "%q: %v", n.Value, err)
		return 0
	}
	return m.Mode
}

func (s *Statsd) sampleRates() map[string]float64 {
	if s == nil {
		return nil
	}
	return s.SampleRate
}

// generators builds every top-level generator, in name order. An unknown
// name is an error that lists the known generators and the reserved keys.
func (l *loader) generators(sections map[string]yaml.Node) map[string]Generator {
	out := make(map[string]Generator, len(sections))
	for _, name := range slices.Sorted(maps.Keys(sections)) {
		node := sections[name]
		t, ok := generator.Lookup(name)
		if !ok {
			l.main.Errorf(&node, name, "%v%s", generator.UnknownError(name, Reserved), singularHint(name, &node))
			continue
		}
		gen, err := t.New(l.main, &node, name, l.check)
		if err != nil {
			if !errors.Is(err, generator.ErrReported) {
				l.main.Errorf(&node, name, "%v", err)
			}
			continue
		}
		out[name] = Generator{Name: name, Node: &node, Fingerprint: canonical(&node), Built: gen}
	}
	if len(sections) == 0 {
		l.main.Errorf(nil, "", "no config generators supplied; add a top-level section for one of: %s",
			joinNames(generator.Names()))
	}
	return out
}

// singularHint explains the blog-post shape `{"service": {"name": "x", ...}}`
// (CoolVDS, 2014): it is only the service part of a config, which the
// original rejects too, so say what the full file looks like.
func singularHint(name string, node *yaml.Node) string {
	if name != "service" {
		return ""
	}
	svc := "<name>"
	if n := lookup(node, "name"); n != nil && n.Kind == yaml.ScalarNode && n.Value != "" {
		svc = n.Value
	}
	return fmt.Sprintf("; did you mean \"services\": {%q: {...}}? (services are keyed by name, "+
		"and a top-level generator section such as \"haproxy\" is needed beside them)", svc)
}

// valueNode finds root[keys[0]][keys[1]]..., for an error's line; nil if absent.
func valueNode(root *yaml.Node, keys ...string) *yaml.Node {
	n := root
	for n != nil && n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	for _, k := range keys {
		n = lookup(n, k)
	}
	return n
}

// lookup returns the value under key in mapping n (aliases followed), or nil.
func lookup(n *yaml.Node, key string) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

func joinNames(names []string) string {
	if len(names) == 0 {
		return "(none registered)"
	}
	return strings.Join(names, ", ")
}
