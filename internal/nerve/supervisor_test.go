package nerve

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/reporter"
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
			rep.pingErr = reporter.ErrNotConnected
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
			s := startSupervisor(context.Background(), spec, e, backoff{min: time.Millisecond, max: time.Millisecond, resetAfter: time.Minute}, "new")
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
