// Package zookeeper is nerve's default reporter: one znode per healthy
// service instance under zk_path, written the way airbnb nerve 0.9.7 writes
// it (docs/nerve.md, ZooKeeper reporter), on a ZooKeeper session shared by every service
// that names the same host set.
//
// Beyond the original: a node lost to session expiry comes back as soon as
// the library has a new session (the worker is woken and re-registers in
// that round) instead of after ten failed rounds and a relaunch; a Stop
// during a disconnect deletes the node once the shared session is back.
package zookeeper

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/internal/reporter"
	"github.com/smartstack-go/smartstack/internal/zk"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

func init() {
	reporter.Register("zookeeper", reporter.Type{
		NewConfig: func() any { return NewConfig() },
		New:       New,
	})
}

// DefaultSessionTimeout is what airbnb nerve asks for (receive timeout
// 16 s, session twice that): long enough that a ZooKeeper leader election
// does not drop every registration.
const DefaultSessionTimeout = 32 * time.Second

// Reporter registers one service instance as a znode. The worker calls
// Start, ReportUp, ReportDown, Ping and Stop from one goroutine; the TTL
// refresher and the session listener only read the node under mu.
type Reporter struct {
	svc     reporter.Service
	cfg     *Config
	prefix  string // path passed to create: zk_path + "/" + child prefix
	flags   int32
	servers []string // sorted
	acl     []zk.ACL // for the node and the parents the reporter creates
	baseLog *slog.Logger
	log     *slog.Logger
	m       clusterMetrics
	pool    *zk.Pool
	zkOpts  zk.Options
	wake    chan struct{}

	// Set by Start, cleared by Stop.
	sess     *zk.Shared
	release  func() (closed bool)
	unlisten func()
	ttl      *refresher

	mu    sync.Mutex
	node  string // full path of the registration, "" when there is none
	owner int64  // the node's ephemeral owner (0 for persistent nodes)
	mine  bool   // owner was our session: the node dies with it
	// wrote and ver are the data of our last write to node and the
	// version it gave; intact says the last Ping found node at that
	// version, so a ReportUp of the same data has nothing to send.
	wrote  []byte
	ver    int32
	intact bool
	// watch is the data watch on node (see nodeWatch); sessGen counts the
	// session events, lookedGen is sessGen at the last look at the server.
	watch              *nodeWatch
	sessGen, lookedGen uint64
	watchStop          chan struct{} // closed by Stop: ends the watch goroutines
	watchWG            sync.WaitGroup
}

// New builds a reporter from a *Config (or Config). It does not connect.
func New(s reporter.Service, cfg any, opts reporter.Options) (reporter.Reporter, error) {
	c, ok := config.As[Config](cfg)
	if !ok {
		return nil, fmt.Errorf("zookeeper reporter: config is %T, want *zookeeper.Config", cfg)
	}
	return newReporter(s, c, opts)
}

func newReporter(s reporter.Service, cfg *Config, opts reporter.Options) (*Reporter, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("zookeeper reporter for %s: %w", s.Name, err)
	}
	base := opts.Logger
	if base == nil {
		base = slog.New(slog.DiscardHandler)
	}
	if opts.Pool == nil {
		opts.Pool = NewPool()
	}
	timeout := opts.SessionTimeout
	if timeout <= 0 {
		timeout = DefaultSessionTimeout
	}
	m, err := metricsFor(opts.Registerer, opts.HistogramBuckets)
	if err != nil {
		base.Warn("zookeeper reporter metrics not exported", "err", err)
	}
	zkOpts := zk.Options{SessionTimeout: timeout, Logger: base}
	if err := cfg.Apply(&zkOpts); err != nil {
		return nil, fmt.Errorf("zookeeper reporter for %s: %w", s.Name, err)
	}
	servers := slices.Sorted(slices.Values(cfg.ZKHosts))
	r := &Reporter{
		svc: s, cfg: cfg, flags: cfg.nodeFlags(), servers: servers,
		prefix:  registration.PrefixPath(cfg.ZKPath, registration.ChildPrefix(s.InstanceID, s.Payload, cfg.UsePathEncoding)),
		baseLog: base, log: base.With("service", s.Name), m: m.forCluster(clusterName(servers), cfg.ZKPath, opts.Statsd),
		pool: opts.Pool, zkOpts: zkOpts, acl: zkOpts.CreateACL(),
		wake: make(chan struct{}, 1),
	}
	for _, w := range cfg.Warnings() {
		r.log.Warn(w)
	}
	return r, nil
}

// Start takes a reference on the pooled connection for the host set,
// opening it (in the background) if this is its first user.
func (r *Reporter) Start(_ context.Context) error {
	if r.sess != nil {
		return errors.New("zookeeper reporter: already started")
	}
	// Services with different credentials never share a session (the pool
	// keys on zk.Options.Identity too), or one would write with the
	// other's identity.
	sess, created, release := r.pool.Acquire(r.servers, r.zkOpts)
	r.m.client(created)
	if created {
		r.m.setConnected(false)
	}
	r.sess, r.release = sess, release
	r.watchStop = make(chan struct{})
	r.m.poolUsers(1)
	r.unlisten = sess.Listen(func(ev zk.SessionEvent) { r.onSession(sess, ev) })
	if d := r.cfg.ttl(); d > 0 {
		r.ttl = startRefresher(r, d)
	}
	return nil
}

// Stop deregisters, stops the TTL refresher and releases the connection;
// the last user closes it. A delete that cannot be sent now is left to the
// shared session to do on reconnect (except for plain `persistent` nodes,
// whose fixed name could by then belong to a newer registration).
func (r *Reporter) Stop(ctx context.Context) error {
	if r.sess == nil {
		return nil
	}
	if r.ttl != nil {
		r.ttl.stop()
		r.ttl = nil
	}
	r.unlisten()
	err := r.ReportDown(ctx)
	if node, owner := r.current(); err != nil && node != "" && errors.Is(err, reporter.ErrNotConnected) {
		if r.flags != 0 {
			deleteLater(r.sess, r.baseLog, node, owner)
			r.log.Warn("zk node will be deleted when the session is back", "path", node, "err", err)
		} else {
			r.log.Warn("persistent zk node left in place", "path", node, "err", err)
		}
		r.forget(node)
	}
	r.stopWatches()
	if r.release() {
		r.m.setConnected(false)
	}
	r.m.poolUsers(-1)
	r.sess, r.release, r.unlisten = nil, nil, nil
	return err
}

// Wake fires when the session becomes usable again: the first session, a
// reconnect, or a new session after expiry. Every ping in between failed,
// so the worker's state is unknown; a round at once re-registers (same node
// after a reconnect, a new one after expiry) without waiting for
// check_interval. The worker owns re-registration; the reporter only wakes
// it, so nothing writes the node behind the worker's back.
func (r *Reporter) Wake() <-chan struct{} { return r.wake }

// onSession follows the shared session: the connected gauge, and a wake
// whenever the session is usable again.
func (r *Reporter) onSession(s *zk.Shared, ev zk.SessionEvent) {
	switch ev.State {
	case zk.SessionConnected:
		// Also sent to a reporter joining a connection that has since lost
		// its session: the gauge follows what the connection says now.
		r.m.setConnected(connected(s.Client()))
	case zk.SessionReconnected, zk.SessionNew:
		r.m.setConnected(true)
	case zk.SessionDisconnected, zk.SessionExpired:
		r.m.setConnected(false)
	}
	switch ev.State {
	case zk.SessionConnected, zk.SessionReconnected, zk.SessionNew:
		r.sessionChanged()
		r.nudge()
	}
}

// Node returns the full path of the registration, "" when there is none.
func (r *Reporter) Node() string {
	n, _ := r.current()
	return n
}

func (r *Reporter) current() (string, int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.node, r.owner
}

// remember records the node and its ephemeral owner as seen on the
// session c.
func (r *Reporter) remember(c zk.Client, node string, owner int64) {
	mine := owner != 0 && owner == c.SessionID()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.node, r.owner, r.mine = node, owner, mine
	r.wrote, r.intact, r.watch = nil, false, nil
}

// stale tells whether st, the stat of the known node, shows a node that is
// not ours any more: replaced by another owner, or an ephemeral of an
// expired session of ours, which the server is about to delete (the
// woken round can run before it has).
func (r *Reporter) stale(c zk.Client, st *zk.Stat) bool {
	r.mu.Lock()
	owner, mine := r.owner, r.mine
	r.mu.Unlock()
	return st.EphemeralOwner != owner || (mine && owner != c.SessionID())
}

// forget clears the registration if it is still node.
func (r *Reporter) forget(node string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.node == node {
		r.node, r.owner, r.mine = "", 0, false
		r.wrote, r.intact, r.watch = nil, false, nil
	}
}

func (r *Reporter) client() (conn, error) {
	if r.sess == nil {
		return nil, fmt.Errorf("zookeeper reporter not started: %w", reporter.ErrNotConnected)
	}
	c := r.sess.Client()
	if c == nil || !connected(c) {
		return nil, errNotConnected
	}
	return c, nil
}

var (
	_ reporter.Reporter = (*Reporter)(nil)
	_ reporter.Waker    = (*Reporter)(nil)
	_ reporter.Updater  = (*Reporter)(nil)
)
