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
		st.full = true
		lp.resynced()
	case <-lp.retry:
		lp.retryTimer, lp.retry = nil, nil
	case <-w.wake():
		w.consumer.Woken()
	case ev, ok := <-st.childW:
		st.apply(watchRef{kind: refChildren}, eventOr(ev, ok))
	case ev, ok := <-st.dataW:
		st.apply(watchRef{kind: refData}, eventOr(ev, ok))
	case ev, ok := <-st.existW:
		st.apply(watchRef{kind: refExists}, eventOr(ev, ok))
	case <-st.inbox.wake:
		// collectFired below takes the watch events.
		evs, ended := st.inbox.takeSessions()
		for _, ev := range evs {
			w.onSession(ev.State, lp)
		}
		if ended {
			return w.sessionsEnded(ctx)
		}
	}
	st.collectFired(w.path)
	return false, nil
}

// eventOr is what a receive from a watch channel means: a closed channel
// is a watch that will not fire again.
func eventOr(ev Event, ok bool) Event {
	if !ok {
		return Event{Type: EventNotWatching}
	}
	return ev
}
