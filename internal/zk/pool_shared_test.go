package zk_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/backoff"
	"github.com/smartstack-go/smartstack/internal/zk"
	"github.com/smartstack-go/smartstack/test/testutil"
)

// One connection per host set in any order; the last release closes it,
// and a second release of the same handle does not count twice.
func TestPoolSharesAndClosesOnLastRelease(t *testing.T) {
	z := testutil.SharedZooKeeper(t)
	addrs := z.Addrs()
	p := zk.NewPool(zk.PoolOptions{Retry: backoff.Doubling{Min: 10 * time.Millisecond, Max: 10 * time.Millisecond}})
	opts := zk.Options{SessionTimeout: 4 * time.Second}
	a, createdA, relA := p.Acquire(addrs, opts)
	rev := append([]string(nil), addrs...)
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	b, createdB, relB := p.Acquire(rev, opts)
	if a != b || !createdA || createdB || p.Len() != 1 {
		t.Fatalf("same %v, created %v %v, pool size %d", a == b, createdA, createdB, p.Len())
	}
	select {
	case <-a.Ready():
	case <-time.After(waitLong):
		t.Fatal("no session")
	}
	var seen atomic.Int32
	stop := a.Listen(func(ev zk.SessionEvent) {
		if ev.State == zk.SessionConnected {
			seen.Add(1)
		}
	})
	defer stop()
	if seen.Load() == 0 {
		t.Fatal("a listener joining after the first session got no SessionConnected")
	}
	c := a.Client()
	first, again := relA(), relA() // a second release of one handle counts once
	if first || again {
		t.Fatal("closed while b still uses it")
	}
	if _, _, err := c.Exists("/"); err != nil {
		t.Fatalf("connection unusable while b holds it: %v", err)
	}
	if !relB() || p.Len() != 0 {
		t.Fatalf("the last release did not close: pool size %d", p.Len())
	}
	if _, _, err := c.Exists("/"); err == nil {
		t.Fatal("connection still usable after the last release")
	}
}

// A dial that fails is retried until one succeeds; releasing meanwhile
// ends the retries.
func TestPoolRetriesDial(t *testing.T) {
	z := testutil.SharedZooKeeper(t)
	var dials atomic.Int32
	dial := func(ctx context.Context, servers []string, opts zk.Options) (zk.ClientCloser, error) {
		if dials.Add(1) <= 2 {
			return nil, errors.New("refused")
		}
		return zk.Dial(ctx, servers, opts)
	}
	p := zk.NewPool(zk.PoolOptions{Dial: dial, Retry: backoff.Doubling{Min: 10 * time.Millisecond, Max: 20 * time.Millisecond}})
	s, _, release := p.Acquire(z.Addrs(), zk.Options{SessionTimeout: 4 * time.Second})
	select {
	case <-s.Ready():
	case <-time.After(waitLong):
		t.Fatal("no session after failed dials")
	}
	release()
	if n := dials.Load(); n != 3 {
		t.Fatalf("%d dials, want 3", n)
	}

	dials.Store(-1 << 20) // fail for good
	s, _, release = p.Acquire(z.Addrs(), zk.Options{SessionTimeout: 4 * time.Second})
	testutil.Eventually(t, waitLong, func() error {
		if dials.Load() < -1<<20+3 {
			return errors.New("still on the first dials")
		}
		return nil
	})
	done := make(chan struct{})
	go func() { release(); close(done) }()
	select {
	case <-done:
	case <-time.After(waitLong):
		t.Fatal("release blocked while dialling")
	}
	if s.Client() != nil {
		t.Fatal("a connection appeared although every dial failed")
	}
}
