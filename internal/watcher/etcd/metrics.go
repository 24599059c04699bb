package etcd

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"

	smetrics "github.com/smartstack-go/smartstack/internal/metrics"
)

// metrics are the etcd watchers' series. Every watcher of a registerer
// gets the same ones (metrics.Reuse), each service a label value, so
// hundreds of watchers register once.
type metrics struct {
	errors *prometheus.CounterVec // service
}

// metricsFor returns reg's metrics, registering them on first use; nil
// gives unexported metrics.
func metricsFor(reg prometheus.Registerer) (*metrics, error) {
	c, err := smetrics.CounterVec(reg, prometheus.CounterOpts{
		Name: "synapse_etcd_discovery_errors_total",
		Help: "Failed etcd listings and watches; the last good backends were kept.",
	}, "service")
	if err != nil {
		err = fmt.Errorf("etcd watcher: %w", err)
	}
	return &metrics{errors: c}, err
}
