package zk

import (
	"context"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/smartstack-go/smartstack/internal/backoff"
)

// PoolOptions configure a Pool; each daemon keeps its own dial backoff.
type PoolOptions struct {
	// Dial opens connections; nil means Dial. Tests pass fakes.
	Dial DialFunc
	// Retry is the pause between failed dials while the ensemble cannot be
	// reached (Min doubling to Max; Jitter spreads a fleet out).
	Retry backoff.Doubling
	// RetrySoonAfterWait makes a dial that itself waited at least
	// Retry.Min (the library tried every server for the whole connect
	// timeout) start the backoff over: a longer pause would only leave the
	// daemon without a session for longer after the ensemble is back,
	// sparing nothing. Only dials that fail at once then back off.
	RetrySoonAfterWait bool
}

// Pool shares one connection per sorted host list and identity (see
// Options.Identity) between its users, as the Ruby originals do, closing it
// when the last user releases it. Connections are dialled in the
// background and retried until released: a daemon started before its
// ensemble catches up once the ensemble is up.
type Pool struct {
	opts PoolOptions

	mu    sync.Mutex
	conns map[string]*Shared
}

// NewPool returns an empty pool.
func NewPool(o PoolOptions) *Pool {
	if o.Dial == nil {
		o.Dial = Dial
	}
	return &Pool{opts: o, conns: map[string]*Shared{}}
}

// Acquire returns the shared connection for servers and opts, starting its
// dial on first use (created). Call release exactly once (later calls do
// nothing); the last release closes the connection and says so.
func (p *Pool) Acquire(servers []string, opts Options) (s *Shared, created bool, release func() (closed bool)) {
	servers = slices.Sorted(slices.Values(servers))
	key := strings.Join(servers, ",")
	if id := opts.Identity(); id != "" {
		key += " " + id
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	s, ok := p.conns[key]
	if !ok {
		s = newShared(servers, opts)
		p.conns[key] = s
		s.log.Info("creating pooled zookeeper connection", "hosts", key)
		go s.run(p.opts)
	}
	s.refs++
	var once sync.Once
	return s, !ok, func() (closed bool) {
		once.Do(func() { closed = p.release(key, s) })
		return closed
	}
}

func (p *Pool) release(key string, s *Shared) bool {
	p.mu.Lock()
	s.refs--
	last := s.refs == 0
	if last && p.conns[key] == s {
		delete(p.conns, key)
	}
	p.mu.Unlock()
	if last {
		s.close()
	}
	return last
}

// Len is the number of open connections.
func (p *Pool) Len() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.conns)
}

// Conns are the open connections, for gauges read at scrape time.
func (p *Pool) Conns() []*Shared {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Collect(maps.Values(p.conns))
}

// connect dials until it succeeds or ctx ends.
func connect(ctx context.Context, o PoolOptions, servers []string, opts Options, log *slog.Logger) (ClientCloser, error) {
	retry := o.Retry
	for {
		start := time.Now()
		c, err := o.Dial(ctx, servers, opts)
		if err == nil {
			return c, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		d := nextDial(&retry, o.RetrySoonAfterWait, time.Since(start))
		log.Warn("zookeeper connection failed; retrying", "hosts", strings.Join(servers, ","), "in", d, "err", err)
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		}
	}
}

// nextDial is the pause after a failed dial that took took.
func nextDial(retry *backoff.Doubling, soonAfterWait bool, took time.Duration) time.Duration {
	if soonAfterWait && took >= retry.Min {
		retry.Reset()
	}
	return retry.Next()
}
