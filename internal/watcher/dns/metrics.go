package dns

import (
	"fmt"
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	smetrics "github.com/smartstack-go/smartstack/internal/metrics"
)

// metrics are shared by every DNS watcher of a registerer, one label value
// per service, so hundreds of services register once.
type metrics struct {
	failures *prometheus.CounterVec // service, method
}

var (
	metricsMu    sync.Mutex
	metricsByReg = map[prometheus.Registerer]*metrics{}
)

func newMetrics() *metrics {
	return &metrics{failures: prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "synapse_dns_resolve_failures_total",
		Help: "Failed DNS resolution rounds; the last good backends were kept.",
	}, []string{"service", "method"})}
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
	c, err := smetrics.Reuse(reg, m.failures)
	m.failures = c
	metricsByReg[reg] = m
	if err != nil {
		return m, fmt.Errorf("dns watcher: %w", err)
	}
	return m, nil
}
