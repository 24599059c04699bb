//go:build !linux

package haproxy

import "errors"

// probeBind finds nothing where SO_REUSEPORT's semantics are not Linux's.
func probeBind(string) error { return nil }

// processFDLimit is unknown here: slot pools are not capped by it.
var processFDLimit = func() (int, error) { return 0, errors.New("no RLIMIT_NOFILE here") }
