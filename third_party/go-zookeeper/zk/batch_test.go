package zk_test

// PATCHED (see PATCHED.md): requests sent in batches and responses read
// through a buffer must still pair every answer with its request.

import (
	"bytes"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/test/testutil"
	"github.com/smartstack-go/smartstack/third_party/go-zookeeper/zk"
)

// Many concurrent reads on one connection, of distinct data, of missing
// znodes, and of payloads near ZooKeeper's 1 MB limit (larger than a
// batch and than the receive buffer's starting size), each get their own
// answer.
func TestConcurrentReadsPairAnswers(t *testing.T) {
	z := testutil.SharedZooKeeper(t)
	c, _ := dial(t, z.Addrs()[0])
	root := testutil.ZKPath(t)
	mustCreate(t, c, root)
	const n = 300
	payload := func(i int) []byte {
		if i%50 == 7 {
			return bytes.Repeat([]byte{byte(i)}, 900*1024)
		}
		return fmt.Appendf(nil, `{"host":"10.0.0.%d","port":%d}`, i%250, 3000+i)
	}
	for i := range n {
		if i%10 == 3 {
			continue // left missing
		}
		if _, err := c.Create(fmt.Sprintf("%s/n%d", root, i), payload(i), 0, zk.WorldACL(zk.PermAll)); err != nil {
			t.Fatal(err)
		}
	}
	for round := range 3 {
		errs := make(chan error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() { errs <- checkRead(c, fmt.Sprintf("%s/n%d", root, i), i%10 == 3, payload(i)) })
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
		}
	}
}

func checkRead(c *zk.Conn, p string, missing bool, want []byte) error {
	got, _, err := c.Get(p)
	switch {
	case missing && !errors.Is(err, zk.ErrNoNode):
		return fmt.Errorf("get %s: %v, want ErrNoNode", p, err)
	case missing:
		return nil
	case err != nil:
		return fmt.Errorf("get %s: %w", p, err)
	case !bytes.Equal(got, want):
		return fmt.Errorf("get %s: %d bytes %.20q, want %d bytes %.20q", p, len(got), got, len(want), want)
	}
	return nil
}

// Concurrent writes whose requests do not fit one send buffer together
// go out in several writes, each request whole and answered.
func TestConcurrentWritesOverflowBatch(t *testing.T) {
	z := testutil.SharedZooKeeper(t)
	c, _, err := zk.Connect(z.Addrs(), 4*time.Second, zk.WithLogger(quiet{}), zk.WithMaxConnBufferSize(128*1024))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	waitSession(t, c)
	setup, _ := dial(t, z.Addrs()[0])
	root := testutil.ZKPath(t)
	mustCreate(t, setup, root)
	const n = 60
	// A 40 KiB request leaves the batch open (under 64 KiB); a 100 KiB
	// one after it does not fit the 128 KiB buffer.
	payload := func(i int) []byte { return bytes.Repeat([]byte{'a' + byte(i%26)}, (40+60*(i%2))*1024+i) }
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			_, err := c.Create(fmt.Sprintf("%s/n%d", root, i), payload(i), 0, zk.WorldACL(zk.PermAll))
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	for i := range n {
		if err := checkRead(setup, fmt.Sprintf("%s/n%d", root, i), false, payload(i)); err != nil {
			t.Fatal(err)
		}
	}
}

// The send buffer starts small and grows for a large request, up to the
// 1.5 MiB it used to start at: a request beyond that still fails alone,
// and the connection goes on serving the others.
func TestSendBufferGrowsToItsLimit(t *testing.T) {
	z := testutil.SharedZooKeeper(t)
	c, _ := dial(t, z.Addrs()[0])
	root := testutil.ZKPath(t)
	mustCreate(t, c, root)
	big := bytes.Repeat([]byte{'x'}, 1000*1024) // within ZooKeeper's 1 MB
	if _, err := c.Create(root+"/big", big, 0, zk.WorldACL(zk.PermAll)); err != nil {
		t.Fatalf("create near 1 MB: %v", err)
	}
	if err := checkRead(c, root+"/big", false, big); err != nil {
		t.Fatal(err)
	}
	tooBig := bytes.Repeat([]byte{'x'}, 1600*1024)
	if _, err := c.Create(root+"/toobig", tooBig, 0, zk.WorldACL(zk.PermAll)); !errors.Is(err, zk.ErrShortBuffer) {
		t.Fatalf("create beyond the send buffer's limit: err %v, want %v", err, zk.ErrShortBuffer)
	}
	if _, err := c.Create(root+"/small", []byte("s"), 0, zk.WorldACL(zk.PermAll)); err != nil {
		t.Fatalf("create after the refused one: %v", err)
	}
}
