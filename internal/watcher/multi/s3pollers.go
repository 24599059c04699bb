package multi

import (
	"context"
	"log/slog"
	"sync"
)

// pollers are the running s3_toggle pollers by source, shared by every
// resolver of the process that names the same object. The original stops
// its single poller for everybody when any resolver stops; here each
// poller runs while some resolver uses it.
var pollers = pollerSet{m: map[s3Source]*poller{}}

type pollerSet struct {
	mu sync.Mutex
	m  map[s3Source]*poller
}

// subscribe returns src's poller, starting it for the first subscriber, a
// one-slot channel that is signalled when the poller's state changes
// (at once if it already has one), and the function that unsubscribes.
// The last to leave stops the poller and waits for its goroutine.
func (ps *pollerSet) subscribe(src s3Source, opts pollOpts, log *slog.Logger, m *metrics) (*poller, <-chan struct{}, func()) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	p := ps.m[src]
	if p == nil {
		p = newPoller(src, opts, log, m)
		ps.m[src] = p
		ctx, cancel := context.WithCancel(context.Background())
		p.stop = cancel
		go p.loop(ctx)
	}
	p.refs++
	ch := make(chan struct{}, 1)
	p.mu.Lock()
	p.subs[ch] = true
	if p.st.attempted {
		ch <- struct{}{}
	}
	p.mu.Unlock()
	return p, ch, func() { ps.leave(p, ch) }
}

func (ps *pollerSet) leave(p *poller, ch chan struct{}) {
	ps.mu.Lock()
	p.mu.Lock()
	delete(p.subs, ch)
	p.mu.Unlock()
	p.refs--
	last := p.refs == 0
	if last {
		delete(ps.m, p.src)
	}
	ps.mu.Unlock()
	if last {
		p.stop()
		<-p.done
	}
}

// newPoller returns a poller that fetches src with the real S3 client,
// built at the first fetch (a failure to build it is a failed fetch).
func newPoller(src s3Source, opts pollOpts, log *slog.Logger, m *metrics) *poller {
	p := &poller{
		src: src, opts: opts, m: m,
		log:  log.With("s3_url", m.url(src)),
		subs: map[chan struct{}]bool{},
		done: make(chan struct{}),
	}
	var api getObjectAPI // the loop goroutine's only
	p.fetch = func(ctx context.Context) ([]byte, error) {
		if api == nil {
			c, err := newS3Client(ctx, src.aws)
			if err != nil {
				return nil, &fetchError{reasonS3, err}
			}
			api = c
		}
		return getObject(ctx, api, src.bucket, src.key)
	}
	return p
}
