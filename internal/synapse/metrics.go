package synapse

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/smartstack-go/smartstack/internal/statsd"
	"github.com/smartstack-go/smartstack/internal/version"
)

var discoveryAgeDesc = prometheus.NewDesc("synapse_discovery_age_seconds",
	"Seconds since each service's discovery was last known good (a good snapshot, or a watcher whose source answers); 0 while it is current.",
	[]string{"service"}, nil)

// discoveryAge collects synapse_discovery_age_seconds at scrape time from
// the published view's watchers.
type discoveryAge struct{ d *Daemon }

func (c discoveryAge) Describe(ch chan<- *prometheus.Desc) { ch <- discoveryAgeDesc }

func (c discoveryAge) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	now := time.Now()
	for name, r := range c.d.currentView().health {
		ch <- prometheus.MustNewConstMetric(discoveryAgeDesc, prometheus.GaugeValue, r.discoveryAge(ctx, now).Seconds(), name)
	}
}

// daemonMetrics are synapse's own Prometheus metrics and its DogStatsD
// client (nil when the config has no statsd section).
type daemonMetrics struct {
	backends       *prometheus.GaugeVec
	watcherUpdates *prometheus.CounterVec
	watcherRestart *prometheus.CounterVec
	generation     *prometheus.HistogramVec
	generatorErrs  *prometheus.CounterVec
	reloads        *prometheus.CounterVec
	rejected       *prometheus.CounterVec
	buildInfo      *prometheus.GaugeVec
	sd             atomic.Pointer[statsd.Client]
}

func newMetrics(reg prometheus.Registerer) *daemonMetrics {
	m := &daemonMetrics{
		backends: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "synapse_backends", Help: "Backends each service hands to the generators.",
		}, []string{"service"}),
		watcherUpdates: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "synapse_watcher_updates_total", Help: "Snapshots received from watchers.",
		}, []string{"service", "method"}),
		watcherRestart: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "synapse_watcher_restarts_total", Help: "Watchers restarted after they stopped on their own.",
		}, []string{"service", "method"}),
		generation: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "synapse_generation_duration_seconds", Help: "Time taken by one generator Update.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"generator"}),
		generatorErrs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "synapse_generator_errors_total", Help: "Failed generator calls, by operation (update or tick).",
		}, []string{"generator", "op"}),
		reloads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "synapse_config_reloads_total", Help: "Config reloads (SIGHUP), by result.",
		}, []string{"result"}),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "synapse_registrations_rejected_total",
			Help: "Registrations skipped because a value could not be used as data, by the key that failed; each counted once when it appears.",
		}, []string{"service", "reason"}),
		buildInfo: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "synapse_build_info", Help: "Always 1; the labels are the build.",
		}, []string{"version", "revision", "goversion"}),
	}
	m.buildInfo.WithLabelValues(version.Version, version.Revision, version.GoVersion()).Set(1)
	// Known label values exist from the first scrape, so rate() and
	// absent() alerts work before the first reload.
	for _, r := range []string{"success", "failure"} {
		m.reloads.WithLabelValues(r)
	}
	for _, c := range []prometheus.Collector{m.backends, m.watcherUpdates, m.watcherRestart, m.generation, m.generatorErrs, m.reloads, m.rejected, m.buildInfo} {
		_ = reg.Register(c)
	}
	return m
}

func (m *daemonMetrics) statsd() *statsd.Client { return m.sd.Load() }

// swapRegisterer lets a rebuilt generator or watcher register the metrics
// its predecessor registered through it: the newer collector replaces the
// older, so a reload never fails on "duplicate metrics collector
// registration". Collectors registered elsewhere (the daemon's own) are
// never replaced. One instance per daemon, so that packages caching
// their metrics per Registerer find it again.
type swapRegisterer struct {
	prometheus.Registerer
	mu    sync.Mutex
	owned map[prometheus.Collector]bool
}

func newSwapRegisterer(reg prometheus.Registerer) *swapRegisterer {
	return &swapRegisterer{Registerer: reg, owned: map[prometheus.Collector]bool{}}
}

func (r *swapRegisterer) Register(c prometheus.Collector) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	err := r.Registerer.Register(c)
	var are prometheus.AlreadyRegisteredError
	if errors.As(err, &are) && r.owned[are.ExistingCollector] {
		r.Registerer.Unregister(are.ExistingCollector)
		delete(r.owned, are.ExistingCollector)
		err = r.Registerer.Register(c)
	}
	if err == nil {
		r.owned[c] = true
	}
	return err
}

func (r *swapRegisterer) MustRegister(cs ...prometheus.Collector) {
	for _, c := range cs {
		if err := r.Register(c); err != nil {
			panic(err)
		}
	}
}

func (r *swapRegisterer) Unregister(c prometheus.Collector) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.owned, c)
	return r.Registerer.Unregister(c)
}
