package testutil

import "syscall"

// etcdSysProcAttr makes the kernel kill the server if the test binary dies
// without running its cleanups, so no server outlives it.
func etcdSysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
