package docker

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"

	smetrics "github.com/smartstack-go/smartstack/internal/metrics"
)

// metrics are the docker watchers' series. Every watcher of a registerer
// gets the same ones (metrics.Reuse), each service a label value, so
// hundreds of watchers register once.
type metrics struct {
	errors *prometheus.CounterVec // service, server
}

// metricsFor returns reg's metrics, registering them on first use; nil
// gives unexported metrics.
func metricsFor(reg prometheus.Registerer) (*metrics, error) {
	c, err := smetrics.CounterVec(reg, prometheus.CounterOpts{
		Name: "synapse_docker_list_errors_total",
		Help: "Failed container listings of a docker server.",
	}, "service", "server")
	if err != nil {
		err = fmt.Errorf("docker watcher: %w", err)
	}
	return &metrics{errors: c}, err
}
