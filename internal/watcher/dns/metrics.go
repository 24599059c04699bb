package dns

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"

	smetrics "github.com/smartstack-go/smartstack/internal/metrics"
)

// metrics are the DNS watchers' series. Every watcher of a registerer
// gets the same ones (metrics.Reuse), each service a label value, so
// hundreds of watchers register once.
type metrics struct {
	failures *prometheus.CounterVec // service, method
}

// metricsFor returns reg's metrics, registering them on first use; nil
// gives unexported metrics.
func metricsFor(reg prometheus.Registerer) (*metrics, error) {
	c, err := smetrics.CounterVec(reg, prometheus.CounterOpts{
		Name: "synapse_dns_resolve_failures_total",
		Help: "Failed DNS resolution rounds; the last good backends were kept.",
	}, "service", "method")
	if err != nil {
		err = fmt.Errorf("dns watcher: %w", err)
	}
	return &metrics{failures: c}, err
}
