package dns

import (
	"github.com/prometheus/client_golang/prometheus"

	smetrics "github.com/smartstack-go/smartstack/internal/metrics"
)

// metrics are shared by every DNS watcher of a registerer, each service
// a label value, so hundreds of watchers register once.
type metrics struct {
	failures *prometheus.CounterVec // service, method
}

// metricsFor returns reg's metrics, registering them on first use; nil
// gives unexported metrics.
func metricsFor(reg prometheus.Registerer) (*metrics, error) {
	return smetrics.Shared(reg, "dns watcher", func(g *smetrics.Group) *metrics {
		return &metrics{failures: g.CounterVec(prometheus.CounterOpts{
			Name: "synapse_dns_resolve_failures_total",
			Help: "Failed DNS resolution rounds; the last good backends were kept.",
		}, "service", "method")}
	})
}
