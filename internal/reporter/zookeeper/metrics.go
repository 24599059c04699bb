package zookeeper

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	smetrics "github.com/smartstack-go/smartstack/internal/metrics"
	"github.com/smartstack-go/smartstack/internal/statsd"
)

// metrics are the Yelp fork's nerve_zk_* series plus a TTL renewal counter.
// Every reporter of a process shares one set per Registerer: registering per
// reporter would panic (or fail) on the second service.
type metrics struct {
	opDuration    *prometheus.HistogramVec
	writeFailures *prometheus.CounterVec
	connected     *prometheus.GaugeVec
	poolSize      *prometheus.GaugeVec
	ttlRenewals   *prometheus.CounterVec
}

// zkBuckets is Yelp's default histogram_buckets_zk.
var zkBuckets = []float64{0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// metricsFor returns the process-wide collectors for reg, registering them
// on first use. A nil reg gets unregistered collectors, which cost nothing.
// When reg already holds a collector of the same name (registered by
// someone else), that one is used; a conflicting definition is reported and
// the collectors stay unregistered rather than crash the daemon. buckets
// only matter on first use: a registered histogram cannot change them.
func metricsFor(reg prometheus.Registerer, buckets []float64) (*metrics, error) {
	if len(buckets) == 0 {
		buckets = zkBuckets
	}
	return smetrics.Shared(reg, "zookeeper reporter", func(g *smetrics.Group) *metrics {
		return &metrics{
			opDuration: g.HistogramVec(prometheus.HistogramOpts{
				Name:    "nerve_zk_operation_duration_seconds",
				Help:    "Duration of ZooKeeper writes by the zookeeper reporter.",
				Buckets: buckets,
			}, "zk_cluster", "operation"),
			writeFailures: g.CounterVec(prometheus.CounterOpts{
				Name: "nerve_zk_write_failures_total",
				Help: "ZooKeeper writes by the zookeeper reporter that failed.",
			}, "zk_cluster", "operation"),
			connected: g.GaugeVec(prometheus.GaugeOpts{
				Name: "nerve_zk_connected",
				Help: "1 while the pooled ZooKeeper connection has a session.",
			}, "zk_cluster"),
			poolSize: g.GaugeVec(prometheus.GaugeOpts{
				Name: "nerve_zk_pool_size",
				Help: "Reporters sharing the pooled ZooKeeper connection.",
			}, "zk_cluster"),
			ttlRenewals: g.CounterVec(prometheus.CounterOpts{
				Name: "nerve_zk_ttl_renewals_total",
				Help: "ttl_seconds refreshes of persistent nodes, by result.",
			}, "zk_cluster", "result"),
		}
	})
}

// clusterMetrics are the series of one zk_cluster, and the original's
// DogStatsD metrics of one reporter (zkPath is its zk_path).
type clusterMetrics struct {
	m       *metrics
	cluster string
	zkPath  string
	sd      func() *statsd.Client
}

func (m *metrics) forCluster(cluster, zkPath string, sd func() *statsd.Client) clusterMetrics {
	if sd == nil {
		sd = func() *statsd.Client { return nil }
	}
	return clusterMetrics{m: m, cluster: cluster, zkPath: zkPath, sd: sd}
}

// observe records a write's duration, and its failure when err is not nil.
func (c clusterMetrics) observe(op string, start time.Time, err error) {
	d := time.Since(start)
	c.m.opDuration.WithLabelValues(c.cluster, op).Observe(d.Seconds())
	if err != nil {
		c.m.writeFailures.WithLabelValues(c.cluster, op).Inc()
	}
	tags := []string{statsd.Tag("zk_cluster", c.cluster)}
	if op == "create" {
		tags = append(tags, statsd.Tag("zk_path", c.zkPath))
	}
	c.sd().Timing("nerve.reporter.zk."+op+".elapsed_time", d, tags...)
}

// childBytes is the size of a created node's payload, which the original
// watches because ZooKeeper's getChildren replies are size-limited.
func (c clusterMetrics) childBytes(n int) {
	c.sd().Gauge("nerve.reporter.zk.child.bytes", float64(n), statsd.Tag("zk_cluster", c.cluster), statsd.Tag("zk_path", c.zkPath))
}

// client counts a pooled connection as created or reused.
func (c clusterMetrics) client(created bool) {
	name := "nerve.reporter.zk.client.reused"
	if created {
		name = "nerve.reporter.zk.client.created"
	}
	c.sd().Incr(name, statsd.Tag("zk_cluster", c.cluster))
}

func (c clusterMetrics) setConnected(up bool) {
	v := 0.0
	if up {
		v = 1
	}
	c.m.connected.WithLabelValues(c.cluster).Set(v)
}

func (c clusterMetrics) poolUsers(delta float64) { c.m.poolSize.WithLabelValues(c.cluster).Add(delta) }

func (c clusterMetrics) ttlRenewal(result string) {
	c.m.ttlRenewals.WithLabelValues(c.cluster, result).Inc()
}
