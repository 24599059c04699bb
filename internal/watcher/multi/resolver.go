package multi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"

	"gopkg.in/yaml.v3"

	"github.com/smartstack-go/smartstack/internal/labelfilter"
	"github.com/smartstack-go/smartstack/internal/watcher"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

// child is one child watcher and what it last reported. Run's goroutine
// writes it, Ping reads it: hence the lock.
type child struct {
	name    string
	w       watcher.Watcher
	filters []labelfilter.Filter // the child's own label filters

	mu        sync.Mutex
	good      bool // a good set has been received
	backends  []registration.Backend
	genConfig map[string]*yaml.Node // last non-empty, as nil means "no change"
	lastErr   error                 // of the latest snapshot; nil when fresh
}

// view is a consistent copy of a child's state.
type view struct {
	good      bool
	backends  []registration.Backend
	genConfig map[string]*yaml.Node
	lastErr   error
}

func (c *child) record(s watcher.Snapshot) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.lastErr = s.Err
	if s.Err != nil {
		return // stale beats partial: keep the last good set
	}
	c.good = true
	c.backends = slices.Clone(labelfilter.Keep(c.filters, s.Backends))
	if len(s.GeneratorConfig) > 0 {
		c.genConfig = s.GeneratorConfig
	}
}

func (c *child) view() view {
	c.mu.Lock()
	defer c.mu.Unlock()
	return view{good: c.good, backends: c.backends, genConfig: c.genConfig, lastErr: c.lastErr}
}

// fresh reports whether the child's latest round succeeded.
func (v view) fresh() bool { return v.good && v.lastErr == nil }

// ping asks the child's source when it can tell, else trusts its last round.
func (c *child) ping(ctx context.Context) error {
	if p, ok := c.w.(watcher.Pinger); ok {
		return p.Ping(ctx)
	}
	v := c.view()
	switch {
	case v.lastErr != nil:
		return v.lastErr
	case !v.good:
		return errors.New("has not reported yet")
	}
	return nil
}

// merged is a resolver's result; ok is false when no child has a good set.
type merged struct {
	backends  []registration.Backend
	genConfig map[string]*yaml.Node
	ok        bool
}

// resolver merges the children's latest good sets.
type resolver interface {
	merge() merged
	ping(ctx context.Context) error
}

// sourced is a resolver with a source of its own (s3_toggle's object). Run
// runs it beside the children until ctx ends; it signals changed (without
// blocking) when a new merge may give a different set.
type sourced interface {
	run(ctx context.Context, changed chan<- struct{})
}

// resolverEnv is what a resolver may need besides its config.
type resolverEnv struct {
	service   string
	log, base *slog.Logger // the service's logger, and the daemon's
	m         *metrics
}

func newResolver(c ResolverConfig, children []*child, env resolverEnv) resolver {
	switch lower(c.Method) {
	case ResolverUnion:
		return union{children: children}
	case ResolverSequential:
		return &sequential{children: ordered(children, c.SequentialOrder), log: env.log}
	case ResolverS3Toggle:
		return newS3Toggle(env.service, c, children, env.log, env.base, env.m)
	default: // base, the only other method Validate lets through
		return base{}
	}
}

// ordered returns children in the order names lists them.
func ordered(children []*child, names []string) []*child {
	out := make([]*child, 0, len(names))
	for _, n := range names {
		if i := slices.IndexFunc(children, func(c *child) bool { return c.name == n }); i >= 0 {
			out = append(out, children[i])
		}
	}
	return out
}

// base is the original's stub resolver: no backends, always healthy.
type base struct{}

func (base) merge() merged              { return merged{backends: []registration.Backend{}, ok: true} }
func (base) ping(context.Context) error { return nil }

// union concatenates every child's last good set in config order. Dedupe is
// left to the service state, which dedupes every watcher's set.
type union struct{ children []*child }

func (u union) merge() merged {
	var m merged
	for _, c := range u.children {
		v := c.view()
		if !v.good {
			continue
		}
		m.ok = true
		m.backends = append(m.backends, v.backends...)
		if m.genConfig == nil && len(v.genConfig) > 0 {
			m.genConfig = v.genConfig
		}
	}
	if m.ok && m.backends == nil {
		m.backends = []registration.Backend{}
	}
	return m
}

func (u union) ping(ctx context.Context) error {
	var errs []error
	for _, c := range u.children {
		err := c.ping(ctx)
		if err == nil {
			return nil
		}
		errs = append(errs, fmt.Errorf("%s: %w", c.name, err))
	}
	return fmt.Errorf("no child watcher is healthy: %w", errors.Join(errs...))
}

// sequential picks one child: the first in order whose latest round
// succeeded with backends; failing that, the first with a non-empty stale
// set (stale beats empty); failing that, the first in order.
type sequential struct {
	children []*child
	log      *slog.Logger

	mu      sync.Mutex
	current string
}

func (s *sequential) merge() merged {
	views := make([]view, len(s.children))
	for i, c := range s.children {
		views[i] = c.view()
	}
	i := pick(views)
	s.switchTo(s.children[i].name)
	v := views[i]
	if !v.good {
		return merged{} // pick found no child with a good set

	}
	return merged{backends: slices.Clip(v.backends), genConfig: v.genConfig, ok: true}
}

func pick(views []view) int {
	for i, v := range views {
		if v.fresh() && len(v.backends) > 0 {
			return i
		}
	}
	for i, v := range views {
		if v.good && len(v.backends) > 0 {
			return i
		}
	}
	for i, v := range views {
		if v.good {
			return i
		}
	}
	return 0
}

func (s *sequential) switchTo(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.current != "" && s.current != name {
		s.log.Info("sequential resolver switched child", "from", s.current, "to", name)
	}
	s.current = name
}

func (s *sequential) ping(ctx context.Context) error {
	s.mu.Lock()
	name := s.current
	s.mu.Unlock()
	c := s.children[0]
	if i := slices.IndexFunc(s.children, func(c *child) bool { return c.name == name }); i >= 0 {
		c = s.children[i]
	}
	if err := c.ping(ctx); err != nil {
		return fmt.Errorf("current child %s: %w", c.name, err)
	}
	return nil
}
