package zk_test

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/zk"
)

// Wrappers around the real Client that make a race or a failure certain.

// vanishing deletes a child right after the watcher lists it, so the
// watcher's read of it meets NoNode: the list/get race, made certain.
type vanishing struct {
	zk.Client
	victim  string
	deleted atomic.Bool
}

func (v *vanishing) ChildrenW(path string) ([]string, *zk.Stat, <-chan zk.Event, error) {
	names, st, ch, err := v.Client.ChildrenW(path)
	if err == nil && !v.deleted.Load() {
		if derr := v.Client.Delete(v.victim, -1); derr == nil {
			v.deleted.Store(true)
		}
	}
	return names, st, ch, err
}

func TestWatcherSkipsChildGoneBeforeRead(t *testing.T) {
	c, root := newRoot(t)
	mustCreate(t, c, root+"/stay", "s")
	mustCreate(t, c, root+"/gone", "g")
	v := &vanishing{Client: c, victim: root + "/gone"}
	w := startWatch(t, v, root, zk.WatchOptions{})
	w.await(t, "without the vanished child", children("stay=s"))
	if !v.deleted.Load() {
		t.Fatal("the race was not provoked: victim not deleted after listing")
	}
}

// counting measures how many child reads are in flight at once.
type counting struct {
	zk.Client
	inFlight, peak atomic.Int32
}

func (c *counting) track() func() {
	n := c.inFlight.Add(1)
	for {
		p := c.peak.Load()
		if n <= p || c.peak.CompareAndSwap(p, n) {
			break
		}
	}
	return func() { c.inFlight.Add(-1) }
}

func (c *counting) GetW(path string) ([]byte, *zk.Stat, <-chan zk.Event, error) {
	defer c.track()()
	return c.Client.GetW(path)
}

func (c *counting) Get(path string) ([]byte, *zk.Stat, error) {
	defer c.track()()
	return c.Client.Get(path)
}

func TestWatcherReadsChildrenConcurrently(t *testing.T) {
	c, root := newRoot(t)
	const n = 200
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.Create(fmt.Sprintf("%s/c%03d", root, i), []byte("d"), 0, zk.OpenACL); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	cc := &counting{Client: c}
	w := startWatch(t, cc, root, zk.WatchOptions{Concurrency: 16})
	w.await(t, "all children", func(s zk.Snapshot) error {
		if len(s.Children) != n || s.Err != nil {
			return fmt.Errorf("%d children, err %v", len(s.Children), s.Err)
		}
		return nil
	})
	if p := cc.peak.Load(); p < 2 || p > 16 {
		t.Fatalf("peak reads in flight %d, want concurrent reads bounded by 16", p)
	}
}

// flaky fails every data read while broken is set.
type flaky struct {
	zk.Client
	broken atomic.Bool
}

var errInjected = errors.New("injected read failure")

func (f *flaky) GetW(path string) ([]byte, *zk.Stat, <-chan zk.Event, error) {
	if f.broken.Load() {
		return nil, nil, nil, errInjected
	}
	return f.Client.GetW(path)
}

func (f *flaky) Get(path string) ([]byte, *zk.Stat, error) {
	if f.broken.Load() {
		return nil, nil, errInjected
	}
	return f.Client.Get(path)
}

func TestWatcherKeepsLastGoodSetOnError(t *testing.T) {
	c, root := newRoot(t)
	mustCreate(t, c, root+"/a", "1")
	f := &flaky{Client: c}
	w := startWatch(t, f, root, zk.WatchOptions{RetryMin: 20 * time.Millisecond, RetryMax: 50 * time.Millisecond})
	w.await(t, "initial", children("a=1"))

	f.broken.Store(true)
	mustCreate(t, c, root+"/b", "2")
	s := w.await(t, "error snapshot", func(s zk.Snapshot) error {
		if !errors.Is(s.Err, errInjected) {
			return fmt.Errorf("err %v, want the injected one", s.Err)
		}
		return nil
	})
	if got := render(s); got != "a=1" {
		t.Fatalf("error snapshot children %q, want the last good set a=1", got)
	}
	f.broken.Store(false)
	w.await(t, "recovered", children("a=1", "b=2"))
}

// deaf loses every child data watch: GetW reads but its channel never fires,
// the failure the periodic resync exists for.
type deaf struct{ zk.Client }

func (d deaf) GetW(path string) ([]byte, *zk.Stat, <-chan zk.Event, error) {
	data, st, err := d.Client.Get(path)
	return data, st, make(chan zk.Event), err
}

func TestWatcherResyncCatchesLostWatch(t *testing.T) {
	c, root := newRoot(t)
	mustCreate(t, c, root+"/a", "old")
	w := startWatch(t, deaf{c}, root, zk.WatchOptions{ResyncInterval: 50 * time.Millisecond})
	w.await(t, "initial", children("a=old"))
	if _, err := c.Set(root+"/a", []byte("new"), -1); err != nil {
		t.Fatal(err)
	}
	w.await(t, "change seen by resync alone", children("a=new"))
}
