package zk

import (
	"slices"
	"testing"
)

func TestHubInboxSubscription(t *testing.T) {
	h := newHub()
	b := &inbox{wake: make(chan struct{}, 1)}
	unsubscribe := h.subscribeInbox(b)
	h.publish(SessionEvent{State: SessionDisconnected, SessionID: 1})
	h.publish(SessionEvent{State: SessionReconnected, SessionID: 1})
	select {
	case <-b.wake:
	default:
		t.Fatal("no wake-up after a session event")
	}
	evs, ended := b.takeSessions()
	if got := states(evs); ended || !slices.Equal(got, []SessionState{SessionDisconnected, SessionReconnected}) {
		t.Fatalf("took %v (ended %v), want Disconnected, Reconnected", got, ended)
	}
	if evs, _ := b.takeSessions(); len(evs) != 0 {
		t.Fatalf("taken twice: %v", states(evs))
	}

	unsubscribe()
	h.publish(SessionEvent{State: SessionNew, SessionID: 2})
	if evs, _ := b.takeSessions(); len(evs) != 0 {
		t.Fatalf("after unsubscribe: %v", states(evs))
	}

	c := &inbox{wake: make(chan struct{}, 1)}
	defer h.subscribeInbox(c)()
	h.close()
	if _, ended := c.takeSessions(); !ended {
		t.Fatal("hub closed, stream not ended")
	}
	late := &inbox{wake: make(chan struct{}, 1)}
	h.subscribeInbox(late)()
	if _, ended := late.takeSessions(); !ended {
		t.Fatal("subscribed after close, stream not ended")
	}
}

func states(evs []SessionEvent) []SessionState {
	out := make([]SessionState, len(evs))
	for i, ev := range evs {
		out[i] = ev.State
	}
	return out
}
