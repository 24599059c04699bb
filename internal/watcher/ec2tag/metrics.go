package ec2tag

import (
	"github.com/prometheus/client_golang/prometheus"

	smetrics "github.com/smartstack-go/smartstack/internal/metrics"
)

// metrics are shared by every ec2tag watcher of a registerer, each
// service a label value, so hundreds of watchers register once.
type metrics struct {
	errors    *prometheus.CounterVec // service
	throttles *prometheus.CounterVec // service
}

// metricsFor returns reg's metrics, registering them on first use; nil
// gives unexported metrics.
func metricsFor(reg prometheus.Registerer) (*metrics, error) {
	return smetrics.Shared(reg, "ec2tag watcher", func(g *smetrics.Group) *metrics {
		return &metrics{
			errors: g.CounterVec(prometheus.CounterOpts{
				Name: "synapse_ec2tag_discovery_errors_total",
				Help: "Failed EC2 polls; the last good backends were kept.",
			}, "service"),
			throttles: g.CounterVec(prometheus.CounterOpts{
				Name: "synapse_ec2tag_throttled_total",
				Help: "EC2 polls refused for rate (RequestLimitExceeded); the next poll was backed off.",
			}, "service"),
		}
	})
}
