// Package docker is synapse's Docker discovery (method `docker`): it lists
// the running containers of each configured docker daemon through the
// Engine API (GET /containers/json) and reports every container of
// image_name that publishes container_port as a backend {name: server
// name, host: server host, port: public port as a string}, as the original
// does.
//
// Unlike the original, a daemon that cannot be listed keeps the backends
// of its last good listing (drop_failed_servers restores the original's
// "contributes nothing"), and when no daemon can be listed the round is
// reported as stale instead of as an empty set.
package docker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/smartstack-go/smartstack/internal/watcher"
	"github.com/smartstack-go/smartstack/internal/watcher/poll"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

// Method is the name `discovery.method` uses.
const Method = "docker"

func init() { watcher.RegisterType(Method, NewConfig, New) }

// Watcher polls the docker daemons of one service.
type Watcher struct {
	service string
	cfg     *Config
	client  *http.Client
	log     *slog.Logger
	m       *metrics
	status  *poll.Status
}

var _ watcher.PingWatcher = (*Watcher)(nil)

// New builds a docker watcher from a *Config (or Config).
func New(service string, cfg any, opts watcher.Options) (watcher.Watcher, error) {
	c, err := watcher.ConfigOf[Config](cfg)
	if err != nil {
		return nil, err
	}
	log := opts.Log(service, Method)
	m := watcher.Metrics(opts, log, metricsFor)
	return &Watcher{
		service: service, cfg: c, log: log, m: m,
		client: &http.Client{Timeout: time.Duration(c.RequestTimeout)},
		status: poll.NewStatus(errors.New("docker watcher has not polled yet")),
	}, nil
}

// Run polls at once, then every check_interval (less the time a round
// took) until ctx ends.
func (w *Watcher) Run(ctx context.Context, out chan<- watcher.Snapshot) error {
	last := make([][]registration.Backend, len(w.cfg.Servers))
	failing := make([]bool, len(w.cfg.Servers))
	loop := poll.Loop{Interval: time.Duration(w.cfg.CheckInterval)}
	loop.Run(ctx, func(ctx context.Context) error {
		s := w.round(ctx, last, failing)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return watcher.Send(ctx, out, s)
	})
	return nil
}

// round lists every server and merges the results in server order. last
// holds each server's last good backends and failing whether its previous
// listing failed; both are updated.
func (w *Watcher) round(ctx context.Context, last [][]registration.Backend, failing []bool) watcher.Snapshot {
	var all []registration.Backend
	var errs []error
	for i, l := range w.listAll(ctx) {
		srv := w.cfg.Servers[i]
		if l.err != nil {
			errs = append(errs, l.err)
			w.serverFailed(srv, l.err, failing[i])
			failing[i] = true
			if !w.cfg.DropFailedServers {
				all = append(all, last[i]...)
			}
			continue
		}
		if failing[i] {
			w.log.Info("docker server recovered", "server", srv.baseURL())
		}
		failing[i] = false
		bs, skipped := w.cfg.backends(srv, l.containers)
		for _, err := range skipped {
			w.log.Warn("container skipped", "server", srv.baseURL(), "err", err)
		}
		last[i] = bs
		all = append(all, bs...)
	}
	return w.snapshot(all, errs)
}

// serverFailed logs a failed listing once per outage and counts it.
func (w *Watcher) serverFailed(s Server, err error, already bool) {
	w.m.errors.WithLabelValues(w.service, s.baseURL()).Inc()
	if already {
		w.log.Debug("docker server still failing", "server", s.baseURL(), "err", err)
		return
	}
	msg := "docker server failed; keeping its last good backends"
	if w.cfg.DropFailedServers {
		msg = "docker server failed; dropping its backends"
	}
	w.log.Warn(msg, "server", s.baseURL(), "err", err)
}

// snapshot is the round's result: stale when no server could be listed,
// since an empty set would then say "nothing runs" without knowing it.
func (w *Watcher) snapshot(all []registration.Backend, errs []error) watcher.Snapshot {
	var err error
	if len(errs) > 0 {
		err = errors.Join(errs...)
	}
	w.status.Set(err)
	if len(errs) == len(w.cfg.Servers) {
		return watcher.Snapshot{Service: w.service, Err: fmt.Errorf("no docker server could be listed: %w", err)}
	}
	return watcher.Snapshot{Service: w.service, Backends: all}
}

// Ping reports the last round's failures, nil when every server answered.
func (w *Watcher) Ping(ctx context.Context) error { return w.status.Ping(ctx) }
