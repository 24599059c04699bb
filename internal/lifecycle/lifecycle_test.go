package lifecycle

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

type recorder struct {
	mu   sync.Mutex
	msgs []string
}

func (r *recorder) Notify(s string) { r.mu.Lock(); r.msgs = append(r.msgs, s); r.mu.Unlock() }

func (r *recorder) all() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.msgs...)
}

func get(t *testing.T, h http.Handler, path string) int {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
	return rec.Code
}

func TestReadyAndReload(t *testing.T) {
	r := &recorder{}
	l := New(r, 0)
	mux := http.NewServeMux()
	l.Routes(mux)
	if c := get(t, mux, "/ready"); c != 503 {
		t.Fatalf("/ready before ready: %d", c)
	}
	l.Reloading()
	l.Reloaded("reloaded")
	if got := r.all(); len(got) != 2 || strings.Contains(got[1], Ready) {
		t.Fatalf("a reload before ready sent READY: %q", got)
	}
	if !l.MarkReady("up") || l.MarkReady("again") {
		t.Fatal("MarkReady should succeed once")
	}
	if c := get(t, mux, "/ready"); c != 200 {
		t.Fatalf("/ready after ready: %d", c)
	}
	l.Reloading()
	l.Reloaded("config error: x\nline two")
	got := r.all()
	want := []string{"READY=1\nSTATUS=up", "", "READY=1\nSTATUS=config error: x; line two"}
	if got[2] != want[0] || !strings.HasPrefix(got[3], "RELOADING=1\nMONOTONIC_USEC=") || strings.Contains(got[3], "\n\n") || got[4] != want[2] {
		t.Fatalf("messages %q", got)
	}
}

func TestHealthAndWatchdog(t *testing.T) {
	r := &recorder{}
	l := New(r, time.Minute)
	b := l.NewBeat("main loop")
	now := time.Now()
	l.now = func() time.Time { return now }
	mux := http.NewServeMux()
	l.Routes(mux)
	if c := get(t, mux, "/healthz"); c != 200 {
		t.Fatalf("/healthz fresh: %d", c)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); l.RunWatchdog(ctx, time.Millisecond) }()
	deadline := time.Now().Add(5 * time.Second)
	for len(r.all()) < 3 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if got := r.all(); len(got) < 3 || got[0] != Watchdog {
		t.Fatalf("watchdog messages %q", got)
	}
	// A hung loop: the clock moves on, the beat does not.
	b.last.Store(now.Add(-2 * time.Minute).UnixNano())
	if c := get(t, mux, "/healthz"); c != 503 {
		t.Fatalf("/healthz stale: %d", c)
	}
	time.Sleep(5 * time.Millisecond) // a ping in flight when the beat went stale
	n := len(r.all())
	time.Sleep(20 * time.Millisecond)
	if m := len(r.all()); m != n {
		t.Fatalf("a hung loop kept the watchdog fed: %d -> %d pings", n, m)
	}
	cancel()
	<-done
}

func TestStatusOneLine(t *testing.T) {
	if got := Status("a\n  b   c\n"); got != "STATUS=a; b c;" {
		t.Fatalf("%q", got)
	}
}
