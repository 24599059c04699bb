//go:build !linux

package testutil

import "testing"

// BlackholePort relies on Linux dropping SYNs while a listener's accept
// queue is full; elsewhere the tests that need a connect to hang are skipped.
func BlackholePort(t testing.TB) int {
	t.Skip("needs Linux: a SYN black hole from a full accept queue")
	return 0
}
