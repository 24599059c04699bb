// Package config loads synapse's config file (docs/synapse.md): ERB, then
// YAML or JSON; reserved top-level keys (services, service_conf_dir, statsd,
// and our prometheus); every other top-level key names a generator; one
// polymorphic discovery section per service. Load reports every problem at
// once, each with its file, line and key path.
package config

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"net"
	"slices"
	"strconv"

	"gopkg.in/yaml.v3"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/internal/generator"
	"github.com/smartstack-go/smartstack/internal/statsd"
	"github.com/smartstack-go/smartstack/internal/synapse"
)

// Reserved lists the top-level keys that are not generator names.
var Reserved = []string{"file_mode", "prometheus", "service_conf_dir", "services", "statsd"}

// Defaults of the reserved sections.
const (
	DefaultStatsdHost     = "localhost"
	DefaultStatsdPort     = 8125
	DefaultPrometheusBind = "127.0.0.1"
	// DefaultPrometheusPort is one above nerve's 9292, so both daemons can
	// serve on one host with their defaults.
	DefaultPrometheusPort = 9293
)

// Config is a loaded and validated synapse config.
type Config struct {
	File string
	// Services is keyed by service name, with load_test_concurrency copies
	// expanded (web_0, web_1, ...).
	Services map[string]synapse.ServiceSpec
	// Generators holds one entry per top-level generator key.
	Generators map[string]Generator
	Statsd     *Statsd // nil when the file has no statsd section
	Prometheus Prometheus
	// FileMode is the top-level file_mode, the exact mode of every file
	// the generators write; 0 when unset (each keeps its default).
	FileMode fs.FileMode
}

// Generator is one top-level generator section, and the generator Load
// built from it to validate it and the services' sections.
type Generator struct {
	Name        string
	Node        *yaml.Node
	Fingerprint string
	Built       generator.Generator
}

// Statsd is the `statsd` section.
type Statsd struct {
	Host string `yaml:"host"`
	Port int    `yaml:"port" config:"to_i"`
	// SampleRate maps metric names to a sample rate; accepted for
	// compatibility, every metric is sent (sampling is the agent's job).
	SampleRate map[string]float64 `yaml:"sample_rate"`
}

// Prometheus is our `prometheus` section: the /metrics and /status server.
type Prometheus struct {
	Enabled bool   `yaml:"enabled"`
	Bind    string `yaml:"bind"`
	Port    int    `yaml:"port"`
}

// Addr is bind:port.
func (p Prometheus) Addr() string { return net.JoinHostPort(p.Bind, strconv.Itoa(p.Port)) }

// Load reads path (rendering its ERB with env; nil means os.LookupEnv),
// merges service_conf_dir, builds every generator to validate its section
// and the services' sections for it, and decodes every discovery section.
// Nothing connects. The error joins every problem found.
func Load(path string, env func(string) (string, bool)) (*Config, []config.Warning, error) {
	return load(path, env, generator.Options{})
}

// LoadDryRun is Load for `synapse --once --dry-run`: the generators built
// to check their sections create nothing (file_output's directory).
func LoadDryRun(path string, env func(string) (string, bool)) (*Config, []config.Warning, error) {
	return load(path, env, generator.Options{DryRun: true})
}

func load(path string, env func(string) (string, bool), check generator.Options) (*Config, []config.Warning, error) {
	root, err := readFile(path, env)
	if err != nil {
		return nil, nil, err
	}
	l := &loader{env: env, file: path, main: config.NewDecoder(path), check: check}
	cfg := l.load(path, root)
	warnings, err := l.result()
	if err != nil {
		return nil, warnings, err
	}
	return cfg, warnings, nil
}

// readFile is the original's read path for one file: ERB, then YAML/JSON.
func readFile(path string, env func(string) (string, bool)) (*yaml.Node, error) {
	data, err := config.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if data, err = config.RenderERB(path, data, env); err != nil {
		return nil, err
	}
	return config.Parse(path, data)
}

// loader gathers the decoders of the main file and of every
// service_conf_dir file, so one run reports the problems of all of them.
type loader struct {
	env    func(string) (string, bool)
	file   string
	main   *config.Decoder
	others []*config.Decoder
	errs   []error // problems outside any decoder (an unreadable file)
	warns  []config.Warning
	check  generator.Options // for the generators built to check their sections
}

func (l *loader) warn(d *config.Decoder, file string, n *yaml.Node, path, msg string) {
	w := config.Warning{File: file, Path: path, Msg: msg}
	if n != nil {
		w.Line = n.Line
	}
	l.warns = append(l.warns, w)
}

func (l *loader) result() ([]config.Warning, error) {
	warnings := l.main.Warnings()
	errs := []error{l.main.Err()}
	for _, d := range l.others {
		warnings = append(warnings, d.Warnings()...)
		errs = append(errs, d.Err())
	}
	warnings = append(warnings, l.warns...)
	return warnings, errors.Join(append(errs, l.errs...)...)
}

// Desired converts cfg for the daemon.
func (c *Config) Desired(warnings []config.Warning) *synapse.Desired {
	d := &synapse.Desired{
		Services:   maps.Clone(c.Services),
		Generators: make(map[string]synapse.GeneratorSpec, len(c.Generators)),
		Prometheus: synapse.Prometheus{Enabled: c.Prometheus.Enabled, Addr: c.Prometheus.Addr()},
	}
	for name, g := range c.Generators {
		// file_mode is part of every generator's config: a change rebuilds them.
		fp := g.Fingerprint
		if c.FileMode != 0 {
			fp += fmt.Sprintf("\x00file_mode=%#o", c.FileMode)
		}
		d.Generators[name] = synapse.GeneratorSpec{Name: name, Fingerprint: fp, New: g.rebuild(c.File, c.FileMode)}
	}
	if c.Statsd != nil {
		d.Statsd = &statsd.Config{Host: c.Statsd.Host, Port: c.Statsd.Port}
	}
	for _, w := range warnings {
		d.Warnings = append(d.Warnings, w.String())
	}
	return d
}

// rebuild decodes the section again with the daemon's options and
// file_mode: the loader's instance was built without a logger or
// registerer, and without file_mode so that checking a config changes no
// file's mode.
func (g Generator) rebuild(file string, mode fs.FileMode) func(generator.Options) (generator.Generator, error) {
	return func(opts generator.Options) (generator.Generator, error) {
		opts.FileMode = mode
		t, ok := generator.Lookup(g.Name)
		if !ok {
			return nil, fmt.Errorf("generator %s is no longer registered", g.Name)
		}
		d := config.NewDecoder(file)
		gen, err := t.New(d, g.Node, g.Name, opts)
		if err = errors.Join(err, d.Err()); err != nil {
			return nil, fmt.Errorf("build generator %s: %w", g.Name, err)
		}
		return gen, nil
	}
}

// ServiceNames returns the service names, sorted.
func (c *Config) ServiceNames() []string { return slices.Sorted(maps.Keys(c.Services)) }
