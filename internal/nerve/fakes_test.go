package nerve

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/smartstack-go/smartstack/internal/reporter"
)

// fakeReporter records calls; errors are injected per method.
type fakeReporter struct {
	mu                      sync.Mutex
	pingErr, upErr, downErr error
	calls                   []string
	registered              bool
	wake                    chan struct{}
	stopped                 chan struct{}
	onPing                  func()
}

func newFakeReporter() *fakeReporter {
	return &fakeReporter{wake: make(chan struct{}, 1), stopped: make(chan struct{})}
}

func (f *fakeReporter) record(c string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, c)
}

func (f *fakeReporter) Start(context.Context) error { f.record("start"); return nil }
func (f *fakeReporter) Ping(context.Context) error {
	f.record("ping")
	if f.onPing != nil {
		f.onPing()
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.pingErr
}
func (f *fakeReporter) ReportUp(context.Context) error {
	f.record("up")
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.upErr == nil {
		f.registered = true
	}
	return f.upErr
}
func (f *fakeReporter) ReportDown(context.Context) error {
	f.record("down")
	f.mu.Lock()
	defer f.mu.Unlock()
	f.registered = false
	return f.downErr
}
func (f *fakeReporter) Stop(context.Context) error {
	f.record("stop")
	f.mu.Lock()
	f.registered = false
	f.mu.Unlock()
	close(f.stopped)
	return nil
}
func (f *fakeReporter) Wake() <-chan struct{} { return f.wake }

func (f *fakeReporter) set(fn func(f *fakeReporter)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f)
}

func (f *fakeReporter) count(c string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, x := range f.calls {
		if x == c {
			n++
		}
	}
	return n
}

func (f *fakeReporter) isRegistered() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.registered
}

// fakeCheck returns ok as set; runs counts calls.
type fakeCheck struct {
	ok   atomic.Bool
	runs atomic.Int64
	fn   func(ctx context.Context) error
}

var errDown = errors.New("down")

func (c *fakeCheck) Check(ctx context.Context) error {
	c.runs.Add(1)
	if c.fn != nil {
		return c.fn(ctx)
	}
	if c.ok.Load() {
		return nil
	}
	return errDown
}

func newCheck(ok bool) *fakeCheck {
	c := &fakeCheck{}
	c.ok.Store(ok)
	return c
}

type frozenClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *frozenClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *frozenClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func testEnv() env {
	return env{
		log: discard(), m: newMetrics(nil, nil), now: time.Now,
		maintenance: func(string) (maintenance, bool) { return maintenance{}, false },
		stopTimeout: time.Second,
	}
}

func specWith(rep reporter.Reporter, checks ...*fakeCheck) ServiceSpec {
	s := ServiceSpec{Name: "svc", CheckInterval: time.Millisecond,
		NewReporter: func() (reporter.Reporter, error) { return rep, nil }}
	for _, c := range checks {
		s.Checks = append(s.Checks, CheckSpec{Name: "c", Type: "fake", Rise: 1, Fall: 1, Check: c})
	}
	return s
}
