package zk

import (
	"fmt"
	"log/slog"
	"sync"
	"time"

	gozk "github.com/smartstack-go/smartstack/third_party/go-zookeeper/zk"
)

// SessionState is what a consumer must know about the ZooKeeper session; it
// folds go-zookeeper's connection states (Connecting, Connected, HasSession,
// Expired, Disconnected...) into the cases that call for different actions.
type SessionState int

const (
	// SessionConnected: the first session of this Conn is established.
	SessionConnected SessionState = iota + 1
	// SessionDisconnected: the connection is lost; the session may live on.
	SessionDisconnected
	// SessionReconnected: connected again within the same session, so
	// ephemeral znodes and watches survived (the library re-sent the watches).
	// After a presumed SessionExpired it means the presumption was wrong.
	SessionReconnected
	// SessionExpired: the session is gone, or presumed gone after a
	// disconnect longer than the session timeout. Its ephemerals are (or will
	// be) deleted and its watches are dead.
	SessionExpired
	// SessionNew: a new session replaced an expired one. Recreate
	// ephemerals, re-arm watches, re-read everything.
	SessionNew
)

func (s SessionState) String() string {
	switch s {
	case SessionConnected:
		return "connected"
	case SessionDisconnected:
		return "disconnected"
	case SessionReconnected:
		return "reconnected"
	case SessionExpired:
		return "expired"
	case SessionNew:
		return "new-session"
	}
	return fmt.Sprintf("SessionState(%d)", int(s))
}

// SessionEvent is one session state change.
type SessionEvent struct {
	State SessionState
	// SessionID is the session concerned: the live one for Connected,
	// Reconnected and New, the lost one for Disconnected and Expired.
	SessionID int64
	// Presumed marks an Expired inferred by the client from a disconnect
	// longer than the session timeout (the server has not said so yet: a
	// partitioned client hears of expiry only when it reconnects).
	Presumed bool
	Time     time.Time
}

// tracker turns the library's state callbacks into SessionEvents. It runs on
// the library's event loop, so it must never block: publishing only appends
// to each subscriber's queue.
type tracker struct {
	log         *slog.Logger
	presumeWait time.Duration // <= 0: never presume expiry
	sessionID   func() int64  // reads the library's session id; set before events flow
	publish     func(SessionEvent)

	mu       sync.Mutex
	closed   bool
	everUp   bool
	up       bool
	sid      int64 // last established session
	expired  bool  // Expired already published for sid
	timer    *time.Timer
	firstUp  chan struct{}
	disconnS time.Time
}

func newTracker(log *slog.Logger, presumeWait time.Duration, publish func(SessionEvent)) *tracker {
	return &tracker{log: log, presumeWait: presumeWait, publish: publish, firstUp: make(chan struct{})}
}

// handle is the go-zookeeper event callback.
func (t *tracker) handle(ev gozk.Event) {
	if ev.Type != gozk.EventSession {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return
	}
	switch ev.State {
	case gozk.StateHasSession:
		t.onSession(t.sessionID(), ev.Server)
	case gozk.StateDisconnected:
		t.onDisconnected()
	case gozk.StateExpired:
		t.onExpired(false)
	case gozk.StateAuthFailed:
		t.log.Warn("zookeeper authentication failed", "server", ev.Server)
	}
}

func (t *tracker) onSession(sid int64, server string) {
	t.stopTimerLocked()
	prev, wasExpired := t.sid, t.expired
	t.up, t.sid, t.expired = true, sid, false
	switch {
	case !t.everUp:
		t.everUp = true
		// Publish before releasing Connect: whoever subscribes after
		// Connect returns sees events from then on, never this one.
		t.emitLocked(SessionConnected, sid, false)
		close(t.firstUp)
		t.log.Info("zookeeper session established", "session", hexID(sid), "server", server)
	case sid == prev:
		t.emitLocked(SessionReconnected, sid, false)
		t.log.Info("zookeeper session reconnected", "session", hexID(sid), "server", server,
			"after", time.Since(t.disconnS).Round(time.Millisecond))
	default:
		if !wasExpired {
			// The library always reports Expired first; keep the stream
			// well-formed even if a future version does not.
			t.emitLocked(SessionExpired, prev, false)
		}
		t.emitLocked(SessionNew, sid, false)
		t.log.Warn("zookeeper new session after expiry", "session", hexID(sid), "old_session", hexID(prev), "server", server)
	}
}

func (t *tracker) onDisconnected() {
	if !t.up {
		return // connect retries repeat Disconnected; report the loss once
	}
	t.up = false
	t.disconnS = time.Now()
	t.emitLocked(SessionDisconnected, t.sid, false)
	t.log.Warn("zookeeper disconnected", "session", hexID(t.sid))
	if t.presumeWait > 0 && !t.expired {
		sid := t.sid
		t.timer = time.AfterFunc(t.presumeWait, func() { t.presume(sid) })
	}
}

func (t *tracker) presume(sid int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed || t.up || t.expired || t.sid != sid {
		return
	}
	t.log.Warn("zookeeper session presumed expired", "session", hexID(sid), "disconnected_for", t.presumeWait)
	t.onExpired(true)
}

func (t *tracker) onExpired(presumed bool) {
	if !t.everUp || t.expired {
		return
	}
	t.stopTimerLocked()
	t.expired = true
	t.emitLocked(SessionExpired, t.sid, presumed)
	if !presumed {
		t.log.Warn("zookeeper session expired", "session", hexID(t.sid))
	}
}

func (t *tracker) emitLocked(s SessionState, sid int64, presumed bool) {
	t.publish(SessionEvent{State: s, SessionID: sid, Presumed: presumed, Time: time.Now()})
}

func (t *tracker) stopTimerLocked() {
	if t.timer != nil {
		t.timer.Stop()
		t.timer = nil
	}
}

// close stops reporting: events after Close are the library shutting down.
func (t *tracker) close() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.closed = true
	t.stopTimerLocked()
}

func hexID(id int64) string { return fmt.Sprintf("0x%x", id) }
