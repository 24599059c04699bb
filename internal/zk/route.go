package zk

import (
	"slices"
	"strings"
	"sync"
)

// router hands each watch event to the ChildrenWatchers of the event
// path's parent, by way of the connection's event callback, which sees
// every event the server sends.
//
// Why: go-zookeeper gives every watch a channel of its own, so a watcher
// waiting on the data watch of each child had to reflect.Select over one
// channel per child. With 1,000 services of 50 children each that kept
// about 15 MB of select state alive (and rebuilt it on every event). A
// watcher on a Conn waits on one inbox instead; the library's per-watch
// channels are left unread, which blocks nothing: each is buffered and
// closed once its event is in it.
type router struct {
	mu    sync.Mutex
	subs  map[string][]*inbox // parent path → inboxes (nearly always one)
	exact map[string][]*inbox // path → inboxes of its own events
}

func newRouter() *router {
	return &router{subs: map[string][]*inbox{}, exact: map[string][]*inbox{}}
}

// route queues ev for the subscribers of its parent path. It runs on the
// library's receive loop, so it never blocks.
func (r *router) route(ev Event) {
	if ev.Path == "" || ev.Path == "/" {
		return // session events, and the root, which is nobody's child
	}
	parent := parentPath(ev.Path)
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, b := range r.subs[parent] {
		b.put(ev)
	}
	for _, b := range r.exact[ev.Path] {
		b.put(ev)
	}
}

// subscribeExact adds b to the receivers of path's own events (a watcher
// in persistent mode sees its znode's creation, deletion and data changes
// through its recursive watch) and returns the function that removes it.
func (r *router) subscribeExact(path string, b *inbox) func() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.exact[path] = append(r.exact[path], b)
	return func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		rest := slices.DeleteFunc(r.exact[path], func(o *inbox) bool { return o == b })
		if len(rest) == 0 {
			delete(r.exact, path)
			return
		}
		r.exact[path] = rest
	}
}

// subscribe returns an inbox of the events of parent's children from now
// on, and the function that ends the subscription.
func (r *router) subscribe(parent string) (*inbox, func()) {
	b := &inbox{wake: make(chan struct{}, 1)}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.subs[parent] = append(r.subs[parent], b)
	return b, func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		rest := slices.DeleteFunc(r.subs[parent], func(o *inbox) bool { return o == b })
		if len(rest) == 0 {
			delete(r.subs, parent)
			return
		}
		r.subs[parent] = rest
	}
}

// parentPath is path.Dir for the clean absolute paths ZooKeeper sends,
// without allocating.
func parentPath(p string) string {
	if i := strings.LastIndexByte(p, '/'); i > 0 {
		return p[:i]
	}
	return "/"
}

// childPath is the path of parent's child name, the inverse of childOf.
// ZooKeeper's child names hold no "/", so there is nothing to clean, and
// path.Join, which cleans, allocated twice per child read.
func childPath(parent, name string) string {
	if parent == "/" {
		return "/" + name
	}
	return parent + "/" + name
}

// childOf returns the name of p when it is a direct child of parent.
func childOf(parent, p string) (string, bool) {
	if p == "/" || parentPath(p) != parent {
		return "", false
	}
	return p[strings.LastIndexByte(p, '/')+1:], true
}

// inbox is an unbounded queue of events with a wake-up channel.
type inbox struct {
	mu    sync.Mutex
	queue []Event
	wake  chan struct{} // 1-buffered: "the queue may be non-empty"
	// sessions and ended: session events (sessioninbox.go).
	sessions []SessionEvent
	ended    bool
}

func (b *inbox) put(ev Event) {
	b.mu.Lock()
	b.queue = append(b.queue, ev)
	b.mu.Unlock()
	select {
	case b.wake <- struct{}{}:
	default:
	}
}

func (b *inbox) take() []Event {
	b.mu.Lock()
	defer b.mu.Unlock()
	q := b.queue
	b.queue = nil
	return q
}

// childRouter is a Client that routes child watch events (Conn does).
type childRouter interface {
	childEvents(parent string) (*inbox, func())
	// sessionEvents queues the session events in b instead of a
	// Sessions channel (sessioninbox.go).
	sessionEvents(b *inbox) func()
	// getRouted reads a znode's data and arms a data watch whose event
	// only the router sees: the library keeps no channel for it, nor
	// re-arms it after a reconnect (the watcher does, see disarmRouted).
	getRouted(path string) ([]byte, *Stat, error)
}

func (c *Conn) childEvents(parent string) (*inbox, func()) { return c.router.subscribe(parent) }

func (c *Conn) getRouted(path string) ([]byte, *Stat, error) { return c.zc.GetWCallback(path) }
