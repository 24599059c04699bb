package nerve

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil/promlint"

	"github.com/smartstack-go/smartstack/internal/reporter"
	"github.com/smartstack-go/smartstack/test/testutil"
)

// fleet hands out fake reporters by service name and fingerprint.
type fleet struct {
	mu   sync.Mutex
	reps map[string][]*fakeReporter
}

func (f *fleet) spec(name, fp string) ServiceSpec {
	return ServiceSpec{Name: name, Fingerprint: fp, CheckInterval: time.Millisecond,
		NewReporter: func() (reporter.Reporter, error) {
			f.mu.Lock()
			defer f.mu.Unlock()
			r := newFakeReporter()
			f.reps[name+"@"+fp] = append(f.reps[name+"@"+fp], r)
			return r, nil
		}}
}

// registered lists name@fingerprint of every registered fake.
func (f *fleet) registered() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for k, rs := range f.reps {
		for _, r := range rs {
			if r.isRegistered() {
				out = append(out, k)
			}
		}
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

func (f *fleet) created(key string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.reps[key])
}

type testDaemon struct {
	d      *Daemon
	reload chan struct{}
	cancel context.CancelFunc
	done   chan error
	mu     sync.Mutex
	next   *Desired
	err    error
}

func startDaemon(t *testing.T, first *Desired, mod func(*Options)) *testDaemon {
	t.Helper()
	td := &testDaemon{reload: make(chan struct{}), done: make(chan error, 1), next: first}
	opts := Options{Logger: discard(), Registerer: prometheus.NewRegistry(), UpdateWait: 5 * time.Second,
		Load: func() (*Desired, error) {
			td.mu.Lock()
			defer td.mu.Unlock()
			return td.next, td.err
		}}
	if mod != nil {
		mod(&opts)
	}
	d, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	td.d = d
	ctx, cancel := context.WithCancel(context.Background())
	td.cancel = cancel
	go func() { td.done <- d.Run(ctx, td.reload) }()
	t.Cleanup(td.stop)
	return td
}

func (td *testDaemon) load(cfg *Desired, err error) {
	td.mu.Lock()
	td.next, td.err = cfg, err
	td.mu.Unlock()
	td.reload <- struct{}{}
}

func (td *testDaemon) stop() {
	td.cancel()
	<-td.done
	td.done <- nil // idempotent for t.Cleanup
}

func services(specs ...ServiceSpec) *Desired {
	m := map[string]ServiceSpec{}
	for _, s := range specs {
		m[s.Name] = s
	}
	return &Desired{Services: m}
}

func want(t *testing.T, f *fleet, exp string) {
	t.Helper()
	testutil.Eventually(t, 5*time.Second, func() error {
		if got := f.registered(); got != exp {
			return fmt.Errorf("registered %q, want %q", got, exp)
		}
		return nil
	})
}

// The original's reload rules: unchanged services keep their
// worker, removed ones deregister, changed ones are replaced, and a bad
// config keeps everything running.
func TestReloadDiff(t *testing.T) {
	f := &fleet{reps: map[string][]*fakeReporter{}}
	td := startDaemon(t, services(f.spec("s1", "1234"), f.spec("s2", "1235")), nil)
	want(t, f, "s1@1234 s2@1235")

	td.load(services(f.spec("s1_0", "1234"), f.spec("s1_1", "1234")), nil)
	want(t, f, "s1_0@1234 s1_1@1234")
	td.load(services(f.spec("s1", "1234")), nil)
	want(t, f, "s1@1234")
	td.load(services(f.spec("s1", "1236")), nil)
	want(t, f, "s1@1236")
	td.load(services(f.spec("s1", "1236"), f.spec("s4", "x")), nil)
	want(t, f, "s1@1236 s4@x")
	if n := f.created("s1@1236"); n != 1 {
		t.Fatalf("unchanged service s1 got %d reporters, want 1", n)
	}

	td.load(nil, errors.New("bad config"))
	td.load(services(f.spec("s1", "1236"), f.spec("s4", "x")), nil) // a sync point: the bad one was handled
	want(t, f, "s1@1236 s4@x")

	td.stop()
	if got := f.registered(); got != "" {
		t.Fatalf("registered after shutdown: %q", got)
	}
}

// A bad first config is the caller's error (exit 1).
func TestRunBadFirstConfig(t *testing.T) {
	d, err := New(Options{Load: func() (*Desired, error) { return nil, errors.New("bad") }})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Run(context.Background(), nil); err == nil {
		t.Fatal("want error")
	}
}

func TestMetricNamesLint(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := newMetrics(reg, nil)
	m.initMainLoop(reg, nil)
	m.report("s", "up", true)
	m.ping("s", true)
	m.launch("s", "new")
	m.stop("s", "clean")
	m.check(nil, "s", CheckSpec{Type: "http"}, true, true, time.Millisecond)
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	problems, err := promlint.NewWithMetricFamilies(mfs).Lint()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("%s: %s", p.Metric, p.Text)
	}
	if len(mfs) != 16 {
		t.Errorf("%d metric families, want 16", len(mfs))
	}
}
