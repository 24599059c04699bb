package zk

import "context"

// waitRouted is waitAndApply for a Client that routes the children's data
// watch events to the inbox (a Conn): then the cases are fixed, so a plain
// select does what reflect.Select does for a channel per child, without
// building the cases on the heap for every wait, where the parked
// goroutine keeps them alive (2 KB per watcher, 2 MB at 1,000 services).
// Session events come through the inbox too (lp.sessions is nil).
func (w *ChildrenWatcher) waitRouted(ctx context.Context, lp *loop) (done bool, err error) {
	st := &w.st
	select {
	case <-ctx.Done():
		return true, nil
	case <-lp.resync:
		w.resyncDue(lp)
	case <-lp.retry:
		lp.retryDue()
	case <-w.wake():
		w.consumer.Woken()
	case ev, ok := <-st.childW:
		st.apply(watchRef{kind: refChildren}, eventOr(ev, ok))
	case ev, ok := <-st.dataW:
		st.apply(watchRef{kind: refData}, eventOr(ev, ok))
	case ev, ok := <-st.existW:
		st.apply(watchRef{kind: refExists}, eventOr(ev, ok))
	case <-st.inbox.wake:
		if w.takeInboxSessions(lp) {
			return w.sessionsEnded(ctx)
		}
	}
	st.collectFired(w.path)
	return false, nil
}

// The cases both waits (waitAndApply, waitRouted) handle alike.

// resyncDue makes the next refresh a full re-read and re-arms the timer.
func (w *ChildrenWatcher) resyncDue(lp *loop) {
	w.st.full = true
	lp.resynced()
}

// retryDue ends the backoff: the next refresh may run.
func (lp *loop) retryDue() { lp.retryTimer, lp.retry = nil, nil }

// takeInboxSessions handles the session events the inbox holds (the watch
// events are taken by collectFired after the wait) and reports whether
// the session stream ended.
func (w *ChildrenWatcher) takeInboxSessions(lp *loop) (ended bool) {
	evs, ended := w.st.inbox.takeSessions()
	for _, ev := range evs {
		w.onSession(ev.State, lp)
	}
	return ended
}

// eventOr is what a receive from a watch channel means: a closed channel
// is a watch that will not fire again.
func eventOr(ev Event, ok bool) Event {
	if !ok {
		return Event{Type: EventNotWatching}
	}
	return ev
}
