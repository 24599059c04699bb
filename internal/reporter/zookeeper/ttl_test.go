package zookeeper

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/internal/zk"
)

// fakeClock is advanced by hand (and by a slow fake set).
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func ttlConfig(nodeType string, ttl time.Duration) *Config {
	return testConfig(func(c *Config) {
		c.NodeType = nodeType
		if ttl > 0 {
			d := config.Duration(ttl)
			c.TTLSeconds = &d
		}
	})
}

// Only persistent types with ttl_seconds get a
// refresher; Stop ends it (and is fine without one).
func TestUnitTTLRefresherOnlyForPersistentTypes(t *testing.T) {
	for _, tc := range []struct {
		nodeType string
		ttl      time.Duration
		want     bool
	}{
		{Persistent, 360 * time.Second, true},
		{PersistentSequential, 360 * time.Second, true},
		{Persistent, 0, false},
		{EphemeralSequential, 0, false},
		{EphemeralSequential, 360 * time.Second, false},
	} {
		e := newFakeEnv()
		r := e.start(t, ttlConfig(tc.nodeType, tc.ttl))
		if got := r.ttl != nil; got != tc.want {
			t.Errorf("%s ttl %s: refresher %v, want %v", tc.nodeType, tc.ttl, got, tc.want)
		}
		done := func() <-chan struct{} {
			if r.ttl != nil {
				return r.ttl.done
			}
			return nil
		}()
		must(t, r.Stop(ctx))
		if done != nil {
			select {
			case <-done:
			default:
				t.Errorf("%s: refresher goroutine still running after Stop", tc.nodeType)
			}
		}
	}
}

// renewIfDue with a frozen clock.
func TestUnitTTLRenewIfDue(t *testing.T) {
	const ttl = 360 * time.Second
	for _, tc := range []struct {
		name     string
		age      time.Duration // since the last touch
		known    bool          // a node is registered
		fail     error
		slow     time.Duration // the set takes this long
		wantSet  bool
		wantLast time.Duration // returned time relative to now
	}{
		{"due", 361 * time.Second, true, nil, 0, true, 0},
		{"due, no node known", 361 * time.Second, false, nil, 0, false, 0},
		{"due, node gone", 361 * time.Second, true, zk.ErrNoNode, 0, true, 0},
		{"due, slow set", 361 * time.Second, true, nil, 5 * time.Second, true, 5 * time.Second},
		{"due, connection loss", 361 * time.Second, true, zk.ErrConnectionClosed, 0, true, 0},
		{"due, session expired", 361 * time.Second, true, zk.ErrSessionExpired, 0, true, 0},
		{"not due", 359 * time.Second, true, nil, 0, false, -359 * time.Second},
		{"not due, failing", 359 * time.Second, true, zk.ErrConnectionClosed, 0, false, -359 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newFakeEnv()
			r := e.start(t, ttlConfig(Persistent, 0))
			if tc.known {
				must(t, r.ReportUp(ctx))
			}
			clock := &fakeClock{now: time.Unix(1_000_000, 0)}
			e.f.setFail("set", tc.fail)
			touch := func(ctx context.Context) { r.touch(ctx); clock.advance(tc.slow) }
			rf := newRefresher(ttl, touch)
			rf.now = clock.Now
			now := clock.Now()
			e.f.takeCalls()
			got := rf.renewIfDue(context.Background(), now.Add(-tc.age))
			sets := slices.Contains(e.f.takeCalls(), "set /test/instance_id_")
			if sets != tc.wantSet || !got.Equal(now.Add(tc.wantLast)) {
				t.Fatalf("set %v (want %v), last touch %s after now (want %s)", sets, tc.wantSet, got.Sub(now), tc.wantLast)
			}
		})
	}
}

// The goroutine touches on its own: first after a random part of the
// period, then every period.
func TestUnitTTLRefresherRuns(t *testing.T) {
	e := newFakeEnv()
	r := e.start(t, ttlConfig(Persistent, 600*time.Millisecond))
	must(t, r.ReportUp(ctx))
	n0, _ := e.f.node(r.Node())
	waitFor(t, "two refreshes", func() bool { n, _ := e.f.node(r.Node()); return n.version >= n0.version+2 })
}
