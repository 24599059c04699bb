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
	"sync/atomic"
	"time"

	"github.com/smartstack-go/smartstack/internal/watcher"
)

// Method is the name `discovery.method` uses.
const Method = "marathon"

func init() {
	watcher.Register(Method, watcher.Type{
		NewConfig: func() any { return NewConfig() },
		New:       New,
	})
}

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
	splay   func(time.Duration) time.Duration
	sleep   func(ctx context.Context, d time.Duration) error
	lastErr atomic.Pointer[error] // nil until the first poll ends
}

var (
	_ watcher.Watcher = (*Watcher)(nil)
	_ watcher.Pinger  = (*Watcher)(nil)
)

// New builds a marathon watcher from a *Config (or Config).
func New(service string, cfg any, opts watcher.Options) (watcher.Watcher, error) {
	c, err := watcher.ConfigOf[Config](cfg)
	if err != nil {
		return nil, err
	}
	endpoint, _ := c.tasksURL() // Validate checked it
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log = log.With("service", service, "method", Method, "url", endpoint.String())
	m, err := metricsFor(opts.Registerer)
	if err != nil {
		log.Warn("marathon watcher metrics not exported", "err", err)
	}
	return &Watcher{
		service: service, cfg: c, endpoint: endpoint, log: log, m: m,
		// The default transport keeps the connection alive between polls
		// and retries an idempotent GET once on a connection the server
		// closed, which is the original's EOFError retry.
		client: &http.Client{Timeout: time.Duration(c.RequestTimeout)},
		splay:  randomSplay,
		sleep:  sleep,
	}, nil
}

// randomSplay is the original's start-up splay, in [0, interval).
func randomSplay(interval time.Duration) time.Duration {
	return rand.N(interval)
}

// sleep waits d, or until ctx ends (then it returns ctx's error).
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Run polls after a random splay in [0, check_interval), as the original
// (spec 2.9), so a fleet restarted together does not poll Marathon in
// step; then every check_interval, counted from the start of the previous
// poll, until ctx ends.
func (w *Watcher) Run(ctx context.Context, out chan<- watcher.Snapshot) error {
	interval := time.Duration(w.cfg.CheckInterval)
	delay := w.splay(interval)
	for {
		if w.sleep(ctx, delay) != nil {
			return nil
		}
		start := time.Now()
		if err := w.round(ctx, out); err != nil {
			return nil // ctx ended
		}
		delay = nextDelay(interval, time.Since(start))
	}
}

// nextDelay is the original's sleep: check_interval less the time the poll
// took, never negative.
func nextDelay(interval, elapsed time.Duration) time.Duration {
	return max(interval-elapsed, 0)
}

// round polls once and reports the result; it returns an error only when
// ctx ended.
func (w *Watcher) round(ctx context.Context, out chan<- watcher.Snapshot) error {
	backends, err := w.poll(ctx)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	prev := w.lastErr.Swap(&err)
	switch {
	case err != nil && (prev == nil || *prev == nil):
		w.log.Warn("marathon poll failed; keeping the last good backends", "err", err)
	case err != nil:
		w.log.Debug("marathon poll still failing", "err", err)
	case prev != nil && *prev != nil:
		w.log.Info("marathon poll recovered", "backends", len(backends))
	}
	s := watcher.Snapshot{Service: w.service, Backends: backends, Err: err}
	if err != nil {
		s.Backends = nil
		w.m.errors.WithLabelValues(w.service).Inc()
	}
	return watcher.Send(ctx, out, s)
}

// Ping reports the last poll's outcome.
func (w *Watcher) Ping(context.Context) error {
	p := w.lastErr.Load()
	if p == nil {
		return errors.New("marathon watcher has not polled yet")
	}
	return *p
}
