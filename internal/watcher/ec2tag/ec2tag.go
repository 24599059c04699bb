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
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/smartstack-go/smartstack/internal/watcher"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

// Method is the name `discovery.method` uses.
const Method = "ec2tag"

func init() {
	watcher.Register(Method, watcher.Type{
		NewConfig: func() any { return NewConfig() },
		New:       New,
	})
}

// Watcher polls EC2 for one tag.
type Watcher struct {
	service string
	cfg     *Config
	log     *slog.Logger
	m       *metrics
	api     ec2.DescribeInstancesAPIClient // built by the first poll; Run's only
	jitter  func() float64                 // a field so tests can pin it
	lastErr atomic.Pointer[error]          // nil until the first poll ends
}

var (
	_ watcher.Watcher = (*Watcher)(nil)
	_ watcher.Pinger  = (*Watcher)(nil)
)

// New builds an ec2tag watcher from a *Config (or Config). It makes no
// AWS call: missing credentials or region show up as failed polls.
func New(service string, cfg any, opts watcher.Options) (watcher.Watcher, error) {
	c, err := watcher.ConfigOf[Config](cfg)
	if err != nil {
		return nil, err
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log = log.With("service", service, "method", Method, "tag", c.TagName+"="+c.TagValue)
	m, err := metricsFor(opts.Registerer)
	if err != nil {
		log.Warn("ec2tag watcher metrics not exported", "err", err)
	}
	return &Watcher{service: service, cfg: c, log: log, m: m, jitter: jitter}, nil
}

// Run polls at once, then every check_interval (less the poll's time)
// until ctx ends; after a throttled poll the delay grows as backoff says.
func (w *Watcher) Run(ctx context.Context, out chan<- watcher.Snapshot) error {
	interval := time.Duration(w.cfg.CheckInterval)
	timer := time.NewTimer(0)
	defer timer.Stop()
	throttles := 0
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-timer.C:
		}
		start := time.Now()
		err := w.round(ctx, out)
		if ctx.Err() != nil {
			return nil
		}
		delay := max(interval-time.Since(start), 0)
		if throttled(err) {
			throttles++
			delay = backoff(interval, time.Duration(w.cfg.MaxBackoff), throttles, w.jitter())
			w.m.throttles.WithLabelValues(w.service).Inc()
			w.log.Warn("ec2 throttled the poll; backing off", "attempt", throttles, "next_poll_in", delay)
		} else {
			throttles = 0
		}
		timer.Reset(delay)
	}
}

// round polls once and reports the result; it returns the poll's error.
func (w *Watcher) round(ctx context.Context, out chan<- watcher.Snapshot) error {
	backends, err := w.poll(ctx)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	prev := w.lastErr.Swap(&err)
	switch {
	case err != nil && (prev == nil || *prev == nil):
		w.log.Warn("ec2 poll failed; keeping the last good backends", "err", err)
	case err != nil:
		w.log.Debug("ec2 poll still failing", "err", err)
	case prev != nil && *prev != nil:
		w.log.Info("ec2 poll recovered", "backends", len(backends))
	}
	s := watcher.Snapshot{Service: w.service, Backends: backends, Err: err}
	if err != nil {
		s.Backends = nil
		w.m.errors.WithLabelValues(w.service).Inc()
	}
	if sendErr := watcher.Send(ctx, out, s); sendErr != nil {
		return sendErr
	}
	return err
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
func (w *Watcher) Ping(context.Context) error {
	p := w.lastErr.Load()
	if p == nil {
		return errors.New("ec2tag watcher has not polled yet")
	}
	return *p
}
