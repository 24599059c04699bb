package nerve

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/smartstack-go/smartstack/internal/cliutil"
	"github.com/smartstack-go/smartstack/internal/lifecycle"
	"github.com/smartstack-go/smartstack/internal/metrics"
	"github.com/smartstack-go/smartstack/internal/nerve/admin"
	"github.com/smartstack-go/smartstack/internal/supervise"
)

// Options configures a Daemon. Zero values take the defaults noted.
type Options struct {
	Logger *slog.Logger
	// Registerer receives nerve's metrics; Gatherer serves /metrics (the
	// Registerer when it is also a Gatherer). With both nil the daemon uses
	// a fresh metrics.NewRegistry().
	Registerer prometheus.Registerer
	Gatherer   prometheus.Gatherer
	// Buckets for the check latency histogram; nil means Prometheus'
	// defaults. The main-loop histogram takes Desired.Prometheus.MainLoopBuckets.
	Buckets []float64
	// Clock drives the rate limiters and times the main loop; nil means
	// time.Now.
	Clock func() time.Time
	// Load reads and validates the whole config; it runs at start and on
	// every reload. Required.
	Load func() (*Desired, error)
	// WatchFiles are re-stat'ed every loop iteration; an mtime change (or a
	// file appearing or vanishing) reloads, as Yelp's overlay watch does.
	WatchFiles []string
	// MaintenanceDir is the spool directory (see maintenance.go); "" disables.
	MaintenanceDir string
	// AdminSocket is the path of the admin socket (adminsock.go); ""
	// disables it. AdminGroup (a name or gid, "" for the daemon's own)
	// owns it; its mode is 0660. With AdminSocketOptional a socket that
	// cannot be created is a warning, not a startup error.
	AdminSocket         string
	AdminGroup          string
	AdminSocketOptional bool
	// LoopInterval is the main loop tick (heartbeat, gauges); default 10 s.
	LoopInterval time.Duration
	// StopTimeout bounds each reporter's deregistration; default 1.5 s so
	// that SIGTERM exits within 2 s.
	StopTimeout time.Duration
	// UpdateWait bounds make-before-break on reload; default 30 s.
	UpdateWait time.Duration
	// RestartBackoff and MaxRestartBackoff bound worker restarts; 1 s, 30 s.
	RestartBackoff, MaxRestartBackoff time.Duration
	// Notifier receives the sd_notify messages (ready, reloading,
	// stopping, status, watchdog); nil sends none.
	Notifier lifecycle.Notifier
	// WatchdogInterval is how often to send WATCHDOG=1 (half of systemd's
	// WatchdogSec); 0 sends none. The main loop then ticks at least this
	// often, and counts as hung after twice this.
	WatchdogInterval time.Duration
}

// Daemon is a running nerve. Create it with New, then call Run once.
type Daemon struct {
	opts    Options
	log     *slog.Logger
	m       *nerveMetrics
	env     env
	backoff supervise.Policy
	spool   spool

	mu       sync.Mutex
	workers  map[string]*supervisor
	current  *Desired
	endpoint metrics.Endpoint
	admin    *admin.Server // nil when off; set in Run before any worker
	life     *lifecycle.Lifecycle
	beat     *lifecycle.Beat // the main loop's
}

// New checks the options and builds the metrics; nothing runs yet.
func New(opts Options) (*Daemon, error) {
	if opts.Load == nil {
		return nil, errors.New("nerve: Options.Load is required")
	}
	setDefaults(&opts)
	d := &Daemon{opts: opts, log: opts.Logger, workers: map[string]*supervisor{}, spool: spool{dir: opts.MaintenanceDir, now: opts.Clock, log: opts.Logger}}
	d.spool.mode = d.fileMode
	d.m = newMetrics(opts.Registerer, opts.Buckets)
	d.env = env{log: opts.Logger, m: d.m, now: opts.Clock, maintenance: d.spool.lookup, stopTimeout: opts.StopTimeout}
	// A worker that ran for a minute, or had a successful round, is
	// healthy again: its successor restarts at RestartBackoff.
	d.backoff = supervise.Policy{Min: opts.RestartBackoff, Max: opts.MaxRestartBackoff, ResetAfter: time.Minute}
	d.life = lifecycle.New(opts.Notifier, 2*opts.WatchdogInterval)
	d.beat = d.life.NewBeat("nerve main loop")
	return d, nil
}

func setDefaults(o *Options) {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	o.Registerer, o.Gatherer = metrics.Registries(o.Registerer, o.Gatherer)
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&o.LoopInterval, 10*time.Second)
	def(&o.StopTimeout, 1500*time.Millisecond)
	def(&o.UpdateWait, 30*time.Second)
	def(&o.RestartBackoff, time.Second)
	def(&o.MaxRestartBackoff, 30*time.Second)
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.WatchdogInterval > 0 {
		o.LoopInterval = min(o.LoopInterval, o.WatchdogInterval)
	}
}

// Run loads the config, starts every service and serves until ctx ends;
// each receive on reload re-reads the config. An error loading the first
// config is returned; a bad reload is logged and the running config kept.
// On return every worker has deregistered. Errors are marked for the exit
// code: cliutil.ConfigError for the config, cliutil.StartupError for a
// listener that cannot be opened.
func (d *Daemon) Run(ctx context.Context, reload <-chan struct{}) error {
	d.life.Status("loading the config")
	cfg, err := d.opts.Load()
	if err != nil {
		return cliutil.ConfigError(err)
	}
	if err := d.openAdmin(); err != nil {
		return err
	}
	defer d.shutdown()
	// Listeners before any registry connection: a port in use fails at
	// once, with nothing registered.
	if err := d.applyPrometheus(cfg.Prometheus); err != nil {
		return cliutil.StartupError(err)
	}
	d.m.initMainLoop(d.opts.Registerer, cfg.Prometheus.MainLoopBuckets)
	d.logWarnings(cfg)
	d.life.Status(fmt.Sprintf("starting %d services; waiting for their first reports", len(cfg.Services)))
	if err := d.apply(ctx, cfg); err != nil {
		return err
	}
	wctx, wcancel := context.WithCancel(ctx)
	wdone := make(chan struct{})
	go func() { defer close(wdone); d.life.RunWatchdog(wctx, d.opts.WatchdogInterval) }()
	defer func() { wcancel(); <-wdone }()
	return d.loop(ctx, reload)
}

func (d *Daemon) loop(ctx context.Context, reload <-chan struct{}) error {
	tick := time.NewTicker(d.opts.LoopInterval)
	defer tick.Stop()
	mtimes := statAll(d.opts.WatchFiles)
	for {
		d.beat.Mark()
		d.checkReady()
		start := d.opts.Clock()
		if next := statAll(d.opts.WatchFiles); !equalTimes(next, mtimes) {
			mtimes = next
			d.log.Info("watched config file changed; reloading")
			d.reload(ctx)
		}
		d.touchHeartbeat()
		d.updateGauges()
		d.observeLoop(d.opts.Clock().Sub(start))
		select {
		case <-ctx.Done():
			d.life.Stopping("stopping: deregistering every service")
			return nil
		case <-reload:
			d.reload(ctx)
		case <-tick.C:
		case <-d.nextUnreported():
		}
	}
}

// reload applies a new config only if it loads completely: a bad config
// keeps the running one (the original deregistered everything and exited).
func (d *Daemon) reload(ctx context.Context) {
	d.life.Reloading()
	cfg, err := d.opts.Load()
	if err != nil {
		for _, line := range strings.Split(err.Error(), "\n") {
			d.log.Error("config reload failed; keeping the running config", "err", line)
		}
		d.m.reloads.WithLabelValues("failure").Inc()
		d.life.Reloaded("config reload failed; the previous config keeps running: " + err.Error())
		return
	}
	d.logWarnings(cfg)
	status := fmt.Sprintf("config reloaded: %d services", len(cfg.Services))
	if err := d.apply(ctx, cfg); err != nil {
		d.log.Error("config reload partly applied", "err", err)
		status += "; " + err.Error()
	}
	d.m.reloads.WithLabelValues("success").Inc()
	d.m.statsd().Incr("nerve.config.update")
	d.log.Info("config reloaded", "services", len(cfg.Services))
	d.life.Reloaded(status)
}

func (d *Daemon) logWarnings(cfg *Desired) {
	for _, w := range cfg.Warnings {
		d.log.Warn("config warning: " + w)
	}
}

// shutdown closes the admin socket, so no command races the exit, stops
// every worker at once (each deregisters within StopTimeout), then the
// metrics server and statsd.
func (d *Daemon) shutdown() {
	d.closeAdmin()
	d.mu.Lock()
	all := make([]*supervisor, 0, len(d.workers))
	for _, s := range d.workers {
		all = append(all, s)
	}
	d.workers = map[string]*supervisor{}
	d.mu.Unlock()
	stopAll(all)
	d.endpoint.Close(300 * time.Millisecond)
	if sd := d.m.sd.Swap(nil); sd != nil {
		sd.Incr("nerve.stop", "stop_avenue:clean", "stop_location:main_loop")
		_ = sd.Close()
	}
	d.log.Info("exiting nerve")
}

func stopAll(ss []*supervisor) {
	for _, s := range ss {
		s.cancel()
	}
	for _, s := range ss {
		<-s.done
	}
}

// Handler is the HTTP surface served on the prometheus port: GET
// /metrics, /status, /ready and /healthz, nothing that changes state.
func (d *Daemon) Handler() http.Handler {
	mux := http.NewServeMux()
	inner := metrics.Handler(d.opts.Gatherer)
	// Gauges are refreshed per scrape so they are never a loop tick stale.
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, r *http.Request) {
		d.updateGauges()
		inner.ServeHTTP(w, r)
	})
	d.routes(mux)
	d.life.Routes(mux)
	return mux
}

func statAll(paths []string) []time.Time {
	out := make([]time.Time, len(paths))
	for i, p := range paths {
		if fi, err := os.Stat(p); err == nil {
			out[i] = fi.ModTime()
		}
	}
	return out
}

func equalTimes(a, b []time.Time) bool {
	for i := range a {
		if !a[i].Equal(b[i]) {
			return false
		}
	}
	return true
}
