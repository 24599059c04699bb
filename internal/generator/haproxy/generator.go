package haproxy

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/smartstack-go/smartstack/internal/atomicfile"
	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/internal/generator"
	"github.com/smartstack-go/smartstack/internal/generator/haproxy/plan"
	"github.com/smartstack-go/smartstack/internal/generator/haproxy/render"
	"github.com/smartstack-go/smartstack/internal/generator/haproxy/statefile"
	hapi "github.com/smartstack-go/smartstack/pkg/haproxy"
)

func init() {
	generator.Register("haproxy", generator.Type{New: newFromSection})
}

var (
	_ generator.Generator      = (*Generator)(nil)
	_ generator.SectionDecoder = (*Generator)(nil)
)

// Generator keeps a local HAProxy in line with the services: servers it
// already runs are enabled and disabled through the runtime sockets, the
// config file is rewritten when its content changes, and HAProxy is
// reloaded (rate limited) only for what the sockets cannot do.
type Generator struct {
	mu   sync.Mutex
	cfg  *Config
	log  *slog.Logger
	m    *metrics
	now  func() time.Time
	rand func() float64 // [0, 1), for restart_jitter
	seed int64

	clients    []*hapi.Client
	socketDown map[string]time.Time // failing sockets (logged once), with their last failure
	ids        ServerIDs
	last       *Result // the last generation, nil before the first (lastText)
	refused    *Result // a config check_command refused
	// fileBehind: haproxy.cfg lags behind last, which the sockets
	// applied in full (deferWrite).
	fileBehind bool
	reloads    reloads
	// reloadCheck bounds a reload's confirmation (reloadCheckTimeout).
	reloadCheck time.Duration
	confirm     *confirming     // a reload run and not yet confirmed (reload_confirm.go)
	state       *statefile.File // nil without state_file_path
	memo        *render.Memo
	inputCache  map[string]inputEntry // inputs.go
	optWarn     optionsWarner         // intake.go
	lastIn      []Service             // the last update's, for resyncStats
	files       atomicfile.Options    // how haproxy.cfg and the state files are written
	live        liveFile              // haproxy.cfg as last read or written (livefile.go)
	target      target                // the HAProxy version user lines are written for

	// prevIn are the last update's inputs, whatever its render did;
	// sameServices is whether this update's are the same services (names
	// and configs, in order), and uniqueBackends whether they have a
	// backend name each (inputs.go).
	prevIn         []Service
	inBufs         inputBuffers
	sameServices   bool
	uniqueBackends bool

	runtime // add/del server state, see runtime.go
}

// Option adjusts a Generator, for tests that drive time and jitter.
type Option func(*Generator)

// WithClock replaces time.Now (reload window, state timestamps, header).
func WithClock(now func() time.Time) Option { return func(g *Generator) { g.now = now } }

// WithRand replaces the source of restart_jitter; it returns [0, 1).
func WithRand(f func() float64) Option { return func(g *Generator) { g.rand = f } }

// New validates cfg and builds the generator. It loads the state file when
// one is configured; a bad state file is logged and rebuilt.
func New(cfg *Config, opts generator.Options, extra ...Option) (*Generator, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	g := &Generator{
		cfg: cfg, log: opts.Logger, now: time.Now, rand: rand.Float64,
		socketDown: map[string]time.Time{}, ids: ServerIDs{}, runtime: newRuntime(),
		memo: render.NewMemo(), files: fileOptions(opts.FileMode),
		target: target{warned: map[string]bool{}}, reloadCheck: reloadCheckTimeout,
	}
	if g.log == nil {
		g.log = slog.New(slog.DiscardHandler)
	}
	g.log = g.log.With("generator", "haproxy")
	var err error
	if g.m, err = metricsFor(opts.Registerer); err != nil {
		g.log.Warn("haproxy generator metrics not registered", "err", err)
	}
	for _, o := range extra {
		o(g)
	}
	// The original's rand(2000), new per process, unless pinned.
	g.seed = rand.Int64N(2000)
	if cfg.ServerOrderSeed != nil {
		g.seed = int64(*cfg.ServerOrderSeed)
	}
	if cfg.DoSocket {
		for _, p := range cfg.SocketFilePath {
			g.clients = append(g.clients, hapi.New(p))
		}
	}
	g.reloads.add(reasonInitial, "first update since start")
	if opts.Once {
		g.cfg = onceConfig(cfg)
	}
	if !opts.DryRun {
		g.applyFileMode()
	}
	g.loadState()
	g.loadSlots()
	return g, nil
}

func (g *Generator) loadState() {
	if g.cfg.StateFilePath == "" {
		return
	}
	s, err := statefile.Load(g.cfg.StateFilePath, time.Duration(g.cfg.StateFileTTL))
	if err != nil {
		g.log.Warn("ignoring the state file, it will be rebuilt", "path", g.cfg.StateFilePath, "err", err)
	}
	for _, err := range s.Dropped {
		g.log.Warn("dropping an invalid state file entry", "path", g.cfg.StateFilePath, "err", err)
	}
	s.Dropped = nil
	s.Expire(g.now())
	g.state = s
	g.ids = s.ServerIDs()
}

// newFromSection records every problem of the section in d, each once:
// errors found while decoding are not repeated by Validate.
func newFromSection(d *config.Decoder, section *yaml.Node, path string, opts generator.Options) (generator.Generator, error) {
	cfg := NewConfig()
	before := d.ErrorCount()
	d.Decode(section, path, &cfg)
	if d.ErrorCount() > before {
		return nil, generator.ErrReported
	}
	if err := cfg.Validate(); err != nil {
		for _, e := range config.Unjoin(err) {
			// "max_server_id must be ..." is about a key that is there:
			// point at it; a missing key's message stays at the section.
			at, kp := section, path
			if key, _, _ := strings.Cut(e.Error(), " "); config.Lookup(section, key) != nil {
				at, kp = config.Lookup(section, key), config.KeyPath(path, key)
			}
			d.Errorf(at, kp, "%v", e)
		}
		return nil, generator.ErrReported
	}
	return New(&cfg, opts)
}

// Name is the top-level config key.
func (g *Generator) Name() string { return "haproxy" }

// Normalize decodes a service's haproxy section (from the config file or
// from ZooKeeper) into a *ServiceConfig with the original's defaults. A
// nil section gets the defaults, as the original gives every service.
// Warnings are logged at debug level only: the config loader has reported
// those of the config file's sections (DecodeSection), and the original
// says nothing about a discovered section either.
func (g *Generator) Normalize(service string, section *yaml.Node) (any, error) {
	d := config.NewDecoder("")
	sc := g.DecodeSection(d, service, section, generator.SectionPath(service, "haproxy"))
	if err := d.Err(); err != nil {
		return nil, err
	}
	for _, w := range d.Warnings() {
		g.log.Debug(w.String(), "service", service)
	}
	return sc, nil
}

// DecodeSection implements generator.SectionDecoder. The original warns
// about every service without a port; a port that is there but invalid
// has its own error.
func (g *Generator) DecodeSection(d *config.Decoder, service string, section *yaml.Node, path string) any {
	sc := &ServiceConfig{}
	d.Decode(section, path, sc)
	sc.Normalize() // a null section never reaches UnmarshalConfig
	if _, given := mappingValue(section, "port"); !given && !misspelt(section, "port") {
		d.Warnf(section, path, "no port, so only a backend section is written for service %s; "+
			"send traffic to it yourself, e.g. with extra_sections", service)
	}
	// The README of the original documents the key here, its code reads
	// only the top-level one: say so rather than let a weight go unused.
	if v, given := mappingValue(section, "use_nerve_weights"); given {
		d.Warnf(v, config.KeyPath(path, "use_nerve_weights"),
			"ignored here: only the top-level haproxy.use_nerve_weights is read, as in the original")
	}
	return sc
}

// misspelt reports whether mapping n has a key that looks like a misspelt
// key, whose unknown-key warning says all there is to say.
func misspelt(n *yaml.Node, key string) bool {
	n = config.Resolve(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return false
	}
	for i := 0; i < len(n.Content); i += 2 {
		if config.Suggest(n.Content[i].Value, key) == key {
			return true
		}
	}
	return false
}

// Update follows the original's update_config: the sockets first, then
// generation and the write, then the state cache and a reload if one is
// pending and allowed.
func (g *Generator) Update(ctx context.Context, services []generator.Service) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	start := time.Now()
	defer func() { g.m.generation.WithLabelValues("haproxy").Observe(time.Since(start).Seconds()) }()
	in, err := g.inputs(services)
	if err != nil {
		return err
	}
	g.resolveTarget(ctx)
	res, renderErr := render.Generate(Input{Config: g.cfg, Services: in, ServerIDs: g.ids, Seed: g.seed, Time: g.now(), SlotBase: g.slotBase(), Memo: g.memo, Target: g.target.version, FDLimit: fdLimit()})
	if renderErr == nil {
		g.lastIn = in // with g.last, which generate sets
		g.logTranslations(res)
	}
	g.applied = plan.Applied{}
	if g.cfg.DoSocket {
		g.applyWants(ctx, g.updateWants(in, res), g.clients)
		if renderErr != nil {
			// The memo kept the services rendered before the failure, whose
			// plan (no config, so no dynamic servers) was not the one their
			// stanzas ask for: plan everything against HAProxy next time.
			g.forgetAllStats()
		}
	} else {
		g.reloads.add(reasonNoSocket, "do_socket is false")
	}
	genErr := g.generate(ctx, res, renderErr)
	stateErr := g.updateState(services)
	g.reload(ctx)
	return errors.Join(genErr, stateErr)
}

// Tick writes haproxy.cfg if it lags behind a change the sockets applied,
// confirms a reload run meanwhile, retries a pending reload once the rate
// limit allows, keeps free agent slots in maintenance, reads HAProxy's
// state before updates need it (statresync.go), and keeps the state
// file's timestamps and TTL current.
func (g *Generator) Tick(ctx context.Context) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	writeErr := g.flushConfig(ctx)
	g.forgetDraining()
	g.finishDrains(ctx)
	g.checkReload(ctx, reloadTickWait)
	g.reload(ctx)
	g.sweepAgentSlots(ctx)
	g.resyncStats(ctx)
	return errors.Join(writeErr, g.flushState())
}

func mappingValue(n *yaml.Node, key string) (*yaml.Node, bool) {
	v := config.Lookup(n, key)
	return v, v != nil
}
