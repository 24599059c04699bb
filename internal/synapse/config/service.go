package config

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/internal/generator"
	"github.com/smartstack-go/smartstack/internal/synapse"
	"github.com/smartstack-go/smartstack/internal/watcher"
)

// serviceKeys is a `services.<name>` mapping: the keys ServiceConfig knows,
// discovery, and everything else, which must name a generator.
type serviceKeys struct {
	Service        synapse.ServiceConfig `yaml:",inline"`
	Discovery      yaml.Node             `yaml:"discovery"`
	DiscoveryMulti yaml.Node             `yaml:"discovery_multi"`
	Sections       map[string]yaml.Node  `yaml:",inline"`
}

// discovered is a decoded discovery section.
type discovered struct {
	method   string
	cfg      any
	watchKey string
}

func (l *loader) services(srcs []source, gens map[string]Generator) map[string]synapse.ServiceSpec {
	out := make(map[string]synapse.ServiceSpec, len(srcs))
	for _, src := range srcs {
		for _, spec := range l.service(src, gens) {
			if _, dup := out[spec.Name]; dup {
				src.d.Errorf(src.node, config.KeyPath("services", src.name),
					"load_test_concurrency copy %s collides with another service of that name", spec.Name)
				continue
			}
			out[spec.Name] = spec
		}
	}
	return out
}

// service decodes one service section into its spec, or its load-test
// copies. A service with errors is still returned, so that later checks
// do not report it missing.
func (l *loader) service(src source, gens map[string]Generator) []synapse.ServiceSpec {
	d, n, path := src.d, src.node, config.KeyPath("services", src.name)
	sk := serviceKeys{Service: synapse.NewServiceConfig()}
	d.Decode(n, path, &sk)
	sections := l.sections(src, path, sk.Sections, gens)
	disc, filters := l.discovery(src, path, &sk)
	sc := sk.Service
	sc.LabelFilters = filters.Filters()
	if msg, ok := filters.Deprecated(); ok {
		l.warn(d, src.file, valueNode(&sk.Discovery, "label_filter"), path+".discovery.label_filter", msg)
	}
	l.portOverrideFallback(src, path, &sc, sections["haproxy"])
	if disc.method == "ec2tag" && sc.BackendPortOverride == nil {
		// EC2 knows addresses, not ports; the original requires it too.
		d.Errorf(n, path, "missing backend_port_override: the ec2tag method does not know which port the service listens on")
	}
	if disc.method == "base" && len(sc.DefaultServers) == 0 {
		// Valid in the original, but such a service never has a backend.
		l.warn(d, src.file, n, path, "method base discovers nothing and default_servers is empty: the service will never have a backend")
	}
	l.validate(src, path, sc)
	spec := synapse.ServiceSpec{Name: src.name, Method: disc.method, Discovery: disc.cfg, Config: sc,
		Sections: sections, WatchKey: disc.watchKey, Fingerprint: canonical(n) + " " + disc.watchKey}
	if sc.LoadTestConcurrency <= 0 {
		return []synapse.ServiceSpec{spec}
	}
	copies := make([]synapse.ServiceSpec, sc.LoadTestConcurrency)
	for i := range copies {
		copies[i] = spec
		copies[i].Name = fmt.Sprintf("%s_%d", src.name, i)
	}
	return copies
}

// sections keeps one raw section per configured generator and checks each
// with that generator's Normalize. A key naming a registered generator that
// is not configured is ignored, as in the original; any other is unknown.
func (l *loader) sections(src source, path string, raw map[string]yaml.Node, gens map[string]Generator) map[string]*yaml.Node {
	for _, key := range slices.Sorted(maps.Keys(raw)) {
		if _, configured := gens[key]; configured {
			continue
		}
		n := raw[key]
		if _, ok := generator.Lookup(key); !ok {
			msg := "unknown key (not a service option, discovery or a generator name)"
			known := append(config.KnownKeys(serviceKeys{}), generator.Names()...)
			if s := config.Suggest(key, known...); s != "" {
				msg = fmt.Sprintf("unknown key (did you mean %s?)", s)
			}
			l.warn(src.d, src.file, &n, config.KeyPath(path, key), msg)
		}
	}
	out := make(map[string]*yaml.Node, len(gens))
	for _, name := range slices.Sorted(maps.Keys(gens)) {
		var sec *yaml.Node
		if n, ok := raw[name]; ok {
			sec = &n
		}
		out[name] = sec
		l.checkSection(src, config.KeyPath(path, name), gens[name].Built, sec)
	}
	return out
}

// checkSection decodes a service's section of one generator through the
// file's decoder, so its unknown keys warn and its errors name file, line
// and key. A generator that cannot (a plugin) is checked with Normalize.
func (l *loader) checkSection(src source, path string, g generator.Generator, sec *yaml.Node) {
	if sd, ok := g.(generator.SectionDecoder); ok {
		at := sec
		if at == nil {
			// What the original gives a service without a section, placed
			// at the service, so that a warning about it has a line.
			at = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: src.node.Line, Column: src.node.Column}
		}
		sd.DecodeSection(src.d, src.name, at, path)
		return
	}
	if _, err := g.Normalize(src.name, sec); err != nil {
		at := sec
		if at == nil {
			at = src.node
		}
		src.d.Errorf(at, path, "%v", err)
	}
}

// discovery decodes the discovery section (rewritten from discovery_multi
// when present) into its method's config and the shared label filters.
func (l *loader) discovery(src source, path string, sk *serviceKeys) (discovered, synapse.DiscoveryFilters) {
	var filters synapse.DiscoveryFilters
	node, dpath := &sk.Discovery, config.KeyPath(path, "discovery")
	switch {
	case present(&sk.DiscoveryMulti):
		node, dpath = l.rewriteMulti(src, path, &sk.Discovery, &sk.DiscoveryMulti), config.KeyPath(path, "discovery_multi")
	case !present(node):
		src.d.Errorf(src.node, path, "missing required option discovery")
		return discovered{}, filters
	}
	if node == nil {
		return discovered{}, filters
	}
	before := src.d.ErrorCount()
	cfg, ok := config.DecodeTyped(src.d, node, dpath, "method", watcher.NewConfigs(), &filters)
	if !ok {
		return discovered{}, filters
	}
	l.validateDiscovery(src, node, dpath, cfg, src.d.ErrorPathsSince(before))
	method := strings.ToLower(scalarValue(lookup(node, "method")))
	key := method + " " + canonical(node)
	if s, ok := cfg.(interface{ SecretsID() string }); ok && s.SecretsID() != "" {
		// zk_auth and zk_tls files are read at load: a changed file
		// restarts the watcher although the YAML is the same.
		key += " secrets=" + s.SecretsID()
	}
	return discovered{method: method, cfg: cfg, watchKey: key}, filters
}

// portOverrideFallback applies the deprecated haproxy.server_port_override
// when backend_port_override is not set, as the original does.
func (l *loader) portOverrideFallback(src source, path string, sc *synapse.ServiceConfig, haproxy *yaml.Node) {
	old := lookup(haproxy, "server_port_override")
	if sc.BackendPortOverride != nil || !present(old) {
		return
	}
	opath := path + ".haproxy.server_port_override"
	l.warn(src.d, src.file, old, opath, "deprecated; use the service's backend_port_override")
	var po synapse.PortOverride
	pd := config.NewDecoder(src.file)
	pd.Decode(old, opath, &po)
	if err := pd.Err(); err != nil {
		l.errs = append(l.errs, err)
		return
	}
	if err := (synapse.ServiceConfig{BackendPortOverride: &po}).Validate(); err != nil {
		src.d.Errorf(old, opath, "%v", strings.TrimPrefix(err.Error(), "backend_port_override: "))
		return
	}
	sc.BackendPortOverride = &po
}

func present(n *yaml.Node) bool {
	return n != nil && n.Kind != 0 && !(n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null")
}

func scalarValue(n *yaml.Node) string {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}

// validate reports each problem of sc at its own key path and line:
// ServiceConfig.Validate prefixes its messages with the path inside the
// service section.
func (l *loader) validate(src source, path string, sc synapse.ServiceConfig) {
	for _, err := range config.Unjoin(sc.Validate()) {
		at, kp, msg := keyed(src.node, path, err.Error())
		src.d.Errorf(at, kp, "%s", msg)
	}
}
