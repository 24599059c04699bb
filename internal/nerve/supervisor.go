package nerve

import (
	"context"
	"fmt"
	"runtime/debug"
	"time"

	"github.com/smartstack-go/smartstack/internal/supervise"
)

// supervisor keeps one service's worker alive: a worker that gives up after
// max_repeated_report_failures, fails to start or panics is restarted with a
// fresh reporter after a backoff. A configured service is never silently
// left unmonitored (airbnb/nerve#34, #59).
type supervisor struct {
	spec   ServiceSpec
	st     *serviceState
	cancel context.CancelFunc
	done   chan struct{}
	nudge  chan struct{}
	live   liveWeight
}

func startSupervisor(ctx context.Context, spec ServiceSpec, e env, b supervise.Policy, reason string) *supervisor {
	ctx, cancel := context.WithCancel(ctx)
	s := &supervisor{spec: spec, st: newServiceState(spec.Name), cancel: cancel,
		done: make(chan struct{}), nudge: make(chan struct{}, 1)}
	e.m.launch(spec.Name, reason)
	go func() {
		defer close(s.done)
		s.run(ctx, e, b)
	}()
	return s
}

// stop ends the worker (its reporter deregisters) and waits for it.
func (s *supervisor) stop() {
	s.cancel()
	<-s.done
}

// wake makes the worker run a round now (maintenance changes).
func (s *supervisor) wake() {
	select {
	case s.nudge <- struct{}{}:
	default:
	}
}

func (s *supervisor) run(ctx context.Context, e env, b supervise.Policy) {
	log := e.log.With("service", s.spec.Name)
	lives := 0
	// A life that had a good round was not part of a crash loop: its
	// successor starts at once rather than after a delay grown by failures
	// long past (the original relaunches within one loop).
	supervise.Run(ctx, b, func(ctx context.Context) (bool, error) {
		if lives++; lives > 1 {
			e.m.reap(s.spec.Name, "relaunch")
			e.m.launch(s.spec.Name, "relaunch")
		}
		healthy, err := s.runOnce(ctx, e)
		s.st.update(func(st *serviceState) { st.running = false })
		if ctx.Err() != nil {
			e.m.stop(s.spec.Name, "clean")
		} else {
			e.m.stop(s.spec.Name, "failure")
		}
		return healthy, err
	}, func(err error, restartIn time.Duration) {
		s.st.update(func(st *serviceState) { st.restarts++; st.lastErr = err.Error() })
		log.Error("service worker stopped; restarting", "err", err, "backoff_seconds", restartIn.Seconds())
	})
}

// runOnce runs one worker life, turning a panic into an error so the
// supervisor restarts it; the worker's deferred reporter Stop still runs.
// healthy tells whether a round of that life succeeded.
func (s *supervisor) runOnce(ctx context.Context, e env) (healthy bool, err error) {
	var w *worker
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("worker panic: %v\n%s", r, debug.Stack())
		}
		healthy = w != nil && w.healthy
	}()
	w, err = newWorker(s.spec, e, s.st, &s.live)
	if err != nil {
		return false, err
	}
	s.st.update(func(st *serviceState) { st.running = true })
	if err := w.run(ctx, s.nudge); err != nil {
		return false, err
	}
	return false, fmt.Errorf("worker ended") // only reached with ctx done; never logged
}
