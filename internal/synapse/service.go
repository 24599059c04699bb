package synapse

import (
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/smartstack-go/smartstack/internal/watcher"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

// StateOptions carries what a ServiceState needs besides its config.
type StateOptions struct {
	// Generators holds the service's own section for every configured
	// generator, keyed by generator name; a nil node for a generator the
	// service does not mention (it is still enabled for it, with defaults).
	// Only these generators can receive discovered config later.
	Generators map[string]*yaml.Node
	// Normalize turns a raw section into the generator's config; nil keeps
	// the raw node.
	Normalize Normalizer
	Logger    *slog.Logger     // nil: discard
	Now       func() time.Time // nil: time.Now; paces the leader-election warning
	// Rejected counts a newly rejected registration, by the key that
	// failed (registration.InvalidError.Field); nil: not counted.
	Rejected func(reason string)
}

// ServiceState is one service's backends and generator config: the single
// home of the original's set_backends semantics.
// Watchers report raw sets; the state applies default servers, the port
// override, dedupe and the empty-result rules, and counts changes in
// Revision.
//
// A ServiceState is not safe for concurrent use: the synapse loop owns it
// and is the only goroutine that calls it, reads included (Backends keeps
// the warning pace of leader election).
type ServiceState struct {
	name           string
	defaults       []registration.Backend
	keepDefaults   bool
	usePrevious    bool
	portOverride   *registration.Port
	leaderElection bool
	filters        []LabelFilter
	normalize      Normalizer
	known          map[string]bool // generators configured at start
	log            *slog.Logger
	now            func() time.Time
	onReject       func(reason string)
	rejected       map[string]bool // backendKey of the registrations rejected last time

	backends   []registration.Backend
	genCfg     map[string]any
	revision   uint64
	leaderWarn time.Time // when leader election last warned
	warned     bool
}

// NewServiceState validates cfg, normalises the service's generator sections
// and starts with the default servers (not port-overridden, as in the
// original) at revision 0.
func NewServiceState(name string, cfg ServiceConfig, opts StateOptions) (*ServiceState, error) {
	if name == "" {
		return nil, errors.New("missing required option name")
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("service %s: %w", name, err)
	}
	s := &ServiceState{
		name:           name,
		defaults:       cfg.DefaultBackends(),
		keepDefaults:   cfg.KeepDefaultServers,
		usePrevious:    cfg.UsePreviousBackends,
		leaderElection: cfg.LeaderElection,
		filters:        slices.Clone(cfg.LabelFilters),
		normalize:      opts.Normalize,
		log:            opts.Logger,
		now:            opts.Now,
		onReject:       opts.Rejected,
	}
	if cfg.BackendPortOverride != nil {
		s.portOverride = &cfg.BackendPortOverride.Port
	}
	s.setDefaults()
	s.backends = slices.Clone(s.defaults)
	if err := s.initGeneratorConfig(opts.Generators); err != nil {
		return nil, fmt.Errorf("service %s: %w", name, err)
	}
	return s, nil
}

func (s *ServiceState) setDefaults() {
	if s.normalize == nil {
		s.normalize = func(_, _ string, raw *yaml.Node) (any, error) { return raw, nil }
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.log = s.log.With("service", s.name)
	if s.now == nil {
		s.now = time.Now
	}
}

// Name returns the service name.
func (s *ServiceState) Name() string { return s.name }

// Revision counts the changes since start: each SetBackends that changed
// the backends or the generator config adds exactly one.
func (s *ServiceState) Revision() uint64 { return s.revision }

// Apply takes a watcher's snapshot. A snapshot carrying an error changes
// nothing (stale beats partial) and returns that error.
func (s *ServiceState) Apply(snap watcher.Snapshot) (changed bool, err error) {
	if snap.Service != s.name {
		return false, fmt.Errorf("snapshot of service %q sent to service %q", snap.Service, s.name)
	}
	if snap.Err != nil {
		return false, fmt.Errorf("service %s: discovery failed, keeping the last good backends: %w", s.name, snap.Err)
	}
	return s.SetBackends(snap.Backends, snap.GeneratorConfig)
}

// SetBackends is the original's set_backends: it applies a full discovered
// set and, if genCfg is not empty, discovered generator config. It reports
// whether anything changed (and Revision moved). An error means the
// generator config was rejected and the previous one kept; the backends
// are applied regardless.
func (s *ServiceState) SetBackends(discovered []registration.Backend, genCfg map[string]*yaml.Node) (changed bool, err error) {
	// admit after prepare: backend_port_override supplies the port of
	// watchers that discover none (ec2tag).
	backendsChanged := s.updateBackends(s.admit(s.prepare(discovered)))
	cfgChanged, err := s.updateGeneratorConfig(genCfg)
	if backendsChanged || cfgChanged {
		s.revision++
		return true, err
	}
	return false, err
}

// Unfiltered returns the stored backends before label filters and leader
// election.
func (s *ServiceState) Unfiltered() []registration.Backend { return slices.Clone(s.backends) }

// updateBackends stores next unless it equals the current set. An empty
// next falls back to the default servers, else keeps the current backends
// (use_previous_backends) or empties the list. As in the original, the
// default-server fallback counts as a change even when the current
// backends already are the default servers.
func (s *ServiceState) updateBackends(next []registration.Backend) bool {
	if sameSet(next, s.backends) {
		return false
	}
	if len(next) > 0 {
		s.log.Debug("discovered backends", "count", len(next))
		s.backends = next
		return true
	}
	switch {
	case len(s.defaults) > 0:
		s.log.Warn("no backends discovered; using the default servers", "count", len(s.defaults))
		s.backends = slices.Clone(s.defaults)
		return true
	case s.usePrevious:
		s.log.Warn("no backends discovered and no default servers; keeping the previous backends", "count", len(s.backends))
		return false
	}
	s.log.Warn("no backends discovered, no default servers and use_previous_backends is false; dropping all backends")
	s.backends = nil
	return true
}
