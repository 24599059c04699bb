package zookeeper

import (
	"fmt"
	"sync"
	"testing"

	"github.com/smartstack-go/smartstack/internal/watcher"
	"github.com/smartstack-go/smartstack/internal/watcher/watchertest"
	"github.com/smartstack-go/smartstack/internal/zk"
	"github.com/smartstack-go/smartstack/test/testutil"
)

// forModes runs f once per explicit zk_watch_mode.
func forModes(t *testing.T, f func(t *testing.T, mode string)) {
	for _, m := range []string{"classic", "persistent"} {
		t.Run(m, func(t *testing.T) { f(t, m) })
	}
}

// startInPool is start with a pool shared by several watchers, as in the
// daemon (one connection per ensemble).
func startInPool(t *testing.T, cfg *Config, pool *Pool) *running {
	t.Helper()
	r := &running{logs: &testutil.SyncBuffer{}, pool: pool}
	r.Started = watchertest.Start(t, Method, cfg, watcher.Options{Logger: r.logs.Logger()}, func(w watcher.Watcher) {
		r.b = w.(*Watcher).base
		r.b.pool = pool
	})
	r.Wait = waitLong
	return r
}

func countBackends(n int) watchertest.Cond {
	return func(s watcher.Snapshot) error {
		if s.Err != nil {
			return s.Err
		}
		if len(s.Backends) != n {
			return fmt.Errorf("%d backends, want %d", len(s.Backends), n)
		}
		return nil
	}
}

// One synapse watching 10 services of 100 backends each: a persistent
// recursive watch per service holds 10 watches on ZooKeeper where one-shot
// watches hold one per backend plus one per service (the service znode's
// data, read for generator config). `wchc` lists the data-side watches of
// the session; the classic mode's 10 child watches are not in it.
func TestWatchCountTenServicesHundredBackends(t *testing.T) {
	const services, perService = 10, 100
	want := map[string]struct{ min, max int }{
		"classic":    {services * (perService + 1), services * (perService + 1)},
		"persistent": {1, 20},
		"auto":       {1, 20}, // the test server is 3.8
	}
	z := testutil.SharedZooKeeper(t)
	c := zkConn(t, z.Addrs())
	for _, mode := range []string{"classic", "persistent", "auto"} {
		t.Run(mode, func(t *testing.T) {
			root := testutil.ZKPath(t)
			populate(t, c, root, services, perService)
			pool := NewPool()
			var rs []*running
			for i := range services {
				cfg := testConfig(z.Addrs(), fmt.Sprintf("%s/svc%d", root, i))
				cfg.WatchMode = mode
				rs = append(rs, startInPool(t, cfg, pool))
			}
			for i, r := range rs {
				r.Await(t, fmt.Sprintf("service %d complete", i), countBackends(perService))
			}
			if pool.Len() != 1 {
				t.Fatalf("%d pooled connections, want 1", pool.Len())
			}
			sid := rs[0].b.entry.Load().Client().SessionID()
			w := want[mode]
			testutil.Eventually(t, waitLong, func() error {
				paths, err := z.SessionWatches(0, sid)
				if err != nil {
					return err
				}
				if n := len(paths); n < w.min || n > w.max {
					return fmt.Errorf("%d watches, want %d..%d", n, w.min, w.max)
				}
				t.Logf("%s: %d watches", mode, len(paths))
				return nil
			})
			// Still following changes at that count.
			mustCreate(t, c, root+"/svc3/extra_0000009999", `{"host":"10.9.9.9","port":1}`, 0)
			rs[3].Await(t, "one more backend", countBackends(perService+1))
		})
	}
}

// populate creates services × perService nerve-style registrations.
func populate(t *testing.T, c zk.Client, root string, services, perService int) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, services)
	for i := range services {
		svc := fmt.Sprintf("%s/svc%d", root, i)
		mustEnsure(t, c, svc)
		wg.Go(func() {
			for j := range perService {
				data := fmt.Sprintf(`{"host":"10.0.%d.%d","port":%d,"name":"i-%d"}`, i, j%250, 3000+j, j)
				if _, err := c.Create(fmt.Sprintf("%s/i-%d_%010d", svc, j, j), []byte(data), 0, zk.OpenACL); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}
