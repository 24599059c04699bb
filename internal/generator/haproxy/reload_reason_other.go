//go:build !linux

package haproxy

// probeBind finds nothing where SO_REUSEPORT's semantics are not Linux's.
func probeBind(string) error { return nil }
