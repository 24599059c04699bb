package zk

import "math/rand/v2"

// watchRestorer is a Client whose watches survive a reconnect on the same
// session: the library re-sends all of them, the routed data watches
// included, with the last zxid the client saw, and the server fires those
// whose znodes changed meanwhile (see third_party/go-zookeeper/zk's
// restore.go). Conn is one.
type watchRestorer interface{ restoresWatches() bool }

func (c *Conn) restoresWatches() bool { return true }

// onReconnect handles a reconnect or a new session. A new session has no
// watches left, and events may have been lost while away: re-read
// everything, soon (after the jitter) rather than at the end of a backoff.
// A reconnect on the same session needs no re-read in classic mode on a
// watchRestorer: the re-sent watches report what changed, each event
// followed by the partial refresh it calls for, as always. In persistent
// mode the server replays nothing for the recursive watch, so it re-reads.
func (w *ChildrenWatcher) onReconnect(lp *loop, s SessionState) {
	if s == SessionReconnected && w.watchesRestored() {
		if !w.st.pending() {
			return
		}
		// A refresh failed while away (its backoff is pending): retry now.
	} else {
		w.st.full = true
		w.st.disarmRouted()
	}
	lp.stopRetry()
	lp.backoff.Reset()
	if j := w.opts.ResyncJitter; j > 0 {
		lp.delay(rand.N(j))
	}
}

// watchesRestored reports whether the library restores every watch this
// watcher holds after a reconnect.
func (w *ChildrenWatcher) watchesRestored() bool {
	r, ok := w.c.(watchRestorer)
	return ok && r.restoresWatches() && w.pw == nil && w.routed != nil
}
