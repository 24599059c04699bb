//go:build !linux

package testutil

import "syscall"

// haproxySysProcAttr puts the master in its own process group, which its
// workers inherit.
func haproxySysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}

// haproxyGroup has no portable process listing outside Linux; Stop relies on
// the master stopping its workers there.
func haproxyGroup(int) []int { return nil }
