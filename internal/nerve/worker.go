package nerve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/smartstack-go/smartstack/internal/check"
	"github.com/smartstack-go/smartstack/internal/ratelimit"
	"github.com/smartstack-go/smartstack/internal/reporter"
)

// env is what the daemon gives every worker.
type env struct {
	log         *slog.Logger
	m           *nerveMetrics
	now         func() time.Time
	maintenance func(service string) (maintenance, bool)
	stopTimeout time.Duration
}

// errTooManyFailures ends a worker so its supervisor restarts it with a fresh
// reporter, as the original's main loop relaunches a dead watcher.
var errTooManyFailures = errors.New("too many consecutive report failures")

// worker is one life of a service's check-and-report loop. Its state (the
// filters, the last reported state) starts fresh on every restart.
type worker struct {
	spec    ServiceSpec
	env     env
	log     *slog.Logger
	st      *serviceState
	filters []*check.Filter
	series  []checkSeries // one per check, as filters
	limiter *ratelimit.Limiter
	known   bool // whether reportedUp holds a state the registry has
	up      bool
	live    *liveWeight
	// synced tells that the reporter's payload carries sent as its weight.
	synced bool
	sent   *int
	// disconnected: the last ping found the registry unreachable.
	disconnected bool
	// healthy: a round of this life succeeded, so a restart is not part of
	// a failure loop and needs no long backoff.
	healthy bool
}

func newWorker(spec ServiceSpec, e env, st *serviceState, live *liveWeight) (*worker, error) {
	w := &worker{spec: spec, env: e, st: st, live: live, log: e.log.With("service", spec.Name)}
	for _, c := range spec.Checks {
		w.filters = append(w.filters, check.NewFilter(c.Rise, c.Fall))
	}
	w.series = make([]checkSeries, len(spec.Checks))
	if rl := spec.RateLimit; rl != nil {
		l, err := ratelimit.New(rl.AverageRate, rl.MaxBurst, e.now)
		if err != nil {
			return nil, fmt.Errorf("rate_limit: %w", err)
		}
		w.limiter = l
	}
	return w, nil
}

// run starts a reporter, loops until ctx ends or reports keep failing, and
// always stops the reporter (deregistering) on the way out, panics included.
func (w *worker) run(ctx context.Context, nudge <-chan struct{}) error {
	defer w.closeChecks()
	rep, err := w.spec.NewReporter()
	if err != nil {
		return fmt.Errorf("new reporter: %w", err)
	}
	if err := rep.Start(ctx); err != nil {
		w.stopReporter(ctx, rep)
		return fmt.Errorf("start reporter: %w", err)
	}
	defer w.stopReporter(ctx, rep)
	return w.loop(ctx, rep, nudge)
}

func (w *worker) loop(ctx context.Context, rep reporter.Reporter, nudge <-chan struct{}) error {
	var wake <-chan struct{}
	if wk, ok := rep.(reporter.Waker); ok {
		wake = wk.Wake()
	}
	max := w.spec.MaxFailures
	if max <= 0 {
		max = defaultMaxFailures
	}
	failures := 0
	for ctx.Err() == nil {
		next := w.syncWeight(ctx, rep)
		switch w.round(ctx, rep) {
		case resultOK:
			failures, w.healthy, w.disconnected = 0, true, false
		case resultFail:
			failures++
			w.disconnected = false
		}
		path := ""
		if n, ok := rep.(interface{ Node() string }); ok {
			path = n.Node() // the znode, for /status
		}
		w.st.update(func(s *serviceState) { s.failures, s.path = failures, path })
		if failures >= max {
			return fmt.Errorf("%w (%d)", errTooManyFailures, failures)
		}
		d := w.spec.CheckInterval
		if next > 0 && (d <= 0 || next < d) {
			d = next // a ramp step is due first
		}
		sleep(ctx, d, wake, nudge)
	}
	return nil
}

// closeChecks releases what checks hold between rounds (an http check's
// keep_alive connection); the next life opens its own.
func (w *worker) closeChecks() {
	for _, c := range w.spec.Checks {
		if cl, ok := c.Check.(io.Closer); ok {
			if err := cl.Close(); err != nil {
				w.log.Debug("closing check", "check", c.Name, "err", err)
			}
		}
	}
}

// stopReporter deregisters with its own short deadline: ctx is usually
// already cancelled (shutdown), and the znode must still be deleted.
func (w *worker) stopReporter(ctx context.Context, rep reporter.Reporter) {
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), w.env.stopTimeout)
	defer cancel()
	if err := rep.Stop(sctx); err != nil {
		w.log.Warn("reporter stop failed", "err", err)
	}
	w.st.update(func(s *serviceState) { s.known = false })
}

// sleep waits d, or less when ctx ends or a wake channel fires.
func sleep(ctx context.Context, d time.Duration, wake, nudge <-chan struct{}) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	case <-wake:
	case <-nudge:
	}
}
