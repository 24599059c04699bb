package multi

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"
)

// initialWatcher is the s3_toggle resolver's child until the object picks
// another: the original's DEFAULT_WATCHER, the service's own discovery
// section under discovery_multi.
const initialWatcher = "primary"

// s3Toggle follows an S3 object of weights: each new object content draws
// one child watcher, and the merged set is that child's alone. A missing,
// unreadable or invalid object, or one that names no known child, keeps
// the current child.
type s3Toggle struct {
	service  string
	children []*child
	src      s3Source
	opts     pollOpts
	log      *slog.Logger // the service's
	pollLog  *slog.Logger // for the shared poller: no service
	m        *metrics

	mu      sync.Mutex
	current string
	ready   bool   // the first fetch has been attempted
	unknown string // the last unknown pick warned about
}

func newS3Toggle(service string, c ResolverConfig, children []*child, log, base *slog.Logger, m *metrics) *s3Toggle {
	bucket, key, _ := parseS3URL(c.S3URL) // Validate checked it
	current := children[0].name           // without a primary, the first child (the original fails)
	if slices.ContainsFunc(children, func(c *child) bool { return c.name == initialWatcher }) {
		current = initialWatcher
	}
	return &s3Toggle{
		service: service, children: children, log: log, m: m,
		src:     s3Source{bucket: bucket, key: key, interval: time.Duration(c.S3PollingInterval), aws: c.AWS},
		opts:    defaultPollOpts(),
		pollLog: base.With("resolver", ResolverS3Toggle),
		current: current,
	}
}

// run follows the shared poller of the object until ctx ends, signalling
// changed when the merged set may differ: at the first fetch's end (the
// merge waits for it, so a restart does not briefly route to a child the
// object has switched away from) and on every switch.
func (s *s3Toggle) run(ctx context.Context, changed chan<- struct{}) {
	p, wake, leave := pollers.subscribe(s.src, s.opts, s.pollLog, s.m)
	defer leave()
	for {
		select {
		case <-ctx.Done():
			return
		case <-wake:
		}
		if s.follow(p.state()) {
			select {
			case changed <- struct{}{}:
			default: // a signal is pending already
			}
		}
	}
}

// follow applies the poller's state and reports whether to re-merge.
func (s *s3Toggle) follow(st pollState) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !st.attempted {
		return false
	}
	first := !s.ready
	s.ready = true
	switch {
	case st.pick == "" || st.pick == s.current:
		return first
	case s.child(st.pick) == nil:
		if st.pick != s.unknown {
			s.log.Warn("s3 toggle picked an unknown watcher; keeping the current one",
				"picked", st.pick, "current", s.current)
			s.unknown = st.pick
		}
		return first
	}
	s.log.Info("s3 toggle switched watcher", "from", s.current, "to", st.pick)
	s.m.switches.WithLabelValues(s.service, st.pick).Inc()
	s.current = st.pick
	return true
}

func (s *s3Toggle) child(name string) *child {
	if i := slices.IndexFunc(s.children, func(c *child) bool { return c.name == name }); i >= 0 {
		return s.children[i]
	}
	return nil
}

// merge is the current child's last good set; nothing until the first
// fetch has been attempted.
func (s *s3Toggle) merge() merged {
	s.mu.Lock()
	ready, c := s.ready, s.child(s.current)
	s.mu.Unlock()
	if !ready {
		return merged{}
	}
	v := c.view()
	if !v.good {
		return merged{}
	}
	return merged{backends: slices.Clip(v.backends), genConfig: v.genConfig, ok: true}
}

// ping is the current child's health, as the original's.
func (s *s3Toggle) ping(ctx context.Context) error {
	s.mu.Lock()
	c := s.child(s.current)
	s.mu.Unlock()
	if err := c.ping(ctx); err != nil {
		return fmt.Errorf("current child %s: %w", c.name, err)
	}
	return nil
}
