package zookeeper

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	gozk "github.com/smartstack-go/smartstack/third_party/go-zookeeper/zk"

	"github.com/smartstack-go/smartstack/internal/reporter"
	"github.com/smartstack-go/smartstack/internal/zk"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

var ctx = context.Background()

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// A missing zk_path is created with its parents; Stop deletes
// exactly the node that was created.
func TestUnitCreatesParentsAndStopDeletesNode(t *testing.T) {
	e := newFakeEnv()
	r := e.start(t, testConfig(func(c *Config) { c.ZKPath = "/a/b" }))
	must(t, r.ReportUp(ctx))
	node := r.Node()
	if node != "/a/b/instance_id_0000000000" {
		t.Fatalf("node %q", node)
	}
	for _, p := range []string{"/a", "/a/b"} {
		if n, ok := e.f.node(p); !ok || n.owner != 0 || len(n.data) != 0 {
			t.Fatalf("parent %s: %+v exists=%v, want persistent and empty", p, n, ok)
		}
	}
	e.f.takeCalls()
	must(t, r.Stop(ctx))
	if got := e.f.takeCalls(); !slices.Equal(got, []string{"delete " + node}) {
		t.Fatalf("Stop made calls %q", got)
	}
}

// Up, ping, down on a connected client; the default
// node is ephemeral_sequential with the payload as data.
func TestUnitUpPingDown(t *testing.T) {
	e := newFakeEnv()
	r := e.start(t, testConfig())
	must(t, r.ReportUp(ctx))
	n, ok := e.f.node(r.Node())
	if !ok || string(n.data) != string(testPayload) || n.owner != e.f.SessionID() {
		t.Fatalf("node %s: %+v exists=%v", r.Node(), n, ok)
	}
	must(t, r.Ping(ctx))
	must(t, r.ReportDown(ctx))
	if _, ok := e.f.node("/test/instance_id_0000000000"); ok || r.Node() != "" {
		t.Fatalf("node still there after ReportDown (known: %q)", r.Node())
	}
	must(t, r.ReportDown(ctx)) // nothing registered is not an error
}

// With the client not connected nothing is sent.
func TestUnitNotConnectedSendsNothing(t *testing.T) {
	e := newFakeEnv()
	r := e.start(t, testConfig())
	must(t, r.ReportUp(ctx))
	e.f.emit(zk.SessionDisconnected, e.f.SessionID())
	e.f.takeCalls()
	for name, op := range map[string]func(context.Context) error{"Ping": r.Ping, "ReportUp": r.ReportUp, "ReportDown": r.ReportDown} {
		if err := op(ctx); !errors.Is(err, reporter.ErrNotConnected) {
			t.Errorf("%s while disconnected = %v, want ErrNotConnected", name, err)
		}
	}
	if calls := e.f.takeCalls(); len(calls) != 0 {
		t.Fatalf("calls while disconnected: %q", calls)
	}
	if r.Node() == "" {
		t.Fatal("the node was forgotten while disconnected")
	}
}

// connection-class errors are transient; anything
// else is returned as is. Session expiry is transient here (the original
// let it kill the watcher).
func TestUnitErrorClassification(t *testing.T) {
	for _, tc := range []struct {
		name      string
		err       error
		transient bool
	}{
		{"connection loss", zk.ErrConnectionClosed, true},
		{"no server", zk.ErrNoServer, true},
		{"closing", zk.ErrClosing, true},
		{"session expired", zk.ErrSessionExpired, true},
		{"session moved", gozk.ErrSessionMoved, true},
		{"not authenticated", gozk.ErrNoAuth, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newFakeEnv()
			r := e.start(t, testConfig())
			must(t, r.ReportUp(ctx))
			for op, call := range map[string]func(context.Context) error{"getw": r.Ping, "set": r.ReportUp, "delete": r.ReportDown} {
				e.f.setFail(op, tc.err)
				err := call(ctx)
				e.f.setFail(op, nil)
				if err == nil || errors.Is(err, reporter.ErrNotConnected) != tc.transient || !errors.Is(err, tc.err) {
					t.Errorf("%s failing with %v: got %v (transient %v)", op, tc.err, err, tc.transient)
				}
			}
		})
	}
}

// Operation timeout: a call that does not answer in time.
func TestUnitOperationTimeoutIsTransient(t *testing.T) {
	e := newFakeEnv()
	r := e.start(t, testConfig())
	must(t, r.ReportUp(ctx))
	hold := make(chan struct{})
	e.f.setBlock("getw", hold)
	defer close(hold)
	tctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := r.Ping(tctx)
	if !errors.Is(err, reporter.ErrNotConnected) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Ping on a hung server = %v, want ErrNotConnected wrapping the deadline", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("Ping took %s despite a 50ms deadline", d)
	}
}

// A create that completes after its caller gave up is deleted, so it does
// not stay registered unknown to the reporter.
func TestUnitAbandonedCreateIsUndone(t *testing.T) {
	e := newFakeEnv()
	e.f.put("/test", fakeNode{})
	r := e.start(t, testConfig())
	hold := make(chan struct{})
	e.f.setBlock("create", hold)
	tctx, cancel := context.WithTimeout(ctx, 30*time.Millisecond)
	defer cancel()
	if err := r.ReportUp(tctx); !errors.Is(err, reporter.ErrNotConnected) {
		t.Fatalf("ReportUp with a hung create = %v", err)
	}
	close(hold)
	waitFor(t, "the late node deleted", func() bool {
		return slices.Contains(e.f.takeCalls(), "delete /test/instance_id_0000000000")
	})
	if _, ok := e.f.node("/test/instance_id_0000000000"); ok || r.Node() != "" {
		t.Fatalf("late node kept (known %q)", r.Node())
	}
}

// Node type flags, names and data.
func TestUnitNodeTypesAndNames(t *testing.T) {
	for _, tc := range []struct {
		nodeType, name string
		ephemeral      bool
	}{
		{EphemeralSequential, "/test/instance_id_0000000000", true},
		{PersistentSequential, "/test/instance_id_0000000000", false},
		{Persistent, "/test/instance_id_", false},
		{Ephemeral, "/test/instance_id_", true},
	} {
		e := newFakeEnv()
		r := e.start(t, testConfig(func(c *Config) { c.NodeType = tc.nodeType }))
		must(t, r.ReportUp(ctx))
		n, ok := e.f.node(tc.name)
		if !ok || (n.owner != 0) != tc.ephemeral || string(n.data) != string(testPayload) || r.Node() != tc.name {
			t.Errorf("%s: node %s %+v exists=%v, known %q", tc.nodeType, tc.name, n, ok, r.Node())
		}
	}
	e := newFakeEnv()
	r := e.start(t, testConfig(func(c *Config) { c.UsePathEncoding = true }))
	must(t, r.ReportUp(ctx))
	prefix, _ := registration.EncodedPrefix(testPayload)
	if want := "/test/" + prefix + "0000000000"; r.Node() != want {
		t.Fatalf("encoded node %q, want %q", r.Node(), want)
	}
}

// A non-sequential create that finds the node sets its data
// once and adopts it. (Sequential creates cannot collide; the original's
// set on the bare prefix there would fail, so they return the error.)
func TestUnitNodeExistsIsAdopted(t *testing.T) {
	for _, nodeType := range []string{Persistent, Ephemeral} {
		e := newFakeEnv()
		e.f.put("/test", fakeNode{})
		e.f.put("/test/instance_id_", fakeNode{data: []byte("old"), owner: 0x999})
		r := e.start(t, testConfig(func(c *Config) { c.NodeType = nodeType }))
		e.f.takeCalls()
		must(t, r.ReportUp(ctx))
		calls := e.f.takeCalls()
		if !slices.Equal(calls, []string{"create /test/instance_id_", "set /test/instance_id_"}) {
			t.Fatalf("%s: calls %q, want one create and exactly one set", nodeType, calls)
		}
		if n, _ := e.f.node("/test/instance_id_"); string(n.data) != string(testPayload) || r.Node() != "/test/instance_id_" {
			t.Fatalf("%s: data %q, known %q", nodeType, n.data, r.Node())
		}
		must(t, r.Ping(ctx)) // adopted with its owner: no endless ErrGone
	}
}

// Ping reads the node once, setting a watch, and then asks nothing while
// the watch holds; a delete fires it, wakes the worker, and the next Ping
// says ErrGone and forgets the node; the next ReportUp creates a new node.
func TestUnitPingVanishedNode(t *testing.T) {
	e := newFakeEnv()
	r := e.start(t, testConfig())
	must(t, r.ReportUp(ctx))
	old := r.Node()
	e.f.takeCalls()
	must(t, r.Ping(ctx))
	must(t, r.Ping(ctx))
	if calls := e.f.takeCalls(); !slices.Equal(calls, []string{"getw " + old}) {
		t.Fatalf("Ping calls %q, want one read and then nothing", calls)
	}
	drainWake(r)
	e.f.remove(old)
	if !woken(r, 5*time.Second) {
		t.Fatal("no wake after the node was deleted")
	}
	if err := r.Ping(ctx); !errors.Is(err, reporter.ErrGone) || !strings.Contains(err.Error(), old) {
		t.Fatalf("Ping after external delete = %v, want ErrGone naming the node", err)
	}
	if r.Node() != "" {
		t.Fatalf("vanished node still known: %q", r.Node())
	}
	must(t, r.ReportUp(ctx))
	if r.Node() == old || r.Node() == "" {
		t.Fatalf("re-registered as %q (old %q)", r.Node(), old)
	}
}

// A session event makes the next Ping ask once (the watch is still there,
// so a plain exists); our own write fires the watch, so the Ping after it
// reads again. With nothing registered Ping sends nothing at all.
func TestUnitPingWatchAndSessionEvents(t *testing.T) {
	e := newFakeEnv()
	r := e.start(t, testConfig())
	must(t, r.Ping(ctx))
	must(t, r.ReportUp(ctx))
	node := r.Node()
	must(t, r.Ping(ctx))
	e.f.takeCalls()
	e.f.emit(zk.SessionReconnected, e.f.SessionID())
	waitFor(t, "the session event", func() bool { return !r.watched(node) })
	must(t, r.Ping(ctx))
	must(t, r.Ping(ctx))
	must(t, r.SetPayload(ctx, []byte(`{"host":"h","port":1,"weight":3}`)))
	waitFor(t, "our own write firing the watch", func() bool { return !r.watched(node) })
	must(t, r.Ping(ctx))
	must(t, r.Ping(ctx))
	want := []string{"exists " + node, "set " + node, "getw " + node}
	if calls := e.f.takeCalls(); !slices.Equal(calls, want) {
		t.Fatalf("calls %q, want %q", calls, want)
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 5s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}
