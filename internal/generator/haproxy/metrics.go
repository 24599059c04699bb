package haproxy

import (
	"github.com/prometheus/client_golang/prometheus"

	smetrics "github.com/smartstack-go/smartstack/internal/metrics"
)

// metrics are the generator's series. One set exists per Registerer: a
// second generator (tests, a config reload of the daemon) must reuse them
// instead of failing to register.
type metrics struct {
	socketCommands *prometheus.CounterVec
	reloads        *prometheus.CounterVec
	// reloadFailures counts failed reloads by why (reload_reason.go).
	reloadFailures *prometheus.CounterVec
	writes         prometheus.Counter
	generation     *prometheus.HistogramVec
	slotPoolSize   *prometheus.GaugeVec
	slotPoolFree   *prometheus.GaugeVec
	// slotCorrections counts "set server" commands that brought a slot
	// back to its config line's address or weight (slots_check.go).
	slotCorrections prometheus.Counter
}

// metricsFor returns the collectors for reg, registering them on first
// use. A nil reg gets unregistered collectors. A collector someone else
// registered under the same name is reused; a conflicting one is reported
// and ours stays unregistered rather than crash the daemon.
func metricsFor(reg prometheus.Registerer) (*metrics, error) {
	return smetrics.Shared(reg, "haproxy generator", func(g *smetrics.Group) *metrics {
		return &metrics{
			socketCommands: g.CounterVec(prometheus.CounterOpts{
				Name: "synapse_haproxy_socket_commands_total",
				Help: "Commands sent to HAProxy runtime sockets, by result (ok, error).",
			}, "result"),
			reloads: g.CounterVec(prometheus.CounterOpts{
				Name: "synapse_haproxy_reloads_total",
				Help: "reload_command runs, by the first reason and result (success, failure).",
			}, "reason", "result"),
			reloadFailures: g.CounterVec(prometheus.CounterOpts{
				Name: "synapse_haproxy_reload_failures_total",
				Help: "Failed reloads by cause: command_failed, config_invalid (haproxy -c refuses it), no_answer (no HAProxy process answers the socket), not_loaded (HAProxy kept its old process).",
			}, "cause"),
			writes: g.Counter(prometheus.CounterOpts{
				Name: "synapse_haproxy_config_writes_total",
				Help: "haproxy.cfg files installed (changed, checked and renamed into place).",
			}),
			generation: g.HistogramVec(prometheus.HistogramOpts{
				Name:    "synapse_config_generation_duration_seconds",
				Help:    "Time a generator took to bring its output in line with the services.",
				Buckets: prometheus.DefBuckets,
			}, "generator"),
			slotPoolSize: g.GaugeVec(prometheus.GaugeOpts{
				Name: "synapse_haproxy_slot_pool_size",
				Help: "Slot servers of each backend rendered as a slot pool.",
			}, "backend"),
			slotPoolFree: g.GaugeVec(prometheus.GaugeOpts{
				Name: "synapse_haproxy_slot_pool_free",
				Help: "Free (disabled) slot servers of each slot pool; at 0 the next new backend reloads.",
			}, "backend"),
			slotCorrections: g.Counter(prometheus.CounterOpts{
				Name: "synapse_haproxy_slot_corrections_total",
				Help: "Slot addresses and weights HAProxy ran differently from the config (restored from server_state_file, say), corrected at run time.",
			}),
		}
	})
}
