package nerve

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/reporter"
	"github.com/smartstack-go/smartstack/internal/supervise"
	"github.com/smartstack-go/smartstack/test/testutil"
)

// A worker that gives up, panics or cannot build its reporter is restarted
// with a fresh reporter; the failed one is always stopped.
func TestSupervisorRestarts(t *testing.T) {
	for _, tc := range []struct {
		name  string
		first func(rep *fakeReporter) (reporter.Reporter, error)
	}{
		{"report failures", func(rep *fakeReporter) (reporter.Reporter, error) {
			rep.pingErr = errPing
			return rep, nil
		}},
		{"panic", func(rep *fakeReporter) (reporter.Reporter, error) {
			rep.onPing = func() { panic("boom") }
			return rep, nil
		}},
		{"reporter error", func(*fakeReporter) (reporter.Reporter, error) { return nil, errors.New("no zk") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var mu sync.Mutex
			var reps []*fakeReporter
			spec := specWith(nil, newCheck(true))
			spec.MaxFailures = 2
			spec.NewReporter = func() (reporter.Reporter, error) {
				mu.Lock()
				defer mu.Unlock()
				rep := newFakeReporter()
				reps = append(reps, rep)
				if len(reps) == 1 {
					return tc.first(rep)
				}
				return rep, nil
			}
			e := testEnv()
			s := startSupervisor(context.Background(), spec, e, supervise.Policy{Min: time.Millisecond, Max: time.Millisecond, ResetAfter: time.Minute}, "new")
			defer s.stop()
			testutil.Eventually(t, 5*time.Second, func() error {
				mu.Lock()
				defer mu.Unlock()
				if len(reps) < 2 || !reps[1].isRegistered() {
					return fmt.Errorf("%d reporters, second not registered", len(reps))
				}
				return nil
			})
			if st := s.st.snapshot(); st.Restarts != 1 || st.LastError == "" {
				t.Fatalf("restarts %d, last error %q", st.Restarts, st.LastError)
			}
			if tc.name != "reporter error" && reps[0].count("stop") != 1 {
				t.Fatal("failed reporter was not stopped")
			}
		})
	}
}

// A restart after a life with a good round is not delayed by the backoff
// that earlier failures grew: re-registration is never held back by it.
func TestSupervisorBackoffResetByHealthyLife(t *testing.T) {
	var mu sync.Mutex
	var made []time.Time
	var reps []*fakeReporter
	spec := specWith(nil, newCheck(true))
	spec.MaxFailures = 1
	spec.NewReporter = func() (reporter.Reporter, error) {
		mu.Lock()
		defer mu.Unlock()
		rep := newFakeReporter()
		reps, made = append(reps, rep), append(made, time.Now())
		switch len(reps) {
		case 1, 2, 3: // a crash loop: the delay grows 50, 100, 200 ms
			rep.pingErr = errPing
		case 4: // one good round, then a failure
			rounds := 0
			rep.onPing = func() {
				if rounds++; rounds == 2 {
					rep.pingErr = errPing
				}
			}
		}
		return rep, nil
	}
	b := supervise.Policy{Min: 50 * time.Millisecond, Max: time.Hour, ResetAfter: time.Hour}
	s := startSupervisor(context.Background(), spec, testEnv(), b, "new")
	defer s.stop()
	testutil.Eventually(t, 5*time.Second, func() error {
		mu.Lock()
		defer mu.Unlock()
		if len(reps) < 5 || !reps[4].isRegistered() {
			return fmt.Errorf("%d reporters", len(reps))
		}
		return nil
	})
	mu.Lock()
	defer mu.Unlock()
	// Without the reset the fifth life would start 400 ms after the fourth.
	if gap := made[4].Sub(made[3]); gap > 300*time.Millisecond {
		t.Fatalf("fifth life started %s after the healthy fourth; want the minimum backoff", gap)
	}
	if gap := made[3].Sub(made[2]); gap < 200*time.Millisecond {
		t.Fatalf("fourth life started %s after the third; the crash loop should have grown the delay", gap)
	}
}
