package zookeeper

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/internal/watcher"
	"github.com/smartstack-go/smartstack/internal/zk"
	"github.com/smartstack-go/smartstack/pkg/registration"
	"github.com/smartstack-go/smartstack/test/testutil"
)

func TestMain(m *testing.M) { os.Exit(testutil.ZooKeeperMain(m)) }

const waitLong = 15 * time.Second

// zkConn is a plain connection for setting up znodes.
func zkConn(t *testing.T, servers []string) *zk.Conn {
	t.Helper()
	c, err := zk.Connect(context.Background(), servers, zk.Options{SessionTimeout: 4 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

func testConfig(hosts []string, path string) *Config {
	c := NewConfig()
	c.Hosts, c.Path = hosts, path
	c.SessionTimeout = config.Duration(4 * time.Second)
	c.RetryPolicy.BaseInterval = config.Duration(50 * time.Millisecond)
	c.RetryPolicy.MaxInterval = config.Duration(time.Second)
	return c
}

// logs collects log records for assertions on what was logged how often.
type logs struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logs) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logs) count(substr string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Count(l.buf.String(), substr)
}

func (l *logs) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// running is a watcher under test, its pool private to the test.
type running struct {
	w    watcher.Watcher
	b    *base
	pool *Pool
	logs *logs
	out  chan watcher.Snapshot
	last watcher.Snapshot
	stop func() // cancels Run and waits for it
}

// start builds a watcher of method from cfg and runs it until the test ends.
// dial, if not nil, replaces the real dial (to wrap the connection).
func start(t *testing.T, method string, cfg any, dial dialFunc) *running {
	t.Helper()
	r := &running{logs: &logs{}, out: make(chan watcher.Snapshot), pool: NewPool()}
	if dial != nil {
		r.pool.dial = dial
	}
	w, err := watcher.New(method, "svc", cfg, watcher.Options{Logger: r.logs.logger()})
	if err != nil {
		t.Fatal(err)
	}
	r.w = w
	switch v := w.(type) {
	case *Watcher:
		r.b = v.base
	case *PollWatcher:
		r.b = v.base
	}
	r.b.pool = r.pool
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx, r.out) }()
	var once sync.Once
	r.stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("Run = %v, want nil after cancel", err)
				}
			case <-time.After(5 * time.Second):
				t.Error("Run did not return within 5s of cancel")
			}
		})
	}
	t.Cleanup(r.stop)
	return r
}

// await reads snapshots until cond accepts one.
func (r *running) await(t *testing.T, what string, cond func(watcher.Snapshot) error) watcher.Snapshot {
	t.Helper()
	deadline := time.After(waitLong)
	err := fmt.Errorf("no snapshot yet")
	for {
		select {
		case s := <-r.out:
			r.last = s
			if err = cond(s); err == nil {
				return s
			}
		case <-deadline:
			t.Fatalf("%s: not seen within %s: %v", what, waitLong, err)
		}
	}
}

// backends requires exactly these backends, as their JSON, in order.
func backends(want ...string) func(watcher.Snapshot) error {
	return func(s watcher.Snapshot) error {
		if s.Err != nil {
			return fmt.Errorf("snapshot error: %w", s.Err)
		}
		if s.Service != "svc" {
			return fmt.Errorf("service %q", s.Service)
		}
		got := renderBackends(s.Backends)
		if w := strings.Join(want, "\n"); got != w {
			return fmt.Errorf("backends\n%s\nwant\n%s", got, w)
		}
		return nil
	}
}

func renderBackends(bs []registration.Backend) string {
	var lines []string
	for _, b := range bs {
		j, err := b.MarshalJSON()
		if err != nil {
			return err.Error()
		}
		lines = append(lines, string(j))
	}
	return strings.Join(lines, "\n")
}

func mustCreate(t *testing.T, c zk.Client, path, data string, flags int32) string {
	t.Helper()
	p, err := c.Create(path, []byte(data), flags, zk.OpenACL)
	if err != nil {
		t.Fatalf("create %s: %v", path, err)
	}
	return p
}

func mustEnsure(t *testing.T, c zk.Client, path string) {
	t.Helper()
	if err := zk.EnsurePath(context.Background(), c, path); err != nil {
		t.Fatal(err)
	}
}

func contextWithCancel(t *testing.T) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	return ctx, cancel
}
