package nerve

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
)

// closingCheck is a check holding something between rounds.
type closingCheck struct {
	*fakeCheck
	closes atomic.Int32
}

func (c *closingCheck) Close() error { c.closes.Add(1); return nil }

// A worker's life ends by closing its checks, whichever way it ends; the
// next life reopens what it needs.
func TestRunClosesChecks(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(rep *fakeReporter, cancel context.CancelFunc)
	}{
		{"shutdown", func(rep *fakeReporter, cancel context.CancelFunc) {
			rep.onPing = func() {
				if rep.count("ping") == 2 {
					cancel()
				}
			}
		}},
		{"too many failures", func(rep *fakeReporter, _ context.CancelFunc) { rep.pingErr = errors.New("refused") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := newFakeReporter()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			tc.setup(rep, cancel)
			c := &closingCheck{fakeCheck: newCheck(true)}
			spec := specWith(rep, c.fakeCheck)
			spec.Checks[0].Check = c
			spec.CheckInterval, spec.MaxFailures = 0, 2
			_ = mustWorker(t, spec, testEnv()).run(ctx, nil)
			if n := c.closes.Load(); n != 1 {
				t.Fatalf("check closed %d times, want 1", n)
			}
		})
	}
}
