package zk

import (
	"context"
	"sync"
)

// hub fans session events out to subscribers. publish runs on the library's
// event loop and must not block, so each subscriber has an unbounded queue
// and a pump goroutine that hands events to its channel: a slow consumer
// delays only itself, and no consumer ever misses a state change.
type hub struct {
	done chan struct{} // closed by close, when the Conn closes
	wg   sync.WaitGroup

	mu      sync.Mutex
	subs    map[*subscriber]struct{}
	inboxes map[*inbox]struct{} // see sessioninbox.go
}

type subscriber struct {
	mu    sync.Mutex
	queue []SessionEvent
	wake  chan struct{} // 1-buffered: "the queue may be non-empty"
	out   chan SessionEvent
}

func newHub() *hub {
	return &hub{done: make(chan struct{}), subs: map[*subscriber]struct{}{}}
}

// close ends every subscription and waits for the pumps to exit.
func (h *hub) close() {
	h.mu.Lock()
	select {
	case <-h.done:
	default:
		close(h.done)
		for b := range h.inboxes {
			b.endSessions()
		}
	}
	h.mu.Unlock()
	h.wg.Wait()
}

func (h *hub) publish(ev SessionEvent) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for b := range h.inboxes {
		b.putSession(ev)
	}
	for s := range h.subs {
		s.mu.Lock()
		s.queue = append(s.queue, ev)
		s.mu.Unlock()
		select {
		case s.wake <- struct{}{}:
		default:
		}
	}
}

// subscribe returns a channel of every event published from now on. It is
// closed when ctx ends or the Conn closes.
func (h *hub) subscribe(ctx context.Context) <-chan SessionEvent {
	s := &subscriber{wake: make(chan struct{}, 1), out: make(chan SessionEvent)}
	h.mu.Lock()
	select {
	case <-h.done:
		h.mu.Unlock()
		close(s.out)
		return s.out
	default:
	}
	h.subs[s] = struct{}{}
	h.wg.Add(1) // under mu, so close's Wait cannot start between check and Add
	h.mu.Unlock()
	go h.pump(ctx, s)
	return s.out
}

func (h *hub) pump(ctx context.Context, s *subscriber) {
	defer h.wg.Done()
	defer close(s.out)
	defer func() {
		h.mu.Lock()
		delete(h.subs, s)
		h.mu.Unlock()
	}()
	for {
		s.mu.Lock()
		batch := s.queue
		s.queue = nil
		s.mu.Unlock()
		for _, ev := range batch {
			select {
			case s.out <- ev:
			case <-ctx.Done():
				return
			case <-h.done:
				return
			}
		}
		select {
		case <-s.wake:
		case <-ctx.Done():
			return
		case <-h.done:
			return
		}
	}
}
