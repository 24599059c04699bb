package docker

import (
	"github.com/prometheus/client_golang/prometheus"

	smetrics "github.com/smartstack-go/smartstack/internal/metrics"
)

// metrics are shared by every docker watcher of a registerer, each service
// a label value, so hundreds of watchers register once.
type metrics struct {
	errors *prometheus.CounterVec // service, server
}

// metricsFor returns reg's metrics, registering them on first use; nil
// gives unexported metrics.
func metricsFor(reg prometheus.Registerer) (*metrics, error) {
	return smetrics.Shared(reg, "docker watcher", func(g *smetrics.Group) *metrics {
		return &metrics{errors: g.CounterVec(prometheus.CounterOpts{
			Name: "synapse_docker_list_errors_total",
			Help: "Failed container listings of a docker server.",
		}, "service", "server")}
	})
}
