package ec2tag

import (
	"errors"
	"fmt"
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	smetrics "github.com/smartstack-go/smartstack/internal/metrics"
)

// metrics are shared by every ec2tag watcher of a registerer, each
// service a label value, so hundreds of watchers register once.
type metrics struct {
	errors    *prometheus.CounterVec // service
	throttles *prometheus.CounterVec // service
}

var (
	metricsMu    sync.Mutex
	metricsByReg = map[prometheus.Registerer]*metrics{}
)

func newMetrics() *metrics {
	return &metrics{
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "synapse_ec2tag_discovery_errors_total",
			Help: "Failed EC2 polls; the last good backends were kept.",
		}, []string{"service"}),
		throttles: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "synapse_ec2tag_throttled_total",
			Help: "EC2 polls refused for rate (RequestLimitExceeded); the next poll was backed off.",
		}, []string{"service"}),
	}
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
	var errE, errT error
	m.errors, errE = smetrics.Reuse(reg, m.errors)
	m.throttles, errT = smetrics.Reuse(reg, m.throttles)
	metricsByReg[reg] = m
	if err := errors.Join(errE, errT); err != nil {
		return m, fmt.Errorf("ec2tag watcher: %w", err)
	}
	return m, nil
}
