package zk

// Session events for the ChildrenWatchers of a Conn go to the inbox they
// already wait on for watch events, rather than through Sessions: a
// Sessions channel costs a pump goroutine for as long as it is followed,
// and synapse runs one ChildrenWatcher per service (1,000 goroutines,
// their stacks and queues, at the scale benchmark's 1,000 services).

// putSession queues a session event. It runs on the library's event loop
// (through hub.publish), so it never blocks.
func (b *inbox) putSession(ev SessionEvent) {
	b.mu.Lock()
	b.sessions = append(b.sessions, ev)
	b.mu.Unlock()
	b.signal()
}

// endSessions records that no session event will follow: the Conn closed.
func (b *inbox) endSessions() {
	b.mu.Lock()
	b.ended = true
	b.mu.Unlock()
	b.signal()
}

func (b *inbox) signal() {
	select {
	case b.wake <- struct{}{}:
	default:
	}
}

// takeSessions returns the queued session events, and whether the stream
// has ended.
func (b *inbox) takeSessions() ([]SessionEvent, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	q := b.sessions
	b.sessions = nil
	return q, b.ended
}

// subscribeInbox makes b receive every session event published from now
// on, and the end of the stream when the hub closes; the returned function
// ends the subscription.
func (h *hub) subscribeInbox(b *inbox) func() {
	h.mu.Lock()
	defer h.mu.Unlock()
	select {
	case <-h.done:
		b.endSessions()
		return func() {}
	default:
	}
	if h.inboxes == nil {
		h.inboxes = map[*inbox]struct{}{}
	}
	h.inboxes[b] = struct{}{}
	return func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		delete(h.inboxes, b)
	}
}

func (c *Conn) sessionEvents(b *inbox) func() { return c.hub.subscribeInbox(b) }
