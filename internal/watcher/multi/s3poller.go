package multi

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/smartstack-go/smartstack/internal/awsconf"
	"github.com/smartstack-go/smartstack/internal/backoff"
)

// Fetch tunables of the s3_toggle poller (ours): one fetch is bounded by
// s3RequestTimeout; failed fetches back off from the polling interval up
// to s3MaxBackoff (never below the interval).
const (
	s3RequestTimeout = 10 * time.Second
	s3MaxBackoff     = 5 * time.Minute
)

// s3Source is one polled object. Resolvers naming the same source share
// one poller, hence one fetch and one weighted pick, as the original's
// process-wide poller keyed by bucket, key and interval.
type s3Source struct {
	bucket, key string
	interval    time.Duration
	aws         awsconf.Keys
}

// pollOpts are the poller's clock and dice; fields so tests can pin them.
type pollOpts struct {
	requestTimeout time.Duration
	maxBackoff     time.Duration
	randN          func(int64) int64                 // the weighted draw: [0, n)
	jitter         func() float64                    // backoff factor U in [0.5, 1)
	splay          func(time.Duration) time.Duration // phase of the schedule: (0, interval]
}

func defaultPollOpts() pollOpts {
	return pollOpts{
		requestTimeout: s3RequestTimeout,
		maxBackoff:     s3MaxBackoff,
		randN:          rand.Int64N,
		jitter:         backoff.Jitter,
		splay:          func(d time.Duration) time.Duration { return d - rand.N(d) },
	}
}

// pollState is what subscribers read: whether a fetch has been attempted
// and the current pick ("" until one is made).
type pollState struct {
	attempted bool
	pick      string
}

// poller fetches one S3 object on its schedule and tells its subscribers
// when its state changes. Its goroutine is owned by the pollers registry:
// started by the first subscriber, stopped and waited for when the last
// one leaves.
type poller struct {
	src   s3Source
	opts  pollOpts
	log   *slog.Logger
	m     *metrics
	fetch func(ctx context.Context) ([]byte, error)

	mu      sync.Mutex
	subs    map[chan struct{}]bool
	st      pollState
	t       toggle
	problem string // the last fetch problem logged, so a lasting one logs once

	stop context.CancelFunc
	done chan struct{}
	refs int // guarded by the registry's lock
}

// state returns the current state.
func (p *poller) state() pollState {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.st
}

// notifyLocked wakes every subscriber without blocking: each has a
// one-slot channel, and a pending wake-up already covers this one.
func (p *poller) notifyLocked() {
	for ch := range p.subs {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

// loop fetches at once, then on the schedule next gives, until ctx ends.
func (p *poller) loop(ctx context.Context) {
	defer close(p.done)
	timer := time.NewTimer(0)
	defer timer.Stop()
	fails, first := 0, true
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		}
		start := time.Now()
		err := p.round(ctx)
		if ctx.Err() != nil {
			return
		}
		fails = nextFails(fails, err)
		timer.Reset(max(p.next(fails, first)-time.Since(start), 0))
		first = false
	}
}

// nextFails counts consecutive S3 failures; a readable object that is not
// valid weights is not retried sooner or later than the interval.
func nextFails(fails int, err error) int {
	var fe *fetchError
	if errors.As(err, &fe) && fe.reason == reasonS3 {
		return fails + 1
	}
	return 0
}

// next is the delay before the next fetch. The first fetch happens at
// start so a restarted synapse follows the toggle at once; the one after
// it is splayed within an interval, the original's random phase, so a
// fleet restarted together does not fetch in step. Failed fetches back
// off exponentially with jitter, the retry policy's formula.
func (p *poller) next(fails int, first bool) time.Duration {
	iv := p.src.interval
	switch {
	case fails > 0:
		return backoff.Exponential(iv, p.opts.maxBackoff, fails, p.opts.jitter())
	case first:
		return p.opts.splay(iv)
	}
	return iv
}

// round fetches and applies the object once and returns the fetch's
// error. The state changes, and subscribers are told, on the first
// attempt and on every new pick.
func (p *poller) round(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, p.opts.requestTimeout)
	defer cancel()
	body, err := p.fetch(ctx)
	var ws []weight
	if err == nil {
		ws, err = parseWeights(body)
	}
	if ctx.Err() != nil && ctx.Err() != context.DeadlineExceeded {
		return ctx.Err() // stopping: do not count or log
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.report(err)
	changed := !p.st.attempted
	p.st.attempted = true
	if err == nil && p.t.apply(ws, p.opts.randN) {
		p.log.Info("s3 toggle picked a watcher", "watcher", p.t.pick, "weights", weightMap(ws))
		changed = changed || p.t.pick != p.st.pick
		p.st.pick = p.t.pick
	}
	if changed {
		p.notifyLocked()
	}
	return err
}

// report logs a fetch problem once while it lasts, and its end, and
// counts every failed fetch.
func (p *poller) report(err error) {
	if err == nil {
		if p.problem != "" {
			p.log.Info("s3 toggle object readable again; following it")
		}
		p.problem = ""
		return
	}
	reason := reasonS3
	var fe *fetchError
	if errors.As(err, &fe) {
		reason = fe.reason
	}
	p.m.s3Failures.WithLabelValues(p.m.url(p.src), reason).Inc()
	if msg := err.Error(); msg != p.problem {
		p.log.Warn("s3 toggle object unusable; keeping the current watcher", "reason", reason, "err", err)
		p.problem = msg
	}
}
