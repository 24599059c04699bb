package zookeeper

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/smartstack-go/smartstack/internal/reporter"
	"github.com/smartstack-go/smartstack/internal/zk"
)

func drainWake(r *Reporter) {
	for {
		select {
		case <-r.Wake():
		default:
			return
		}
	}
}

func woken(r *Reporter, within time.Duration) bool {
	select {
	case <-r.Wake():
		return true
	case <-time.After(within):
		return false
	}
}

func TestUnitWakeOnUsableSession(t *testing.T) {
	e := newFakeEnv()
	r := e.start(t, testConfig())
	if !woken(r, 5*time.Second) {
		t.Fatal("no wake for the first session")
	}
	sid := e.f.SessionID()
	for _, tc := range []struct {
		state zk.SessionState
		sid   int64
		wake  bool
	}{
		{zk.SessionDisconnected, sid, false},
		{zk.SessionReconnected, sid, true},
		{zk.SessionDisconnected, sid, false},
		{zk.SessionExpired, sid, false},
		{zk.SessionNew, sid + 1, true},
	} {
		e.f.emit(tc.state, tc.sid)
		wait := 200 * time.Millisecond
		if tc.wake {
			wait = 5 * time.Second
		}
		if got := woken(r, wait); got != tc.wake {
			t.Fatalf("after %s: woken %v, want %v", tc.state, got, tc.wake)
		}
	}
}

// Expiry: the ephemeral is gone (or still there but owned by the dead
// session); the woken round's Ping says ErrGone and ReportUp creates anew.
func TestUnitExpiryRound(t *testing.T) {
	for _, lingering := range []bool{false, true} {
		e := newFakeEnv()
		r := e.start(t, testConfig())
		must(t, r.ReportUp(ctx))
		old := r.Node()
		drainWake(r)
		if lingering {
			e.f.emit(zk.SessionDisconnected, e.f.SessionID())
		} else {
			e.f.expire()
		}
		e.f.emit(zk.SessionNew, 0x200)
		if !woken(r, 5*time.Second) {
			t.Fatal("no wake after the new session")
		}
		if err := r.Ping(ctx); !errors.Is(err, reporter.ErrGone) {
			t.Fatalf("lingering=%v: Ping in the new session = %v, want ErrGone", lingering, err)
		}
		must(t, r.ReportUp(ctx))
		n, ok := e.f.node(r.Node())
		if !ok || r.Node() == old || n.owner != 0x200 {
			t.Fatalf("lingering=%v: re-registered %q owner %x (old %q)", lingering, r.Node(), n.owner, old)
		}
		must(t, r.Ping(ctx))
	}
}

// A short disconnect keeps the node: the round after the reconnect only
// asks whether it exists. A node whose data changed meanwhile (a version
// we did not write) is set again, on the same node.
func TestUnitShortDisconnectKeepsNode(t *testing.T) {
	for _, touched := range []bool{false, true} {
		e := newFakeEnv()
		r := e.start(t, testConfig())
		must(t, r.ReportUp(ctx))
		node, sid := r.Node(), e.f.SessionID()
		e.f.emit(zk.SessionDisconnected, sid)
		if err := r.Ping(ctx); !errors.Is(err, reporter.ErrNotConnected) {
			t.Fatalf("Ping while disconnected = %v", err)
		}
		if touched {
			n, _ := e.f.node(node)
			n.data, n.version = []byte("other"), n.version+1
			e.f.put(node, n)
		}
		e.f.emit(zk.SessionReconnected, sid)
		e.f.takeCalls()
		must(t, r.Ping(ctx))
		must(t, r.ReportUp(ctx))
		want := []string{"getw " + node}
		if touched {
			want = append(want, "set "+node)
		}
		if calls := e.f.takeCalls(); !slices.Equal(calls, want) || r.Node() != node {
			t.Fatalf("touched=%v: after reconnect: calls %q, node %q (was %q)", touched, calls, r.Node(), node)
		}
		if n, _ := e.f.node(node); string(n.data) == "other" {
			t.Fatalf("touched=%v: data %q not restored", touched, n.data)
		}
	}
}

// Two reporters with the same hosts in any order share one connection; the
// last Stop closes it.
func TestUnitPoolSharing(t *testing.T) {
	e := newFakeEnv()
	a := e.start(t, testConfig())
	b := e.start(t, testConfig(func(c *Config) { c.ZKHosts = []string{"zk1:2181", "zk2:2181"} }))
	if a.sess != b.sess || e.dials != 1 || e.pool.Len() != 1 {
		t.Fatalf("dials %d, pool size %d, same session %v", e.dials, e.pool.Len(), a.sess == b.sess)
	}
	must(t, a.Stop(ctx))
	if e.f.isClosed() {
		t.Fatal("closed while b still uses it")
	}
	must(t, b.Stop(ctx))
	if !e.f.isClosed() || e.pool.Len() != 0 {
		t.Fatalf("after the last Stop: closed %v, pool size %d", e.f.isClosed(), e.pool.Len())
	}
	must(t, b.Stop(ctx)) // idempotent
}

// A Stop during a disconnect leaves the delete to the shared session, which
// sends it on reconnect; a newer node of another owner is left alone.
func TestUnitStopWhileDisconnectedDeletesOnReconnect(t *testing.T) {
	e := newFakeEnv()
	keep := e.start(t, testConfig(func(c *Config) { c.ZKPath = "/other" }))
	r := e.start(t, testConfig())
	must(t, r.ReportUp(ctx))
	must(t, keep.ReportUp(ctx))
	node, sid := r.Node(), e.f.SessionID()
	e.f.emit(zk.SessionDisconnected, sid)
	if err := r.Stop(ctx); !errors.Is(err, reporter.ErrNotConnected) {
		t.Fatalf("Stop while disconnected = %v", err)
	}
	e.f.emit(zk.SessionReconnected, sid)
	waitFor(t, "deferred delete", func() bool { _, ok := e.f.node(node); return !ok })
	if _, ok := e.f.node(keep.Node()); !ok {
		t.Fatal("the other service's node was deleted")
	}
}

func TestUnitMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	e := newFakeEnv()
	opts := reporter.Options{Pool: e.pool, Registerer: reg}
	svc := reporter.Service{Name: "svc", InstanceID: "i", Payload: testPayload}
	var rs []*Reporter
	for range 3 { // one registration per Registerer, not per reporter
		r, err := newReporter(svc, testConfig(), opts)
		must(t, err)
		must(t, r.Start(ctx))
		rs = append(rs, r)
	}
	<-rs[0].sess.Ready()
	must(t, rs[0].ReportUp(ctx))
	waitFor(t, "connected gauge", func() bool { return gauge(t, reg, "nerve_zk_connected") == 1 })
	if got := gauge(t, reg, "nerve_zk_pool_size"); got != 3 {
		t.Errorf("pool size %v, want 3", got)
	}
	e.f.setFail("set", zk.ErrConnectionClosed)
	_ = rs[0].ReportUp(ctx)
	for _, r := range rs {
		_ = r.Stop(context.Background())
	}
	seen := samples(t, reg)
	for k, want := range map[string]string{
		"nerve_zk_operation_duration_seconds{operation=create,zk_cluster=zk1:,}": "1",
		"nerve_zk_operation_duration_seconds{operation=save,zk_cluster=zk1:,}":   "1",
		"nerve_zk_write_failures_total{operation=save,zk_cluster=zk1:,}":         "1",
		"nerve_zk_operation_duration_seconds{operation=delete,zk_cluster=zk1:,}": "1",
	} {
		if seen[k] != want {
			t.Errorf("%s = %q, want %s (all: %v)", k, seen[k], want, seen)
		}
	}
	if got := gauge(t, reg, "nerve_zk_pool_size"); got != 0 {
		t.Errorf("pool size after stops %v", got)
	}
}

// samples maps "name{labels,}" to a histogram's count or a counter's value.
func samples(t *testing.T, reg *prometheus.Registry) map[string]string {
	t.Helper()
	mfs, err := reg.Gather()
	must(t, err)
	seen := map[string]string{}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			labels := ""
			for _, l := range m.GetLabel() {
				labels += l.GetName() + "=" + l.GetValue() + ","
			}
			switch {
			case m.GetHistogram() != nil:
				seen[mf.GetName()+"{"+labels+"}"] = itoa(m.GetHistogram().GetSampleCount())
			case m.GetCounter() != nil:
				seen[mf.GetName()+"{"+labels+"}"] = itoa(uint64(m.GetCounter().GetValue()))
			}
		}
	}
	return seen
}

func gauge(t *testing.T, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	must(t, err)
	for _, mf := range mfs {
		if mf.GetName() == name {
			return mf.GetMetric()[0].GetGauge().GetValue()
		}
	}
	return -1
}

func itoa(v uint64) string { return strconv.FormatUint(v, 10) }
