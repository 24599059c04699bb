package zk

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"time"
)

// Shared is one pooled connection. It connects in the background, so
// acquiring it never waits for ZooKeeper; once connected its goroutine
// follows the session stream, telling listeners and running the work left
// for when the session is back.
type Shared struct {
	servers []string
	hosts   string // servers, comma-separated
	opts    Options
	log     *slog.Logger
	refs    int // under the pool's lock

	ready  chan struct{} // closed once c is set
	c      ClientCloser
	cancel context.CancelFunc
	ctx    context.Context
	done   chan struct{} // closed when run has returned

	mu        sync.Mutex
	listeners map[*listener]struct{}
	whenBack  []func(context.Context, Client) bool
}

type listener struct{ fn func(SessionEvent) }

func newShared(servers []string, opts Options) *Shared {
	log := opts.Logger
	if log == nil {
		log = discardLogger()
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Shared{
		servers: servers, hosts: strings.Join(servers, ","), opts: opts, log: log,
		ready: make(chan struct{}), ctx: ctx, cancel: cancel, done: make(chan struct{}),
		listeners: map[*listener]struct{}{},
	}
}

// Hosts is the servers, sorted and comma-separated: a metrics label.
func (s *Shared) Hosts() string { return s.hosts }

// Ready is closed once the first session is established.
func (s *Shared) Ready() <-chan struct{} { return s.ready }

// Client returns the connection, nil until the first session.
func (s *Shared) Client() ClientCloser {
	select {
	case <-s.ready:
		return s.c
	default:
		return nil
	}
}

// Listen calls fn, on the connection's goroutine, for every session event
// and once with SessionConnected when the first session is established. A
// listener that joins after that gets the SessionConnected at once, from
// the caller's goroutine: both paths may fire, so fn must be idempotent.
// fn must not block. The returned func unsubscribes.
func (s *Shared) Listen(fn func(SessionEvent)) (stop func()) {
	l := &listener{fn: fn}
	s.mu.Lock()
	s.listeners[l] = struct{}{}
	s.mu.Unlock()
	if c := s.Client(); c != nil {
		fn(SessionEvent{State: SessionConnected, SessionID: c.SessionID(), Time: time.Now()})
	}
	return func() {
		s.mu.Lock()
		delete(s.listeners, l)
		s.mu.Unlock()
	}
}

// WhenBack queues fn to run on the connection's goroutine the next time
// the session is usable again (a reconnect or a new session). fn returns
// true to be run again next time (the session went away meanwhile); the
// ones queued after it then wait too. Work that cannot be done while
// disconnected, such as a deregistration, is not lost while other users
// keep the connection open. Work still queued at close is dropped.
func (s *Shared) WhenBack(fn func(ctx context.Context, c Client) (again bool)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.whenBack = append(s.whenBack, fn)
}

func (s *Shared) run(o PoolOptions) {
	defer close(s.done)
	c, err := connect(s.ctx, o, s.servers, s.opts, s.log)
	if err != nil {
		return // released before the ensemble answered
	}
	s.c = c
	close(s.ready)
	evs := c.Sessions(s.ctx)
	s.notify(SessionEvent{State: SessionConnected, SessionID: c.SessionID(), Time: time.Now()})
	for ev := range evs {
		s.notify(ev)
		if ev.State == SessionReconnected || ev.State == SessionNew {
			s.runWhenBack()
		}
	}
}

func (s *Shared) notify(ev SessionEvent) {
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

func (s *Shared) runWhenBack() {
	s.mu.Lock()
	todo := s.whenBack
	s.whenBack = nil
	s.mu.Unlock()
	for i, fn := range todo {
		if fn(s.ctx, s.c) {
			s.mu.Lock()
			s.whenBack = append(todo[i:len(todo):len(todo)], s.whenBack...)
			s.mu.Unlock()
			return
		}
	}
}

// close stops the goroutine and closes the connection: the server drops
// the session's ephemeral nodes at once.
func (s *Shared) close() {
	s.cancel()
	<-s.done
	if c := s.Client(); c != nil {
		c.Close()
	}
}
