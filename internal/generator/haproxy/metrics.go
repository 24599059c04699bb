package haproxy

import (
	"errors"
	"fmt"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the generator's series. One set exists per Registerer: a
// second generator (tests, a config reload of the daemon) must reuse them
// instead of failing to register.
type metrics struct {
	socketCommands *prometheus.CounterVec
	reloads        *prometheus.CounterVec
	writes         prometheus.Counter
	generation     *prometheus.HistogramVec
	slotPoolSize   *prometheus.GaugeVec
	slotPoolFree   *prometheus.GaugeVec
}

func newMetrics() *metrics {
	return &metrics{
		socketCommands: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "synapse_haproxy_socket_commands_total",
			Help: "Commands sent to HAProxy runtime sockets, by result (ok, error).",
		}, []string{"result"}),
		reloads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "synapse_haproxy_reloads_total",
			Help: "reload_command runs, by the first reason and result (success, failure).",
		}, []string{"reason", "result"}),
		writes: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "synapse_haproxy_config_writes_total",
			Help: "haproxy.cfg files installed (changed, checked and renamed into place).",
		}),
		generation: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "synapse_config_generation_duration_seconds",
			Help:    "Time a generator took to bring its output in line with the services.",
			Buckets: prometheus.DefBuckets,
		}, []string{"generator"}),
		slotPoolSize: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "synapse_haproxy_slot_pool_size",
			Help: "Slot servers of each backend rendered as a slot pool.",
		}, []string{"backend"}),
		slotPoolFree: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "synapse_haproxy_slot_pool_free",
			Help: "Free (disabled) slot servers of each slot pool; at 0 the next new backend reloads.",
		}, []string{"backend"}),
	}
}

var (
	metricsMu    sync.Mutex
	metricsByReg = map[prometheus.Registerer]*metrics{}
)

// metricsFor returns the collectors for reg, registering them on first
// use. A nil reg gets unregistered collectors. A collector someone else
// registered under the same name is reused; a conflicting one is reported
// and ours stays unregistered rather than crash the daemon.
func metricsFor(reg prometheus.Registerer) (*metrics, error) {
	if reg == nil {
		return newMetrics(), nil
	}
	metricsMu.Lock()
	defer metricsMu.Unlock()
	if m, ok := metricsByReg[reg]; ok {
		return m, nil
	}
	m := newMetrics()
	var errs []error
	m.socketCommands = register(reg, m.socketCommands, &errs)
	m.reloads = register(reg, m.reloads, &errs)
	m.writes = register(reg, m.writes, &errs)
	m.generation = register(reg, m.generation, &errs)
	m.slotPoolSize = register(reg, m.slotPoolSize, &errs)
	m.slotPoolFree = register(reg, m.slotPoolFree, &errs)
	metricsByReg[reg] = m
	return m, errors.Join(errs...)
}

func register[C prometheus.Collector](reg prometheus.Registerer, c C, errs *[]error) C {
	err := reg.Register(c)
	if err == nil {
		return c
	}
	var are prometheus.AlreadyRegisteredError
	if errors.As(err, &are) {
		if existing, ok := are.ExistingCollector.(C); ok {
			return existing
		}
	}
	*errs = append(*errs, fmt.Errorf("register haproxy generator metrics: %w", err))
	return c
}
