package supervise

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"
)

// The delays a crash loop sees double to the cap; a healthy life starts the
// next one at the floor; a long life does too.
func TestRunDelays(t *testing.T) {
	const ms = time.Millisecond
	for _, tc := range []struct {
		name    string
		p       Policy
		healthy []bool // per life; the life after the last one blocks
		long    int    // this life (1-based) outlasts ResetAfter
		want    []time.Duration
	}{
		{"crash loop", Policy{Min: ms, Max: 4 * ms}, []bool{false, false, false, false}, 0, []time.Duration{ms, 2 * ms, 4 * ms, 4 * ms}},
		{"healthy life resets", Policy{Min: ms, Max: time.Second}, []bool{false, false, true, false}, 0, []time.Duration{ms, 2 * ms, ms, 2 * ms}},
		{"long life resets", Policy{Min: ms, Max: time.Second, ResetAfter: 30 * ms}, []bool{false, false, false}, 3, []time.Duration{ms, 2 * ms, ms}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var mu sync.Mutex
			var got []time.Duration
			lives := 0
			done := make(chan struct{})
			go func() {
				defer close(done)
				Run(ctx, tc.p, func(ctx context.Context) (bool, error) {
					lives++
					if lives > len(tc.healthy) {
						cancel()
						<-ctx.Done()
						return false, nil
					}
					if lives == tc.long {
						time.Sleep(2 * tc.p.ResetAfter)
					}
					return tc.healthy[lives-1], errors.New("boom")
				}, func(err error, in time.Duration) {
					if err == nil {
						t.Error("failed got a nil error")
					}
					mu.Lock()
					got = append(got, in)
					mu.Unlock()
				})
			}()
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				t.Fatal("Run did not return after its context ended")
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("restart delays %v, want %v", got, tc.want)
			}
		})
	}
}

// Ending ctx during the wait returns at once, without another life.
func TestRunStopsDuringWait(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	lives := 0
	done := make(chan struct{})
	go func() {
		defer close(done)
		Run(ctx, Policy{Min: time.Hour, Max: time.Hour}, func(context.Context) (bool, error) {
			lives++
			return false, errors.New("boom")
		}, func(error, time.Duration) { cancel() })
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run still waiting after cancel")
	}
	if lives != 1 {
		t.Fatalf("%d lives, want 1", lives)
	}
}
