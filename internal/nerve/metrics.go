package nerve

import (
	"strconv"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/smartstack-go/smartstack/internal/statsd"
	"github.com/smartstack-go/smartstack/internal/version"
)

// nerveMetrics holds nerve's Prometheus metrics (Yelp's nerve fork's
// names) and sends the original's DogStatsD metrics beside them.
type nerveMetrics struct {
	desired, running, up, down, failuresMax prometheus.Gauge
	buildInfo                               *prometheus.GaugeVec
	reportResults, pingResults              *prometheus.CounterVec
	stops, launches                         *prometheus.CounterVec
	throttledTotal, heartbeatFails          prometheus.Counter
	reloads                                 *prometheus.CounterVec
	mainLoop                                prometheus.Histogram
	checkDuration                           *prometheus.HistogramVec
	checkRuns                               *prometheus.CounterVec
	sd                                      atomic.Pointer[statsd.Client]
}

func newMetrics(reg prometheus.Registerer, buckets []float64) *nerveMetrics {
	g := func(name, help string) prometheus.Gauge {
		return prometheus.NewGauge(prometheus.GaugeOpts{Name: name, Help: help})
	}
	cv := func(name, help string, labels ...string) *prometheus.CounterVec {
		return prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels)
	}
	c := func(name, help string) prometheus.Counter {
		return prometheus.NewCounter(prometheus.CounterOpts{Name: name, Help: help})
	}
	if len(buckets) == 0 {
		buckets = prometheus.DefBuckets
	}
	m := &nerveMetrics{
		desired:        g("nerve_watchers_desired", "Services in the loaded config."),
		running:        g("nerve_watchers_running", "Service workers currently running."),
		up:             g("nerve_watchers_up", "Services last reported up."),
		down:           g("nerve_watchers_down", "Services last reported down."),
		failuresMax:    g("nerve_repeated_report_failures_max", "Highest consecutive report failure count of any service."),
		buildInfo:      prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "nerve_build_info", Help: "Always 1; the version label is the build."}, []string{"version"}),
		reportResults:  cv("nerve_report_results_total", "Registry reports by action and result.", "action", "result"),
		pingResults:    cv("nerve_reporter_ping_results_total", "Reporter pings by result.", "result"),
		stops:          cv("nerve_watcher_stops_total", "Service worker stops by reason.", "reason"),
		launches:       cv("nerve_watcher_launches_total", "Service worker launches by reason.", "reason"),
		throttledTotal: c("nerve_watcher_throttled_total", "Reports throttled by rate_limit (shadow mode included)."),
		reloads:        cv("nerve_config_reloads_total", "Config reloads (SIGHUP or a watched file), by result: success or failure (the previous config kept running).", "result"),
		heartbeatFails: c("nerve_heartbeat_failures_total", "Failed heartbeat_path touches."),
		checkDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "nerve_check_duration_seconds",
			Help: "Health check latency.", Buckets: buckets}, []string{"service", "check_type"}),
		checkRuns: cv("nerve_check_runs_total", "Health check runs by raw result.", "service", "check_type", "result"),
	}
	m.buildInfo.WithLabelValues(version.Version).Set(1)
	// Known label values exist from the first scrape, so rate() and
	// absent() alerts work before the first reload.
	for _, r := range []string{"success", "failure"} {
		m.reloads.WithLabelValues(r)
	}
	if reg != nil {
		reg.MustRegister(m.desired, m.running, m.up, m.down, m.failuresMax, m.buildInfo,
			m.reportResults, m.pingResults, m.stops, m.launches, m.throttledTotal, m.reloads,
			m.heartbeatFails, m.checkDuration, m.checkRuns)
	}
	return m
}

// initMainLoop builds the main-loop histogram. It waits for the first
// config because its buckets are a config key (histogram_buckets_main_loop);
// a histogram's buckets cannot change once registered, so reloads keep them.
func (m *nerveMetrics) initMainLoop(reg prometheus.Registerer, buckets []float64) {
	if len(buckets) == 0 {
		buckets = prometheus.DefBuckets
	}
	m.mainLoop = prometheus.NewHistogram(prometheus.HistogramOpts{Name: "nerve_main_loop_duration_seconds",
		Help: "Main loop iteration time, excluding the sleep.", Buckets: buckets})
	if reg != nil {
		reg.MustRegister(m.mainLoop)
	}
}

func (m *nerveMetrics) statsd() *statsd.Client { return m.sd.Load() }

func pick(ok bool, yes, no string) string {
	if ok {
		return yes
	}
	return no
}

func (m *nerveMetrics) ping(service string, ok bool) {
	r := pick(ok, "success", "fail")
	m.pingResults.WithLabelValues(r).Inc()
	m.statsd().Incr("nerve.watcher.status.ping.count", statsd.Tag("ping_result", r),
		statsd.Tag("service_name", service), statsd.Tag("nerve_version", version.Version))
}

func (m *nerveMetrics) report(service, action string, ok bool) {
	r := pick(ok, "success", "fail")
	m.reportResults.WithLabelValues(action, r).Inc()
	m.statsd().Incr("nerve.watcher.status.report.count", statsd.Tag("report_result", r), statsd.Tag("service_name", service))
}

func (m *nerveMetrics) transition(service, status string) {
	m.statsd().Incr("nerve.watcher.status.transition", statsd.Tag("new_status", status), statsd.Tag("service_name", service))
}

func (m *nerveMetrics) throttled(service string, shadow bool) {
	m.throttledTotal.Inc()
	m.statsd().Incr("nerve.watcher.throttled", statsd.Tag("service_name", service), statsd.Tag("shadow_mode", strconv.FormatBool(shadow)))
}

// checkSeries is one check's Prometheus series, held by its worker so that
// a round does not look them up by label values (hashing, locking) again.
// Each is made at its first use, so a series appears when it first counts,
// as before.
type checkSeries struct {
	duration prometheus.Observer
	ok, fail prometheus.Counter
}

// check records one run; s caches the series (nil: look them up).
func (m *nerveMetrics) check(s *checkSeries, service string, c CheckSpec, ok, up bool, d time.Duration) {
	if s == nil {
		s = &checkSeries{}
	}
	if s.duration == nil {
		s.duration = m.checkDuration.WithLabelValues(service, c.Type)
	}
	s.duration.Observe(d.Seconds())
	runs := &s.fail
	if ok {
		runs = &s.ok
	}
	if *runs == nil {
		*runs = m.checkRuns.WithLabelValues(service, c.Type, pick(ok, "success", "fail"))
	}
	(*runs).Inc()
	m.statsd().Incr("nerve.watcher.status.service_check", statsd.Tag("check_result", pick(up, "up", "down")),
		statsd.Tag("service_name", service), statsd.Tag("check_name", c.Name))
}

func (m *nerveMetrics) launch(service, reason string) {
	m.launches.WithLabelValues(reason).Inc()
	m.statsd().Incr("nerve.watcher.launch", statsd.Tag("launch_reason", reason), statsd.Tag("watcher_name", service))
	m.statsd().Incr("nerve.watcher.start", statsd.Tag("service_name", service))
}

func (m *nerveMetrics) stop(service, reason string) {
	m.stops.WithLabelValues(reason).Inc()
	m.statsd().Incr("nerve.watcher.stop", statsd.Tag("stop_avenue", reason),
		statsd.Tag("stop_location", "main_loop"), statsd.Tag("service_name", service))
}

func (m *nerveMetrics) reap(service, reason string) {
	m.statsd().Incr("nerve.watcher.reap", statsd.Tag("reap_reason", reason),
		statsd.Tag("reap_result", "success"), statsd.Tag("watcher_name", service))
}

func (m *nerveMetrics) reapAll(ss []*supervisor, reason string) {
	for _, s := range ss {
		m.reap(s.spec.Name, reason)
	}
}
