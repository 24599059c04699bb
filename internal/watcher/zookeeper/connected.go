package zookeeper

import (
	"maps"
	"slices"

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
	for hosts, up := range c.p.connected() {
		ch <- prometheus.MustNewConstMetric(connectedDesc, prometheus.GaugeValue, map[bool]float64{true: 1}[up], hosts)
	}
}

// connected maps each ensemble to whether every pooled connection to it
// (one per credential) has a session.
func (p *Pool) connected() map[string]bool {
	p.mu.Lock()
	entries := slices.Collect(maps.Values(p.conns))
	p.mu.Unlock()
	out := make(map[string]bool, len(entries))
	for _, e := range entries {
		c := e.client()
		up := c != nil && c.State() == zk.StateHasSession
		if prev, ok := out[e.hosts]; ok {
			up = up && prev
		}
		out[e.hosts] = up
	}
	return out
}
