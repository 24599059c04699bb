package etcd

import (
	"fmt"
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	smetrics "github.com/smartstack-go/smartstack/internal/metrics"
)

// metrics are shared by every etcd watcher of a registerer, each service a
// label value, so hundreds of watchers register once.
type metrics struct {
	errors *prometheus.CounterVec // service
}

var (
	metricsMu    sync.Mutex
	metricsByReg = map[prometheus.Registerer]*metrics{}
)

func newMetrics() *metrics {
	return &metrics{errors: prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "synapse_etcd_discovery_errors_total",
		Help: "Failed etcd listings and watches; the last good backends were kept.",
	}, []string{"service"})}
}

// metricsFor returns reg's metrics, registering them on first use; nil
// gives unexported metrics.
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
	c, err := smetrics.Reuse(reg, m.errors)
	m.errors = c
	metricsByReg[reg] = m
	if err != nil {
		return m, fmt.Errorf("etcd watcher: %w", err)
	}
	return m, nil
}
