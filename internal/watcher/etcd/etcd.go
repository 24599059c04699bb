// Package etcd is synapse's etcd discovery (method `etcd`): it reads what
// nerve's etcd reporter writes, on the etcd v2 keys API. The reporter puts
// one in-order key per registration under etcd_path/<instance_id>, its
// value the registration JSON; this watcher lists etcd_path recursively,
// parses every key's value in nerve's format with the key's last segment
// (the in-order number) as the backend id, and then long-polls a recursive
// watch so a change is seen at once rather than on the next poll.
//
// A failed listing or watch (etcd down, an HTTP error) is reported as a
// stale snapshot, so the last good backends stay in place, and retried
// with backoff. A watch whose index etcd already dropped from its event
// history (code 401) leads to a full re-list, the v2 API's resync.
package etcd

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/smartstack-go/smartstack/internal/backoff"
	"github.com/smartstack-go/smartstack/internal/etcdv2"
	"github.com/smartstack-go/smartstack/internal/watcher"
	"github.com/smartstack-go/smartstack/internal/watcher/poll"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

// Method is the name `discovery.method` uses.
const Method = "etcd"

func init() { watcher.RegisterType(Method, NewConfig, New) }

const (
	minBackoff = 100 * time.Millisecond
	maxBackoff = 10 * time.Second
	// maxWatch bounds one long poll: a peer that vanished without a reset
	// (a partition, a dead host, a dropped NAT entry) must not hold the
	// watch forever, and Go's transport silently retries a GET whose
	// reused connection was cut. Ending it costs one re-list, which fails
	// within request_timeout when etcd is unreachable.
	maxWatch = time.Minute
)

// Watcher lists and watches one service's registration dir.
type Watcher struct {
	service string
	cfg     *Config
	c       *etcdv2.Client
	dir     string // the registration dir, rooted
	log     *slog.Logger
	m       *metrics
	// The retry backoff and the long-poll bound; fields so tests can
	// shorten them.
	minBackoff, maxBackoff, maxWatch time.Duration
	streak                           *poll.Streak
}

var _ watcher.PingWatcher = (*Watcher)(nil)

// New builds an etcd watcher from a *Config (or Config).
func New(service string, cfg any, opts watcher.Options) (watcher.Watcher, error) {
	c, err := watcher.ConfigOf[Config](cfg)
	if err != nil {
		return nil, err
	}
	dir := cleanPath(c.Path)
	// No client-wide timeout: the watch is a long poll bounded by its ctx.
	cl := etcdv2.New(etcdv2.BaseURL(c.Host, c.Port), 0, maxBody)
	log := opts.Log(service, Method, "url", cl.URL(dir))
	m := watcher.Metrics(opts, log, metricsFor)
	return &Watcher{
		service: service, cfg: c, c: cl, dir: dir, log: log, m: m,
		minBackoff: minBackoff, maxBackoff: maxBackoff, maxWatch: maxWatch,
		streak: poll.NewStreak(log, "etcd discovery", errors.New("etcd watcher has not listed yet")),
	}, nil
}

// Run lists, reports, and waits for the next change until ctx ends. Every
// change leads to a full re-list rather than applying the event: the
// watcher reports full sets anyway, and a listing cannot drift from etcd.
func (w *Watcher) Run(ctx context.Context, out chan<- watcher.Snapshot) error {
	retryIn := backoff.Doubling{Min: w.minBackoff, Max: w.maxBackoff}
	for ctx.Err() == nil {
		idx, err := w.round(ctx, out)
		if err == nil {
			err = w.wait(ctx, idx+1)
		}
		if ctx.Err() != nil {
			return nil
		}
		if err == nil {
			retryIn.Reset()
			continue
		}
		w.m.errors.WithLabelValues(w.service).Inc()
		w.streak.Record(err)
		if watcher.Send(ctx, out, watcher.Snapshot{Service: w.service, Err: err}) != nil {
			return nil
		}
		if backoff.Sleep(ctx, retryIn.Next()) != nil {
			return nil
		}
	}
	return nil
}

// round lists the dir and sends the backends; it returns the etcd index
// the listing reflects.
func (w *Watcher) round(ctx context.Context, out chan<- watcher.Snapshot) (uint64, error) {
	lctx, cancel := context.WithTimeout(ctx, time.Duration(w.cfg.RequestTimeout))
	nodes, idx, err := w.list(lctx)
	cancel()
	if err != nil {
		return 0, err
	}
	backends := w.backends(nodes, nil)
	w.streak.Record(nil)
	if err := watcher.Send(ctx, out, watcher.Snapshot{Service: w.service, Backends: backends}); err != nil {
		return 0, err
	}
	return idx, nil
}

// wait long-polls for the next change. A nil return means "re-list": a
// change, the maxWatch bound, or an index etcd no longer remembers.
func (w *Watcher) wait(ctx context.Context, waitIndex uint64) error {
	wctx, cancel := context.WithTimeout(ctx, w.maxWatch)
	defer cancel()
	err := w.watch(wctx, waitIndex)
	switch {
	case err == nil, ctx.Err() != nil:
		return nil
	case wctx.Err() != nil:
		return nil
	case etcdv2.HasCode(err, etcdv2.CodeEventIndexCleared):
		w.log.Info("etcd watch index cleared; resyncing", "wait_index", waitIndex)
		return nil
	}
	return err
}

// backends walks the listing depth first; etcd sorted it, so the order is
// instance dir, then registration order within it.
func (w *Watcher) backends(nodes []etcdv2.Node, acc []registration.Backend) []registration.Backend {
	for _, n := range nodes {
		if n.Dir {
			acc = w.backends(n.Nodes, acc)
			continue
		}
		b, err := registration.Parse([]byte(n.Value), registration.Format{})
		if err != nil {
			w.log.Warn("skipping etcd key with unusable registration", "key", n.Key, "err", err)
			continue
		}
		if len(b.Ignored) > 0 {
			w.log.Warn("using etcd key without a value it cannot use", "key", n.Key, "ignored", strings.Join(b.Ignored, "; "))
		}
		if id, err := strconv.ParseInt(path.Base(n.Key), 10, 64); err == nil {
			b.ID = &id
		}
		acc = append(acc, b)
	}
	if acc == nil {
		acc = []registration.Backend{}
	}
	return acc
}

// maxBody bounds one listing: every registration of the service.
const maxBody = 64 << 20

// list reads the whole dir, sorted, and the etcd index it reflects: the
// watch starts after it. A missing dir is an empty answer: nothing is
// registered yet.
func (w *Watcher) list(ctx context.Context) ([]etcdv2.Node, uint64, error) {
	resp, err := w.c.Keys(ctx, http.MethodGet, w.dir, url.Values{"recursive": {"true"}, "sorted": {"true"}}, nil)
	if etcdv2.HasCode(err, etcdv2.CodeKeyNotFound) {
		return nil, resp.Index, nil
	}
	if err != nil {
		return nil, 0, fmt.Errorf("etcd list: %w", err)
	}
	return resp.Node.Nodes, resp.Index, nil
}

// watch blocks until something under the dir changes at or after
// waitIndex, or ctx ends.
func (w *Watcher) watch(ctx context.Context, waitIndex uint64) error {
	q := url.Values{"wait": {"true"}, "recursive": {"true"}, "waitIndex": {strconv.FormatUint(waitIndex, 10)}}
	if _, err := w.c.Keys(ctx, http.MethodGet, w.dir, q, nil); err != nil {
		return fmt.Errorf("etcd watch: %w", err)
	}
	return nil
}

// Ping reports the last listing's or watch's outcome.
func (w *Watcher) Ping(ctx context.Context) error { return w.streak.Ping(ctx) }
