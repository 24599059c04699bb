package zk_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/smartstack-go/smartstack/internal/zk"
)

// reads records every data read a watcher makes.
type reads struct {
	zk.Client
	mu    sync.Mutex
	paths []string
}

func (r *reads) note(p string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.paths = append(r.paths, p)
}

func (r *reads) read(p string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, q := range r.paths {
		if q == p {
			return true
		}
	}
	return false
}

func (r *reads) GetW(path string) ([]byte, *zk.Stat, <-chan zk.Event, error) {
	r.note(path)
	return r.Client.GetW(path)
}

func (r *reads) Get(path string) ([]byte, *zk.Stat, error) {
	r.note(path)
	return r.Client.Get(path)
}

func TestWatcherSkipData(t *testing.T) {
	c, root := newRoot(t)
	mustCreate(t, c, root+"/skip_a", "never read")
	mustCreate(t, c, root+"/b", "y")
	r := &reads{Client: c}
	asked := map[string]int{}
	var mu sync.Mutex
	skip := func(name string) bool {
		mu.Lock()
		defer mu.Unlock()
		asked[name]++
		return strings.HasPrefix(name, "skip_")
	}
	w := startWatch(t, r, root, zk.WatchOptions{SkipData: skip})
	w.await(t, "initial", children("b=y", "skip_a="))
	mustCreate(t, c, root+"/skip_c", "never read")
	w.await(t, "skipped child added", children("b=y", "skip_a=", "skip_c="))
	if err := c.Delete(root+"/skip_a", -1); err != nil {
		t.Fatal(err)
	}
	w.await(t, "skipped child removed", children("b=y", "skip_c="))
	if r.read(root+"/skip_a") || r.read(root+"/skip_c") {
		t.Fatalf("skipped children were read: %v", r.paths)
	}
	if !r.read(root + "/b") {
		t.Fatal("b was not read")
	}
	mu.Lock()
	defer mu.Unlock()
	if asked["skip_a"] != 1 || asked["b"] != 1 {
		t.Fatalf("SkipData asked %v, want once per child", asked)
	}
}
