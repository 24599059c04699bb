package zk_test

// PATCHED (see PATCHED.md): tests of MultiRead against a real ZooKeeper.

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/smartstack-go/smartstack/test/testutil"
	"github.com/smartstack-go/smartstack/third_party/go-zookeeper/zk"
)

// Each read of a MultiRead succeeds or fails alone, in order.
func TestMultiRead(t *testing.T) {
	zkp := testutil.SharedZooKeeper(t)
	base := testutil.ZKPath(t)
	c, _ := dial(t, zkp.Addr(0))
	mustCreate(t, c, base)
	var paths []string
	for i := range 300 {
		p := fmt.Sprintf("%s/n%03d", base, i)
		if _, err := c.Create(p, []byte(fmt.Sprint(i)), 0, zk.WorldACL(zk.PermAll)); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	paths = append(paths[:1], append([]string{base + "/missing"}, paths[1:]...)...)
	res, err := c.MultiRead(paths...)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 301 {
		t.Fatalf("%d results, want 301", len(res))
	}
	if !errors.Is(res[1].Err, zk.ErrNoNode) || res[1].Data != nil {
		t.Fatalf("missing znode: %+v, want ErrNoNode", res[1])
	}
	for i, r := range append(res[:1:1], res[2:]...) {
		if r.Err != nil || string(r.Data) != fmt.Sprint(i) || r.Stat == nil || r.Stat.DataLength != int32(len(r.Data)) {
			t.Fatalf("read %d: %+v (data %q), want %d", i, r, r.Data, i)
		}
	}
	if _, err := c.MultiRead(); err != nil {
		t.Fatalf("an empty MultiRead: %v", err)
	}
}

// ChildrenData answers what Children and Get answer, in one request; a
// missing znode is ErrNoNode.
func TestChildrenData(t *testing.T) {
	zkp := testutil.SharedZooKeeper(t)
	base := testutil.ZKPath(t)
	c, _ := dial(t, zkp.Addr(0))
	if _, err := c.Create(base, []byte(`{"cfg":1}`), 0, zk.WorldACL(zk.PermAll)); err != nil {
		t.Fatal(err)
	}
	kids, data, stat, err := c.ChildrenData(base)
	if err != nil || len(kids) != 0 || string(data) != `{"cfg":1}` || stat.NumChildren != 0 {
		t.Fatalf("no children: %q %q %+v %v", kids, data, stat, err)
	}
	for _, n := range []string{"a", "b", "c"} {
		mustCreate(t, c, base+"/"+n)
	}
	kids, data, stat, err = c.ChildrenData(base)
	slices.Sort(kids)
	if err != nil || !slices.Equal(kids, []string{"a", "b", "c"}) || string(data) != `{"cfg":1}` || stat.NumChildren != 3 {
		t.Fatalf("three children: %q %q %+v %v", kids, data, stat, err)
	}
	if _, _, _, err := c.ChildrenData(base + "/missing"); !errors.Is(err, zk.ErrNoNode) {
		t.Fatalf("a missing znode: %v, want ErrNoNode", err)
	}
}
