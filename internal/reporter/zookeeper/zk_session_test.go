package zookeeper

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/reporter"
	"github.com/smartstack-go/smartstack/internal/zk"
	"github.com/smartstack-go/smartstack/test/testutil"
)

// sessionEvents records the reporter connection's session stream.
type sessionEvents struct {
	mu  sync.Mutex
	evs []zk.SessionEvent
}

func recordSessions(t *testing.T, r *Reporter) *sessionEvents {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ch := r.sess.Client().Sessions(ctx)
	s := &sessionEvents{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ev := range ch {
			s.mu.Lock()
			s.evs = append(s.evs, ev)
			s.mu.Unlock()
		}
	}()
	t.Cleanup(func() { cancel(); <-done })
	return s
}

func (s *sessionEvents) find(state zk.SessionState) (zk.SessionEvent, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, ev := range s.evs {
		if ev.State == state {
			return ev, true
		}
	}
	return zk.SessionEvent{}, false
}

// workerRound is what the service worker does when woken: ping, and on
// ErrGone report up again in the same round.
func workerRound(r *Reporter) error {
	err := r.Ping(context.Background())
	if errors.Is(err, reporter.ErrGone) {
		return r.ReportUp(context.Background())
	}
	return err
}

// A forced session expiry: the library opens a new session, Wake fires,
// and the woken round re-creates the node, well within 1 s of the new
// session.
func TestZKSessionExpiryReRegisters(t *testing.T) {
	e := newRealEnv(t)
	p := testutil.NewTCPProxy(t, e.z.Addr(0))
	r := e.start(t, []string{p.Addr()}, time.Second)
	must(t, r.ReportUp(ctx))
	old, oldSID := r.Node(), r.sess.Client().SessionID()
	evs := recordSessions(t, r)
	drainWake(r)

	e.z.ExpireSession(t, p, oldSID)
	select {
	case <-r.Wake():
	case <-time.After(waitLong):
		t.Fatal("no wake after the session expired")
	}
	must(t, workerRound(r))
	done := time.Now()
	newEv, ok := evs.find(zk.SessionNew)
	if !ok {
		t.Fatal("woken, but no new-session event was seen")
	}
	latency := done.Sub(newEv.Time)
	t.Logf("node re-created %s after the new session", latency)
	if latency > time.Second {
		t.Fatalf("re-registration took %s after the new session, want < 1s", latency)
	}
	st := e.stat(t, r.Node())
	if r.Node() == old || st == nil || st.EphemeralOwner != newEv.SessionID || newEv.SessionID == oldSID {
		t.Fatalf("node %q (old %q), stat %+v, new session %x", r.Node(), old, st, newEv.SessionID)
	}
	testutil.Eventually(t, waitLong, func() error {
		if e.stat(t, old) != nil {
			return fmt.Errorf("old node %s still there", old)
		}
		return nil
	})
}

// A disconnect shorter than the session timeout keeps the node: after the
// reconnect the same node stays as it was, never deleted, re-created or
// even set again.
func TestZKShortDisconnectKeepsNode(t *testing.T) {
	e := newRealEnv(t)
	p := testutil.NewTCPProxy(t, e.z.Addr(0))
	r := e.start(t, []string{p.Addr()}, 2*time.Second)
	must(t, r.ReportUp(ctx))
	node, sid := r.Node(), r.sess.Client().SessionID()
	before := e.stat(t, node)
	drainWake(r)

	p.Block()
	testutil.Eventually(t, waitLong, func() error {
		if err := r.Ping(ctx); !errors.Is(err, reporter.ErrNotConnected) {
			return fmt.Errorf("Ping while blocked = %v", err)
		}
		return nil
	})
	p.Unblock()
	select {
	case <-r.Wake():
	case <-time.After(waitLong):
		t.Fatal("no wake after the reconnect")
	}
	must(t, workerRound(r))
	must(t, r.ReportUp(ctx))
	after := e.stat(t, node)
	if r.Node() != node || r.sess.Client().SessionID() != sid || after == nil {
		t.Fatalf("node %q session %x after the blip; want %q %x", r.Node(), r.sess.Client().SessionID(), node, sid)
	}
	if after.Czxid != before.Czxid || after.Version != before.Version || after.EphemeralOwner != before.EphemeralOwner {
		t.Fatalf("czxid %d→%d version %d→%d owner %x→%x: want the same node untouched", before.Czxid, after.Czxid,
			before.Version, after.Version, before.EphemeralOwner, after.EphemeralOwner)
	}
}

// A Stop while disconnected, with another service keeping the shared
// session, deletes the node once the session is back.
func TestZKStopWhileDisconnectedDeletesLater(t *testing.T) {
	e := newRealEnv(t)
	p := testutil.NewTCPProxy(t, e.z.Addr(0))
	keep := e.start(t, []string{p.Addr()}, 2*time.Second, func(c *Config) { c.ZKPath = e.root + "/keep" })
	r := e.start(t, []string{p.Addr()}, 2*time.Second)
	must(t, keep.ReportUp(ctx))
	must(t, r.ReportUp(ctx))
	node := r.Node()

	p.Block()
	testutil.Eventually(t, waitLong, func() error {
		if err := r.Ping(ctx); !errors.Is(err, reporter.ErrNotConnected) {
			return fmt.Errorf("Ping while blocked = %v", err)
		}
		return nil
	})
	if err := r.Stop(ctx); !errors.Is(err, reporter.ErrNotConnected) {
		t.Fatalf("Stop while disconnected = %v", err)
	}
	p.Unblock()
	testutil.Eventually(t, waitLong, func() error {
		if e.stat(t, node) != nil {
			return fmt.Errorf("stopped service's node %s still registered", node)
		}
		return nil
	})
	if e.stat(t, keep.Node()) == nil {
		t.Fatal("the other service's node is gone")
	}
}
