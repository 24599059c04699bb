package marathon

import (
	"github.com/prometheus/client_golang/prometheus"

	smetrics "github.com/smartstack-go/smartstack/internal/metrics"
)

// metrics are shared by every marathon watcher of a registerer, each service
// a label value, so hundreds of watchers register once.
type metrics struct {
	errors *prometheus.CounterVec // service
}

// metricsFor returns reg's metrics, registering them on first use; nil
// gives unexported metrics.
func metricsFor(reg prometheus.Registerer) (*metrics, error) {
	return smetrics.Shared(reg, "marathon watcher", func(g *smetrics.Group) *metrics {
		return &metrics{errors: g.CounterVec(prometheus.CounterOpts{
			Name: "synapse_marathon_discovery_errors_total",
			Help: "Failed Marathon polls; the last good backends were kept.",
		}, "service")}
	})
}
