package zookeeper

import (
	"github.com/prometheus/client_golang/prometheus"

	smetrics "github.com/smartstack-go/smartstack/internal/metrics"
)

// metrics are shared by every watcher of a registerer: each service is a
// label value, so hundreds of watchers register once. Updates are counted by
// the synapse core for every method (synapse_watcher_updates_total).
type metrics struct {
	badChildren *prometheus.CounterVec // service
	errors      *prometheus.CounterVec // service, method
}

// metricsFor returns reg's metrics, registering them on first use. nil
// gives unexported metrics. A collector of the same name registered by
// someone else is reused when it has our type.
func metricsFor(reg prometheus.Registerer) (*metrics, error) {
	return smetrics.Shared(reg, "zookeeper watcher", func(g *smetrics.Group) *metrics {
		return &metrics{
			badChildren: g.CounterVec(prometheus.CounterOpts{
				Name: "synapse_zk_child_parse_failures_total",
				Help: "ZooKeeper children skipped because their registration could not be decoded (counted once per change).",
			}, "service"),
			errors: g.CounterVec(prometheus.CounterOpts{
				Name: "synapse_zk_discovery_errors_total",
				Help: "Failed ZooKeeper discovery rounds; the last good backends were kept.",
			}, "service", "method"),
		}
	})
}
