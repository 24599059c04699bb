package zookeeper

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/smartstack-go/smartstack/internal/zk"
)

// conn is a pooled connection: *zk.Conn, or a fake in unit tests.
type conn = zk.ClientCloser

type dialFunc = zk.DialFunc

var dialZK = zk.Dial

const (
	retryMin = time.Second
	retryMax = 10 * time.Second
)

// session is the pooled connection for one sorted host list. It connects in
// the background, so Start never waits for ZooKeeper (an unreachable
// ensemble shows up as ErrNotConnected from Ping, as the contract asks);
// its goroutine then follows the session stream to keep the connected gauge
// right, tell each reporter when the session is usable again, and finish
// deletes that Stop could not do while disconnected.
type session struct {
	servers []string
	opts    zk.Options
	dial    dialFunc
	log     *slog.Logger
	m       clusterMetrics

	ready  chan struct{} // closed once c is set
	c      conn
	cancel context.CancelFunc
	done   chan struct{}

	mu        sync.Mutex
	listeners map[*listener]struct{}
	pending   []pendingDelete
}

type listener struct{ fn func(zk.SessionEvent) }

// pendingDelete is a node Stop could not delete. owner is the ephemeral
// owner it was created with, so a node of the same name made since (by a
// new session) is never mistaken for it.
type pendingDelete struct {
	path  string
	owner int64
}

func openSession(servers []string, opts zk.Options, dial dialFunc, log *slog.Logger, m clusterMetrics) *session {
	ctx, cancel := context.WithCancel(context.Background())
	s := &session{
		servers: servers, opts: opts, dial: dial, log: log, m: m,
		ready: make(chan struct{}), cancel: cancel, done: make(chan struct{}),
		listeners: map[*listener]struct{}{},
	}
	m.setConnected(false)
	go s.run(ctx)
	return s
}

// client returns the connection, nil until the first session.
func (s *session) client() conn {
	select {
	case <-s.ready:
		return s.c
	default:
		return nil
	}
}

// Close stops the goroutine and closes the connection: the server drops the
// session's ephemeral nodes at once. It implements io.Closer for the pool.
func (s *session) Close() error {
	s.cancel()
	<-s.done
	if c := s.client(); c != nil {
		c.Close()
	}
	s.m.setConnected(false)
	return nil
}

// listen calls fn, on the session goroutine, for every session event and
// once with SessionConnected when the first session is established. A
// listener that joins after that (a later reporter, or the first one losing
// the race with a fast dial) gets the SessionConnected at once, from the
// caller's goroutine: both paths may fire, so fn must be idempotent. fn must
// not block. The returned func unsubscribes.
func (s *session) listen(fn func(zk.SessionEvent)) func() {
	l := &listener{fn: fn}
	s.mu.Lock()
	s.listeners[l] = struct{}{}
	s.mu.Unlock()
	if c := s.client(); c != nil {
		fn(zk.SessionEvent{State: zk.SessionConnected, SessionID: c.SessionID(), Time: time.Now()})
	}
	return func() {
		s.mu.Lock()
		delete(s.listeners, l)
		s.mu.Unlock()
	}
}

func (s *session) notify(ev zk.SessionEvent) {
	s.mu.Lock()
	ls := make([]*listener, 0, len(s.listeners))
	for l := range s.listeners {
		ls = append(ls, l)
	}
	s.mu.Unlock()
	for _, l := range ls {
		l.fn(ev)
	}
}

func (s *session) run(ctx context.Context) {
	defer close(s.done)
	c, err := s.connect(ctx)
	if err != nil {
		return // closed before the ensemble answered
	}
	s.c = c
	close(s.ready)
	// Subscribing only now can miss a change in between; re-reading the
	// state after subscribing closes that gap for the gauge.
	evs := c.Sessions(ctx)
	s.m.setConnected(connected(c))
	s.notify(zk.SessionEvent{State: zk.SessionConnected, SessionID: c.SessionID(), Time: time.Now()})
	for ev := range evs {
		s.handle(ctx, ev)
	}
}

// connect retries until the first session: Connect itself gives up after
// its connect timeout, and a daemon started before its ensemble must still
// register once the ensemble is up.
func (s *session) connect(ctx context.Context) (conn, error) {
	wait := retryMin
	for {
		start := time.Now()
		c, err := s.dial(ctx, s.servers, s.opts)
		if err == nil {
			return c, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		wait = retryPause(wait, time.Since(start))
		s.log.Warn("zookeeper connect failed; retrying", "zk_hosts", strings.Join(s.servers, ","), "err", err, "retry_in", wait)
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		wait = min(2*wait, retryMax)
	}
}

// retryPause is the pause before the next dial, given the one the backoff
// scheduled. An attempt that itself waited (the library tried every server
// about once a second for the whole connect timeout) is followed after
// retryMin: a longer pause would only leave nerve unregistered for longer
// after the ensemble is back, sparing nothing. Only attempts that fail at
// once back off (1 s doubling to retryMax).
func retryPause(scheduled, took time.Duration) time.Duration {
	if took >= retryMin {
		return retryMin
	}
	return scheduled
}

func (s *session) handle(ctx context.Context, ev zk.SessionEvent) {
	switch ev.State {
	case zk.SessionConnected, zk.SessionReconnected, zk.SessionNew:
		s.m.setConnected(true)
	case zk.SessionDisconnected, zk.SessionExpired:
		s.m.setConnected(false)
	}
	s.notify(ev)
	if ev.State == zk.SessionReconnected || ev.State == zk.SessionNew {
		s.flushDeletes(ctx)
	}
}

// deleteLater queues a node for deletion once the session is back. Without
// it a node whose Stop came during a disconnect would stay registered for
// as long as other services keep the shared session alive.
func (s *session) deleteLater(p pendingDelete) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pending = append(s.pending, p)
}

func (s *session) flushDeletes(ctx context.Context) {
	s.mu.Lock()
	todo := s.pending
	s.pending = nil
	s.mu.Unlock()
	for i, p := range todo {
		err := s.deleteOwned(ctx, p)
		if err == nil {
			continue
		}
		if isConnErr(err) {
			s.mu.Lock()
			s.pending = append(s.pending, todo[i:]...)
			s.mu.Unlock()
			return
		}
		s.log.Error("failed to delete zk node left by a stopped service", "path", p.path, "err", err)
	}
}

// deleteOwned deletes p.path if it is still the node that was registered.
func (s *session) deleteOwned(ctx context.Context, p pendingDelete) error {
	ok, st, err := exists(ctx, s.c, p.path)
	if err != nil || !ok || st.EphemeralOwner != p.owner {
		return err
	}
	err = deleteNode(ctx, s.c, p.path, st.Version)
	if err != nil && !errors.Is(err, zk.ErrNoNode) && !errors.Is(err, zk.ErrBadVersion) {
		return err
	}
	s.log.Info("deleted zk node left by a stopped service", "path", p.path)
	return nil
}
