package testutil

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// A JVM per test would dominate the run time, so each test package shares
// one standalone server: TestMain runs the package under ZooKeeperMain, the
// first SharedZooKeeper call starts the server (a -short run, or a package
// whose tests never ask, starts none), and ZooKeeperMain stops it at the end.
// Tests keep apart by working under their own ZKPath.
type zkSharedState struct {
	mu      sync.Mutex
	managed bool
	started bool
	zk      *ZooKeeper
	err     error
}

var zkShared zkSharedState

const zkNeedsMain = "SharedZooKeeper needs the package's TestMain to run it: " +
	"func TestMain(m *testing.M) { os.Exit(testutil.ZooKeeperMain(m)) }"

// ZooKeeperMain runs the package's tests and then stops the shared ZooKeeper,
// if any test started it. Use it as
//
//	func TestMain(m *testing.M) { os.Exit(testutil.ZooKeeperMain(m)) }
func ZooKeeperMain(m *testing.M) int {
	return zkShared.main(m.Run)
}

// WithSharedZooKeeper is ZooKeeperMain for a TestMain that also manages
// other shared servers: run is the rest of the chain, ending in m.Run.
func WithSharedZooKeeper(run func() int) int {
	return zkShared.main(run)
}

func (s *zkSharedState) main(run func() int) int {
	s.mu.Lock()
	s.managed = true
	s.mu.Unlock()
	code := run()
	if err := s.stop(); err != nil {
		fmt.Fprintf(os.Stderr, "testutil: stop shared zookeeper: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

// SharedZooKeeper returns the package's shared standalone ZooKeeper, starting
// it on first use. It skips under -short and fails when ZooKeeper is not
// installed. Do not stop its nodes; use StartZooKeeper for that.
func SharedZooKeeper(t testing.TB) *ZooKeeper {
	t.Helper()
	requireZooKeeper(t)
	z, err := zkShared.get()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("shared zookeeper log:\n%s", z.LogTails(40))
		}
	})
	return z
}

func (s *zkSharedState) get() (*ZooKeeper, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.managed {
		return nil, errors.New(zkNeedsMain)
	}
	if !s.started {
		s.started = true
		s.zk, s.err = StartZooKeeperProcess()
		if s.err != nil {
			s.err = fmt.Errorf("start shared zookeeper: %w", s.err)
		} else {
			s.zk.shared = true
		}
	}
	return s.zk, s.err
}

func (s *zkSharedState) stop() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.zk == nil {
		return nil
	}
	return s.zk.Stop()
}

var zkPathSeq atomic.Int64

// ZKPath returns a znode path no other test (in this or a later -count run)
// uses: /testutil/<sanitized test name>-<pid>-<sequence>. It creates nothing.
func ZKPath(t testing.TB) string {
	return fmt.Sprintf("/testutil/%s-%d-%d", zkSanitize(t.Name()), os.Getpid(), zkPathSeq.Add(1))
}

// zkSanitize keeps a readable name that is a single safe znode component:
// subtest slashes and anything outside [A-Za-z0-9_-] become '_'.
func zkSanitize(name string) string {
	const maxLen = 80
	s := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			return r
		}
		return '_'
	}, name)
	if len(s) > maxLen {
		s = s[:maxLen]
	}
	if s == "" {
		s = "test"
	}
	return s
}
