package multi

import (
	"github.com/prometheus/client_golang/prometheus"

	smetrics "github.com/smartstack-go/smartstack/internal/metrics"
)

// metrics are shared by every multi watcher of a registerer, so hundreds
// of services register once.
type metrics struct {
	s3Failures *prometheus.CounterVec // s3_url, reason
	switches   *prometheus.CounterVec // service, watcher
}

// url labels a source by its s3_url.
func (*metrics) url(s s3Source) string { return "s3://" + s.bucket + "/" + s.key }

// metricsFor returns reg's metrics, registering them on first use; nil
// gives unexported metrics.
func metricsFor(reg prometheus.Registerer) (*metrics, error) {
	return smetrics.Shared(reg, "multi watcher", func(g *smetrics.Group) *metrics {
		return &metrics{
			s3Failures: g.CounterVec(prometheus.CounterOpts{
				Name: "synapse_multi_s3_toggle_fetch_failures_total",
				Help: "s3_toggle fetches that gave no weights (reason s3_error, parse_error, invalid_schema); the current watcher was kept.",
			}, "s3_url", "reason"),
			switches: g.CounterVec(prometheus.CounterOpts{
				Name: "synapse_multi_resolver_switches_total",
				Help: "Times a multi watcher's resolver switched to another child watcher.",
			}, "service", "watcher"),
		}
	})
}
