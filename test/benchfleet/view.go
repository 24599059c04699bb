package main

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/smartstack-go/smartstack/pkg/registration"
)

// view is what every stack currently sees of every service, and the probe
// that times a change's arrival in all of them. Stacks call update from
// their own goroutines after each snapshot they apply.
type view struct {
	mu       sync.Mutex
	index    map[string]int             // service name → column
	backends [][][]registration.Backend // [stack][service]
	errors   int                        // discovery error snapshots seen
	probe    *probe
}

func newView(stacks int, services []string) *view {
	v := &view{index: map[string]int{}, backends: make([][][]registration.Backend, stacks)}
	for i, s := range services {
		v.index[s] = i
	}
	for i := range v.backends {
		v.backends[i] = make([][]registration.Backend, len(services))
	}
	return v
}

// target is a backend a probe waits for: present, or gone.
type target struct {
	addr    string // host:port
	present bool
}

func (t target) met(bs []registration.Backend) bool {
	return hasAddr(bs, t.addr) == t.present
}

func hasAddr(bs []registration.Backend, addr string) bool {
	for _, b := range bs {
		if b.Host+":"+b.Port.String() == addr {
			return true
		}
	}
	return false
}

// probe waits until every stack meets every target (one per service at
// most) and keeps the moment each stack met its last one.
type probe struct {
	targets map[int]target // service column → target
	met     [][]bool       // [stack][service]
	left    []int          // targets each stack still misses
	stacks  int            // stacks still missing one
	at      []time.Time    // when each stack met its last target
	done    chan struct{}
}

// arm starts a probe; the stacks already meeting a target count at once.
func (v *view) arm(targets map[string]target) (*probe, error) {
	p := &probe{targets: map[int]target{}, done: make(chan struct{})}
	for svc, t := range targets {
		col, ok := v.index[svc]
		if !ok {
			return nil, fmt.Errorf("probe: unknown service %q", svc)
		}
		p.targets[col] = t
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	n := len(v.backends)
	p.met, p.left, p.at, p.stacks = make([][]bool, n), make([]int, n), make([]time.Time, n), n
	for s := range n {
		p.met[s] = make([]bool, len(v.index))
		p.left[s] = len(p.targets)
		for col := range p.targets {
			v.check(p, s, col, time.Now())
		}
	}
	if p.stacks == 0 {
		close(p.done)
	}
	v.probe = p
	return p, nil
}

// check marks stack s's service col as met if it now is; v.mu held.
func (v *view) check(p *probe, s, col int, now time.Time) {
	t, ok := p.targets[col]
	if !ok || p.met[s][col] || !t.met(v.backends[s][col]) {
		return
	}
	p.met[s][col] = true
	p.left[s]--
	if p.left[s] > 0 {
		return
	}
	p.at[s] = now
	p.stacks--
	if p.stacks == 0 {
		close(p.done)
	}
}

// update records stack s's current backends of service svc.
func (v *view) update(s int, svc string, bs []registration.Backend) {
	now := time.Now()
	v.mu.Lock()
	defer v.mu.Unlock()
	col := v.index[svc]
	v.backends[s][col] = bs
	if p := v.probe; p != nil && p.stacks > 0 {
		v.check(p, s, col, now)
	}
}

func (v *view) failed() {
	v.mu.Lock()
	v.errors++
	v.mu.Unlock()
}

// wait returns each stack's moment of meeting its targets once all have.
func (p *probe) wait(ctx context.Context, timeout time.Duration) ([]time.Time, error) {
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-p.done:
		return p.at, nil
	case <-t.C:
		return nil, fmt.Errorf("not every stack saw the change within %v", timeout)
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// complete reports whether every stack sees want backends of every
// service.
func (v *view) complete(want int) bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, row := range v.backends {
		for _, bs := range row {
			if len(bs) != want {
				return false
			}
		}
	}
	return true
}

func addr(host string, port int) string { return host + ":" + strconv.Itoa(port) }

func (v *view) errorCount() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.errors
}
