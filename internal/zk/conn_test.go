package zk_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/zk"
	"github.com/smartstack-go/smartstack/test/testutil"
)

func TestConnectRequiresSessionTimeout(t *testing.T) {
	_, err := zk.Connect(context.Background(), []string{"127.0.0.1:1"}, zk.Options{})
	if err == nil || !strings.Contains(err.Error(), "session timeout") {
		t.Fatalf("got %v, want a session timeout error", err)
	}
}

func TestConnectGivesUpWithoutServer(t *testing.T) {
	dead := []string{"127.0.0.1:" + strconv.Itoa(testutil.FreePort(t))}
	for _, tc := range []struct {
		name    string
		ctx     func() (context.Context, context.CancelFunc)
		opts    zk.Options
		wantErr func(error) bool
	}{
		{"ctx deadline", func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), 300*time.Millisecond)
		}, zk.Options{SessionTimeout: time.Second}, func(err error) bool { return errors.Is(err, context.DeadlineExceeded) }},
		{"connect timeout", func() (context.Context, context.CancelFunc) {
			return context.WithCancel(context.Background())
		}, zk.Options{SessionTimeout: time.Second, ConnectTimeout: 300 * time.Millisecond},
			func(err error) bool { return err != nil && strings.Contains(err.Error(), "no session within 300ms") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := tc.ctx()
			defer cancel()
			start := time.Now()
			c, err := zk.Connect(ctx, dead, tc.opts)
			if c != nil || !tc.wantErr(err) {
				t.Fatalf("Connect = %v, %v; want the %s error", c, err, tc.name)
			}
			// 300ms wait plus go-zookeeper's Close of a never-connected
			// conn (about 1s); the 5s default would take longer than 4s.
			if d := time.Since(start); d > 4*time.Second {
				t.Fatalf("Connect took %s to give up", d)
			}
		})
	}
}

func TestEnsurePath(t *testing.T) {
	z := testutil.SharedZooKeeper(t)
	c := connect(t, z.Addrs(), zk.Options{})
	root := testutil.ZKPath(t)
	deep := root + "/a/b/c"
	for range 2 { // the second run finds every node present
		if err := c.EnsurePath(context.Background(), deep); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []string{root, root + "/a", root + "/a/b", deep} {
		ok, st, err := c.Exists(p)
		if err != nil || !ok || st.EphemeralOwner != 0 || st.DataLength != 0 {
			t.Fatalf("%s: exists=%v err=%v stat=%+v; want a persistent empty node", p, ok, err, st)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := c.EnsurePath(ctx, root+"/x"); !errors.Is(err, context.Canceled) {
		t.Fatalf("EnsurePath on a cancelled ctx = %v", err)
	}
	for _, bad := range []string{"", "relative", "/trailing/", "/double//slash"} {
		if err := c.EnsurePath(context.Background(), bad); err == nil {
			t.Errorf("EnsurePath(%q) succeeded, want an error", bad)
		}
	}
}

func TestSessionReconnectKeepsSession(t *testing.T) {
	z := testutil.SharedZooKeeper(t)
	p := testutil.NewTCPProxy(t, z.Addr(0))
	c := connect(t, []string{p.Addr()}, zk.Options{SessionTimeout: 4 * time.Second})
	a, b := subscribe(t, c), subscribe(t, c)
	sid := c.SessionID()

	p.Block()
	for _, l := range []*sessionLog{a, b} {
		if ev := l.waitState(t, zk.SessionDisconnected); ev.SessionID != sid {
			t.Fatalf("disconnected event for %x, want %x", ev.SessionID, sid)
		}
	}
	p.Unblock()
	for name, l := range map[string]*sessionLog{"a": a, "b": b} {
		if ev := l.waitState(t, zk.SessionReconnected); ev.SessionID != sid {
			t.Fatalf("subscriber %s: reconnected with %x, want the same session %x", name, ev.SessionID, sid)
		}
		if got := l.states(); !slices.Equal(got[:2], []zk.SessionState{zk.SessionDisconnected, zk.SessionReconnected}) {
			t.Fatalf("subscriber %s saw %s, want disconnected then reconnected (no expiry)", name, l)
		}
	}
}

func TestSessionPresumedExpiredThenSurvives(t *testing.T) {
	z := testutil.SharedZooKeeper(t)
	p := testutil.NewTCPProxy(t, z.Addr(0))
	c := connect(t, []string{p.Addr()}, zk.Options{SessionTimeout: 4 * time.Second, PresumeExpiredAfter: 200 * time.Millisecond})
	l := subscribe(t, c)
	sid := c.SessionID()

	p.Block()
	ev := l.waitState(t, zk.SessionExpired)
	if !ev.Presumed || ev.SessionID != sid {
		t.Fatalf("expired event %+v, want presumed for %x", ev, sid)
	}
	p.Unblock()
	// The server kept the session (4s): the presumption was wrong.
	if ev := l.waitState(t, zk.SessionReconnected); ev.SessionID != sid {
		t.Fatalf("reconnected as %x, want %x", ev.SessionID, sid)
	}
}

func TestSessionExpiryGivesNewSession(t *testing.T) {
	z := testutil.SharedZooKeeper(t)
	p := testutil.NewTCPProxy(t, z.Addr(0))
	c := connect(t, []string{p.Addr()}, zk.Options{SessionTimeout: time.Second})
	l := subscribe(t, c)
	root := testutil.ZKPath(t)
	if err := c.EnsurePath(context.Background(), root); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Create(root+"/eph", nil, zk.FlagEphemeral, zk.OpenACL); err != nil {
		t.Fatal(err)
	}
	old := c.SessionID()

	z.ExpireSession(t, p, old)
	ev := l.waitState(t, zk.SessionNew)
	if ev.SessionID == old || ev.SessionID != c.SessionID() {
		t.Fatalf("new session %x (conn says %x), old %x", ev.SessionID, c.SessionID(), old)
	}
	// A prefix: a 1s session on a loaded machine may blip again afterwards.
	if got := l.states(); !slices.Equal(got[:min(3, len(got))], []zk.SessionState{zk.SessionDisconnected, zk.SessionExpired, zk.SessionNew}) {
		t.Fatalf("events %s, want disconnected, expired, new-session", l)
	}
	testutil.Eventually(t, waitLong, func() error {
		if ok, _, err := c.Exists(root + "/eph"); err != nil || ok {
			return fmt.Errorf("ephemeral of the expired session: exists=%v err=%v", ok, err)
		}
		return nil
	})
}
