package testutil

import (
	"fmt"
	"os"
	"sync"
	"testing"
)

// A broker takes seconds to start, so a test package shares one: TestMain
// runs the package under RabbitMQMain, the first SharedRabbitMQ call starts
// the broker (a -short run, or a package whose tests never ask, starts
// none) and RabbitMQMain stops it at the end. Tests keep apart by using
// their own queues (or, for nerve's check, accept that they share `nerve`).
var rabbitShared struct {
	mu      sync.Mutex
	managed bool
	started bool
	dir     string
	r       *RabbitMQ
	err     error
}

const rabbitNeedsMain = "SharedRabbitMQ needs the package's TestMain to run it: " +
	"func TestMain(m *testing.M) { os.Exit(testutil.RabbitMQMain(m)) }"

// RabbitMQMain runs the package's tests and then stops the shared broker, if
// a test started it. Use it as
//
//	func TestMain(m *testing.M) { os.Exit(testutil.RabbitMQMain(m)) }
func RabbitMQMain(m *testing.M) int {
	s := &rabbitShared
	s.mu.Lock()
	s.managed = true
	s.mu.Unlock()
	code := m.Run()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.r != nil {
		if err := s.r.Stop(); err != nil {
			fmt.Fprintf(os.Stderr, "testutil: stop shared rabbitmq: %v\n", err)
			if code == 0 {
				code = 1
			}
		}
	}
	if s.dir != "" {
		_ = os.RemoveAll(s.dir)
	}
	return code
}

// SharedRabbitMQ returns the package's shared broker, starting it on first
// use. It skips under -short and fails when RabbitMQ is not installed. Do
// not stop it; use StartRabbitMQ for that.
func SharedRabbitMQ(t testing.TB) *RabbitMQ {
	t.Helper()
	requireServer(t, "RabbitMQ", RabbitMQInstalled)
	s := &rabbitShared
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.managed {
		t.Fatal(rabbitNeedsMain)
	}
	if !s.started {
		s.started = true
		if s.dir, s.err = os.MkdirTemp("", "testutil-rabbitmq-"); s.err == nil {
			s.r, s.err = startRabbitMQ(s.dir)
		}
	}
	if s.err != nil {
		t.Fatalf("shared rabbitmq: %v", s.err)
	}
	return s.r
}
