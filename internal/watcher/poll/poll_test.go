package poll

import (
	"context"
	"errors"
	"testing"
	"time"
)

// clock is a Sleep that records each wait and returns at once, ending ctx
// after stopAfter waits.
type clock struct {
	waits     []time.Duration
	stopAfter int
	cancel    context.CancelFunc
}

func (c *clock) sleep(ctx context.Context, d time.Duration) error {
	c.waits = append(c.waits, d)
	if len(c.waits) >= c.stopAfter {
		c.cancel()
	}
	return ctx.Err()
}

func run(t *testing.T, l Loop, waits int, round func(context.Context) error) []time.Duration {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c := &clock{stopAfter: waits, cancel: cancel}
	l.Sleep = c.sleep
	done := make(chan struct{})
	go func() {
		defer close(done)
		l.Run(ctx, round)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after ctx ended")
	}
	return c.waits
}

func TestLoopSplayThenIntervalLessRoundTime(t *testing.T) {
	rounds := 0
	waits := run(t, Loop{Interval: time.Hour, Splay: 7 * time.Second}, 3, func(context.Context) error {
		rounds++
		return nil
	})
	if len(waits) != 3 || waits[0] != 7*time.Second {
		t.Fatalf("waits %v, want the splay first, 3 in all", waits)
	}
	for _, d := range waits[1:] {
		if d <= 59*time.Minute || d > time.Hour {
			t.Errorf("wait %s after a round, want the interval less the round's time", d)
		}
	}
	if rounds != 2 {
		t.Errorf("%d rounds, want 2 (the third wait ended ctx)", rounds)
	}
}

// throttled pushes the next round back after a failed one, as a throttled
// source wants, and records what it was asked.
type throttled struct{ errs []error }

func (b *throttled) After(err error) (time.Duration, bool) {
	b.errs = append(b.errs, err)
	return time.Minute, err != nil
}

func TestLoopBackoff(t *testing.T) {
	errThrottled := errors.New("throttled")
	outcomes := []error{errThrottled, nil}
	b := &throttled{}
	waits := run(t, Loop{Interval: time.Hour, Backoff: b}, 3, func(context.Context) error {
		err := outcomes[0]
		outcomes = outcomes[1:]
		return err
	})
	if waits[0] != 0 || waits[1] != time.Minute || waits[2] <= 59*time.Minute {
		t.Fatalf("waits %v, want at once, the backoff's, then the interval's", waits)
	}
	if len(b.errs) != 2 || b.errs[0] != errThrottled || b.errs[1] != nil {
		t.Fatalf("Backoff asked with %v, want each round's outcome", b.errs)
	}
}

func TestLoopRoundEndingCtxStopsWithoutBackoff(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	b := &throttled{}
	rounds := 0
	Loop{Interval: time.Hour, Backoff: b}.Run(ctx, func(ctx context.Context) error {
		rounds++
		cancel()
		return ctx.Err()
	})
	if rounds != 1 || len(b.errs) != 0 {
		t.Fatalf("%d rounds, Backoff asked %d times; want 1 and 0", rounds, len(b.errs))
	}
}

func TestNextDelay(t *testing.T) {
	for _, tc := range []struct{ interval, elapsed, want time.Duration }{
		{10 * time.Second, 3 * time.Second, 7 * time.Second},
		{10 * time.Second, 10 * time.Second, 0},
		{10 * time.Second, 12 * time.Second, 0},
	} {
		if got := NextDelay(tc.interval, tc.elapsed); got != tc.want {
			t.Errorf("NextDelay(%s, %s) = %s, want %s", tc.interval, tc.elapsed, got, tc.want)
		}
	}
}
