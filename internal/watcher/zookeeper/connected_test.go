package zookeeper

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/smartstack-go/smartstack/internal/zk"
	"github.com/smartstack-go/smartstack/test/testutil"
)

// scrapeConnected gathers synapse_zk_connected by hosts label.
func scrapeConnected(t *testing.T, p *Pool) map[string]float64 {
	t.Helper()
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(connectedCollector{p})
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			out[m.GetLabel()[0].GetValue()] = m.GetGauge().GetValue()
		}
	}
	return out
}

// synapse_zk_connected is 1 for an ensemble with a session and 0, from
// the first scrape, for one that cannot be reached.
func TestConnectedGauge(t *testing.T) {
	z := testutil.SharedZooKeeper(t)
	root := testutil.ZKPath(t)
	mustEnsure(t, zkConn(t, z.Addrs()), root)
	r := start(t, Method, testConfig(z.Addrs(), root), nil)
	r.Await(t, "first discovery", backends())

	dead := fmt.Sprintf("127.0.0.1:%d", testutil.FreePort(t))
	_, _, release := r.pool.Acquire([]string{dead}, zk.Options{SessionTimeout: 4 * time.Second})
	t.Cleanup(func() { release() })

	got := scrapeConnected(t, r.pool)
	want := map[string]float64{strings.Join(z.Addrs(), ","): 1, dead: 0}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("synapse_zk_connected %v, want %v", got, want)
	}
}
