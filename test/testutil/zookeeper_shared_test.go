package testutil

import (
	"strings"
	"testing"
)

func TestZKSanitize(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"TestFoo", "TestFoo"},
		{"TestFoo/sub case#01", "TestFoo_sub_case_01"},
		{"Test/../x", "Test____x"},
		{"", "test"},
		{strings.Repeat("a", 100), strings.Repeat("a", 80)},
	} {
		if got := zkSanitize(tc.in); got != tc.want {
			t.Errorf("zkSanitize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestZKPathIsUniquePerCall(t *testing.T) {
	a, b := ZKPath(t), ZKPath(t)
	if a == b {
		t.Fatalf("ZKPath returned %q twice", a)
	}
	if !strings.HasPrefix(a, "/testutil/TestZKPathIsUniquePerCall-") || strings.Count(a, "/") != 2 {
		t.Fatalf("ZKPath = %q, want /testutil/<test name>-...", a)
	}
}

func TestZKDumpHasSession(t *testing.T) {
	dump := "SessionTracker dump:\nSession Sets (2)/(1):\n0 expire at X:\n1 expire at Y:\n\t0x1000013e0680000\n" +
		"ephemeral nodes dump:\nSessions with Ephemerals (1):\n0x2000013e0680000:\n\t/e\n"
	for _, tc := range []struct {
		id   int64
		want bool
	}{
		{0x1000013e0680000, true},
		{0x2000013e0680000, true},
		{0x1000013e068, false}, // a prefix of a listed id is not listed
		{0x3000013e0680000, false},
	} {
		if got := zkDumpHasSession(dump, tc.id); got != tc.want {
			t.Errorf("zkDumpHasSession(%x) = %v, want %v", tc.id, got, tc.want)
		}
	}
}

// TestSharedZooKeeperLifecycle drives a private shared state the way
// ZooKeeperMain drives the package one (this package's tests have no
// TestMain of their own).
func TestSharedZooKeeperLifecycle(t *testing.T) {
	requireZooKeeper(t)
	var s zkSharedState
	if _, err := s.get(); err == nil || !strings.Contains(err.Error(), "ZooKeeperMain") {
		t.Fatalf("get without main = %v, want an error pointing at ZooKeeperMain", err)
	}
	var first *ZooKeeper
	code := s.main(func() int {
		a, err := s.get()
		if err != nil {
			t.Error(err)
			return 1
		}
		b, _ := s.get()
		if a != b || !a.shared {
			t.Errorf("second get returned another server (%p vs %p) or not marked shared", a, b)
		}
		if m, err := a.Mode(0); err != nil || m != "standalone" {
			t.Errorf("shared server mode %q, %v", m, err)
		}
		first = a
		return 0
	})
	if code != 0 || first == nil {
		t.Fatalf("main returned %d", code)
	}
	if _, err := first.Mode(0); err == nil {
		t.Fatal("shared server still answers after main returned")
	}
}
