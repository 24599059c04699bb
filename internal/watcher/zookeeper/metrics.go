package zookeeper

import (
	"errors"
	"fmt"
	"sync"

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

var (
	metricsMu    sync.Mutex
	metricsByReg = map[prometheus.Registerer]*metrics{}
)

func newMetrics() *metrics {
	return &metrics{
		badChildren: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "synapse_zk_child_parse_failures_total",
			Help: "ZooKeeper children skipped because their registration could not be decoded (counted once per change).",
		}, []string{"service"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "synapse_zk_discovery_errors_total",
			Help: "Failed ZooKeeper discovery rounds; the last good backends were kept.",
		}, []string{"service", "method"}),
	}
}

// metricsFor returns reg's metrics, registering them on first use. nil
// gives unexported metrics. A collector of the same name registered by
// someone else is reused when it has our type.
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
	var errs []error
	m.badChildren = register(reg, m.badChildren, &errs)
	m.errors = register(reg, m.errors, &errs)
	metricsByReg[reg] = m
	return m, errors.Join(errs...)
}

// register adds c to reg through metrics.Reuse, collecting the error.
func register[C prometheus.Collector](reg prometheus.Registerer, c C, errs *[]error) C {
	c, err := smetrics.Reuse(reg, c)
	if err != nil {
		*errs = append(*errs, fmt.Errorf("zookeeper watcher: %w", err))
	}
	return c
}
