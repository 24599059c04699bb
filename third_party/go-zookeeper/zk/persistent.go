package zk

// PATCHED (see PATCHED.md): not in upstream go-zookeeper. Persistent and
// persistent recursive watches (ZooKeeper 3.6+).

import (
	"errors"
)

// Errors the persistent-watch requests can answer with; upstream maps these
// codes to a generic "unknown error".
var (
	// ErrUnimplemented: the server does not know the request (a server
	// older than 3.6 answering addWatch; it also closes the connection).
	ErrUnimplemented = errors.New("zk: operation not implemented by the server")
	// ErrMarshallingError: the server could not handle the request's
	// content (for addWatch, a server whose watch manager has no modes).
	ErrMarshallingError = errors.New("zk: marshalling error")
	// ErrNoWatcher: removeWatches found nothing to remove.
	ErrNoWatcher = errors.New("zk: no such watcher")
)

// addWatch modes (ZooDefs.AddWatchModes).
const (
	addWatchModePersistent          int32 = 0
	addWatchModePersistentRecursive int32 = 1
)

// watcherTypeAny is removeWatches' "every watch on the path" (the only
// type that removes a persistent watch on 3.6–3.8 servers).
const watcherTypeAny int32 = 3

type addWatchRequest struct {
	Path string
	Mode int32
}

type addWatchResponse struct{}

type removeWatchesRequest struct {
	Path string
	Type int32
}

type removeWatchesResponse struct{}

type setWatches2Request struct {
	RelativeZxid               int64
	DataWatches                []string
	ExistWatches               []string
	ChildWatches               []string
	PersistentWatches          []string
	PersistentRecursiveWatches []string
}

func newSetWatches2Request(zxid int64) *setWatches2Request {
	return &setWatches2Request{
		RelativeZxid: zxid,
		DataWatches:  []string{}, ExistWatches: []string{}, ChildWatches: []string{},
		PersistentWatches: []string{}, PersistentRecursiveWatches: []string{},
	}
}

func (r *setWatches2Request) hasPersistent() bool {
	return len(r.PersistentWatches) > 0 || len(r.PersistentRecursiveWatches) > 0
}

// v1 is the request as plain setWatches, which servers before 3.6 accept.
func (r *setWatches2Request) v1() *setWatchesRequest {
	return &setWatchesRequest{
		RelativeZxid: r.RelativeZxid,
		DataWatches:  r.DataWatches, ExistWatches: r.ExistWatches, ChildWatches: r.ChildWatches,
	}
}

// AddWatch sets a persistent watch on path (ZooKeeper 3.6+), recursive
// when recursive is set: it fires for path and, recursive, for every
// descendant at any depth, and is not removed by firing. The path need
// not exist.
//
// Its events reach the connection's event callback (WithEventCallback)
// alone; no channel is made. A recursive watch gets NodeCreated,
// NodeDeleted and NodeDataChanged, never NodeChildrenChanged; a
// non-recursive one also gets NodeChildrenChanged for path. Events carry no
// data.
//
// The watch is re-sent after a reconnect (setWatches2), but the server
// replays nothing that changed while disconnected: re-read after a
// reconnect. After a session expiry (or Close) it is dropped, with one
// EventNotWatching (Err set) to the event callback; add it again on the
// new session.
//
// A server older than 3.6 answers ErrUnimplemented (and closes the
// connection, the session survives).
func (c *Conn) AddWatch(path string, recursive bool) error {
	if err := validatePath(path, false); err != nil {
		return err
	}
	mode := addWatchModePersistent
	if recursive {
		mode = addWatchModePersistentRecursive
	}
	_, err := c.request(opAddWatch, &addWatchRequest{Path: path, Mode: mode}, &addWatchResponse{},
		func(_ *request, _ *responseHeader, err error) {
			// Recorded on the receive loop, before any later reply or event
			// is read, and only once the server has it.
			if err != nil {
				return
			}
			c.watchersLock.Lock()
			defer c.watchersLock.Unlock()
			if c.persistent == nil {
				c.persistent = map[string]bool{}
			}
			c.persistent[path] = recursive
		})
	return err
}

// RemoveAllWatches removes every watch this session holds on path, a
// persistent one included, on the server and locally (one-shot watch
// channels get EventNotWatching). Servers before 3.9 know no narrower
// removal of a persistent watch. ErrNoWatcher: there was none.
func (c *Conn) RemoveAllWatches(path string) error {
	if err := validatePath(path, false); err != nil {
		return err
	}
	_, err := c.request(opRemoveWatches, &removeWatchesRequest{Path: path, Type: watcherTypeAny},
		&removeWatchesResponse{}, nil)
	if err != nil && !errors.Is(err, ErrNoWatcher) {
		return err
	}
	c.watchersLock.Lock()
	defer c.watchersLock.Unlock()
	delete(c.persistent, path)
	for _, t := range []watchType{watchTypeData, watchTypeExist, watchTypeChild} {
		wpt := watchPathType{path, t}
		for _, ch := range c.watchers[wpt] {
			ch <- Event{Type: EventNotWatching, State: StateConnected, Path: path}
			close(ch)
		}
		delete(c.watchers, wpt)
	}
	return err
}

// ForgetPersistentWatch drops the local record of path's persistent watch
// without asking the server: it is not re-sent after the next reconnect and
// its events, should the server still send some on this connection, reach
// the event callback as any event does. For when the connection is down
// (the server drops a connection's watches with it) and a request would
// wait for the reconnect.
func (c *Conn) ForgetPersistentWatch(path string) {
	c.watchersLock.Lock()
	defer c.watchersLock.Unlock()
	delete(c.persistent, path)
}

// PersistentWatches returns the persistent watches this connection will
// re-send after a reconnect, path → recursive.
func (c *Conn) PersistentWatches() map[string]bool {
	c.watchersLock.Lock()
	defer c.watchersLock.Unlock()
	out := make(map[string]bool, len(c.persistent))
	for p, r := range c.persistent {
		out[p] = r
	}
	return out
}

// invalidatePersistentLocked drops the persistent watches when the session
// is gone, telling the event callback once per path.
func (c *Conn) invalidatePersistentLocked(err error) {
	for path := range c.persistent {
		c.sendEvent(Event{Type: EventNotWatching, State: StateDisconnected, Path: path, Err: err})
	}
	c.persistent = nil
}
