package poll

import (
	"context"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/smartstack-go/smartstack/internal/watcher"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

// Rounds reports one service's polls, for the watchers whose round is "poll
// the source, send what it says": the backends, or after a failed poll an
// error snapshot, which leaves the last good backends in place. Its Streak
// logs a failure once per outage and answers Ping.
type Rounds struct {
	*Streak
	Service  string
	Failures *prometheus.CounterVec // failed polls, by service
}

// Round polls once and reports the outcome. It returns the poll's error (a
// Loop's Backoff may want it), or ctx's once ctx has ended.
func (r *Rounds) Round(ctx context.Context, out chan<- watcher.Snapshot, poll func(context.Context) ([]registration.Backend, error)) error {
	backends, err := poll(ctx)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	r.Record(err, "backends", len(backends))
	s := watcher.Snapshot{Service: r.Service, Backends: backends, Err: err}
	if err != nil {
		s.Backends = nil
		r.Failures.WithLabelValues(r.Service).Inc()
	}
	if sendErr := watcher.Send(ctx, out, s); sendErr != nil {
		return sendErr
	}
	return err
}
