// Package ec2tag is synapse's EC2 discovery (method `ec2tag`): it polls
// EC2 DescribeInstances for the running instances tagged tag_name =
// tag_value and reports each as a backend {name: private DNS name, host:
// private IP}, as the original does. EC2 knows no port: the service's
// backend_port_override provides it.
//
// Unlike the original, a failed poll is reported as stale, so the last
// good backends stay in place, and a throttled poll (RequestLimitExceeded)
// pushes the next one back exponentially, with jitter, instead of hitting
// the rate limit again every check_interval (airbnb/synapse#198).
package ec2tag

import (
	"context"
	"errors"
	"log/slog"
	"time"

	pbackoff "github.com/smartstack-go/smartstack/internal/backoff"
	"github.com/smartstack-go/smartstack/internal/watcher"
	"github.com/smartstack-go/smartstack/internal/watcher/poll"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

// Method is the name `discovery.method` uses.
const Method = "ec2tag"

func init() { watcher.RegisterType(Method, NewConfig, New) }

// Watcher polls EC2 for one tag.
type Watcher struct {
	service string
	cfg     *Config
	log     *slog.Logger
	m       *metrics
	api     describer      // built by the first poll; Run's only
	jitter  func() float64 // a field so tests can pin it
	rounds  *poll.Rounds
}

var _ watcher.PingWatcher = (*Watcher)(nil)

// New builds an ec2tag watcher from a *Config (or Config). It makes no
// AWS call: missing credentials or region show up as failed polls.
func New(service string, cfg any, opts watcher.Options) (watcher.Watcher, error) {
	c, err := watcher.ConfigOf[Config](cfg)
	if err != nil {
		return nil, err
	}
	log := opts.Log(service, Method, "tag", c.TagName+"="+c.TagValue)
	m := watcher.Metrics(opts, log, metricsFor)
	return &Watcher{service: service, cfg: c, log: log, m: m, jitter: pbackoff.Jitter,
		rounds: &poll.Rounds{Service: service, Failures: m.errors,
			Streak: poll.NewStreak(log, "ec2 poll", errors.New("ec2tag watcher has not polled yet"))}}, nil
}

// Run polls at once, then every check_interval (less the poll's time)
// until ctx ends; after a throttled poll the delay grows as backoff says.
func (w *Watcher) Run(ctx context.Context, out chan<- watcher.Snapshot) error {
	loop := poll.Loop{Interval: time.Duration(w.cfg.CheckInterval), Backoff: &throttling{w: w}}
	loop.Run(ctx, func(ctx context.Context) error { return w.rounds.Round(ctx, out, w.poll) })
	return nil
}

// throttling backs polls off while EC2 throttles them, counting the
// throttled polls in a row.
type throttling struct {
	w *Watcher
	n int
}

// After waits out a throttle with a growing delay; any other outcome, a
// failure included, resets the count, since only rate limits want backing
// off (a failure is retried at the next check_interval).
func (t *throttling) After(err error) (time.Duration, bool) {
	if !throttled(err) {
		t.n = 0
		return 0, false
	}
	t.n++
	w := t.w
	delay := backoff(time.Duration(w.cfg.CheckInterval), time.Duration(w.cfg.MaxBackoff), t.n, w.jitter())
	w.m.throttles.WithLabelValues(w.service).Inc()
	w.log.Warn("ec2 throttled the poll; backing off", "attempt", t.n, "next_poll_in", delay)
	return delay, true
}

// poll lists the tagged instances once, within request_timeout.
func (w *Watcher) poll(ctx context.Context) (_ []registration.Backend, err error) {
	ctx, cancel := context.WithTimeout(ctx, time.Duration(w.cfg.RequestTimeout))
	defer cancel()
	if w.api == nil {
		if w.api, err = newClient(ctx, w.cfg); err != nil {
			return nil, err
		}
	}
	return discover(ctx, w.api, w.cfg, w.log)
}

// Ping reports the last poll's outcome.
func (w *Watcher) Ping(ctx context.Context) error { return w.rounds.Ping(ctx) }
