// Package testutil starts the real parts the tests run against (ZooKeeper,
// HAProxy) and holds small polling and port helpers. Every process it starts
// is stopped by PID on t.Cleanup.
package testutil

import (
	"fmt"
	"net"
	"testing"
	"time"
)

// pollInterval is short because conditions are cheap and the tests measure
// propagation in milliseconds; a long interval would hide latency.
const pollInterval = 5 * time.Millisecond

// Eventually polls cond until it returns nil or timeout passes, then fails the
// test with the last error cond returned. Use it instead of sleeping.
func Eventually(t testing.TB, timeout time.Duration, cond func() error) {
	t.Helper()
	if err := Poll(timeout, cond); err != nil {
		t.Fatalf("condition not met within %s: %v", timeout, err)
	}
}

// Poll is Eventually without a testing.TB, for helpers that report errors.
func Poll(timeout time.Duration, cond func() error) error {
	deadline := time.Now().Add(timeout)
	for {
		err := cond()
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return err
		}
		time.Sleep(pollInterval)
	}
}

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago.
// The tiny race between closing and reuse is accepted: the helpers that start
// servers retry on a bind failure.
func FreePort(t testing.TB) int {
	t.Helper()
	p, err := freePort()
	if err != nil {
		t.Fatalf("free port: %v", err)
	}
	return p
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("listen on loopback: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
