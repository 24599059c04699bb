package zookeeper

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/smartstack-go/smartstack/internal/zk"
)

var connectedDesc = prometheus.NewDesc("synapse_zk_connected",
	"1 while synapse has a ZooKeeper session with the ensemble (hosts), 0 while it has none; one series per ensemble in use.",
	[]string{"hosts"}, nil)

// connectedCollector reports each pooled connection's session state at
// scrape time, so the value is never a loop tick stale. An ensemble shows
// up at 0 as soon as a watcher asks for it, before the first session.
type connectedCollector struct{ p *Pool }

// ConnectedCollector is synapse_zk_connected over the pool every watcher
// of this process uses.
func ConnectedCollector() prometheus.Collector { return connectedCollector{defaultPool} }

func (c connectedCollector) Describe(ch chan<- *prometheus.Desc) { ch <- connectedDesc }

func (c connectedCollector) Collect(ch chan<- prometheus.Metric) {
	for hosts, up := range connected(c.p) {
		ch <- prometheus.MustNewConstMetric(connectedDesc, prometheus.GaugeValue, map[bool]float64{true: 1}[up], hosts)
	}
}

// connected maps each ensemble to whether every pooled connection to it
// (one per credential) has a session.
func connected(p *Pool) map[string]bool {
	out := map[string]bool{}
	for _, s := range p.Conns() {
		c := s.Client()
		up := c != nil && c.State() == zk.StateHasSession
		if prev, ok := out[s.Hosts()]; ok {
			up = up && prev
		}
		out[s.Hosts()] = up
	}
	return out
}
