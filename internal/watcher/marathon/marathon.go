// Package marathon is synapse's Marathon discovery (method `marathon`): it
// polls an application's tasks from the Marathon v2 REST API and reports
// every started task as a backend {name: host, host: host, port:
// ports[port_index]}, as the original does.
//
// Unlike the original, a failed poll (connection refused, timeout, an HTTP
// error status, a body that is not a tasks object) is reported as stale, so
// the last good backends stay in place; the next poll tries again.
package marathon

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"time"

	"github.com/smartstack-go/smartstack/internal/backoff"
	"github.com/smartstack-go/smartstack/internal/watcher"
	"github.com/smartstack-go/smartstack/internal/watcher/poll"
)

// Method is the name `discovery.method` uses.
const Method = "marathon"

func init() { watcher.RegisterType(Method, NewConfig, New) }

// Watcher polls one Marathon application.
type Watcher struct {
	service  string
	cfg      *Config
	endpoint *url.URL
	client   *http.Client
	log      *slog.Logger
	m        *metrics
	// splay is the start-up delay, sleep waits for a delay unless ctx ends
	// first: fields so tests can pin the dice and the clock.
	splay  func(time.Duration) time.Duration
	sleep  func(ctx context.Context, d time.Duration) error
	rounds *poll.Rounds
}

var _ watcher.PingWatcher = (*Watcher)(nil)

// New builds a marathon watcher from a *Config (or Config).
func New(service string, cfg any, opts watcher.Options) (watcher.Watcher, error) {
	c, err := watcher.ConfigOf[Config](cfg)
	if err != nil {
		return nil, err
	}
	endpoint, _ := c.tasksURL() // Validate checked it
	log := opts.Log(service, Method, "url", endpoint.String())
	m := watcher.Metrics(opts, log, metricsFor)
	return &Watcher{
		service: service, cfg: c, endpoint: endpoint, log: log, m: m,
		// The default transport keeps the connection alive between polls
		// and retries an idempotent GET once on a connection the server
		// closed, which is the original's EOFError retry.
		client: &http.Client{Timeout: time.Duration(c.RequestTimeout)},
		splay:  randomSplay,
		sleep:  backoff.Sleep,
		rounds: &poll.Rounds{Service: service, Failures: m.errors,
			Streak: poll.NewStreak(log, "marathon poll", errors.New("marathon watcher has not polled yet"))},
	}, nil
}

// randomSplay is the original's start-up splay, in [0, interval).
func randomSplay(interval time.Duration) time.Duration {
	return rand.N(interval)
}

// Run polls after a random splay in [0, check_interval), as the original
// does, so a fleet restarted together does not poll Marathon in
// step; then every check_interval, counted from the start of the previous
// poll, until ctx ends.
func (w *Watcher) Run(ctx context.Context, out chan<- watcher.Snapshot) error {
	interval := time.Duration(w.cfg.CheckInterval)
	loop := poll.Loop{Interval: interval, Splay: w.splay(interval), Sleep: w.sleep}
	loop.Run(ctx, func(ctx context.Context) error { return w.rounds.Round(ctx, out, w.poll) })
	return nil
}

// nextDelay is the original's sleep, which poll.Loop does: check_interval
// less the time the poll took, never negative. marathon_test pins it.
func nextDelay(interval, elapsed time.Duration) time.Duration {
	return poll.NextDelay(interval, elapsed)
}

// Ping reports the last poll's outcome.
func (w *Watcher) Ping(ctx context.Context) error { return w.rounds.Ping(ctx) }
