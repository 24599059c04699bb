package poll

import (
	"context"
	"errors"
	"log/slog"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/smartstack-go/smartstack/internal/watcher"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

// A failed poll sends an error snapshot without backends, counts it and
// shows in Ping; a good one sends the backends and clears Ping.
func TestRounds(t *testing.T) {
	failures := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "f", Help: "failures"}, []string{"service"})
	r := &Rounds{Service: "svc", Failures: failures,
		Streak: NewStreak(slog.New(slog.DiscardHandler), "test poll", errors.New("not yet"))}
	out := make(chan watcher.Snapshot, 1)
	ctx := context.Background()
	boom := errors.New("boom")
	bs := []registration.Backend{{Host: "h"}}

	if err := r.Round(ctx, out, func(context.Context) ([]registration.Backend, error) { return bs, boom }); !errors.Is(err, boom) {
		t.Fatalf("Round = %v, want the poll's error", err)
	}
	if s := <-out; s.Service != "svc" || !errors.Is(s.Err, boom) || s.Backends != nil {
		t.Fatalf("failed poll sent %+v", s)
	}
	if n := counted(t, failures); n != 1 || !errors.Is(r.Ping(ctx), boom) {
		t.Fatalf("failures %v, Ping %v", n, r.Ping(ctx))
	}

	if err := r.Round(ctx, out, func(context.Context) ([]registration.Backend, error) { return bs, nil }); err != nil {
		t.Fatal(err)
	}
	if s := <-out; s.Err != nil || len(s.Backends) != 1 || r.Ping(ctx) != nil {
		t.Fatalf("good poll sent %+v, Ping %v", s, r.Ping(ctx))
	}
}

func counted(t *testing.T, c *prometheus.CounterVec) float64 {
	t.Helper()
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(c)
	mfs, err := reg.Gather()
	if err != nil || len(mfs) != 1 {
		t.Fatalf("gather: %v, %d families", err, len(mfs))
	}
	return mfs[0].GetMetric()[0].GetCounter().GetValue()
}
