package reporter

import (
	"fmt"
	"io"
	"sync"
)

// Pool shares connections between reporters by key (for ZooKeeper: the
// sorted host list), closing each when its last user releases it. The
// original pools the same way; without it every service would hold its own
// ZooKeeper session.
type Pool struct {
	mu    sync.Mutex
	conns map[string]*pooled
}

type pooled struct {
	c    io.Closer
	refs int
}

// NewPool returns an empty pool.
func NewPool() *Pool { return &Pool{conns: map[string]*pooled{}} }

// Acquire returns the connection for key, opening it with open on first use.
// Call release exactly once when done; the last release closes it.
func (p *Pool) Acquire(key string, open func() (io.Closer, error)) (c io.Closer, release func() error, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	e, ok := p.conns[key]
	if !ok {
		c, err := open()
		if err != nil {
			return nil, nil, fmt.Errorf("open %s: %w", key, err)
		}
		e = &pooled{c: c}
		p.conns[key] = e
	}
	e.refs++
	var once sync.Once
	release = func() error {
		var err error
		once.Do(func() { err = p.release(key, e) })
		return err
	}
	return e.c, release, nil
}

func (p *Pool) release(key string, e *pooled) error {
	p.mu.Lock()
	e.refs--
	last := e.refs == 0
	if last && p.conns[key] == e {
		delete(p.conns, key)
	}
	p.mu.Unlock()
	if last {
		return e.c.Close()
	}
	return nil
}

// Len is the number of open connections, for the pool-size gauge.
func (p *Pool) Len() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.conns)
}
