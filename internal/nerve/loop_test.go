package nerve

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/reporter"
	"github.com/smartstack-go/smartstack/test/testutil"
)

// With shutdown already requested the reporter is still started
// (and stopped), and no round runs.
func TestRunAlreadyCancelled(t *testing.T) {
	rep := newFakeReporter()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	w := mustWorker(t, specWith(rep, newCheck(true)), testEnv())
	if err := w.run(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if !equal(rep.calls, []string{"start", "stop"}) {
		t.Fatalf("calls %v", rep.calls)
	}
}

// Interval 0, shutdown during round 2 → exactly 2 rounds.
func TestRunStopsAfterCurrentRound(t *testing.T) {
	rep := newFakeReporter()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rep.onPing = func() {
		if rep.count("ping") == 2 {
			cancel()
		}
	}
	spec := specWith(rep, newCheck(true))
	spec.CheckInterval = 0
	if err := mustWorker(t, spec, testEnv()).run(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if n := rep.count("ping"); n != 2 {
		t.Fatalf("%d rounds, want 2", n)
	}
}

// A long interval does not delay shutdown.
func TestRunPromptWithLongInterval(t *testing.T) {
	rep := newFakeReporter()
	ctx, cancel := context.WithCancel(context.Background())
	spec := specWith(rep, newCheck(true))
	spec.CheckInterval = time.Hour
	done := make(chan error, 1)
	go func() { done <- mustWorker(t, spec, testEnv()).run(ctx, nil) }()
	testutil.Eventually(t, 5*time.Second, func() error {
		if !rep.isRegistered() {
			return errors.New("not registered")
		}
		return nil
	})
	start := time.Now()
	cancel()
	select {
	case <-done:
	case <-time.After(time.Second):
		t.Fatal("run did not return within 1s of cancel")
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("took %s", d)
	}
	if rep.isRegistered() {
		t.Fatal("still registered after stop")
	}
}

// The failure counter ends the worker after exactly
// max_repeated_report_failures consecutive failures, and a success resets it.
func TestFailureCounter(t *testing.T) {
	for _, tc := range []struct {
		name    string
		err     error // nil: alternate errPing and ErrNotConnected
		fail    func(round int) bool
		rounds  int
		wantErr bool
	}{
		{"always failing", errPing, func(int) bool { return true }, 10, true},
		{"reset by success", errPing, func(r int) bool { return r%10 != 9 }, 101, false},
		// A disconnected registry never ends the worker: a restart would
		// delete a registration whose session may still be alive.
		{"disconnected never counts", reporter.ErrNotConnected, func(int) bool { return true }, 100, false},
		// ...nor resets the count of real failures.
		{"disconnects between failures", nil, func(int) bool { return true }, 19, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := newFakeReporter()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var round atomic.Int64
			rep.onPing = func() {
				r := int(round.Add(1)) - 1
				rep.set(func(f *fakeReporter) {
					f.pingErr = nil
					if tc.fail(r) {
						f.pingErr = tc.err
						if tc.err == nil && r%2 == 0 {
							f.pingErr = errPing
						} else if tc.err == nil {
							f.pingErr = reporter.ErrNotConnected
						}
					}
				})
				if r+1 == tc.rounds && !tc.wantErr {
					cancel()
				}
			}
			spec := specWith(rep, newCheck(true))
			spec.CheckInterval = 0
			err := mustWorker(t, spec, testEnv()).run(ctx, nil)
			if got := errors.Is(err, errTooManyFailures); got != tc.wantErr {
				t.Fatalf("err = %v", err)
			}
			if n := int(round.Load()); n != tc.rounds {
				t.Fatalf("%d rounds, want %d", n, tc.rounds)
			}
		})
	}
}

// A reporter Wake runs a round at once despite a long interval.
func TestWakeRunsRound(t *testing.T) {
	rep := newFakeReporter()
	ctx, cancel := context.WithCancel(context.Background())
	spec := specWith(rep, newCheck(true))
	spec.CheckInterval = time.Hour
	w := mustWorker(t, spec, testEnv())
	done := make(chan struct{})
	go func() { defer close(done); _ = w.run(ctx, nil) }()
	defer func() { cancel(); <-done }()
	testutil.Eventually(t, 5*time.Second, func() error { return atLeast(rep, "ping", 1) })
	rep.wake <- struct{}{}
	testutil.Eventually(t, 5*time.Second, func() error { return atLeast(rep, "ping", 2) })
}

func atLeast(rep *fakeReporter, call string, n int) error {
	if got := rep.count(call); got < n {
		return errors.New(call + " not called enough")
	}
	return nil
}
