package zk

// PATCHED (see PATCHED.md): not in upstream go-zookeeper. Watches re-sent
// after a reconnect so that nothing that changed while disconnected goes
// unreported.
//
// After a reconnect on the same session the client re-sends its watches
// with a zxid (setWatches); the server fires at once every watch whose
// znode changed after that zxid and re-arms the others. That replaces a
// full re-read only if the zxid is one the watches were known good at:
//   - Upstream takes the zxid when it builds the request, after the new
//     connection's loops started: a reply on the new connection (a request
//     queued while disconnected goes out first) can have moved it past
//     changes the old watches never reported. Here it is the zxid the
//     connect request carried, which no reply of the new connection has
//     touched.
//   - If the connection drops before every batch was answered, the next
//     reconnect re-sends with the older of the two zxids: an earlier zxid
//     only fires more events, never fewer.
//   - If the server answers a batch with an error, the watches are in
//     doubt: every one is dropped with EventNotWatching, as after an
//     expiry, so their owners re-read.
// Data watches armed by GetWCallback have no channel; they are recorded
// here (cbWatches) so that they are re-sent too.

import "sync/atomic"

// restoreState is guarded by Conn.watchersLock, except connectZxid, which
// only the connection loop's goroutine touches.
type restoreState struct {
	connectZxid int64  // LastZxidSeen of the latest connect request
	pending     bool   // a re-send has not been answered in full
	zxid        int64  // the zxid it used
	gen         uint64 // bumped per re-send, so a stale one's outcome is ignored
}

func (c *Conn) noteConnectZxid(zxid int64) { c.restore.connectZxid = zxid }

// restoreZxidLocked returns the zxid to re-send the watches with, and the
// generation of this re-send.
func (c *Conn) restoreZxidLocked() (int64, uint64) {
	r := &c.restore
	zxid := r.connectZxid
	if r.pending && r.zxid < zxid {
		zxid = r.zxid
	}
	r.pending, r.zxid = true, zxid
	r.gen++
	return zxid, r.gen
}

// restoreDone records that re-send gen was answered in full.
func (c *Conn) restoreDone(gen uint64) {
	c.watchersLock.Lock()
	defer c.watchersLock.Unlock()
	if c.restore.gen == gen {
		c.restore.pending = false
	}
}

// restoreFailed handles a re-send that failed. A lost connection leaves it
// pending for the next reconnect; an error the server answered with leaves
// the watches in doubt, so they are dropped and their owners told.
func (c *Conn) restoreFailed(gen uint64, answered bool, err error) {
	c.watchersLock.Lock()
	stale := c.restore.gen != gen
	cb := make([]string, 0, len(c.cbWatches))
	for p := range c.cbWatches {
		cb = append(cb, p)
	}
	c.watchersLock.Unlock()
	if stale || !answered {
		return
	}
	c.logger.Printf("server refused the re-sent watches, dropping them: %v", err)
	c.invalidateWatches(err)
	for _, p := range cb {
		c.sendEvent(Event{Type: EventNotWatching, State: StateDisconnected, Path: p, Err: err})
	}
}

// resendWatches sends one batch; answered reports that the server (not a
// lost connection) produced the outcome.
func (c *Conn) resendWatches(req *setWatches2Request) (answered bool, err error) {
	var got atomic.Bool
	recv := func(*request, *responseHeader, error) { got.Store(true) }
	if req.hasPersistent() {
		_, err = c.request(opSetWatches2, req, &setWatchesResponse{}, recv)
	} else {
		_, err = c.request(opSetWatches, req.v1(), &setWatchesResponse{}, recv)
	}
	return got.Load(), err
}

// recordCallbackWatch records a data watch GetWCallback armed. Called on
// the receive loop with the reply, before any later event is read.
func (c *Conn) recordCallbackWatch(path string) {
	c.watchersLock.Lock()
	defer c.watchersLock.Unlock()
	if c.cbWatches == nil {
		c.cbWatches = map[string]struct{}{}
	}
	c.cbWatches[path] = struct{}{}
}
