package lifecycle

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultStaleAfter is how old a loop's last iteration may be before the
// daemon counts as hung, when no watchdog interval sets it.
const DefaultStaleAfter = 60 * time.Second

// Lifecycle is one daemon's readiness and liveness. Ready is sticky:
// once the daemon served its first complete state it stays ready through
// reloads, as the running config keeps serving while a new one loads.
type Lifecycle struct {
	n          Notifier
	staleAfter time.Duration
	ready      atomic.Bool
	now        func() time.Time
	mu         sync.Mutex // guards now and beats
	beats      []*Beat
}

// New builds a Lifecycle sending through n (nil: Nop). A loop whose last
// iteration is older than staleAfter (0: DefaultStaleAfter) makes the
// daemon unhealthy and stops the watchdog keep-alive.
func New(n Notifier, staleAfter time.Duration) *Lifecycle {
	if n == nil {
		n = Nop{}
	}
	if staleAfter <= 0 {
		staleAfter = DefaultStaleAfter
	}
	return &Lifecycle{n: n, staleAfter: staleAfter, now: time.Now}
}

// SetClock replaces time.Now for judging ages, for tests that make a
// loop look hung.
func (l *Lifecycle) SetClock(now func() time.Time) {
	l.mu.Lock()
	l.now = now
	l.mu.Unlock()
}

// StaleAfter is the age at which a loop counts as hung.
func (l *Lifecycle) StaleAfter() time.Duration { return l.staleAfter }

// Status sends a STATUS= line.
func (l *Lifecycle) Status(s string) { l.n.Notify(Status(s)) }

// MarkReady makes the daemon ready, sending READY=1 and status the first
// time only; it reports whether this call did it.
func (l *Lifecycle) MarkReady(status string) bool {
	if !l.ready.CompareAndSwap(false, true) {
		return false
	}
	l.n.Notify(Ready + "\n" + Status(status))
	return true
}

// Ready reports whether MarkReady was called.
func (l *Lifecycle) Ready() bool { return l.ready.Load() }

// Reloading announces a reload (SIGHUP or a watched file).
func (l *Lifecycle) Reloading() { l.n.Notify(Reloading() + "\n" + Status("reloading the config")) }

// Reloaded ends a reload with its outcome. READY=1 is sent only once the
// daemon was ready before: a reload during start-up does not make it so.
func (l *Lifecycle) Reloaded(status string) {
	msg := Status(status)
	if l.Ready() {
		msg = Ready + "\n" + msg
	}
	l.n.Notify(msg)
}

// Stopping announces the shutdown.
func (l *Lifecycle) Stopping(status string) { l.n.Notify(Stopping + "\n" + Status(status)) }

// Beat is one loop's last iteration time. A loop Marks it every
// iteration; its age says whether the loop still runs.
type Beat struct {
	name string
	last atomic.Int64 // unix nanoseconds
}

// Mark records an iteration now.
func (b *Beat) Mark() { b.last.Store(time.Now().UnixNano()) }

// NewBeat registers a loop, counted as having just iterated.
func (l *Lifecycle) NewBeat(name string) *Beat {
	b := &Beat{name: name}
	b.Mark()
	l.mu.Lock()
	l.beats = append(l.beats, b)
	l.mu.Unlock()
	return b
}

// Alive is nil while every loop iterated within StaleAfter, else an error
// naming the stale loop.
func (l *Lifecycle) Alive() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	for _, b := range l.beats {
		if age := now.Sub(time.Unix(0, b.last.Load())); age > l.staleAfter {
			return fmt.Errorf("%s has not run for %s (bound %s)", b.name, age.Round(time.Millisecond), l.staleAfter)
		}
	}
	return nil
}

// RunWatchdog sends WATCHDOG=1 every interval while Alive; a hung loop
// stops the keep-alive, so systemd kills and restarts the daemon. It
// returns when ctx ends; interval 0 returns at once.
func (l *Lifecycle) RunWatchdog(ctx context.Context, interval time.Duration) {
	if interval <= 0 {
		return
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if l.Alive() == nil {
			l.n.Notify(Watchdog)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Routes adds GET /ready (503 until MarkReady, then 200) and GET /healthz
// (200 while every loop runs, 503 naming the stale one otherwise).
func (l *Lifecycle) Routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /ready", func(w http.ResponseWriter, _ *http.Request) {
		if !l.Ready() {
			http.Error(w, "not ready", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ready")
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		if err := l.Alive(); err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ok")
	})
}
