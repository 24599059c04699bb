package zk

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	gozk "github.com/smartstack-go/smartstack/third_party/go-zookeeper/zk"
)

// recorder collects published events.
type recorder struct {
	mu  sync.Mutex
	evs []SessionEvent
}

func (r *recorder) publish(ev SessionEvent) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.evs = append(r.evs, ev)
}

func (r *recorder) states() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, ev := range r.evs {
		s := ev.State.String()
		if ev.Presumed {
			s += "(presumed)"
		}
		out = append(out, s)
	}
	return out
}

func sessionEv(s gozk.State) gozk.Event { return gozk.Event{Type: gozk.EventSession, State: s} }

func TestTrackerFoldsLibraryStates(t *testing.T) {
	var rec recorder
	tr := newTracker(discardLogger(), -1, rec.publish)
	sid := int64(1)
	tr.sessionID = func() int64 { return sid }
	feed := func(states ...gozk.State) {
		for _, s := range states {
			tr.handle(sessionEv(s))
		}
	}
	// The library's real sequences: connect, a blip, an expiry.
	feed(gozk.StateConnecting, gozk.StateConnected, gozk.StateHasSession)
	feed(gozk.StateDisconnected, gozk.StateConnecting, gozk.StateDisconnected, gozk.StateConnected, gozk.StateHasSession)
	feed(gozk.StateDisconnected, gozk.StateConnecting, gozk.StateConnected, gozk.StateExpired, gozk.StateDisconnected)
	sid = 2
	feed(gozk.StateConnecting, gozk.StateConnected, gozk.StateHasSession)
	tr.handle(gozk.Event{Type: gozk.EventNotWatching, State: gozk.StateDisconnected}) // not a session event
	tr.close()
	feed(gozk.StateDisconnected) // Close's own transition is not reported

	want := "connected disconnected reconnected disconnected expired new-session"
	if got := strings.Join(rec.states(), " "); got != want {
		t.Fatalf("events %q, want %q", got, want)
	}
	select {
	case <-tr.firstUp:
	default:
		t.Fatal("firstUp not closed after the first session")
	}
	if rec.evs[4].SessionID != 1 || rec.evs[5].SessionID != 2 {
		t.Fatalf("expired carries %x, new carries %x; want 1 and 2", rec.evs[4].SessionID, rec.evs[5].SessionID)
	}
}

func TestTrackerPresumesExpiry(t *testing.T) {
	for _, tc := range []struct {
		name  string
		after func(tr *tracker, sid *int64)
		want  string
	}{
		{"server confirms: one expired, then new", func(tr *tracker, sid *int64) {
			tr.handle(sessionEv(gozk.StateExpired))
			*sid = 2
			tr.handle(sessionEv(gozk.StateHasSession))
		}, "connected disconnected expired(presumed) new-session"},
		{"session survived after all", func(tr *tracker, _ *int64) {
			tr.handle(sessionEv(gozk.StateHasSession))
		}, "connected disconnected expired(presumed) reconnected"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var rec recorder
			tr := newTracker(discardLogger(), 20*time.Millisecond, rec.publish)
			sid := int64(1)
			tr.sessionID = func() int64 { return sid }
			tr.handle(sessionEv(gozk.StateHasSession))
			tr.handle(sessionEv(gozk.StateDisconnected))
			waitFor(t, func() bool { return len(rec.states()) == 3 })
			tc.after(tr, &sid)
			if got := strings.Join(rec.states(), " "); got != tc.want {
				t.Fatalf("events %q, want %q", got, tc.want)
			}
		})
	}
}

func TestTrackerReconnectCancelsPresumption(t *testing.T) {
	var rec recorder
	tr := newTracker(discardLogger(), time.Hour, rec.publish) // never fires by itself
	tr.sessionID = func() int64 { return 1 }
	tr.handle(sessionEv(gozk.StateHasSession))
	tr.handle(sessionEv(gozk.StateDisconnected))
	if tr.timer == nil {
		t.Fatal("no presumption timer armed on disconnect")
	}
	tr.handle(sessionEv(gozk.StateHasSession))
	if tr.timer != nil {
		t.Fatal("presumption timer still armed after reconnecting")
	}
	tr.presume(1) // a timer that fired just as the session came back
	if got := strings.Join(rec.states(), " "); got != "connected disconnected reconnected" {
		t.Fatalf("events %q after a quick reconnect", got)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 2s")
		}
		time.Sleep(time.Millisecond)
	}
}

func TestHubDeliversEveryEventToEverySubscriber(t *testing.T) {
	h := newHub()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a, b := h.subscribe(ctx), h.subscribe(ctx)
	const n = 50 // far more than any buffer: nobody reads while publishing
	for i := range n {
		h.publish(SessionEvent{State: SessionDisconnected, SessionID: int64(i)})
	}
	for name, ch := range map[string]<-chan SessionEvent{"a": a, "b": b} {
		for i := range n {
			ev := <-ch
			if ev.SessionID != int64(i) {
				t.Fatalf("subscriber %s got %d at %d: lost or reordered", name, ev.SessionID, i)
			}
		}
	}
	cancel()
	if _, ok := <-a; ok {
		t.Fatal("channel still open after ctx cancel")
	}
	h.close()
	if _, ok := <-h.subscribe(context.Background()); ok {
		t.Fatal("subscription after close is open")
	}
}

func TestSlogPrintfLevels(t *testing.T) {
	var buf bytes.Buffer
	l := slogPrintf{slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	for _, tc := range []struct{ format, level string }{
		{"connected to %s", "DEBUG"},
		{"failed to connect to %s", "DEBUG"},
		{"Failed to set previous watches: %s", "WARN"},
		{"error in resending auth creds: %s", "WARN"},
	} {
		buf.Reset()
		l.Printf(tc.format, "127.0.0.1:2181")
		out := buf.String()
		if !strings.Contains(out, "level="+tc.level) || !strings.Contains(out, "127.0.0.1:2181") {
			t.Errorf("Printf(%q) logged %q, want level %s and the argument", tc.format, out, tc.level)
		}
	}
}
