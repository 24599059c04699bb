package testutil

import "syscall"

// rabbitSysProcAttr makes the kernel kill the broker and its epmd if the
// test binary dies without running its cleanups.
func rabbitSysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
