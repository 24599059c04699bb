package synapse

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/smartstack-go/smartstack/internal/cliutil"
	"github.com/smartstack-go/smartstack/internal/generator"
	"github.com/smartstack-go/smartstack/internal/lifecycle"
	"github.com/smartstack-go/smartstack/internal/metrics"
	"github.com/smartstack-go/smartstack/internal/synapse/admin"
	"github.com/smartstack-go/smartstack/internal/watcher"
)

// Defaults of Options.
const (
	// DefaultCoalesceWindow is how long after an update the generator loop
	// keeps collecting changes into the next one. A change while the loop
	// is idle is applied at once; a deploy of hundreds of backends becomes
	// about one update per window (see coalescer).
	DefaultCoalesceWindow = 15 * time.Millisecond
	// DefaultFirstUpdateTimeout bounds how long a new service (every
	// service, at start) waits for its watcher's first discovery before
	// it is handed to the generators with its default servers. At start
	// no Update happens before every service is ready or timed out, so a
	// restart does not write a haproxy.cfg without backends
	// (airbnb/synapse#78).
	DefaultFirstUpdateTimeout = 10 * time.Second
	// DefaultTickInterval paces generator Ticks, as the original's 1 s loop.
	DefaultTickInterval = time.Second
)

// Options configures a Daemon. Zero values take the defaults noted.
type Options struct {
	Logger *slog.Logger
	// Registerer receives synapse's metrics and is passed on to watchers
	// and generators; Gatherer serves /metrics. With both nil the daemon
	// uses a fresh metrics.NewRegistry().
	Registerer prometheus.Registerer
	Gatherer   prometheus.Gatherer
	// Load reads and validates the whole config, at start and on every
	// reload. Required.
	Load func() (*Desired, error)
	// NewWatcher builds a watcher; nil means watcher.New.
	NewWatcher func(method, service string, cfg any, opts watcher.Options) (watcher.Watcher, error)
	// CoalesceWindow, FirstUpdateTimeout, TickInterval: see the Default
	// constants.
	CoalesceWindow, FirstUpdateTimeout, TickInterval time.Duration
	// RestartBackoff and MaxRestartBackoff bound watcher restarts; 1 s, 30 s.
	RestartBackoff, MaxRestartBackoff time.Duration
	// AdminSocket is the admin socket's path, "" for none; AdminGroup its
	// group (name or gid, "" the daemon's). With AdminSocketOptional a
	// socket that cannot be created is a warning, not a start-up error:
	// it is only the default path (see openAdmin).
	AdminSocket, AdminGroup string
	AdminSocketOptional     bool
	// Notifier receives the sd_notify messages (ready, reloading,
	// stopping, status, watchdog); nil sends none.
	Notifier lifecycle.Notifier
	// WatchdogInterval is how often to send WATCHDOG=1 (half of systemd's
	// WatchdogSec); 0 sends none. A loop counts as hung after twice this.
	WatchdogInterval time.Duration
}

// Daemon is a running synapse. Create it with New, then call Run once.
//
// Goroutines: Run's own goroutine is the state owner (the only one that
// touches ServiceStates and watchers' runners); one generator loop calls
// the generators; one goroutine per watcher. genMu serialises every call
// into generators (Update and Tick from the loop, Normalize from the
// owner), as the Generator contract asks for one caller at a time.
type Daemon struct {
	opts    Options
	log     *slog.Logger
	m       *daemonMetrics
	swapReg *swapRegisterer
	snaps   chan watcher.Snapshot
	trigger chan struct{}
	clock   clock // the generator loop's; tests swap it before Run

	// Owned by Run's goroutine.
	services map[string]*entry
	shape    *shape // publish's cache of the service set; nil after commit
	stale    bool   // a state changed since the last publish
	patch    viewPatch
	current  *Desired
	genSpecs map[string]GeneratorSpec

	genMu sync.Mutex
	gens  map[string]generator.Generator // swapped whole on reload, under genMu
	genIn map[string]*genInput           // under genMu: servicesFor's last lists

	mu       sync.Mutex // guards view and the server fields
	view     view
	endpoint metrics.Endpoint

	// Under mu too: the generators that can report their proxy's state,
	// and the admin socket.
	reporters          []generator.Reporter
	admin              *admin.Server
	life               *lifecycle.Lifecycle
	ownerBeat, genBeat *lifecycle.Beat
	readyWait          string // the last waiting status sent; the generator loop's
}

// New checks the options and registers the metrics; nothing runs yet.
func New(opts Options) (*Daemon, error) {
	if opts.Load == nil {
		return nil, errors.New("synapse: Options.Load is required")
	}
	setDefaults(&opts)
	life := lifecycle.New(opts.Notifier, 2*opts.WatchdogInterval)
	d := &Daemon{
		opts: opts, log: opts.Logger, m: newMetrics(opts.Registerer), swapReg: newSwapRegisterer(opts.Registerer),
		snaps: make(chan watcher.Snapshot), trigger: make(chan struct{}, 1),
		clock: realClock{}, services: map[string]*entry{},
		life: life, ownerBeat: life.NewBeat("synapse state owner loop"), genBeat: life.NewBeat("synapse generator loop"),
	}
	_ = opts.Registerer.Register(discoveryAge{d})
	return d, nil
}

func setDefaults(o *Options) {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	o.Registerer, o.Gatherer = metrics.Registries(o.Registerer, o.Gatherer)
	if o.NewWatcher == nil {
		o.NewWatcher = watcher.New
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&o.CoalesceWindow, DefaultCoalesceWindow)
	def(&o.FirstUpdateTimeout, DefaultFirstUpdateTimeout)
	def(&o.TickInterval, DefaultTickInterval)
	def(&o.RestartBackoff, time.Second)
	def(&o.MaxRestartBackoff, 30*time.Second)
}

// Run loads the config, starts every watcher and the generator loop, and
// serves until ctx ends; each receive on reload re-reads the config. An
// error in the first config is returned; a bad reload is logged and the
// running config kept. On return every watcher and the generator loop
// have stopped; HAProxy and its config file are left as they are. Errors
// are marked for the exit code: cliutil.ConfigError for the config,
// cliutil.StartupError for a listener that cannot be opened.
func (d *Daemon) Run(ctx context.Context, reload <-chan struct{}) error {
	d.life.Status("loading the config")
	cfg, err := d.opts.Load()
	if err != nil {
		return cliutil.ConfigError(err)
	}
	// Listeners before any discovery connection: a port in use fails at
	// once.
	if err := d.applyPrometheus(cfg.Prometheus); err != nil {
		return cliutil.StartupError(err)
	}
	d.logWarnings(cfg)
	if err := d.openAdmin(); err != nil {
		d.endpoint.Close(300 * time.Millisecond)
		return err
	}
	defer d.closeAdmin()
	d.life.Status(fmt.Sprintf("discovering %d services", len(cfg.Services)))
	if err := d.apply(ctx, cfg); err != nil {
		d.stopWatchers()
		d.endpoint.Close(300 * time.Millisecond)
		return cliutil.ConfigError(err)
	}
	d.m.statsd().Incr("synapse.start")
	loopStart := time.Now()
	gctx, gcancel := context.WithCancel(ctx)
	var loops sync.WaitGroup
	loops.Go(func() { d.generatorLoop(gctx) })
	loops.Go(func() { d.life.RunWatchdog(gctx, d.opts.WatchdogInterval) })
	d.ownerLoop(ctx, reload)
	d.life.Stopping("stopping; HAProxy keeps running with its current config")
	d.stopWatchers()
	gcancel()
	loops.Wait()
	d.flushGenerators(ctx)
	d.observeMainLoop(loopStart)
	d.shutdown()
	return nil
}

func (d *Daemon) logWarnings(cfg *Desired) {
	for _, w := range cfg.Warnings {
		d.log.Warn("config warning: " + w)
	}
}

// stopWatchers cancels every watcher, then waits for all of them.
func (d *Daemon) stopWatchers() {
	for _, e := range d.services {
		e.run.stop()
	}
	for _, e := range d.services {
		e.run.wait()
	}
}

func (d *Daemon) shutdown() {
	d.endpoint.Close(300 * time.Millisecond)
	if sd := d.m.sd.Swap(nil); sd != nil {
		sd.Incr("synapse.stop", "stop_avenue:clean", "stop_location:main_loop")
		_ = sd.Close()
	}
	d.log.Info("synapse stopped; HAProxy left running with its current config")
}
