package zk_test

import (
	"context"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/zk"
)

// recorder is a Consumer that passes what Run hands it on to the test.
type recorder struct {
	snaps chan zk.Snapshot
	wake  chan struct{}
	woken chan struct{}
}

func newRecorder() *recorder {
	return &recorder{snaps: make(chan zk.Snapshot, 16), wake: make(chan struct{}), woken: make(chan struct{}, 16)}
}

func (r *recorder) Take(s zk.Snapshot)    { r.snaps <- s }
func (r *recorder) Wake() <-chan struct{} { return r.wake }
func (r *recorder) Woken()                { r.woken <- struct{}{} }

// plain hides a Conn's routing of watch events: the watcher then selects
// on a channel per child (the other of Run's two ways to wait).
type plain struct{ zk.Client }

// RunInto hands every snapshot to the consumer instead of Updates, and
// calls Woken whenever Wake delivers, with a routing Conn and without one.
func TestRunIntoConsumer(t *testing.T) {
	for _, routed := range []bool{true, false} {
		name := map[bool]string{true: "routed", false: "plain"}[routed]
		t.Run(name, func(t *testing.T) {
			forModes(t, func(t *testing.T, mode zk.WatchMode) {
				c, root := newRoot(t)
				var client zk.Client = c
				if !routed {
					client = plain{c}
				}
				rec := newRecorder()
				w := zk.NewChildrenWatcher(client, root, zk.WatchOptions{Mode: mode})
				ctx, cancel := context.WithCancel(context.Background())
				done := make(chan error, 1)
				go func() { done <- w.RunInto(ctx, rec) }()
				defer func() {
					cancel()
					if err := <-done; err != nil {
						t.Errorf("RunInto: %v", err)
					}
					if _, ok := <-w.Updates(); ok {
						t.Error("Updates delivered a snapshot beside the consumer")
					}
				}()
				awaitTaken(t, rec, "initial", children())
				mustCreate(t, c, root+"/a", "1")
				awaitTaken(t, rec, "add a", children("a=1"))
				for range 2 {
					select {
					case rec.wake <- struct{}{}:
					case <-time.After(waitLong):
						t.Fatal("Run does not select on Wake")
					}
					select {
					case <-rec.woken:
					case <-time.After(waitLong):
						t.Fatal("Woken not called after Wake")
					}
				}
				if _, err := c.Set(root+"/a", []byte("2"), -1); err != nil {
					t.Fatal(err)
				}
				awaitTaken(t, rec, "a changed after the wakes", children("a=2"))
			})
		})
	}
}

func awaitTaken(t *testing.T, rec *recorder, what string, cond func(zk.Snapshot) error) {
	t.Helper()
	deadline := time.After(waitLong)
	var err error
	for {
		select {
		case s := <-rec.snaps:
			if err = cond(s); err == nil {
				return
			}
		case <-deadline:
			t.Fatalf("%s: not taken within %s: %v", what, waitLong, err)
		}
	}
}
