package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/test/testutil"
)

func TestMain(m *testing.M) { os.Exit(testutil.ZooKeeperMain(m)) }

// The stacks must each hold their own session (the point of the per-stack
// credential), hold the watches of their mode, and time a change only
// once every stack has it.
func TestStacksAgainstZooKeeper(t *testing.T) {
	z := testutil.SharedZooKeeper(t)
	w, err := dialWriter(z.Addrs())
	if err != nil {
		t.Fatal(err)
	}
	defer w.close()
	base := testutil.ZKPath(t)
	services := []string{"a", "b"}
	for i, svc := range services {
		if err := w.ensure(base + "/" + svc); err != nil {
			t.Fatal(err)
		}
		for b := range 2 {
			if _, err := w.register(base+"/"+svc, fmt.Sprintf("i%d", b), fmt.Sprintf("10.9.0.%d", i), 100+b); err != nil {
				t.Fatal(err)
			}
		}
	}
	e := &ensemble{z: z, own: make([]int64, 1)}
	const stacks = 3
	// Watches in wchs per stack: persistent one per service; classic at
	// least a data watch per backend.
	for _, tt := range []struct {
		mode    string
		watches func(n int64) bool
	}{
		{"persistent", func(n int64) bool { return n == stacks*2 }},
		{"classic", func(n int64) bool { return n >= stacks*2*2 }},
	} {
		t.Run(tt.mode, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			st, err := startStacks(ctx, stackConfig{n: stacks, hosts: z.Addrs(), services: services, root: base, mode: tt.mode, dir: t.TempDir()})
			if err != nil {
				t.Fatal(err)
			}
			defer st.stop()
			var last wchs
			err = poll(ctx, 20*time.Second, func() (bool, error) {
				last, err = e.wchs(0)
				return err == nil && st.view.complete(2) && last.Connections == stacks && tt.watches(last.Watches), err
			})
			if err != nil {
				t.Fatalf("stacks not settled: %v; complete(2) = %v, wchs %+v", err, st.view.complete(2), last)
			}
			ds, err := fanout(ctx, w, st.view, base, services, 4, rand.New(rand.NewPCG(1, 1)))
			if err != nil {
				t.Fatal(err)
			}
			if len(ds) != 4 {
				t.Errorf("%d fan-out times, want 4", len(ds))
			}
			if !st.view.complete(2) {
				t.Error("after an add and a remove per pair, a stack does not hold the 2 backends of every service")
			}
		})
	}
}
