package zookeeper

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/smartstack-go/smartstack/internal/zk"
)

// conn is a pooled connection: *zk.Conn, or a fake in unit tests.
type conn = zk.ClientCloser

type dialFunc = zk.DialFunc

var dialZK = zk.Dial

// Backoff between connection attempts while the ensemble is unreachable.
var (
	dialRetryMin = time.Second
	dialRetryMax = 30 * time.Second
)

// Pool shares one ZooKeeper connection per sorted host list (and
// credential and TLS identity: see zk.Options.Identity) between watchers,
// as the original does, closing it when the last watcher stops.
// Connections are dialled in the background and retried forever: a synapse
// started before its ensemble catches up once the ensemble is up.
type Pool struct {
	dial dialFunc

	mu    sync.Mutex
	conns map[string]*pooled
}

// NewPool returns an empty pool.
func NewPool() *Pool { return &Pool{dial: dialZK, conns: map[string]*pooled{}} }

// defaultPool serves every watcher whose Options carry no pool, which is
// all of them in the daemon: one synapse process, one connection per
// ensemble.
var defaultPool = NewPool()

type pooled struct {
	hosts  string // the servers, comma-separated: the metrics label
	refs   int
	ready  chan struct{} // closed once c is set
	c      conn
	cancel context.CancelFunc
	done   chan struct{} // closed when the dial goroutine has returned
}

// acquire returns the entry for servers (sorted), starting its dial on
// first use. Call the returned release exactly once.
func (p *Pool) acquire(servers []string, opts zk.Options, log *slog.Logger) (*pooled, func()) {
	key := strings.Join(servers, ",")
	if id := opts.Identity(); id != "" {
		key += " " + id
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	e, ok := p.conns[key]
	if !ok {
		ctx, cancel := context.WithCancel(context.Background())
		e = &pooled{hosts: strings.Join(servers, ","), ready: make(chan struct{}), cancel: cancel, done: make(chan struct{})}
		p.conns[key] = e
		log.Info("creating pooled zookeeper connection", "hosts", key)
		go e.connect(ctx, p.dial, servers, opts, log)
	}
	e.refs++
	var once sync.Once
	return e, func() { once.Do(func() { p.release(key, e) }) }
}

func (p *Pool) release(key string, e *pooled) {
	p.mu.Lock()
	e.refs--
	last := e.refs == 0
	if last {
		delete(p.conns, key)
	}
	p.mu.Unlock()
	if last {
		e.cancel()
		<-e.done
		if c := e.client(); c != nil {
			c.Close()
		}
	}
}

// connect dials until it succeeds or the entry is released.
func (e *pooled) connect(ctx context.Context, dial dialFunc, servers []string, opts zk.Options, log *slog.Logger) {
	defer close(e.done)
	wait := dialRetryMin
	for {
		c, err := dial(ctx, servers, opts)
		if err == nil {
			e.c = c
			close(e.ready)
			return
		}
		if ctx.Err() != nil {
			return
		}
		d := wait/2 + rand.N(wait/2+1) // jitter: a fleet must not retry in step
		log.Warn("zookeeper connection failed; retrying", "hosts", strings.Join(servers, ","), "in", d, "err", err)
		select {
		case <-time.After(d):
		case <-ctx.Done():
			return
		}
		wait = min(2*wait, dialRetryMax)
	}
}

// client returns the connection, nil until the first session.
func (e *pooled) client() conn {
	select {
	case <-e.ready:
		return e.c
	default:
		return nil
	}
}

// len is the number of pooled connections, for tests.
func (p *Pool) len() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.conns)
}
