package synapse

import (
	"gopkg.in/yaml.v3"

	"github.com/smartstack-go/smartstack/internal/generator"
	"github.com/smartstack-go/smartstack/internal/statsd"
)

// Desired is a loaded, validated config in the shape the daemon runs it. The
// synapse config loader (internal/synapse/config) builds it; the daemon
// compares two of them on reload.
type Desired struct {
	Services   map[string]ServiceSpec   // keyed by service name, load-test copies expanded
	Generators map[string]GeneratorSpec // keyed by top-level key
	Statsd     *statsd.Config           // nil: no DogStatsD
	Prometheus Prometheus
	Warnings   []string
}

// ServiceSpec is one service: what its watcher needs and what its
// ServiceState needs.
type ServiceSpec struct {
	Name string
	// Method is discovery.method, lower-cased; Discovery is that method's
	// decoded config (watcher.Type.NewConfig's type).
	Method    string
	Discovery any
	Config    ServiceConfig
	// Sections holds the raw per-generator sections, one key per
	// configured generator (nil node: the service does not mention it).
	Sections map[string]*yaml.Node
	// WatchKey is the canonical form of the discovery part: equal keys
	// mean the running watcher can be kept. Fingerprint covers the whole
	// service section: equal fingerprints mean nothing changed.
	WatchKey    string
	Fingerprint string
}

// GeneratorSpec is one top-level generator section.
type GeneratorSpec struct {
	Name string
	// Fingerprint is the section's canonical form: a change rebuilds the
	// generator on reload.
	Fingerprint string
	// New builds the generator from the section. The loader has already
	// built one to validate the section, so New fails only on what
	// changed since (a directory removed meanwhile).
	New func(opts generator.Options) (generator.Generator, error)
}

// Prometheus is where the /metrics and /status server listens; off by
// default.
type Prometheus struct {
	Enabled bool
	Addr    string
}
